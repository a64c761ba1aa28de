"""What Fedify sends verifies with fedinet's signing package.

Until fedinet's inbox exists, a stand-in remote actor (tests/interop/stand_in_remote.py, a
small aiohttp server on loopback) receives what the Fedify peer delivers, and the tests check
each request with fedinet.federation.signing: the HTTP signature (RFC 9421 first,
draft-cavage after a refusal: Fedify's "double knock") and the FEP-8b32 eddsa-jcs-2022 proof.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from interop.stand_in_remote import stand_in_remote
from support.fedify_peer import ControlError, FedifyPeer

from fedinet.federation.actor_parsing import ParsedActor, parse_actor
from fedinet.federation.signing import http_cavage, http_rfc9421, proofs
from fedinet.federation.signing.http_message import HttpMessage
from fedinet.federation.signing.keys import ed25519_from_multibase, load_public_pem

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def _fedify_actor(http: aiohttp.ClientSession, peer: FedifyPeer) -> ParsedActor:
    async with http.get(peer.actor_url, headers={"Accept": "application/activity+json"}) as r:
        return parse_actor(await r.json(content_type=None))


def _check_http_signature(msg: HttpMessage, actor: ParsedActor) -> str:
    """Verify `msg`'s signature with fedinet's verifiers; the scheme it used."""
    rsa = next(key for key in actor.keys if key.algorithm == "rsa")
    now = datetime.now(UTC)
    if msg.header("signature-input") is not None:
        parsed = http_rfc9421.parse_signature(msg)
        assert parsed.key_id == rsa.key_id
        http_rfc9421.verify(msg, parsed, load_public_pem(rsa.public_key), now)
        return "rfc9421"
    cavage = http_cavage.extract_signature(msg)
    assert cavage.key_id == rsa.key_id
    http_cavage.verify(msg, cavage, load_public_pem(rsa.public_key), now)
    return "draft-cavage"


def _check_proof(document: dict[str, Any], actor: ParsedActor) -> None:
    ed25519 = next(key for key in actor.keys if key.algorithm == "ed25519")
    assert proofs.proof_verification_method(document) == ed25519.key_id
    proofs.verify_proof(document, ed25519_from_multibase(ed25519.public_key))


async def test_fedify_deliveries_verify_with_fedinet(
    fedify: FedifyPeer, http: aiohttp.ClientSession
) -> None:
    async with stand_in_remote() as remote:
        actor = await _fedify_actor(http, fedify)

        follow = await fedify.follow(remote.actor_url)

        [msg] = remote.received
        assert msg.url == f"{remote.actor_url}/inbox"
        assert msg.header("content-type") == "application/activity+json"
        assert _check_http_signature(msg, actor) == "rfc9421"
        document = json.loads(msg.body)
        assert document["id"] == follow["id"]
        assert document["type"] == "Follow"
        assert document["actor"] == fedify.actor_url
        assert document["object"] == remote.actor_url
        _check_proof(document, actor)
        # Fedify also adds a Mastodon-style Linked Data signature with the RSA key.
        assert document["signature"]["type"] == "RsaSignature2017"
        assert document["signature"]["creator"] == f"{fedify.actor_url}#main-key"


async def test_fedify_falls_back_to_draft_cavage_after_a_refusal(
    fedify: FedifyPeer, http: aiohttp.ClientSession
) -> None:
    """An inbox that refuses an RFC 9421 signature gets the same activity again, signed
    draft-cavage; Fedify then remembers draft-cavage for that origin."""
    async with stand_in_remote() as remote:
        remote.status = lambda msg: 401 if msg.header("signature-input") else 202
        actor = await _fedify_actor(http, fedify)

        follow = await fedify.follow(remote.actor_url)
        await fedify.undo(follow["id"])

        schemes = [_check_http_signature(msg, actor) for msg in remote.received]
        assert schemes == ["rfc9421", "draft-cavage", "draft-cavage"]
        first, second, undo = (json.loads(msg.body) for msg in remote.received)
        assert first == second
        assert undo["type"] == "Undo" and undo["object"]["id"] == follow["id"]
        for document in (second, undo):
            _check_proof(document, actor)


async def test_a_failed_delivery_is_a_control_error_and_the_peer_lives_on(
    fedify: FedifyPeer,
) -> None:
    async with stand_in_remote() as remote:
        remote.status = lambda _msg: 500
        with pytest.raises(ControlError) as failure:
            await fedify.follow(remote.actor_url)
        assert failure.value.status == 500
        assert "500" in failure.value.details["error"], failure.value.details
        # Fedify knocks twice on any error status, once per signature scheme.
        assert len(remote.received) == 2
        assert [f["state"] for f in await fedify.following()] == ["failed"]

    found = await fedify.lookup(fedify.actor_url)
    assert found["found"] and found["hasEd25519Multikey"]


async def test_every_control_call_delivers_verifiable_activities(
    fedify: FedifyPeer, http: aiohttp.ClientSession
) -> None:
    """post (to one actor), update, delete, like, announce and undo each reach the stand-in's inbox
    signed (HTTP signature and proof) by the Fedify actor."""
    async with stand_in_remote() as remote:
        actor = await _fedify_actor(http, fedify)

        posted = await fedify.post("Hello <b>bob</b>", to=remote.actor_url)
        async with http.get(
            posted["note"], headers={"Accept": "application/activity+json"}
        ) as response:
            assert response.status == 200
            served = await response.json(content_type=None)
            assert served["type"] == "Note" and served["attributedTo"] == fedify.actor_url
        updated = await fedify.update(posted["note"], "Hello <i>bob</i>")
        deleted = await fedify.delete(posted["note"])
        liked = await fedify.like(remote.note_url)
        announced = await fedify.announce(remote.note_url)
        undone = await fedify.undo(liked["id"])

        received = [json.loads(msg.body) for msg in remote.received]
        assert [(d["type"], d["id"]) for d in received] == [
            ("Create", posted["create"]),
            ("Update", updated["id"]),
            ("Delete", deleted["id"]),
            ("Like", liked["id"]),
            ("Announce", announced["id"]),
            ("Undo", undone["id"]),
        ]
        for msg, document in zip(remote.received, received, strict=True):
            assert _check_http_signature(msg, actor) == "rfc9421"
            _check_proof(document, actor)
            assert document["actor"] == fedify.actor_url
        create, update, delete, like, announce, undo = received
        assert create["object"]["id"] == posted["note"]
        assert create["object"]["content"] == "Hello <b>bob</b>"
        assert create["object"]["attributedTo"] == fedify.actor_url
        # Fedify writes single values as plain strings, not one-element lists.
        assert create["to"] == remote.actor_url
        assert create["object"]["tag"]["type"] == "Mention"
        assert update["object"]["id"] == posted["note"]
        assert update["object"]["content"] == "Hello <i>bob</i>"
        assert "updated" in update["object"]
        assert delete["object"] == {"id": posted["note"], "type": "Tombstone"}
        assert like["object"] == remote.note_url
        assert announce["object"] == remote.note_url
        # The public audience goes out as the full URI, not "as:Public".
        assert announce["to"] == PUBLIC
        assert undo["object"]["id"] == liked["id"] and undo["object"]["type"] == "Like"

    async with http.get(posted["note"], headers={"Accept": "application/activity+json"}) as r:
        assert r.status == 404  # deleted notes are gone from the object dispatcher
