"""Remote posts → the fields of a `Status` row (ActivityStreams → internal).

Read as Mastodon reads them: `Note` and `Question` (a poll's text, without its options)
keep their content; `Article` and `Page` become their title and a link to them. The id
and `attributedTo` must be on one host; content is sanitised; visibility comes from
`to`/`cc`; mentions and hashtags from `tag`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from fedinet.clock import parse_utc
from fedinet.federation.addressing import visibility_from_audience
from fedinet.federation.inbox import object_id, origin
from fedinet.federation.proposal_parsing import parse_proposal
from fedinet.federation.sanitize import html_to_plain_text, sanitize_html

NOTE_TYPES = ("Note", "Question", "Proposal")  # Proposal: FEP-0837 (ASK-1)
CONVERTED_TYPES = ("Article", "Page")
MAX_CONTENT = 100_000  # characters of sanitised HTML
MAX_SUMMARY = 1_000
MAX_ITEMS = 100  # mentions, hashtags, addressees
_HASHTAG = re.compile(r"\w*[^\W\d]\w*")  # at least one letter or underscore
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,2}")


class InvalidNote(ValueError):
    """The object is not a post fedinet can store; the message says why."""


@dataclass(frozen=True)
class ParsedNote:
    uri: str
    actor_uri: str
    url: str | None
    content: str
    summary: str
    sensitive: bool
    language: str | None
    visibility: str
    in_reply_to_uri: str | None
    addressed_to: list[str]
    published_at: datetime
    edited_at: datetime | None
    mentions: dict[str, str] = field(default_factory=dict)  # actor URI → name as written
    tags: list[str] = field(default_factory=list)
    proposal: dict[str, Any] | None = None  # `Proposal` columns of an ask or offer

    def row_fields(self) -> dict[str, Any]:
        """Values for the `Status` columns (author, mentions, tags, proposal are stored apart)."""
        skipped = ("actor_uri", "mentions", "tags", "proposal")
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name not in skipped}


def is_post(document: Any) -> bool:
    return isinstance(document, dict) and _type(document) in NOTE_TYPES + CONVERTED_TYPES


def attributed_to(document: dict[str, Any]) -> str | None:
    """The post's author: `attributedTo` as a URI or object, or the first of a list."""
    value = document.get("attributedTo")
    return next(
        (uri for uri in map(object_id, value if isinstance(value, list) else [value]) if uri), None
    )


def parse_note(document: Any, followers_url: str | None) -> ParsedNote:
    """Validate a post; `followers_url` is its author's (to tell followers-only posts)."""
    if not is_post(document):
        raise InvalidNote("not a Note, Question, Article or Page")
    uri = document.get("id")
    if not _is_http_url(uri):
        raise InvalidNote("the post has no http(s) id")
    author = attributed_to(document)
    if author is None or not _is_http_url(author) or origin(author) != origin(uri):
        raise InvalidNote(f"{uri} is not attributed to an actor on its own host")
    content, summary = _texts(document, uri)
    if len(content) > MAX_CONTENT:
        raise InvalidNote(f"{uri} is longer than {MAX_CONTENT} characters")
    to, cc = _uris(document.get("to")), _uris(document.get("cc"))
    return ParsedNote(
        uri=uri,
        actor_uri=author,
        url=_url(document.get("url"), uri),
        content=content,
        summary=summary,
        sensitive=document.get("sensitive") is True,
        language=_language(document),
        visibility=visibility_from_audience(to, cc, followers_url),
        in_reply_to_uri=_http_or_none(object_id(document.get("inReplyTo"))),
        addressed_to=list(dict.fromkeys(to + cc))[:MAX_ITEMS],
        published_at=parse_utc(document.get("published")) or datetime.now(UTC),
        edited_at=parse_utc(document.get("updated")),
        mentions=_mentions(document.get("tag")),
        tags=_hashtags(document.get("tag")),
        proposal=parse_proposal(document),
    )


def _type(document: dict[str, Any]) -> str | None:
    kind = document.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k in NOTE_TYPES + CONVERTED_TYPES), None)
    return kind if isinstance(kind, str) else None


def _language_map(document: dict[str, Any], name: str) -> tuple[str | None, str]:
    """(language, text) from `name` or else the first entry of `nameMap`."""
    value = document.get(name)
    mapping = document.get(f"{name}Map")
    if isinstance(mapping, dict):
        for language, text in mapping.items():
            if isinstance(text, str):
                return language, value if isinstance(value, str) and value else text
    return None, value if isinstance(value, str) else ""


def _texts(document: dict[str, Any], uri: str) -> tuple[str, str]:
    """(sanitised content, plain-text summary)."""
    _, summary = _language_map(document, "summary")
    plain_summary = html_to_plain_text(summary)[:MAX_SUMMARY]
    if _type(document) in CONVERTED_TYPES:
        _, title = _language_map(document, "name")
        link = html.escape(_url(document.get("url"), uri) or uri)
        heading = f"<p>{html.escape(title)}</p>" if title else ""  # `name` is plain text
        return sanitize_html(f'{heading}<p><a href="{link}">{link}</a></p>'), plain_summary
    _, content = _language_map(document, "content")
    if not content and isinstance(document.get("name"), str):  # a proposal with only a title
        content = f"<p>{html.escape(document['name'])}</p>"
    return sanitize_html(content), plain_summary


def _language(document: dict[str, Any]) -> str | None:
    for name in ("content", "name", "summary"):
        language, _ = _language_map(document, name)
        if language is not None:
            return language if _LANGUAGE.fullmatch(language) else None
    return None


def _mentions(tags: Any) -> dict[str, str]:
    mentions: dict[str, str] = {}
    for tag in _as_list(tags):
        if isinstance(tag, dict) and tag.get("type") == "Mention" and _is_http_url(tag.get("href")):
            name = tag.get("name")
            mentions.setdefault(tag["href"], name[:512] if isinstance(name, str) else "")
    return dict(list(mentions.items())[:MAX_ITEMS])


def _hashtags(tags: Any) -> list[str]:
    names: list[str] = []
    for tag in _as_list(tags):
        if isinstance(tag, dict) and tag.get("type") == "Hashtag" and isinstance(tag.get("name"), str):
            name = tag["name"].removeprefix("#").lower()
            if _HASHTAG.fullmatch(name) and len(name) <= 255 and name not in names:
                names.append(name)
    return names[:MAX_ITEMS]


def _url(value: Any, uri: str) -> str | None:
    """The HTML link of a post, on the post's own host (as Mastodon accepts it)."""
    for candidate in _as_list(value):
        if isinstance(candidate, dict):
            if candidate.get("mediaType", "text/html") != "text/html":
                continue
            candidate = candidate.get("href")
        if _is_http_url(candidate) and origin(candidate) == origin(uri) and len(candidate) <= 2048:
            return candidate
    return None


def _uris(value: Any) -> list[str]:
    return [uri for uri in (object_id(item) for item in _as_list(value)) if uri is not None]



def _is_http_url(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 2048 and urlsplit(value).scheme in ("http", "https")


def _http_or_none(value: str | None) -> str | None:
    return value if _is_http_url(value) else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
