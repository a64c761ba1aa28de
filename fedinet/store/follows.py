"""Queries on follows."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from fedinet.store.models import Actor, Follow


async def follow_between(session: AsyncSession, follower_id: int, followee_id: int) -> Follow | None:
    return await session.scalar(
        select(Follow).where(Follow.follower_id == follower_id, Follow.followee_id == followee_id)
    )


async def follow_by_uri(session: AsyncSession, uri: str) -> Follow | None:
    return await session.scalar(select(Follow).where(Follow.uri == uri))


async def remote_follower_inboxes(session: AsyncSession, followee_id: int) -> list[str]:
    """One inbox per remote follower server where it has a shared inbox, else personal ones."""
    follower = aliased(Actor)
    rows = await session.execute(
        select(func.coalesce(follower.shared_inbox_url, follower.inbox_url))
        .join(Follow, Follow.follower_id == follower.id)
        .where(Follow.followee_id == followee_id, Follow.state == "accepted", ~follower.is_local)
        .distinct()
    )
    return [row[0] for row in rows]


async def followers(
    session: AsyncSession, followee_id: int, *, state: str = "accepted", limit: int = 40, offset: int = 0
) -> list[Actor]:
    return list(
        await session.scalars(
            select(Actor)
            .join(Follow, Follow.follower_id == Actor.id)
            .where(Follow.followee_id == followee_id, Follow.state == state)
            .order_by(Follow.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


async def following(
    session: AsyncSession, follower_id: int, *, limit: int = 40, offset: int = 0
) -> list[Actor]:
    return list(
        await session.scalars(
            select(Actor)
            .join(Follow, Follow.followee_id == Actor.id)
            .where(Follow.follower_id == follower_id, Follow.state == "accepted")
            .order_by(Follow.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


async def count_followers(session: AsyncSession, actor_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(Follow).where(
                Follow.followee_id == actor_id, Follow.state == "accepted"
            )
        )
        or 0
    )


async def count_following(session: AsyncSession, actor_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(Follow).where(
                Follow.follower_id == actor_id, Follow.state == "accepted"
            )
        )
        or 0
    )
