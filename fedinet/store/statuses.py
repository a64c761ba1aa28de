"""Queries on statuses, their favourites and boosts, and tombstones."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import Actor, Boost, Favourite, Status, Tombstone

LISTED = ("public", "unlisted")


async def status_by_id(session: AsyncSession, status_id: int) -> Status | None:
    return await session.get(Status, status_id)


async def status_by_uri(session: AsyncSession, uri: str) -> Status | None:
    return await session.scalar(select(Status).where(Status.uri == uri))


async def is_tombstoned(session: AsyncSession, uri: str) -> bool:
    return await session.get(Tombstone, uri) is not None


async def actors_by_uris(session: AsyncSession, uris: Collection[str]) -> list[Actor]:
    if not uris:
        return []
    return list(await session.scalars(select(Actor).where(Actor.uri.in_(uris))))


async def favourite_of(session: AsyncSession, actor_id: int, status_id: int) -> Favourite | None:
    return await session.scalar(
        select(Favourite).where(Favourite.actor_id == actor_id, Favourite.status_id == status_id)
    )


async def favourite_by_uri(session: AsyncSession, uri: str) -> Favourite | None:
    return await session.scalar(select(Favourite).where(Favourite.uri == uri))


async def boost_of(session: AsyncSession, actor_id: int, status_id: int) -> Boost | None:
    return await session.scalar(
        select(Boost).where(Boost.actor_id == actor_id, Boost.status_id == status_id)
    )


async def boost_by_uri(session: AsyncSession, uri: str) -> Boost | None:
    return await session.scalar(select(Boost).where(Boost.uri == uri))


async def listed_statuses(session: AsyncSession, actor_id: int, *, limit: int, offset: int) -> list[Status]:
    """An actor's public and unlisted statuses, newest first (their outbox)."""
    return list(
        await session.scalars(
            select(Status)
            .where(Status.actor_id == actor_id, Status.visibility.in_(LISTED))
            .order_by(Status.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


async def count_listed_statuses(session: AsyncSession, actor_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Status)
            .where(Status.actor_id == actor_id, Status.visibility.in_(LISTED))
        )
        or 0
    )


async def count_local_statuses(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Status).where(Status.is_local)) or 0)
