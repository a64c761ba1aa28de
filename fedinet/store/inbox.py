"""Queries on the inbox queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import DomainBlock, InboxItem


async def insert_if_new(session: AsyncSession, **values: Any) -> bool:
    """Store an inbound activity unless one with the same id is already stored."""
    dialect = sqlite if session.bind.dialect.name == "sqlite" else postgresql
    statement = (
        dialect.insert(InboxItem)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["activity_uri"])
    )
    result = await session.execute(statement)
    return bool(result.rowcount)


async def due_items(session: AsyncSession, now: datetime, limit: int) -> list[InboxItem]:
    return list(
        await session.scalars(
            select(InboxItem)
            .where(InboxItem.state == "pending", InboxItem.process_after <= now)
            .order_by(InboxItem.id)
            .limit(limit)
        )
    )


def domain_and_parents(domain: str) -> set[str]:
    """`a.b.example` → {a.b.example, b.example, example}: the blocks that cover a domain."""
    parts = domain.lower().split(".")
    return {".".join(parts[index:]) for index in range(len(parts))}


async def is_domain_blocked(session: AsyncSession, domain: str) -> bool:
    """Whether the domain, or a domain it is a subdomain of, is blocked."""
    found = await session.scalar(
        select(func.count()).select_from(DomainBlock).where(DomainBlock.domain.in_(domain_and_parents(domain)))
    )
    return bool(found)
