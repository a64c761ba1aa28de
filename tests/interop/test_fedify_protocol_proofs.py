"""fedinet's signed protocol objects and Fedify's FEP-8b32 proofs, checked by the other side.

Fedify verifies vouches, acknowledgments and introductions (with the embedded consent and
vouch) that fedinet signed, with its own `verifyProof`, fetching fedinet's keys over HTTP;
fedinet verifies a `Vouch` that Fedify signed with `createProof`, and stores it as evidence
when the peer delivers it, but refuses it once tampered with (protocol/spec.md SIG-1..3,
EVID-1, EVID-2).
"""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import select
from support.fedify_peer import FedifyPeer
from support.federation import settle
from support.instances import RunningInstance

from fedinet.federation.key_store import KeyStore
from fedinet.federation.note_document import with_proof
from fedinet.market import vocabulary as vocab
from fedinet.market.evidence import KeyResolver, verify_all, verify_signed
from fedinet.market.validation import ProtocolViolation, validate
from fedinet.services import evidence, introductions
from fedinet.services.remote_actors import find_actor
from fedinet.store.market import dropped_counts
from fedinet.store.models import Actor, Evidence, Introduction


async def evidence_rows(instance: RunningInstance) -> list[Evidence]:
    async with instance.db.session() as session:
        return list(await session.scalars(select(Evidence).order_by(Evidence.id)))


async def dropped(instance: RunningInstance) -> dict[str, int]:
    async with instance.db.session() as session:
        return await dropped_counts(session)


def fedify_verified(result: dict[str, Any], signer: str) -> None:
    """Fedify verified every proof, and the top-level one is by `signer`'s key."""
    assert result["verified"] is True, result
    [proof] = result["details"]["proofs"]
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["verified"] is True and proof["controller"] == signer, proof
    assert proof["keyId"] == proof["verificationMethod"]


def key_resolver(instance: RunningInstance) -> KeyResolver:
    """fedinet's key lookup for `verify_signed`: the key's actor document, fetched over HTTP."""
    keys = KeyStore(instance.db, instance.transport)

    async def resolve(key_id: str) -> tuple[str, ed25519.Ed25519PublicKey]:
        key = await keys.get(key_id)
        if not isinstance(key.public_key, ed25519.Ed25519PublicKey):
            raise LookupError(f"{key_id} is not an Ed25519 key")
        return key.owner.uri, key.public_key

    return resolve


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fedify_vouch(fedify: FedifyPeer, subject: str, relationship: str = "workedWith") -> dict[str, Any]:
    """An unsigned `Vouch` by the Fedify actor, in fedinet's shape and inline context."""
    return {
        "@context": vocab.CONTEXT,
        "id": f"{fedify.actor_url}/vouches/{uuid.uuid4()}",
        "type": "Vouch",
        "attributedTo": fedify.actor_url,
        "vouchesFor": subject,
        "relationship": relationship,
        "topic": ["design"],
        "content": "Reviewed our whole design system, thoroughly.",
        "published": now(),
        "to": [subject, vocab.PUBLIC],
    }


def create_around(fedify: FedifyPeer, obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": vocab.CONTEXT,
        "id": f"{fedify.actor_url}/creates/{uuid.uuid4()}",
        "type": "Create",
        "actor": fedify.actor_url,
        "to": obj["to"],
        "object": obj,
        "published": now(),
    }


# -- Fedify verifies fedinet's proofs -----------------------------------------------------


