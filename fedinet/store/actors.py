"""Queries on actors and their keys."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import Account, Actor


async def member_actor(session: AsyncSession, account: Account) -> Actor:
    """The member's actor, loaded in this session (so that rows made here can point at it)."""
    actor = await session.get(Actor, account.actor_id)
    assert actor is not None
    return actor


async def actor_by_uri(session: AsyncSession, uri: str) -> Actor | None:
    return await session.scalar(select(Actor).where(Actor.uri == uri))


async def actor_by_handle(session: AsyncSession, username: str, domain: str) -> Actor | None:
    return await session.scalar(
        select(Actor)
        .where(Actor.domain == domain, Actor.username == username)
        .order_by(Actor.updated_at.desc())
        .limit(1)
    )


async def local_actors(session: AsyncSession) -> list[Actor]:
    return list(await session.scalars(select(Actor).where(Actor.is_local).order_by(Actor.id)))
