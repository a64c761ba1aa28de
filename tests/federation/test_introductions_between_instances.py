"""A full introduction across three fedinet instances: A on one, connector B on another, C on a
third — with B's vouch for A, A's consent, C's acceptance and both outcomes, every signed
object verified on receipt (protocol/spec.md §5, §7, §8)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from support.federation import settle

from fedinet.services import evidence, introductions
from fedinet.services.errors import Conflict
from fedinet.services.remote_actors import find_actor
from fedinet.store import market as market_queries
from fedinet.store.models import Evidence, InboxItem, Introduction


async def _actor(home, handle):  # type: ignore[no-untyped-def]
    return await find_actor(home.db, home.transport, home.settings, handle)


async def _introduction(instance, **where):  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        query = select(Introduction)
        for name, value in where.items():
            query = query.where(getattr(Introduction, name) == value)
        return (await session.scalars(query)).one()


async def _evidence(instance, kind):  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        return list(await session.scalars(select(Evidence).where(Evidence.kind == kind).order_by(Evidence.id)))


async def _inbox_problems(instance):  # type: ignore[no-untyped-def]
    """Inbox rows that were not processed cleanly, and dropped-evidence counts."""
    async with instance.db.session() as session:
        rows = (await session.scalars(select(InboxItem))).all()
        dropped = await market_queries.dropped_counts(session)
    return [(row.activity_type, row.state, row.error) for row in rows if row.error], dropped


async def test_requested_introduction_with_vouch_consent_connection_and_outcomes(start_instance) -> None:  # type: ignore[no-untyped-def]
    """INTRO-1, INTRO-3, INTRO-4, INTRO-6, VOUCH-3, OUT-1, OUT-2, EVID-1 (the consent and the
    vouch reach C from B, and are verified by A's and B's keys)."""
    one, two, three = await start_instance(), await start_instance(), await start_instance()
    alice, bob, carol = (
        await one.create_member("alice"),
        await two.create_member("bob"),
        await three.create_member("carol"),
    )

    # B vouches for A; A's server stores it as verified evidence.
    alice_at_two = await _actor(two, f"alice@{one.domain}")
    given = await evidence.vouch(two.db, bob, alice_at_two, "workedWith", topics=["SEO"], note="Shipped two sites")
    await settle(one, two, three)
    [vouch] = await _evidence(one, "vouch")
    assert vouch.uri == given.uri and vouch.topics == ["seo"] and vouch.relationship_kind == "workedWith"
    assert vouch.author.uri == bob.actor.uri and vouch.subject.uri == alice.actor.uri
    assert "proof" in json.loads(vouch.document)

    # A asks B for an introduction to C.
    bob_at_one, carol_at_one = await _actor(one, f"bob@{two.domain}"), await _actor(one, f"carol@{three.domain}")
    requested = await introductions.request(
        one.db, alice, bob_at_one, carol_at_one,
        content="Looking for help with SEO for our launch", reason="Carol ran SEO at two startups",
        benefit="An early look at our analytics tool",
    )
    await settle(one, two, three)
    at_two = await _introduction(two, request_uri=requested.request_uri)
    assert at_two.state == "requested" and at_two.content.startswith("Looking for help")
    assert at_two.introduced.uri == alice.actor.uri and at_two.target.uri == carol.actor.uri

    # B introduces A to C from the request: A's signed request is the consent, B's vouch goes along.
    await introductions.introduce(two.db, bob, content="Alice builds analytics tools", request_id=at_two.id)
    await settle(one, two, three)
    at_three = await _introduction(three, uri=f"{bob.actor.uri}/introductions/{at_two.id}")
    assert at_three.state == "offered" and at_three.connector.uri == bob.actor.uri
    document = json.loads(at_three.document or "{}")
    assert document["consent"]["id"] == requested.request_uri and "proof" in document["consent"]
    assert document["vouch"]["id"] == given.uri
    assert [row.uri for row in await _evidence(three, "vouch")] == [given.uri]
    at_one = await _introduction(one, request_uri=requested.request_uri)
    assert at_one.state == "offered" and at_one.uri == at_three.uri

    # C accepts: A and C are connected on every server.
    await introductions.answer(three.db, carol, at_three.id, accept=True)
    await settle(one, two, three)
    for instance in (one, two, three):
        assert (await _introduction(instance, uri=at_three.uri)).state == "connected"

    # A and C report the outcome to B.
    await evidence.report_outcome(one.db, alice, at_one.id, "helped", note="We doubled our traffic")
    await evidence.report_outcome(three.db, carol, at_three.id, "noOutcome")
    await settle(one, two, three)
    outcomes = await _evidence(two, "outcome")
    assert {(row.author.uri, row.outcome) for row in outcomes} == {
        (alice.actor.uri, "helped"),
        (carol.actor.uri, "noOutcome"),
    }
    assert all(row.subject.uri == bob.actor.uri and row.context_uri == at_three.uri for row in outcomes)

    # OUT-3: a later report replaces the earlier one.
    await evidence.report_outcome(one.db, alice, at_one.id, "notHelpful", note="It faded out")
    await settle(one, two, three)
    standing = [row for row in await _evidence(two, "outcome") if row.revoked_at is None]
    assert sorted(row.outcome for row in standing) == ["noOutcome", "notHelpful"]

    # B revokes the vouch: every server that holds it, also the one that got it inside the
    # introduction, stops counting it (VOUCH-4).
    await evidence.revoke(two.db, bob, given.id)
    await settle(one, two, three)
    for instance in (one, three):
        [revoked] = await _evidence(instance, "vouch")
        assert revoked.revoked_at is not None

    for instance in (one, two, three):
        assert await _inbox_problems(instance) == ([], {})


async def test_introduction_started_by_the_connector_asks_a_first_and_relays_a_decline(start_instance) -> None:  # type: ignore[no-untyped-def]
    one, two, three = await start_instance(), await start_instance(), await start_instance()
    alice, bob, carol = (
        await one.create_member("alice"),
        await two.create_member("bob"),
        await three.create_member("carol"),
    )
    alice_at_two, carol_at_two = await _actor(two, f"alice@{one.domain}"), await _actor(two, f"carol@{three.domain}")
    started = await introductions.introduce(
        two.db, bob, alice_at_two, carol_at_two, content="Alice builds analytics tools", reason="You asked for one",
        benefit="Alice will share her benchmark data"
    )
    await settle(one, two, three)
    at_one = await _introduction(one, uri=started.uri)
    assert at_one.state == "awaiting-consent"
    async with three.db.session() as session:  # C hears nothing before A consents
        assert (await session.scalars(select(Introduction))).all() == []

    await introductions.consent(one.db, alice, at_one.id, accept=True)
    await settle(one, two, three)
    at_three = await _introduction(three, uri=started.uri)
    consent = json.loads(at_three.document or "{}")["consent"]
    assert at_three.state == "offered"
    assert consent["type"] == "Accept" and consent["actor"] == alice.actor.uri and "proof" in consent

    await introductions.answer(three.db, carol, at_three.id, accept=False)
    await settle(one, two, three)
    assert (await _introduction(two, uri=started.uri)).state == "rejected"
    assert (await _introduction(one, uri=started.uri)).state == "rejected"  # relayed by B
    for instance in (one, two, three):
        assert await _inbox_problems(instance) == ([], {})


async def test_the_connector_declines_a_request(start_instance) -> None:  # type: ignore[no-untyped-def]
    """INTRO-2: B's Reject of the request reaches A's server; C never hears of it."""
    one, two, three = await start_instance(), await start_instance(), await start_instance()
    alice, bob = await one.create_member("alice"), await two.create_member("bob")
    await three.create_member("carol")
    bob_at_one, carol_at_one = await _actor(one, f"bob@{two.domain}"), await _actor(one, f"carol@{three.domain}")
    requested = await introductions.request(
        one.db, alice, bob_at_one, carol_at_one, content="SEO help", reason="Carol knows SEO", benefit="Coffee"
    )
    await settle(one, two, three)
    with pytest.raises(Conflict, match="already asked"):  # one open request at a time
        await introductions.request(one.db, alice, bob_at_one, carol_at_one, content="x", reason="y", benefit="z")
    at_two = await _introduction(two, request_uri=requested.request_uri)
    await introductions.decline_request(two.db, bob, at_two.id, reason="Carol is overloaded this month")
    await settle(one, two, three)
    assert (await _introduction(one, request_uri=requested.request_uri)).state == "declined"
    async with three.db.session() as session:
        assert (await session.scalars(select(Introduction))).all() == []
    with pytest.raises(Conflict):
        await introductions.introduce(two.db, bob, content="too late", request_id=at_two.id)
