"""Hostile protocol objects at a fedinet inbox: each is refused or dropped with its reason
counted, and nothing is stored (protocol/spec.md SIG-1, SIG-2, EVID-1, EVID-2, FED-1,
VOUCH-2, OUT-2, INTRO-4, INTRO-7, LIMIT-1). The sender is a stand-in remote whose actors
publish Ed25519 keys, as fedinet and Fedify actors do."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from support.cli import run_fedinet
from support.federation import fake_remote, settle

from fedinet.federation.signing.keys import generate_ed25519_keypair, load_private_key
from fedinet.federation.signing.proofs import create_proof
from fedinet.market import vocabulary as vocab
from fedinet.services import proposals
from fedinet.store import market as market_queries
from fedinet.store.models import Agreement, Evidence, InboxItem

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def setting(instance):  # type: ignore[no-untyped-def]
    """alice on fedinet; eve and mallory on a stand-in server, each with an Ed25519 key."""
    alice = await instance.create_member("alice")
    async with fake_remote() as remote:
        keys = {}
        for name in ("eve", "mallory"):
            pair = generate_ed25519_keypair()
            uri = f"{remote.base_url}/users/{name}"
            remote.add_actor(
                name,
                assertionMethod=[
                    {"id": f"{uri}#ed", "type": "Multikey", "controller": uri, "publicKeyMultibase": pair.public}
                ],
            )
            keys[uri] = (f"{uri}#ed", load_private_key(pair.private_pem))
        yield instance, alice, remote, keys


def signed(keys, document: dict[str, Any], by: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    key_id, private_key = keys[by]
    return create_proof(document, private_key, key_id, NOW)


def vouch(author: str, subject: str, **changes: Any) -> dict[str, Any]:
    return {
        "@context": vocab.CONTEXT,
        "id": f"{author}/vouches/1",
        "type": "Vouch",
        "attributedTo": author,
        "vouchesFor": subject,
        "relationship": "workedWith",
        "published": "2026-01-01T00:00:00Z",
        "to": [subject],
        **changes,
    }


def create(actor: str, obj: dict[str, Any], number: int = 1) -> dict[str, Any]:
    return {
        "@context": vocab.CONTEXT,
        "id": f"{actor}/activities/{number}",
        "type": "Create",
        "actor": actor,
        "to": obj.get("to", []),
        "object": obj,
    }


async def stored(instance) -> tuple[int, int, dict[str, int]]:  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        evidence = await session.scalar(select(func.count()).select_from(Evidence))
        inbox = await session.scalar(select(func.count()).select_from(InboxItem))
        return evidence, inbox, await market_queries.dropped_counts(session)


async def test_refused_at_the_inbox(setting, http) -> None:  # type: ignore[no-untyped-def]
    instance, alice, remote, keys = setting
    eve, mallory = f"{remote.base_url}/users/eve", f"{remote.base_url}/users/mallory"
    me = alice.actor.uri
    good = signed(keys, vouch(eve, me), eve)
    tampered = {**good, "relationship": "family"}
    cases = [
        ("no proof", vouch(eve, me), 401, "proof-missing"),
        ("tampered after signing", tampered, 401, "proof-invalid"),
        ("proof by a key the author does not own", signed(keys, vouch(eve, me), mallory), 401, "key-not-owned"),
        ("a vouch for oneself", signed(keys, vouch(eve, eve), eve), 400, "self-reference"),
        ("an oversized note", signed(keys, vouch(eve, me, content="x" * 5001), eve), 400, "schema"),
        ("an unknown relationship", signed(keys, vouch(eve, me, relationship="bff"), eve), 400, "schema"),
        ("an id on another host", signed(keys, vouch(eve, me, id="https://elsewhere.example/v/1"), eve), 400, "origin-mismatch"),
    ]
    for number, (why, document, status, reason) in enumerate(cases, start=1):
        code, body = await remote.post(http, alice.actor.inbox_url, create(eve, document, number))
        assert code == status, (why, body)
        assert reason in str(body), (why, body)
    evidence, inbox, dropped = await stored(instance)
    assert (evidence, inbox) == (0, 0)
    assert sum(dropped.values()) == len(cases)


async def test_dropped_by_the_worker(setting, http) -> None:  # type: ignore[no-untyped-def]
    instance, alice, remote, keys = setting
    eve, mallory = f"{remote.base_url}/users/eve", f"{remote.base_url}/users/mallory"
    me = alice.actor.uri
    outcome = {
        "@context": vocab.CONTEXT,
        "id": f"{eve}/outcomes/1",
        "type": "Outcome",
        "attributedTo": eve,
        "context": f"{me}/introductions/404",
        "connector": me,
        "outcome": "notHelpful",
        "published": "2026-01-01T00:00:00Z",
        "to": [me],
    }
    second_hand_broken = {**signed(keys, vouch(mallory, me), mallory), "topic": ["forged"]}
    activities = [
        create(eve, signed(keys, outcome, eve), 1),  # OUT-2: eve was no party of any introduction here
        create(eve, signed(keys, vouch(eve, f"{remote.base_url}/users/nobody"), eve), 2),  # INTRO-7
        create(eve, second_hand_broken, 3),  # EVID-1: mallory's vouch, forwarded by eve, altered
    ]
    for activity in activities:
        code, body = await remote.post(http, alice.actor.inbox_url, activity)
        assert code == 202, body
    await settle(instance)
    evidence, _, dropped = await stored(instance)
    assert evidence == 0
    assert dropped == {"not-a-party": 1, "unknown-actor": 1, "proof-invalid": 1}
    shown = run_fedinet("queue", data_dir=instance.settings.data_dir, FEDINET_BASE_URL=instance.base_url)
    assert "refused protocol objects: 1 not-a-party, 1 proof-invalid, 1 unknown-actor" in shown.stdout


async def test_second_hand_evidence_is_verified_by_its_authors_key(setting, http) -> None:  # type: ignore[no-untyped-def]
    instance, alice, remote, keys = setting
    eve, mallory = f"{remote.base_url}/users/eve", f"{remote.base_url}/users/mallory"
    forwarded = signed(keys, vouch(mallory, alice.actor.uri, topic=["bikes"]), mallory)
    code, body = await remote.post(http, alice.actor.inbox_url, create(eve, copy.deepcopy(forwarded)))
    assert code == 202, body
    await settle(instance)
    async with instance.db.session() as session:
        [row] = (await session.scalars(select(Evidence))).all()
    assert (row.author.uri, row.subject.uri, row.topics) == (mallory, alice.actor.uri, ["bikes"])


async def test_an_introduction_offered_without_consent_is_refused(setting, http) -> None:  # type: ignore[no-untyped-def]
    instance, alice, remote, keys = setting
    eve, mallory = f"{remote.base_url}/users/eve", f"{remote.base_url}/users/mallory"
    introduction = {
        "@context": vocab.CONTEXT,
        "id": f"{eve}/introductions/1",
        "type": "Introduction",
        "attributedTo": eve,
        "introduces": mallory,
        "target": alice.actor.uri,
        "content": "Mallory sells things",
        "reason": "You buy things",
        "benefit": "Things",
        "published": "2026-01-01T00:00:00Z",
        "to": [mallory, alice.actor.uri],
    }
    offer = {
        "@context": vocab.CONTEXT,
        "id": f"{eve}/activities/9",
        "type": "Offer",
        "actor": eve,
        "to": [alice.actor.uri, mallory],
        "object": signed(keys, introduction, eve),
    }
    code, body = await remote.post(http, alice.actor.inbox_url, offer)
    assert code == 400 and "consent-missing" in str(body), body
    _, inbox, dropped = await stored(instance)
    assert inbox == 0 and dropped == {"consent-missing": 1}


async def test_one_pending_response_per_remote_responder(setting, http) -> None:  # type: ignore[no-untyped-def]
    """AGREE-1: a server that sends Offer after Offer still makes one pending response."""
    instance, alice, remote, _keys = setting
    eve = f"{remote.base_url}/users/eve"
    ask = await proposals.publish(instance.db, instance.settings, alice, kind="ask", name="A ladder")
    for number in (1, 2):
        offer = {
            "@context": vocab.CONTEXT,
            "id": f"{eve}/offers/{number}",
            "type": "Offer",
            "actor": eve,
            "to": [alice.actor.uri],
            "content": f"Offer number {number}",
            "object": {
                "type": "Agreement",
                "stipulates": {
                    "type": "Commitment",
                    "satisfies": f"{ask.uri}#primary",
                    "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "1"},
                },
            },
        }
        code, body = await remote.post(http, alice.actor.inbox_url, offer)
        assert code == 202, body
    await settle(instance)
    async with instance.db.session() as session:
        rows = (await session.scalars(select(Agreement))).all()
    assert [(row.message, row.state) for row in rows] == [("Offer number 1", "offered")]
