"""Content negotiation: what representation a client's Accept header asks for."""

from __future__ import annotations

from aiohttp import web

ACTIVITY_JSON = "application/activity+json"
LD_JSON = "application/ld+json"


def _accepted(request: web.Request) -> list[tuple[float, str, str]]:
    """(quality, media type, parameters) per Accept entry, best first; `*/*` if absent."""
    header = request.headers.get("Accept", "*/*")
    entries = []
    for position, item in enumerate(header.split(",")):
        media_type, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        other = []
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
            else:
                other.append(param)
        if media_type and quality > 0:
            entries.append((quality, -position, media_type.lower(), ";".join(other)))
    entries.sort(reverse=True)
    return [(quality, media_type, params) for quality, _, media_type, params in entries]


def preferred(request: web.Request) -> str | None:
    """'activity' for ActivityPub JSON, 'html' for a page, None if neither is acceptable.

    `application/ld+json` counts as ActivityPub with or without the ActivityStreams profile,
    as Mastodon treats it. A client accepting anything (`*/*`) gets the HTML page.
    """
    for _, media_type, _params in _accepted(request):
        if media_type in (ACTIVITY_JSON, LD_JSON):
            return "activity"
        if media_type in ("text/html", "application/xhtml+xml", "text/*", "*/*"):
            return "html"
    return None


def activity_response(document: dict) -> web.Response:
    response = web.json_response(document, content_type="application/activity+json")
    response.headers["Vary"] = "Accept"
    return response
