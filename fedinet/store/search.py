"""Queries behind search: accounts by name, hashtags by prefix, statuses by address."""

from __future__ import annotations

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import Account, Actor, Follow, Status, StatusTag


async def accounts_by_prefix(
    session: AsyncSession, term: str, *, limit: int, offset: int = 0, followed_by: int | None = None
) -> list[Actor]:
    """Members and known remote actors whose username or display name starts with `term`
    (case-insensitive): username matches first, then members, then shorter usernames.
    Suspended members and the instance actor are left out; with `followed_by`, only the
    actors that actor follows."""
    by_username = func.lower(Actor.username).startswith(term.lower(), autoescape=True)
    query = (
        select(Actor)
        .outerjoin(Account, Account.actor_id == Actor.id)
        .where(
            Actor.username.is_not(None),
            or_(~Actor.is_local, Account.id.is_not(None)),
            Account.suspended_at.is_(None),
            or_(by_username, func.lower(Actor.display_name).startswith(term.lower(), autoescape=True)),
        )
        .order_by(case((by_username, 0), else_=1), Actor.is_local.desc(), func.length(Actor.username), Actor.id)
        .limit(limit)
        .offset(offset)
    )
    if followed_by is not None:
        query = query.join(Follow, Follow.followee_id == Actor.id).where(
            Follow.follower_id == followed_by, Follow.state == "accepted"
        )
    return list(await session.scalars(query))


async def hashtags_by_prefix(session: AsyncSession, prefix: str, *, limit: int, offset: int = 0) -> list[str]:
    """Hashtag names in use that start with `prefix`, the most used first."""
    rows = await session.execute(
        select(StatusTag.name)
        .where(StatusTag.name.startswith(prefix.lower(), autoescape=True))
        .group_by(StatusTag.name)
        .order_by(func.count().desc(), StatusTag.name)
        .limit(limit)
        .offset(offset)
    )
    return [row[0] for row in rows]


async def status_by_address(session: AsyncSession, address: str) -> Status | None:
    """A stored status by its id URI or its web URL."""
    return await session.scalar(
        select(Status).where(or_(Status.uri == address, Status.url == address)).order_by(Status.id).limit(1)
    )


async def actor_by_address(session: AsyncSession, address: str) -> Actor | None:
    """A stored actor by its id URI or its profile URL."""
    return await session.scalar(
        select(Actor).where(or_(Actor.uri == address, Actor.profile_url == address)).order_by(Actor.id).limit(1)
    )
