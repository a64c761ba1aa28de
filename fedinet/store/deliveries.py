"""Queries of the delivery queue: claim due rows under a lease, record outcomes, and what
remote servers told us about signature schemes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import ActorKey, Delivery, InboxItem, OutboxActivity, RemoteServer

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


@dataclass(frozen=True)
class DueDelivery:
    """A claimed delivery with what sending needs: the activity's JSON and its actor's RSA key."""

    id: int
    inbox_url: str
    domain: str
    attempts: int
    body: str
    key_id: str | None
    private_key_pem: str | None


@dataclass(frozen=True)
class KnownScheme:
    scheme: str
    updated_at: datetime


async def claim_due(
    session: AsyncSession, now: datetime, lease_until: datetime, limit: int
) -> list[DueDelivery]:
    """Up to `limit` pending rows due at `now`, oldest first, leased until `lease_until`.

    The lease is the row's `next_attempt_at`: until it passes no other claim takes the row;
    if nobody records an outcome by then (a crash), the row is due again.
    """
    rows = (
        await session.execute(
            select(Delivery.id, Delivery.inbox_url, Delivery.domain, Delivery.attempts,
                   Delivery.activity_id)
            .where(Delivery.state == PENDING, Delivery.next_attempt_at <= now)
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not rows:
        return []
    await session.execute(
        update(Delivery)
        .where(Delivery.id.in_([row.id for row in rows]))
        .values(next_attempt_at=lease_until)
    )
    activities = await _activities_with_keys(session, {row.activity_id for row in rows})
    return [
        DueDelivery(row.id, row.inbox_url, row.domain, row.attempts, *activities[row.activity_id])
        for row in rows
    ]


async def _activities_with_keys(
    session: AsyncSession, activity_ids: set[int]
) -> dict[int, tuple[str, str | None, str | None]]:
    """activity id → (JSON body, RSA key id, private PEM); the actor's first RSA key, as its
    actor document publishes."""
    first_key = (
        select(ActorKey.actor_id, func.min(ActorKey.id).label("key_pk"))
        .where(ActorKey.algorithm == "rsa", ActorKey.private_key_pem.is_not(None))
        .group_by(ActorKey.actor_id)
        .subquery()
    )
    rows = await session.execute(
        select(OutboxActivity.id, OutboxActivity.body, ActorKey.key_id, ActorKey.private_key_pem)
        .outerjoin(first_key, first_key.c.actor_id == OutboxActivity.actor_id)
        .outerjoin(ActorKey, ActorKey.id == first_key.c.key_pk)
        .where(OutboxActivity.id.in_(activity_ids))
    )
    return {row.id: (row.body, row.key_id, row.private_key_pem) for row in rows}


async def record_outcomes(session: AsyncSession, outcomes: Sequence[dict[str, Any]]) -> None:
    """Write outcomes: dicts with `id` and every other column they set (the same keys in each)."""
    if outcomes:
        await session.execute(update(Delivery), list(outcomes))


async def known_schemes(session: AsyncSession, domains: Iterable[str]) -> dict[str, KnownScheme]:
    """The signature scheme each of these servers accepted last, and when we learned it."""
    rows = await session.execute(
        select(RemoteServer.domain, RemoteServer.signature_scheme, RemoteServer.updated_at)
        .where(RemoteServer.domain.in_(set(domains)), RemoteServer.signature_scheme.is_not(None))
    )
    return {row.domain: KnownScheme(row.signature_scheme, row.updated_at) for row in rows}


async def remember_schemes(
    session: AsyncSession, schemes: Mapping[str, str], now: datetime
) -> None:
    """Store (insert or update) the scheme each of these servers accepted, in one statement."""
    if not schemes:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(RemoteServer).values(
        [{"domain": domain, "signature_scheme": scheme, "updated_at": now}
         for domain, scheme in schemes.items()]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[RemoteServer.domain],
            set_={"signature_scheme": statement.excluded.signature_scheme, "updated_at": now},
        )
    )


async def queue_counts(session: AsyncSession) -> dict[str, dict[str, int]]:
    """How many deliveries and inbox items are in each state."""
    counts: dict[str, dict[str, int]] = {"deliveries": {}, "inbox": {}}
    for name, model in (("deliveries", Delivery), ("inbox", InboxItem)):
        rows = await session.execute(select(model.state, func.count()).group_by(model.state))
        counts[name] = {state: int(count) for state, count in rows}
    return counts


async def recent_failures(session: AsyncSession, limit: int = 10) -> list[Delivery]:
    return list(
        await session.scalars(
            select(Delivery)
            .where(Delivery.state == "failed")
            .order_by(Delivery.finished_at.desc())
            .limit(limit)
        )
    )
