"""Set-based queries shared by the market's rankings (whom to ask, ties): ids as one bound
parameter, and the actors a member's suggestions must leave out."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import BigInteger, any_, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import Account, Actor, ActorBlock, DomainBlock


class IdSet:
    """`column IN (ids)` with the whole set as one bound parameter: a JSON array read by
    `json_each` on SQLite, an array on PostgreSQL. Thousands of ids as separate parameters
    cost more to expand than the query takes, and run into the backends' parameter limits."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    def among(self, column: Any, ids: Collection[int]) -> Any:
        values = sorted(ids)
        if self.dialect == "sqlite":
            return column.in_(select(func.json_each(json.dumps(values)).table_valued("value").c.value))
        return column == any_(bindparam(None, values, type_=ARRAY(BigInteger)))


async def left_out_for(session: AsyncSession, ids: IdSet, me: int) -> set[int]:
    """Suspended members, actors of blocked domains (and their subdomains), and everyone the
    asker blocks or who blocks the asker."""
    excluded = set(await session.scalars(select(Account.actor_id).where(Account.suspended_at.is_not(None))))
    blocks = await session.execute(
        select(ActorBlock.blocker_id, ActorBlock.blocked_id).where(or_(ActorBlock.blocker_id == me, ActorBlock.blocked_id == me))
    )
    excluded |= {other for pair in blocks for other in pair if other != me}
    domains = list(await session.scalars(select(DomainBlock.domain)))
    if domains:
        matches = [Actor.domain == domain for domain in domains]
        matches += [Actor.domain.endswith("." + domain, autoescape=True) for domain in domains]
        excluded |= set(await session.scalars(select(Actor.id).where(or_(*matches))))
    return excluded
