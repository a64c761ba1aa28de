"""Queries on actor keys."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from fedinet.store.models import ActorKey


async def key_by_id(session: AsyncSession, key_id: str) -> ActorKey | None:
    """A key with its actor loaded."""
    return await session.scalar(
        select(ActorKey).where(ActorKey.key_id == key_id).options(joinedload(ActorKey.actor))
    )