async def test_fedify_verifies_vouches_and_acknowledgments(instance: RunningInstance, fedify: FedifyPeer) -> None:
    alice = await instance.create_member("alice")
    bob = await instance.create_member("bob")
    fedi = await find_actor(instance.db, instance.transport, instance.settings, fedify.actor_url)

    vouch = await evidence.vouch(
        instance.db, alice, bob.actor, "mentored", topics=["SEO", "writing"], note="Taught me <b>a lot</b> — merci"
    )
    vouch_for_fedi = await evidence.vouch(instance.db, alice, fedi, "workedWith")
    thanks = await evidence.acknowledge(instance.db, bob, alice.actor, f"{bob.actor.uri}/asks/1", note="Thanks!")
    for row in (vouch, vouch_for_fedi, thanks):
        document = json.loads(row.document)
        result = await fedify.verify_proof(document)
        fedify_verified(result, document["attributedTo"])
        assert result["details"]["objects"][0]["authorsCovered"] is True

        # Changed content: Fedify refuses the proof.
        for name, value in (("content", "I never met them"), ("published", "2020-01-01T00:00:00Z")):
            tampered = {**document, name: value}
            result = await fedify.verify_proof(tampered)
            assert result["verified"] is False, (name, result)
            assert result["details"]["proofs"][0]["verified"] is False
            assert "does not verify" in result["details"]["proofs"][0]["failure"]

    # A vouch "by alice" with a correct proof by bob's key: the signature is fine, but the key's
    # controller is not the author (SIG-2), so Fedify's verdict is no.
    async with instance.db.session() as session:
        bob_actor = await session.get(Actor, bob.actor.id)
        assert bob_actor is not None
        document = json.loads(vouch.document)
        del document["proof"]
        forged = with_proof(document, bob_actor)
    result = await fedify.verify_proof(forged)
    [proof] = result["details"]["proofs"]
    assert proof["verified"] is True and proof["controller"] == bob.actor.uri
    assert result["details"]["objects"][0]["authorsCovered"] is False
    assert result["verified"] is False


async def test_fedify_verifies_an_introduction_with_its_consent_and_vouch(
    instance: RunningInstance, fedify: FedifyPeer
) -> None:
    alice = await instance.create_member("alice")  # A, introduced
    bob = await instance.create_member("bob")  # B, the connector
    carol = await instance.create_member("carol")  # C, the target
    await evidence.vouch(instance.db, bob, alice.actor, "workedWith", topics=["seo"])
    request = await introductions.request(
        instance.db,
        alice,
        bob.actor,
        carol.actor,
        content="I need an SEO audit",
        reason="Carol audits shops like mine",
        benefit="A paid engagement",
    )
    await settle(instance)
    await introductions.introduce(instance.db, bob, request_id=request.id)
    await settle(instance)
    async with instance.db.session() as session:
        row = await session.get(Introduction, request.id)
        assert row is not None and row.document is not None
        document = json.loads(row.document)
    assert document["type"] == "Introduction"
    assert document["consent"]["type"] == "IntroductionRequest" and "proof" in document["consent"]
    assert document["vouch"]["type"] == "Vouch" and "proof" in document["vouch"]

    result = await fedify.verify_proof(document)
    fedify_verified(result, bob.actor.uri)
    objects = {o["path"]: o for o in result["details"]["objects"]}
    assert set(objects) == {"$", "$.vouch", "$.consent"}
    assert objects["$.consent"]["authors"] == [alice.actor.uri]
    assert objects["$.vouch"]["authors"] == [bob.actor.uri]
    for found in objects.values():
        assert found["verified"] is True, found
    assert objects["$.consent"]["proofs"][0]["controller"] == alice.actor.uri

    # Each embedded object also verifies on its own, as sent separately.
    for name, author in (("consent", alice.actor.uri), ("vouch", bob.actor.uri)):
        fedify_verified(await fedify.verify_proof(document[name]), author)

    # Changing the consent breaks both A's proof on it and B's proof over the whole.
    tampered = copy.deepcopy(document)
    tampered["consent"]["content"] = "Introduce me to everyone"
    result = await fedify.verify_proof(tampered)
    objects = {o["path"]: o for o in result["details"]["objects"]}
    assert result["verified"] is False
    assert objects["$"]["verified"] is False and objects["$.consent"]["verified"] is False
    assert objects["$.vouch"]["verified"] is True

    # Swapping in a vouch for someone else breaks only B's outer proof.
    other = await evidence.vouch(instance.db, bob, carol.actor, "friend")
    swapped = {**document, "vouch": json.loads(other.document)}
    result = await fedify.verify_proof(swapped)
    objects = {o["path"]: o for o in result["details"]["objects"]}
    assert result["verified"] is False
    assert objects["$"]["verified"] is False and objects["$.vouch"]["verified"] is True


