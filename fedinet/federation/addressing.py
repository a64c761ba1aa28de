"""Addressing of posts as Mastodon does it: visibility ↔ `to`/`cc`, and the inboxes to deliver to.

| visibility | to                  | cc                       |
|------------|---------------------|--------------------------|
| public     | Public              | followers, mentioned     |
| unlisted   | followers           | Public, mentioned        |
| private    | followers           | mentioned                |
| direct     | mentioned           |                          |
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.federation.activities_out import PUBLIC
from fedinet.store import follows as follow_queries
from fedinet.store.models import Actor

VISIBILITIES = ("public", "unlisted", "private", "direct")
PUBLIC_ALIASES = frozenset({PUBLIC, "as:Public", "Public"})


def is_public(uri: str) -> bool:
    return uri in PUBLIC_ALIASES


def audience(
    visibility: str, followers_url: str | None, mentioned: Iterable[str]
) -> tuple[list[str], list[str]]:
    """(`to`, `cc`) of a post by an actor with these followers, mentioning these actors."""
    mentions = list(dict.fromkeys(mentioned))
    followers = [followers_url] if followers_url else []
    if visibility == "public":
        return [PUBLIC], [*followers, *mentions]
    if visibility == "unlisted":
        return followers, [PUBLIC, *mentions]
    if visibility == "private":
        return followers, mentions
    if visibility == "direct":
        return mentions, []
    raise ValueError(f"unknown visibility {visibility!r}")


def visibility_from_audience(to: list[str], cc: list[str], followers_url: str | None) -> str:
    """Mastodon's reading of a remote post's audience (its "limited" counts as direct)."""
    if any(is_public(uri) for uri in to):
        return "public"
    if any(is_public(uri) for uri in cc):
        return "unlisted"
    if followers_url is not None and followers_url in to:
        return "private"
    return "direct"


async def post_inboxes(
    session: AsyncSession, author: Actor, visibility: str, recipients: Iterable[Actor]
) -> list[str]:
    """Where a post (and its Update, Delete) goes: remote followers unless direct, then
    the personal inbox of each remote recipient whose server is not already reached."""
    inboxes = []
    if visibility != "direct":
        inboxes = await follow_queries.remote_follower_inboxes(session, author.id)
    return inboxes + personal_inboxes(recipients, already=inboxes)


def personal_inboxes(recipients: Iterable[Actor], *, already: Iterable[str] = ()) -> list[str]:
    """Personal inboxes of remote actors, skipping those whose shared inbox is in `already`."""
    reached = set(already)
    return [
        actor.inbox_url
        for actor in recipients
        if not actor.is_local and (actor.shared_inbox_url is None or actor.shared_inbox_url not in reached)
    ]
