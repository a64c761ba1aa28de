"""This instance's local reputation: the engine (`fedinet.reputation`) over its verified evidence.

Only standing evidence counts (revoked and replaced rows do not), and none by or about a
suspended member or an actor of a blocked domain (issue #7: moderation removes evidence).
Scores are computed in one go and stored with their time; readers use the stored result.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from fedinet.clock import utc_now
from fedinet.config import Settings
from fedinet.reputation import Evidence as Record
from fedinet.reputation import ENGINE_VERSION, Explanation, Kind, Reputation, compute
from fedinet.services.errors import InvalidInput, NotFound
from fedinet.store.database import Database
from fedinet.store.inbox import domain_and_parents
from fedinet.store.models import (
    Account,
    Actor,
    DomainBlock,
    Evidence,
    InstanceSetting,
    ReputationScore,
)

STATE_KEY = "reputation"
OUTCOME_HELPED = {"helped": True, "notHelpful": False}  # "noOutcome" says nothing either way
Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True)
class RunSummary:
    computed_at: datetime
    records: int
    actors: int
    seeds: list[str]


READ_BATCH = 5000  # evidence rows read and converted between two chances for other requests to run


async def evidence_records(db: Database) -> list[Record]:
    """The verified evidence that counts, as engine records (`from` → `to`). Read in batches, so
    that a large instance's other requests are not held up while it is converted."""
    author, subject = aliased(Actor), aliased(Actor)
    records: list[Record] = []
    async with db.session() as session:
        blocked = set(await session.scalars(select(DomainBlock.domain)))
        suspended = set(await session.scalars(select(Account.actor_id).where(Account.suspended_at.is_not(None))))
        rows = await session.stream(
            select(Evidence.kind, Evidence.outcome, author.uri, author.domain, author.id, subject.uri, subject.domain, subject.id)
            .join(author, Evidence.author_id == author.id)
            .join(subject, Evidence.subject_id == subject.id)
            .where(Evidence.revoked_at.is_(None))
            .order_by(Evidence.id)
            .execution_options(yield_per=READ_BATCH)
        )
        async for batch in rows.partitions():
            records.extend(_records(batch, suspended, blocked))
            await asyncio.sleep(0)
    return records


def _records(rows: Iterable[Any], suspended: set[int], blocked: set[str]) -> Iterator[Record]:
    for kind, outcome, source, source_domain, source_id, target, target_domain, target_id in rows:
        if {source_id, target_id} & suspended or _blocked(source_domain, blocked) or _blocked(target_domain, blocked):
            continue
        if kind == "outcome":
            if outcome in OUTCOME_HELPED:
                yield Record(Kind.OUTCOME, source, target, OUTCOME_HELPED[outcome])
        else:
            yield Record(Kind(kind), source, target)


def _blocked(domain: str, blocked: set[str]) -> bool:
    return not domain_and_parents(domain).isdisjoint(blocked)


async def seeds(db: Database, settings: Settings) -> list[str]:
    """Actor URIs of the seeds: `reputation_seeds` (members or URIs), else the admins."""
    async with db.session() as session:
        if not settings.reputation_seeds:
            admins = await session.scalars(
                select(Actor.uri).join(Account, Account.actor_id == Actor.id).where(
                    Account.role == "admin", Account.suspended_at.is_(None)
                )
            )
            return sorted(admins)
        found = []
        for name in settings.reputation_seeds:
            if name.startswith(("http://", "https://")):
                found.append(name)
                continue
            account = await session.scalar(select(Account).where(Account.username == name.lower()))
            if account is None:
                raise InvalidInput(f"reputation_seeds names {name!r}, who is not a member here")
            found.append(account.actor.uri)
        return found


NO_SEEDS = "reputation needs seeds: make someone an admin, or set reputation_seeds"


async def _inputs(db: Database, settings: Settings) -> tuple[list[Record], list[str]]:
    """The engine's inputs: the evidence that counts and the seeds (InvalidInput without seeds)."""
    seed_uris = await seeds(db, settings)
    if not seed_uris:
        raise InvalidInput(NO_SEEDS)
    return await evidence_records(db), seed_uris


async def compute_now(db: Database, settings: Settings) -> Reputation:
    """The engine's result over the current evidence (not stored)."""
    records, seed_uris = await _inputs(db, settings)
    return await asyncio.to_thread(compute, records, seed_uris)


