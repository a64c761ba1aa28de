"""Queries on agreements, introductions and evidence (the fedinet protocol's rows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import Agreement, DroppedEvidence, Evidence, Introduction


async def agreement_by_offer(session: AsyncSession, offer_uri: str) -> Agreement | None:
    return await session.scalar(select(Agreement).where(Agreement.offer_uri == offer_uri))


async def agreement_by_uri(session: AsyncSession, uri: str) -> Agreement | None:
    return await session.scalar(select(Agreement).where(Agreement.uri == uri))


async def pending_agreement(session: AsyncSession, status_id: int, responder_id: int) -> Agreement | None:
    return await session.scalar(
        select(Agreement).where(
            Agreement.proposal_status_id == status_id,
            Agreement.responder_id == responder_id,
            Agreement.state == "offered",
        )
    )


async def agreements_of(session: AsyncSession, actor_id: int) -> list[Agreement]:
    """Responses a member made or received, newest first."""
    return list(
        await session.scalars(
            select(Agreement)
            .where(or_(Agreement.responder_id == actor_id, Agreement.proposer_id == actor_id))
            .order_by(Agreement.id.desc())
        )
    )


async def introduction_by_uri(session: AsyncSession, uri: str) -> Introduction | None:
    return await session.scalar(
        select(Introduction).where(or_(Introduction.uri == uri, Introduction.request_uri == uri))
    )


async def open_introduction(
    session: AsyncSession, introduced_id: int, connector_id: int, target_id: int
) -> Introduction | None:
    """An introduction of these three people that is still under way (not declined, rejected
    or connected)."""
    return await session.scalar(
        select(Introduction).where(
            Introduction.introduced_id == introduced_id,
            Introduction.connector_id == connector_id,
            Introduction.target_id == target_id,
            Introduction.state.in_(("requested", "awaiting-consent", "consented", "offered")),
        )
    )


async def introductions_of(session: AsyncSession, actor_id: int) -> list[Introduction]:
    """Introductions a member takes part in (as any of the three parties), newest first."""
    return list(
        await session.scalars(
            select(Introduction)
            .where(
                or_(
                    Introduction.connector_id == actor_id,
                    Introduction.introduced_id == actor_id,
                    Introduction.target_id == actor_id,
                )
            )
            .order_by(Introduction.id.desc())
        )
    )


async def evidence_by_uri(session: AsyncSession, uri: str) -> Evidence | None:
    return await session.scalar(select(Evidence).where(Evidence.uri == uri))


async def evidence_by_activity(session: AsyncSession, activity_uri: str) -> Evidence | None:
    return await session.scalar(select(Evidence).where(Evidence.activity_uri == activity_uri))


async def evidence_about(
    session: AsyncSession, actor_id: int, kind: str | None = None, *, include_revoked: bool = False
) -> list[Evidence]:
    """Evidence by or about an actor, newest first: standing only, unless `include_revoked`."""
    query = select(Evidence).where(or_(Evidence.author_id == actor_id, Evidence.subject_id == actor_id))
    if not include_revoked:
        query = query.where(Evidence.revoked_at.is_(None))
    if kind is not None:
        query = query.where(Evidence.kind == kind)
    return list(await session.scalars(query.order_by(Evidence.id.desc())))


async def outcome_by(session: AsyncSession, author_id: int, introduction_uri: str) -> Evidence | None:
    return await session.scalar(
        select(Evidence).where(
            Evidence.kind == "outcome",
            Evidence.author_id == author_id,
            Evidence.context_uri == introduction_uri,
        )
    )


async def count_dropped(session: AsyncSession, reason: str, now: datetime) -> None:
    """Add one to the count of signed objects refused for `reason` (EVID-2)."""
    dialect: Any = sqlite if session.bind.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(DroppedEvidence).values(reason=reason, count=1, last_at=now)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["reason"],
            set_={"count": DroppedEvidence.count + 1, "last_at": now},
        )
    )


async def dropped_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(DroppedEvidence.reason, DroppedEvidence.count))
    return {reason: count for reason, count in rows}


async def acknowledgments_of(session: AsyncSession, actor_id: int, limit: int) -> list[Evidence]:
    """Standing acknowledgments the actor gave or received, newest first."""
    query = select(Evidence).where(
        Evidence.kind == "acknowledgment",
        Evidence.revoked_at.is_(None),
        or_(Evidence.author_id == actor_id, Evidence.subject_id == actor_id),
    )
    return list(await session.scalars(query.order_by(Evidence.id.desc()).limit(limit)))


async def acknowledgment_counts(session: AsyncSession, actor_id: int) -> tuple[int, int, int]:
    """(help given: acknowledgments received, people helped, help received: acknowledgments given)."""
    standing = (Evidence.kind == "acknowledgment", Evidence.revoked_at.is_(None))
    given, people = (
        await session.execute(
            select(func.count(), func.count(func.distinct(Evidence.author_id))).where(
                Evidence.subject_id == actor_id, *standing
            )
        )
    ).one()
    received = await session.scalar(select(func.count()).where(Evidence.author_id == actor_id, *standing))
    return int(given), int(people), int(received or 0)
