"""Mastodon's Status entity (internal → frontend), for one viewer, a page at a time.

`render_statuses` gathers what a page shows in a fixed number of queries, whatever its
length (counts, the viewer's favourites and boosts, parents, mentioned accounts, authors'
counts); `status_entity` is the pure rendering of one status from those facts.

Boosts (`Boost` rows) have no status id of their own here, so `reblog` is always null and
timelines list original statuses only; `reblogs_count` and `reblogged` do count them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.config import Settings
from fedinet.federation.note_document import tag_url
from fedinet.federation.sanitize import html_to_plain_text
from fedinet.store import timelines as queries
from fedinet.store.models import Account, Actor, Status
from fedinet.web.mastodon.entities import AccountCounts, account_entity, timestamp

PINNABLE = ("public", "unlisted", "private")


@dataclass(frozen=True)
class PageFacts:
    """What `status_entity` needs beyond the statuses themselves."""

    statuses: dict[int, queries.StatusFacts]
    authors: dict[int, AccountCounts]
    mentioned: dict[str, Actor]


async def page_facts(session: AsyncSession, statuses: Sequence[Status], viewer: Account | None) -> PageFacts:
    counts = await queries.actor_counts(session, {s.actor_id for s in statuses})
    return PageFacts(
        statuses=await queries.status_facts(session, [s.id for s in statuses], viewer.actor_id if viewer else None),
        authors={actor_id: AccountCounts(*numbers) for actor_id, numbers in counts.items()},
        mentioned=await queries.actors_by_uris(session, {m.actor_uri for s in statuses for m in s.mentions}),
    )


async def render_statuses(
    session: AsyncSession, settings: Settings, statuses: Sequence[Status], viewer: Account | None
) -> list[dict[str, Any]]:
    facts = await page_facts(session, statuses, viewer)
    return [status_entity(status, settings, facts, viewer) for status in statuses]


async def render_accounts(session: AsyncSession, settings: Settings, actors: Sequence[Actor]) -> list[dict[str, Any]]:
    counts = await queries.actor_counts(session, {actor.id for actor in actors})
    return [account_entity(actor, settings, AccountCounts(*counts[actor.id])) for actor in actors]


def _mention(actor: Actor) -> dict[str, str]:
    return {
        "id": str(actor.id),
        "username": actor.username or "",
        "url": actor.profile_url or actor.uri,
        "acct": actor.username if actor.is_local else actor.handle,
    }


def status_entity(
    status: Status, settings: Settings, facts: PageFacts, viewer: Account | None, *, with_source: bool = False
) -> dict[str, Any]:
    """One status as `viewer` sees it; `with_source` adds `text` (what DELETE returns)."""
    known = facts.statuses[status.id]
    entity: dict[str, Any] = {
        "id": str(status.id),
        "uri": status.uri,
        "url": status.url or status.uri,
        "created_at": timestamp(status.published_at),
        "edited_at": timestamp(status.edited_at),
        "account": account_entity(status.actor, settings, facts.authors[status.actor_id]),
        "content": status.content,
        "spoiler_text": status.summary,
        "sensitive": status.sensitive,
        "visibility": status.visibility,
        "language": status.language,
        "in_reply_to_id": _id(known.in_reply_to_id),
        "in_reply_to_account_id": _id(known.in_reply_to_actor_id),
        "reblog": None,
        "replies_count": known.replies,
        "reblogs_count": known.reblogs,
        "favourites_count": known.favourites,
        "mentions": [_mention(facts.mentioned[m.actor_uri]) for m in status.mentions if m.actor_uri in facts.mentioned],
        "tags": [{"name": tag.name, "url": tag_url(settings, tag.name)} for tag in status.tags],
        "emojis": [],
        "media_attachments": [],
        "card": None,
        "poll": None,
        "application": None,
        "filtered": [],
    }
    if viewer is not None:
        entity.update(favourited=known.favourited, reblogged=known.reblogged, muted=False, bookmarked=False)
        if viewer.actor_id == status.actor_id and status.visibility in PINNABLE:
            entity["pinned"] = False
    if with_source:
        entity["text"] = html_to_plain_text(status.content)
    return entity


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)
