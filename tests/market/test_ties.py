"""A member's ties (docs/relationships.md): exact strengths and groups on hand-made ties, the
inner circle's cap, ties going cold with their reasons; then the service on SQLite and
PostgreSQL, from what the database holds."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from fedinet.market import whom_to_ask as ranking
from fedinet.market.whom_to_ask import ACKNOWLEDGMENT, FOLLOW, INTRODUCTION, REPLY, VOUCH, Tie
from fedinet.services import accounts, evidence, follows, relationships, statuses, ties
from fedinet.store.models import Evidence, Follow, Status

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ME = 1


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def s(raw: float) -> float:
    return 1 - math.exp(-raw / 3)


def by_other(found: list[ties.Standing]) -> dict[int, ties.Standing]:
    return {standing.other: standing for standing in found}


def test_strengths_and_groups_exactly() -> None:
    hand_made = [
        Tie(ME, 2, FOLLOW, ago(400)), Tie(2, ME, FOLLOW, ago(300)), Tie(ME, 2, VOUCH, ago(300)),  # 1 + 1 + 2
        Tie(ME, 3, FOLLOW, ago(10)),  # one follow
        Tie(ME, 4, FOLLOW, ago(500)), Tie(4, ME, FOLLOW, ago(500)),  # mutual follow: standing, no decay
        Tie(ME, 5, ACKNOWLEDGMENT, ago(0)), Tie(5, ME, REPLY, ago(180)),  # 2 + 0.5 · ½
        Tie(6, ME, REPLY, ago(360)),  # 0.5 · ¼: all but faded
        Tie(7, ME, ACKNOWLEDGMENT, ago(180)),  # the same as 5's thanks, half a year older: 2 · ½
        Tie(8, 9, FOLLOW, ago(1)),  # not mine
        Tie(ME, ME, REPLY, ago(1)),  # oneself
    ]
    found = ties.standings(ME, hand_made, NOW)
    assert [(x.other, round(x.strength, 4), x.group) for x in found] == [
        (2, round(s(4), 4), "inner"),  # 0.7364
        (5, round(s(2.25), 4), "inner"),  # 0.5276
        (4, round(s(2), 4), "close"),  # 0.4866
        (3, round(s(1), 4), "acquaintance"),  # 0.2835, ties 7 on strength; the more recent first
        (7, round(s(1), 4), "acquaintance"),
        (6, round(s(0.125), 4), "dormant"),  # 0.0408
    ]
    assert s(1) < ties.BANDS.close <= s(2) < ties.BANDS.inner  # one follow / mutual follow
    everyone = by_other(found)
    assert everyone[7].strength < ties.standings(ME, [Tie(7, ME, ACKNOWLEDGMENT, NOW)], NOW)[0].strength  # decay
    assert everyone[2].interactions == {FOLLOW: 2, VOUCH: 1, ACKNOWLEDGMENT: 0, INTRODUCTION: 0, REPLY: 0}
    assert everyone[2].last_interaction_at == ago(300) and everyone[2].you_follow and everyone[2].follows_you
    assert everyone[5].last_interaction_at == NOW and everyone[5].exchanges == 2
    # The one definition of strength: whom to ask's, tie for tie.
    assert everyone[5].strength == ranking.strength([(ACKNOWLEDGMENT, ago(0)), (REPLY, ago(180))], NOW)


def test_the_inner_circle_is_capped() -> None:
    strong = [Tie(ME, other, VOUCH, ago(other)) for other in range(2, 7)]  # five vouches, 0.4866 each
    strong += [Tie(other, ME, REPLY, ago(0)) for other in range(2, 7) for _ in range(other - 1)]  # more replies, stronger
    found = ties.standings(ME, strong, NOW, inner_cap=3)
    assert all(x.strength >= ties.BANDS.inner for x in found)
    assert [(x.other, x.group) for x in found] == [(6, "inner"), (5, "inner"), (4, "inner"), (3, "close"), (2, "close")]
    assert [x.group for x in ties.standings(ME, strong, NOW)] == ["inner"] * 5  # Dunbar's 150 by default


def _talked_often() -> list[Tie]:
    """Bob: a mutual follow 400 days ago, then 12 replies, the last 74 days ago."""
    found = [Tie(ME, 2, FOLLOW, ago(400)), Tie(2, ME, FOLLOW, ago(400))]
    found += [Tie(ME if n % 2 else 2, 2 if n % 2 else ME, REPLY, ago(74 + 10 * n)) for n in range(12)]
    return found


def test_strong_ties_going_cold_with_their_reasons() -> None:
    hand_made = _talked_often()
    hand_made += [Tie(ME, 3, FOLLOW, ago(100)), Tie(3, ME, FOLLOW, ago(100)), Tie(3, ME, VOUCH, ago(100))]  # Carol
    hand_made += [Tie(ME, 4, VOUCH, ago(300)), Tie(4, ME, REPLY, ago(10))]  # Dave: strong, but talked lately
    hand_made += [Tie(ME, 5, FOLLOW, ago(200))]  # Eve: an old follow, a weak tie
    hand_made += [Tie(ME, 6, FOLLOW, ago(59)), Tie(6, ME, VOUCH, ago(59))]  # Frank: strong, 59 days
    found = ties.standings(ME, hand_made, NOW)
    cold = ties.cooling(found, NOW)
    assert [(x.other, days) for x, days in cold] == [(2, 74), (3, 100)]
    bob, carol = cold[0][0], cold[1][0]
    assert ties.reason(bob, "Bob", 74) == "You and Bob used to talk often (12 interactions); the last was 74 days ago"
    assert ties.reason(carol, "Carol", 100) == (
        "You and Carol are close (you follow each other, a vouch); the last interaction was 100 days ago"
    )
    assert [x.other for x, _ in ties.cooling(found, NOW, cold_after=timedelta(days=30))] == [2, 3, 6]
    assert [x.other for x, _ in ties.cooling(found, NOW, min_strength=0.9)] == [2, 3]  # the inner circle still counts
    tiny = ties.standings(ME, hand_made, NOW, inner_cap=1)  # only Bob is inner now
    assert [x.other for x, _ in ties.cooling(tiny, NOW, min_strength=0.99)] == [2]


# The service, on the database


async def _age(instance, model, *conditions, **times) -> None:  # type: ignore[no-untyped-def]
    async with instance.db.transaction() as session:
        await session.execute(update(model).where(*conditions).values(**times))


async def test_ties_and_cooling_from_the_database(start_instance, database_url) -> None:  # type: ignore[no-untyped-def]
    instance = await start_instance(database_url=database_url)
    names = ("alice", "bob", "carol", "dave", "mallory", "sus")
    alice, bob, carol, dave, mallory, sus = [await instance.create_member(name) for name in names]
    db, settings = instance.db, instance.settings
    for other in (bob, carol, mallory, sus):
        await follows.follow(db, alice, other.actor)
        await follows.follow(db, other, alice.actor)
    await evidence.vouch(db, carol, alice.actor, "friend")
    post = await statuses.post(db, settings, bob, "Anyone up for a coffee?")
    for n in range(6):  # six replies each way
        mine = await statuses.post(db, settings, alice, f"@bob Yes {n}", in_reply_to=post)
        post = await statuses.post(db, settings, bob, f"@alice Great {n}", in_reply_to=mine)
    await follows.follow(db, dave, alice.actor)
    await relationships.block(db, alice, mallory.actor)  # ends the follows too; a block leaves them out
    await evidence.vouch(db, mallory, alice.actor, "friend")  # across the block: still left out
    await accounts.set_suspended(db, "sus", True)

    now = datetime.now(UTC)
    everyone = {tie.actor.username: tie for tie in await ties.ties(db, alice)}
    assert set(everyone) == {"bob", "carol", "dave"}
    assert everyone["bob"].interactions == {FOLLOW: 2, VOUCH: 0, ACKNOWLEDGMENT: 0, INTRODUCTION: 0, REPLY: 12}
    assert everyone["bob"].group == "inner" and everyone["carol"].group == "inner" and everyone["dave"].group == "acquaintance"
    assert everyone["bob"].strength == pytest.approx(s(2 + 12 * 0.5), abs=1e-4)
    assert everyone["carol"].strength == pytest.approx(s(4))
    assert [tie.actor.username for tie in await ties.ties(db, alice, group="inner")] == ["bob", "carol"]
    assert await ties.cooling_ties(db, alice, now) == []

    # Two and a half months later nothing has happened.
    await _age(instance, Status, Status.actor_id.in_([alice.actor_id, bob.actor_id]), published_at=now - timedelta(days=80))
    await _age(instance, Follow, Follow.follower_id.in_([alice.actor_id, bob.actor_id, carol.actor_id]),
               accepted_at=now - timedelta(days=90))
    await _age(instance, Evidence, Evidence.author_id == carol.actor_id, published_at=now - timedelta(days=90))
    cold = await ties.cooling_ties(db, alice, now)
    assert [(c.tie.actor.username, c.days, c.reason) for c in cold] == [
        ("bob", 80, "You and bob used to talk often (12 interactions); the last was 80 days ago"),
        ("carol", 90, "You and carol are close (you follow each other, a vouch); the last interaction was 90 days ago"),
    ]
    async with db.session() as session:  # the nudges job passes its session
        assert [c.tie.actor.username for c in await ties.cooling_ties(session, alice, now, cold_after=timedelta(days=85))] == ["carol"]
    assert [c.tie.actor.username for c in await ties.cooling_ties(db, bob, now)] == ["alice"]
