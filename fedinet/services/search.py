"""Search as Mastodon does it without a full-text index: accounts by handle or name prefix,
hashtags by prefix, statuses and accounts by address. With `resolve`, an unknown handle
is looked up over WebFinger and an unknown URL fetched from its origin before answering."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from fedinet.config import Settings
from fedinet.federation.actor_parsing import InvalidActor, parse_actor
from fedinet.federation.note_parsing import (
    InvalidNote,
    attributed_to,
    is_post,
    parse_note,
)
from fedinet.federation.transport import FetchError, Transport
from fedinet.services import statuses
from fedinet.services.errors import ServiceError
from fedinet.services.remote_actors import fetch_actor, find_actor, store_remote_actor
from fedinet.store import actors as actor_queries
from fedinet.store import search as queries
from fedinet.store.database import Database
from fedinet.store.models import Actor, Status

KINDS = ("accounts", "statuses", "hashtags")
HANDLE = re.compile(r"@?([\w.-]+)@([\w.-]+(?::\d+)?)")


@dataclass
class SearchResults:
    accounts: list[Actor] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Query:
    """What to look for: one `kind` (None: all), `following` only the viewer's follows."""

    text: str
    kind: str | None = None
    resolve: bool = False
    following: bool = False
    limit: int = 20
    offset: int = 0

    def wants(self, kind: str) -> bool:
        return self.kind in (None, kind)


async def search(
    db: Database, transport: Transport, settings: Settings, viewer: Actor | None, query: Query
) -> SearchResults:
    """Results as `viewer` (None: anonymous) may see them."""
    text = query.text.strip()
    if text.startswith(("https://", "http://")):
        found = await _by_address(db, transport, text, query.resolve)
        results = SearchResults()
        if isinstance(found, Actor) and query.wants("accounts"):
            results.accounts.append(found)
        elif isinstance(found, Status) and query.wants("statuses") and await _visible(db, found, viewer):
            results.statuses.append(found)
        return results
    handle = HANDLE.fullmatch(text)
    results = SearchResults()
    if query.wants("accounts"):
        if handle and query.offset == 0:
            results.accounts = await _by_handle(db, transport, settings, handle, query.resolve)
        if not handle or not results.accounts:
            async with db.session() as session:
                results.accounts = await queries.accounts_by_prefix(
                    session, text.lstrip("@"), limit=query.limit, offset=query.offset,
                    followed_by=viewer.id if query.following and viewer is not None else None,
                )
    if query.wants("hashtags") and not handle and text.lstrip("#"):
        async with db.session() as session:
            results.hashtags = await queries.hashtags_by_prefix(
                session, text.lstrip("#"), limit=query.limit, offset=query.offset
            )
    return results


async def _by_handle(
    db: Database, transport: Transport, settings: Settings, handle: re.Match[str], resolve: bool
) -> list[Actor]:
    username, domain = handle[1], handle[2].lower()
    if resolve:
        try:
            return [await find_actor(db, transport, settings, f"{username}@{domain}")]
        except ServiceError:
            return []
    if domain == settings.domain.lower():
        username, domain = username.lower(), settings.domain
    async with db.session() as session:
        known = await actor_queries.actor_by_handle(session, username, domain)
    return [known] if known is not None else []


async def _by_address(db: Database, transport: Transport, url: str, resolve: bool) -> Actor | Status | None:
    """A stored status or actor at `url`, else (with `resolve`) fetched from its origin."""
    async with db.session() as session:
        found = await queries.status_by_address(session, url) or await queries.actor_by_address(session, url)
    if found is not None or not resolve:
        return found
    try:
        document = await transport.get_activity_document(url)
    except FetchError:
        return None
    if is_post(document):
        return await _store_post(db, transport, document)
    try:
        return await store_remote_actor(db, parse_actor(document))
    except (InvalidActor, ServiceError):
        return None


async def _store_post(db: Database, transport: Transport, document: dict[str, object]) -> Status | None:
    """A post fetched from its own origin, stored under its author (on the same host)."""
    author_uri = attributed_to(document)
    if author_uri is None or urlsplit(author_uri).netloc != urlsplit(str(document["id"])).netloc:
        return None
    try:
        async with db.session() as session:
            author = await actor_queries.actor_by_uri(session, author_uri)
        author = author or await fetch_actor(db, transport, author_uri)
        note = parse_note(document, author.followers_url)
    except (ServiceError, InvalidNote):
        return None
    await statuses.receive_status(db, author, note)
    return await statuses.status_by_uri(db, note.uri)  # read back with its author


async def _visible(db: Database, status: Status, viewer: Actor | None) -> bool:
    async with db.session() as session:
        return await statuses.can_see(session, status, viewer)
