"""Paging as Mastodon does it: `max_id`, `since_id`, `min_id`, `limit` in; a `Link` header out.

`Link: <…?max_id=OLDEST>; rel="next", <…?min_id=NEWEST>; rel="prev"` on the instance's
public URL, keeping the request's other query parameters (but not `access_token`), and
only when the page is not empty.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from fedinet.store.paging import Page
from fedinet.web.context import settings_of
from fedinet.web.mastodon.params import params

CURSORS = ("max_id", "since_id", "min_id")
NOT_KEPT = (*CURSORS, "access_token")


async def requested_page(request: web.Request, *, default: int = 20, maximum: int = 40) -> Page:
    """The cursors and limit asked for; a limit past `maximum` is lowered to it, as Mastodon does."""
    given = await params(request)
    limit = given.integer("limit", default, low=0, high=2**31) or default
    return Page(
        max_id=given.integer("max_id"),
        since_id=given.integer("since_id"),
        min_id=given.integer("min_id"),
        limit=min(limit, maximum),
    )


def link_header(request: web.Request, newest: int, oldest: int, *, prev_cursor: str = "min_id") -> str:
    kept = [(name, value) for name, value in request.query.items() if name not in NOT_KEPT]
    base = settings_of(request).url(request.path)
    return ", ".join(
        f'<{base}?{urlencode([*kept, (cursor, str(value))])}>; rel="{rel}"'
        for rel, cursor, value in (("next", "max_id", oldest), ("prev", prev_cursor, newest))
    )


def paged_json(
    request: web.Request, body: list[Any], keys: list[int], *, prev_cursor: str = "min_id"
) -> web.Response:
    """`body` with a Link header to the pages around it; `keys` are its paging ids, newest first."""
    response = web.json_response(body)
    if keys:
        response.headers["Link"] = link_header(request, keys[0], keys[-1], prev_cursor=prev_cursor)
    return response
