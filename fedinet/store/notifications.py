"""Queries on notifications, and on who should (not) receive one."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import Account, Actor, ActorBlock, Mute, Notification
from fedinet.store.paging import Page, keyset, newest_first
from fedinet.store.relationships import mute_in_force


@dataclass(frozen=True)
class NotificationFilter:
    """`types` to include (all when empty), `exclude_types`, and only `from_actor_id`'s."""

    types: Collection[str] = field(default_factory=tuple)
    exclude_types: Collection[str] = field(default_factory=tuple)
    from_actor_id: int | None = None

    def apply(self, query: Select[Any]) -> Select[Any]:
        if self.types:
            query = query.where(Notification.type.in_(self.types))
        if self.exclude_types:
            query = query.where(Notification.type.not_in(self.exclude_types))
        if self.from_actor_id is not None:
            query = query.where(Notification.from_actor_id == self.from_actor_id)
        return query


async def local_accounts_of(session: AsyncSession, actor_ids: Collection[int]) -> dict[int, int]:
    """actor id → account id, for the members among `actor_ids`."""
    rows = await session.execute(select(Account.actor_id, Account.id).where(Account.actor_id.in_(actor_ids)))
    return {actor_id: account_id for actor_id, account_id in rows}


async def local_actors_by_uris(session: AsyncSession, uris: Collection[str]) -> list[Actor]:
    if not uris:
        return []
    return list(await session.scalars(select(Actor).where(Actor.uri.in_(uris), Actor.is_local)))


async def silences(session: AsyncSession, account_id: int, actor_id: int, other_id: int, now: datetime) -> bool:
    """Whether the member (`account_id`, acting as `actor_id`) blocks `other_id` or mutes its
    notifications."""
    mute = await session.scalar(
        select(Mute.id).where(
            Mute.account_id == account_id, Mute.target_id == other_id, Mute.notifications, mute_in_force(now)
        )
    )
    if mute is not None:
        return True
    block = await session.scalar(
        select(ActorBlock.id).where(ActorBlock.blocker_id == actor_id, ActorBlock.blocked_id == other_id)
    )
    return block is not None


async def notifications_page(
    session: AsyncSession, account_id: int, page: Page, which: NotificationFilter
) -> list[Notification]:
    query = which.apply(select(Notification).where(Notification.account_id == account_id))
    rows = await session.scalars(keyset(query, Notification.id, page))
    return newest_first(list(rows), page)


async def notification_of(session: AsyncSession, account_id: int, notification_id: int) -> Notification | None:
    return await session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.account_id == account_id)
    )


async def count_after(
    session: AsyncSession, account_id: int, after_id: int, which: NotificationFilter, limit: int
) -> int:
    """How many notifications are newer than `after_id`, counting up to `limit`."""
    query = which.apply(
        select(Notification.id).where(Notification.account_id == account_id, Notification.id > after_id)
    )
    return int(await session.scalar(select(func.count()).select_from(query.limit(limit).subquery())) or 0)


async def delete_notifications(session: AsyncSession, account_id: int, notification_id: int | None = None) -> int:
    """Delete one of the member's notifications, or all with no id; how many went."""
    statement = delete(Notification).where(Notification.account_id == account_id)
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    result = await session.execute(statement)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
