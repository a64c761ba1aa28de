"""Queries on timeline markers."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import Marker


async def markers_of(session: AsyncSession, account_id: int, timelines: Collection[str]) -> list[Marker]:
    return list(
        await session.scalars(
            select(Marker).where(Marker.account_id == account_id, Marker.timeline.in_(timelines))
        )
    )
