"""A member's relationships with other actors: follows as Mastodon's API has them (repeatable),
blocks (announced with Block and Undo(Block)), mutes, and the lists and summaries of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fedinet.clock import utc_now
from fedinet.federation.activities_out import AS_CONTEXT, new_activity_id, undo
from fedinet.federation.outbox import enqueue
from fedinet.services import follows
from fedinet.services.errors import Conflict, InvalidInput, NotFound
from fedinet.store import relationships as queries
from fedinet.store.database import Database
from fedinet.store.models import Account, Actor, ActorBlock, Mute
from fedinet.store.paging import Page


class NotAllowed(Exception):
    """The two actors block one another (one way or both)."""


@dataclass(frozen=True)
class Relationship:
    """The member's relationship with one actor (Mastodon's Relationship entity)."""

    actor_id: int
    following: bool = False
    requested: bool = False
    followed_by: bool = False
    requested_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    muting_notifications: bool = False
    muting_expires_at: datetime | None = None


async def relationships(db: Database, account: Account, actor_ids: Sequence[int]) -> list[Relationship]:
    """One per known actor, in the order of `actor_ids`."""
    me = account.actor_id
    async with db.session() as session:
        known = await queries.known_actor_ids(session, actor_ids)
        actor_ids = [actor_id for actor_id in dict.fromkeys(actor_ids) if actor_id in known]
        outgoing = await queries.follow_states(session, me, actor_ids)
        incoming = await queries.follower_states(session, me, actor_ids)
        blocking, blocked_by = await queries.blocks_among(session, me, actor_ids)
        mutes = await queries.active_mutes(session, account.id, actor_ids, utc_now())
    return [
        Relationship(
            actor_id=actor_id,
            following=outgoing.get(actor_id) == "accepted",
            requested=outgoing.get(actor_id) == "pending",
            followed_by=incoming.get(actor_id) == "accepted",
            requested_by=incoming.get(actor_id) == "pending",
            blocking=actor_id in blocking,
            blocked_by=actor_id in blocked_by,
            muting=actor_id in mutes,
            muting_notifications=actor_id in mutes and mutes[actor_id].notifications,
            muting_expires_at=mutes[actor_id].expires_at if actor_id in mutes else None,
        )
        for actor_id in actor_ids
    ]


async def follow(db: Database, account: Account, target: Actor) -> None:
    """Follow (or ask to); following again changes nothing. NotAllowed across a block."""
    async with db.session() as session:
        if await queries.blocked_either_way(session, account.actor_id, target.id):
            raise NotAllowed(f"{target.handle} cannot be followed")
    try:
        await follows.follow(db, account, target)
    except Conflict:
        pass  # followed already, or asked to


async def unfollow(db: Database, account: Account, target: Actor) -> None:
    """Stop following (or withdraw the request); a no-op when there is nothing to end."""
    try:
        await follows.unfollow(db, account, target)
    except NotFound:
        pass


async def block(db: Database, account: Account, target: Actor) -> None:
    """Block `target`, ending follows both ways; a remote target's server gets a Block."""
    me = account.actor
    if target.id == me.id:
        raise InvalidInput("you cannot block yourself")
    async with db.transaction() as session:
        if await queries.block_between(session, me.id, target.id):
            return
        row = ActorBlock(blocker_id=me.id, blocked_id=target.id, uri=new_activity_id(me.uri))
        session.add(row)
        await queries.end_follows_between(session, me.id, target.id)
        if not target.is_local:
            await enqueue(session, me, _block_activity(me, target, row.uri), [target.inbox_url])


async def unblock(db: Database, account: Account, target: Actor) -> None:
    me = account.actor
    async with db.transaction() as session:
        row = await queries.block_between(session, me.id, target.id)
        if row is None:
            return
        await session.delete(row)
        if not target.is_local:
            activity = undo(me.uri, _block_activity(me, target, row.uri))
            await enqueue(session, me, activity, [target.inbox_url])


def _block_activity(me: Actor, target: Actor, uri: str) -> dict[str, Any]:
    return {"@context": AS_CONTEXT, "id": uri, "type": "Block", "actor": me.uri, "object": target.uri}


async def mute(db: Database, account: Account, target: Actor, *, notifications: bool = True, seconds: int = 0) -> None:
    """Mute `target` (and its notifications unless told not to), for `seconds` or for good (0)."""
    if target.id == account.actor_id:
        raise InvalidInput("you cannot mute yourself")
    async with db.transaction() as session:
        row = await queries.mute_of(session, account.id, target.id)
        if row is None:
            row = Mute(account_id=account.id, target_id=target.id)
            session.add(row)
        row.notifications = notifications
        row.expires_at = utc_now() + timedelta(seconds=seconds) if seconds else None


async def unmute(db: Database, account: Account, target: Actor) -> None:
    async with db.transaction() as session:
        row = await queries.mute_of(session, account.id, target.id)
        if row is not None:
            await session.delete(row)


async def blocked_either_way(db: Database, actor: Actor, other: Actor) -> bool:
    async with db.session() as session:
        return await queries.blocked_either_way(session, actor.id, other.id)


# Lists, newest first: (cursor for the next page, actor)


async def followers(db: Database, actor: Actor, page: Page) -> list[tuple[int, Actor]]:
    async with db.session() as session:
        return await queries.followers_page(session, actor.id, page)


async def following(db: Database, actor: Actor, page: Page) -> list[tuple[int, Actor]]:
    async with db.session() as session:
        return await queries.following_page(session, actor.id, page)


async def follow_requests(db: Database, account: Account, page: Page) -> list[tuple[int, Actor]]:
    async with db.session() as session:
        return await queries.followers_page(session, account.actor_id, page, state="pending")


async def blocked(db: Database, account: Account, page: Page) -> list[tuple[int, Actor]]:
    async with db.session() as session:
        return await queries.blocked_page(session, account.actor_id, page)


async def muted(db: Database, account: Account, page: Page) -> list[tuple[Mute, Actor]]:
    async with db.session() as session:
        return await queries.muted_page(session, account.id, page, utc_now())
