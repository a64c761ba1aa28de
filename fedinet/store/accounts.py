"""Queries on local accounts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import Account


async def account_by_username(session: AsyncSession, username: str) -> Account | None:
    return await session.scalar(select(Account).where(Account.username == username))


async def all_accounts(session: AsyncSession) -> list[Account]:
    return list(await session.scalars(select(Account).order_by(Account.id)))


async def count_accounts(session: AsyncSession, *, include_suspended: bool = False) -> int:
    query = select(func.count()).select_from(Account)
    if not include_suspended:
        query = query.where(Account.suspended_at.is_(None))
    return int(await session.scalar(query) or 0)
