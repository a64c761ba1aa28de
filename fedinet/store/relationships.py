"""Queries on follows, blocks and mutes between a member and other actors, in pages or in bulk."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import Actor, ActorBlock, Follow, Mute
from fedinet.store.paging import Page, keyset, newest_first


async def known_actor_ids(session: AsyncSession, actor_ids: Collection[int]) -> set[int]:
    return set(await session.scalars(select(Actor.id).where(Actor.id.in_(actor_ids))))


async def block_between(session: AsyncSession, blocker_id: int, blocked_id: int) -> ActorBlock | None:
    return await session.scalar(
        select(ActorBlock).where(ActorBlock.blocker_id == blocker_id, ActorBlock.blocked_id == blocked_id)
    )


async def blocked_either_way(session: AsyncSession, one_id: int, other_id: int) -> bool:
    found = await session.scalar(
        select(ActorBlock.id).where(
            or_(
                (ActorBlock.blocker_id == one_id) & (ActorBlock.blocked_id == other_id),
                (ActorBlock.blocker_id == other_id) & (ActorBlock.blocked_id == one_id),
            )
        ).limit(1)
    )
    return found is not None


async def end_follows_between(session: AsyncSession, one_id: int, other_id: int) -> None:
    """Delete follows (and requests) both ways."""
    await session.execute(
        delete(Follow).where(
            or_(
                (Follow.follower_id == one_id) & (Follow.followee_id == other_id),
                (Follow.follower_id == other_id) & (Follow.followee_id == one_id),
            )
        )
    )


async def mute_of(session: AsyncSession, account_id: int, target_id: int) -> Mute | None:
    """The mute row, expired or not."""
    return await session.scalar(select(Mute).where(Mute.account_id == account_id, Mute.target_id == target_id))


def mute_in_force(now: datetime) -> ColumnElement[bool]:
    return or_(Mute.expires_at.is_(None), Mute.expires_at > now)


async def active_mutes(
    session: AsyncSession, account_id: int, target_ids: Collection[int], now: datetime
) -> dict[int, Mute]:
    rows = await session.scalars(
        select(Mute).where(Mute.account_id == account_id, Mute.target_id.in_(target_ids), mute_in_force(now))
    )
    return {row.target_id: row for row in rows}


async def follow_states(
    session: AsyncSession, follower_id: int, followee_ids: Collection[int]
) -> dict[int, str]:
    """followee id → "pending" or "accepted", for follows by `follower_id`."""
    rows = await session.execute(
        select(Follow.followee_id, Follow.state).where(
            Follow.follower_id == follower_id, Follow.followee_id.in_(followee_ids)
        )
    )
    return {followee_id: state for followee_id, state in rows}


async def follower_states(
    session: AsyncSession, followee_id: int, follower_ids: Collection[int]
) -> dict[int, str]:
    """follower id → "pending" or "accepted", for follows of `followee_id`."""
    rows = await session.execute(
        select(Follow.follower_id, Follow.state).where(
            Follow.followee_id == followee_id, Follow.follower_id.in_(follower_ids)
        )
    )
    return {follower_id: state for follower_id, state in rows}


async def blocks_among(session: AsyncSession, actor_id: int, other_ids: Collection[int]) -> tuple[set[int], set[int]]:
    """(ids `actor_id` blocks, ids that block `actor_id`) among `other_ids`."""
    rows = await session.execute(
        select(ActorBlock.blocker_id, ActorBlock.blocked_id).where(
            or_(
                (ActorBlock.blocker_id == actor_id) & ActorBlock.blocked_id.in_(other_ids),
                (ActorBlock.blocked_id == actor_id) & ActorBlock.blocker_id.in_(other_ids),
            )
        )
    )
    blocking: set[int] = set()
    blocked_by: set[int] = set()
    for blocker_id, blocked_id in rows:
        if blocker_id == actor_id:
            blocking.add(blocked_id)
        else:
            blocked_by.add(blocker_id)
    return blocking, blocked_by


async def followers_page(
    session: AsyncSession, followee_id: int, page: Page, *, state: str = "accepted"
) -> list[tuple[int, Actor]]:
    """(follow id, follower), newest follow first; `state="pending"` gives follow requests."""
    query = (
        select(Follow.id, Actor)
        .join(Actor, Actor.id == Follow.follower_id)
        .where(Follow.followee_id == followee_id, Follow.state == state)
    )
    rows = await session.execute(keyset(query, Follow.id, page))
    return newest_first([(row[0], row[1]) for row in rows], page)


async def following_page(session: AsyncSession, follower_id: int, page: Page) -> list[tuple[int, Actor]]:
    query = (
        select(Follow.id, Actor)
        .join(Actor, Actor.id == Follow.followee_id)
        .where(Follow.follower_id == follower_id, Follow.state == "accepted")
    )
    rows = await session.execute(keyset(query, Follow.id, page))
    return newest_first([(row[0], row[1]) for row in rows], page)


async def blocked_page(session: AsyncSession, blocker_id: int, page: Page) -> list[tuple[int, Actor]]:
    query = (
        select(ActorBlock.id, Actor)
        .join(Actor, Actor.id == ActorBlock.blocked_id)
        .where(ActorBlock.blocker_id == blocker_id)
    )
    rows = await session.execute(keyset(query, ActorBlock.id, page))
    return newest_first([(row[0], row[1]) for row in rows], page)


async def muted_page(session: AsyncSession, account_id: int, page: Page, now: datetime) -> list[tuple[Mute, Actor]]:
    query = (
        select(Mute, Actor)
        .join(Actor, Actor.id == Mute.target_id)
        .where(Mute.account_id == account_id, mute_in_force(now))
    )
    rows = await session.execute(keyset(query, Mute.id, page))
    return newest_first([(row[0], row[1]) for row in rows], page)
