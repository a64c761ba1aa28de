"""Queries on market profiles (what members can help with and look for)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import Follow, MarketProfile, MarketProfileTopic


async def profile_of(session: AsyncSession, actor_id: int) -> MarketProfile | None:
    return await session.get(MarketProfile, actor_id)


async def profiles_of(session: AsyncSession, actor_ids: Collection[int]) -> dict[int, MarketProfile]:
    """The profiles of some actors (those that have one), by actor id."""
    found: dict[int, MarketProfile] = {}
    ids = list(actor_ids)
    for start in range(0, len(ids), 1000):
        rows = await session.scalars(select(MarketProfile).where(MarketProfile.actor_id.in_(ids[start : start + 1000])))
        found.update((row.actor_id, row) for row in rows)
    return found


async def offering(session: AsyncSession, topics: Collection[str]) -> list[tuple[int, str, str]]:
    """(actor id, topic, audience) for every profile that can help with one of `topics`."""
    rows = await session.execute(
        select(MarketProfileTopic.actor_id, MarketProfileTopic.topic, MarketProfile.audience)
        .join(MarketProfile, MarketProfile.actor_id == MarketProfileTopic.actor_id)
        .where(MarketProfileTopic.kind == "offer", MarketProfileTopic.topic.in_(list(topics)))
    )
    return [(actor_id, topic, audience) for actor_id, topic, audience in rows]


async def follows_accepted(session: AsyncSession, follower_id: int, followee_id: int) -> bool:
    return (
        await session.scalar(
            select(Follow.id).where(
                Follow.follower_id == follower_id, Follow.followee_id == followee_id, Follow.state == "accepted"
            )
        )
    ) is not None