# -- fedinet verifies Fedify's proofs -------------------------------------------------------


async def test_fedinet_verifies_a_vouch_signed_by_fedify(instance: RunningInstance, fedify: FedifyPeer) -> None:
    alice = await instance.create_member("alice")
    signed = (await fedify.sign(fedify_vouch(fedify, alice.actor.uri)))["document"]
    assert signed["proof"]["verificationMethod"] == f"{fedify.actor_url}#multikey-2"
    assert signed["proof"]["@context"] == vocab.CONTEXT
    assert (await fedify.verify_proof(signed))["verified"] is True  # Fedify agrees with itself

    validate(signed)
    resolve = key_resolver(instance)
    await verify_signed(signed, resolve)
    await verify_all(signed, resolve)

    for name, value in (("relationship", "family"), ("content", "Never met them.")):
        with pytest.raises(ProtocolViolation) as refused:
            await verify_signed({**signed, name: value}, resolve)
        assert refused.value.code == "proof-invalid"


@pytest.mark.parametrize("spec", ["rfc9421", "draft-cavage-http-signatures-12"])
async def test_fedify_delivers_a_signed_vouch_that_fedinet_stores(
    instance: RunningInstance, fedify: FedifyPeer, spec: str
) -> None:
    alice = await instance.create_member("alice")
    signed = (await fedify.sign(fedify_vouch(fedify, alice.actor.uri)))["document"]

    sent = await fedify.send_raw(create_around(fedify, signed), to=alice.actor.uri, spec=spec)
    assert sent["status"] == 202, sent
    [raw] = await fedify.sent_raw()
    assert (raw["id"], raw["spec"], raw["status"]) == (sent["id"], spec, 202)
    assert sent["json"]["proof"]["verificationMethod"] == f"{fedify.actor_url}#multikey-2"
    await settle(instance)

    [stored] = await evidence_rows(instance)
    assert (stored.kind, stored.uri, stored.author.uri, stored.subject.uri) == (
        "vouch",
        signed["id"],
        fedify.actor_url,
        alice.actor.uri,
    )
    assert stored.activity_uri == sent["id"]
    assert (stored.relationship_kind, stored.topics) == ("workedWith", ["design"])
    assert json.loads(stored.document) == signed  # kept as Fedify signed it
    assert await dropped(instance) == {}


@pytest.mark.parametrize("activity_proof", [True, False], ids=["create-with-proof", "http-signature-only"])
async def test_fedinet_refuses_a_tampered_fedify_vouch(
    instance: RunningInstance, fedify: FedifyPeer, activity_proof: bool
) -> None:
    alice = await instance.create_member("alice")
    signed = (await fedify.sign(fedify_vouch(fedify, alice.actor.uri)))["document"]
    tampered = {**signed, "relationship": "family", "content": "Family, so of course I vouch."}
    assert (await fedify.verify_proof(tampered))["verified"] is False

    # With activity_proof the Create carries the peer's own, valid proof over the tampered
    # vouch: only the vouch's proof is wrong, and that is enough to refuse it (EVID-1).
    sent = await fedify.send_raw(create_around(fedify, tampered), to=alice.actor.uri, proof=activity_proof)
    assert sent["status"] == 401, sent
    assert "proof-invalid" in sent["body"]
    await settle(instance)
    assert await evidence_rows(instance) == []
    assert await dropped(instance) == {"proof-invalid": 1}

    # The untampered vouch still gets in afterwards.
    sent = await fedify.send_raw(create_around(fedify, signed), to=alice.actor.uri, proof=activity_proof)
    assert sent["status"] == 202, sent
    await settle(instance)
    assert [row.uri for row in await evidence_rows(instance)] == [signed["id"]]
