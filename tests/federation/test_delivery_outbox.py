"""Queueing: `outbox.enqueue` writes the activity and one delivery per distinct remote inbox;
and the pure parts of the retry schedule."""

from __future__ import annotations

import json
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from fedinet.federation import outbox
from fedinet.federation.delivery import backoff, retry_after, should_knock
from fedinet.store.models import Delivery, OutboxActivity
from support.instances import RunningInstance


async def test_enqueue_writes_one_pending_row_per_distinct_remote_inbox(
    start_instance: Callable[..., Awaitable[RunningInstance]],
) -> None:
    instance = await start_instance()
    actor = (await instance.create_member("alice")).actor
    activity = {"id": f"{actor.uri}/activities/1", "type": "Announce", "actor": actor.uri,
                "object": "https://b.example/notes/1", "summary": "café"}
    inboxes = [
        "https://b.example/inbox",
        "https://c.example:8443/users/carol/inbox",
        "https://b.example/inbox",  # an exact duplicate
        f"{instance.base_url}/users/bob/inbox",  # local: delivered elsewhere
        "ftp://d.example/inbox",  # never deliverable
    ]
    async with instance.db.transaction() as session:
        queued = await outbox.enqueue(session, actor, activity, inboxes)
    async with instance.db.session() as session:
        stored = await session.get(OutboxActivity, queued.id)
        rows = list(await session.scalars(select(Delivery).order_by(Delivery.id)))
    assert stored is not None
    assert (stored.uri, stored.activity_type) == (activity["id"], "Announce")
    assert stored.actor_id == actor.id
    assert json.loads(stored.body) == activity
    assert [(r.inbox_url, r.domain, r.state, r.attempts) for r in rows] == [
        ("https://b.example/inbox", "b.example", "pending", 0),
        ("https://c.example:8443/users/carol/inbox", "c.example:8443", "pending", 0),
    ]
    assert all(r.activity_id == queued.id for r in rows)


async def test_enqueue_is_part_of_the_callers_transaction(
    start_instance: Callable[..., Awaitable[RunningInstance]],
) -> None:
    instance = await start_instance()
    actor = (await instance.create_member("alice")).actor
    with pytest.raises(RuntimeError):
        async with instance.db.transaction() as session:
            activity = {"id": "x:1", "type": "Create"}
            await outbox.enqueue(session, actor, activity, ["https://b.example/inbox"])
            raise RuntimeError("the caller's change failed")
    async with instance.db.session() as session:
        assert list(await session.scalars(select(Delivery))) == []
        assert list(await session.scalars(select(OutboxActivity))) == []


def test_backoff_schedule() -> None:
    middle = random.Random(0)
    middle.uniform = lambda a, b: (a + b) / 2  # type: ignore[method-assign]
    waits = [backoff(n, middle) for n in range(1, 10)]
    assert [w / timedelta(minutes=1) for w in waits] == [1, 3, 9, 27, 81, 243, 720, 720, 720]
    assert timedelta(hours=42) < sum(waits, timedelta()) < timedelta(hours=42, minutes=10)
    rng = random.Random(1)
    assert all(timedelta(hours=9.6) <= backoff(40, rng) <= timedelta(hours=14.4) for _ in range(100))


def test_retry_after_values() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert retry_after("120", now) == timedelta(minutes=2)
    assert retry_after("Thu, 01 Jan 2026 13:00:00 GMT", now) == timedelta(hours=1)
    assert retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now) == timedelta(0)
    assert retry_after("9" * 40, now) == timedelta(hours=12)
    for useless in (None, "", "soon", "-5", "١٢"):
        assert retry_after(useless, now) is None


@pytest.mark.parametrize(
    ("code", "knock"),
    [(400, True), (401, True), (403, True), (405, True), (422, True), (500, True), (503, True),
     (200, False), (202, False), (301, False), (404, False), (408, False), (410, False), (429, False)],
)
def test_which_answers_knock(code: int, knock: bool) -> None:
    assert should_knock(code) is knock