async def recompute(db: Database, settings: Settings, progress: Progress | None = None) -> RunSummary:
    """Compute every score and store the result, replacing the previous one in one transaction."""
    report = progress or (lambda _phase, _done, _total: None)
    mark = await evidence_mark(db)  # before reading: evidence arriving meanwhile triggers the next run
    records, seed_uris = await _inputs(db, settings)
    report("evidence", len(records), len(records))
    result = await asyncio.to_thread(compute, records, seed_uris)  # CPU-bound: off the event loop
    report("computed", 1, 1)
    computed_at = utc_now()
    async with db.transaction() as session:
        ids = await _actor_ids(session, result.actors)
        await session.execute(delete(ReputationScore))
        rows = await asyncio.to_thread(_rows, result, ids, computed_at)
        for start in range(0, len(rows), 1000):
            await session.execute(insert(ReputationScore), rows[start : start + 1000])
            report("stored", min(start + 1000, len(rows)), len(rows))
        state = {
            "computed_at": computed_at.isoformat(), "mark": mark, "records": len(records), "seeds": seed_uris,
            "engine": ENGINE_VERSION,
        }
        await _save_state(session, state)
    return RunSummary(computed_at, len(records), len(rows), seed_uris)


def _rows(result: Reputation, ids: dict[str, int], computed_at: datetime) -> list[dict[str, Any]]:
    return [_row(ids[score.actor], score, computed_at) for score in result.scores() if score.actor in ids]


def _row(actor_id: int, score: Any, computed_at: datetime) -> dict[str, Any]:
    return {
        "actor_id": actor_id,
        "trust": score.trust,
        "percentile": score.percentile,
        "established": score.established,
        "corroborated": score.corroborated,
        "balance": score.balance,
        "connector": score.connector,
        "computed_at": computed_at,
    }


async def _actor_ids(session: AsyncSession, uris: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(uris), 500):
        chunk = uris[start : start + 500]
        ids.update((uri, actor_id) for uri, actor_id in await session.execute(select(Actor.uri, Actor.id).where(Actor.uri.in_(chunk))))
    return ids


async def evidence_mark(db: Database) -> list[Any]:
    """What changes whenever evidence is added or revoked: the trigger for a recompute."""
    async with db.session() as session:
        newest, count, revoked = (
            await session.execute(
                select(func.max(Evidence.id), func.count(), func.count(Evidence.revoked_at))
            )
        ).one()
    return [newest, count, revoked]


async def state(db: Database) -> dict[str, Any] | None:
    async with db.session() as session:
        row = await session.get(InstanceSetting, STATE_KEY)
    return row.value if row is not None else None


async def _save_state(session: AsyncSession, value: dict[str, Any]) -> None:
    row = await session.get(InstanceSetting, STATE_KEY)
    if row is None:
        session.add(InstanceSetting(key=STATE_KEY, value=value))
    else:
        row.value = value


async def stored_score(db: Database, actor: Actor) -> ReputationScore:
    async with db.session() as session:
        row = await session.get(ReputationScore, actor.id)
    if row is None:
        raise NotFound(f"{actor.handle} has no score yet: no verified evidence names them, or no recompute ran")
    return row


async def explain(db: Database, settings: Settings, actor: Actor) -> Explanation:
    """Why `actor` has the trust it has, over the current evidence."""
    result = await compute_now(db, settings)
    try:
        return result.explain(actor.uri)
    except KeyError as error:
        raise NotFound(f"no verified evidence names {actor.handle}") from error


async def export_lines(db: Database) -> Iterator[str]:
    """The evidence that counts, as the JSON Lines of `fedinet reputation score --evidence`."""
    return (json.dumps(_record_json(record)) for record in await evidence_records(db))


def _record_json(record: Record) -> dict[str, Any]:
    line: dict[str, Any] = {"kind": str(record.kind), "from": record.source, "to": record.target}
    if record.helped is not None:
        line["helped"] = record.helped
    return line


class ReputationJob:
    """Background job: recompute when the evidence, the seeds or the engine changed, at most once
    per interval."""

    name = "reputation"
    idle_seconds = 30.0  # checking for changes is three aggregates over the evidence table and the seeds

    def __init__(self, db: Database, settings: Settings) -> None:
        self._db = db
        self._settings = settings

    async def run_once(self) -> int:
        try:
            current_seeds = await seeds(self._db, self._settings)
        except InvalidInput:
            return 0  # reputation_seeds names someone who is not a member: `fedinet reputation recompute` says so
        if not current_seeds:
            return 0  # no seeds yet: nothing to compute from
        previous = await state(self._db)
        mark = await evidence_mark(self._db)
        if previous is not None:
            inputs = (previous.get("mark"), previous.get("seeds"), previous.get("engine"))
            if inputs == (mark, current_seeds, ENGINE_VERSION):
                return 0
            elapsed = (utc_now() - datetime.fromisoformat(previous["computed_at"])).total_seconds()
            if elapsed < self._settings.reputation_interval_seconds:
                return 0
        elif mark[1] == 0:
            return 0
        await recompute(self._db, self._settings)
        return 1

