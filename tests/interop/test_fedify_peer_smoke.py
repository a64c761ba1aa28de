"""fedinet and a real Fedify server (tests/interop/fedify) read each other's actors and
signatures. The peer, its control API and the recorded verification facts are described in
tests/interop/README.md."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from support.fedify_peer import ControlError, FedifyPeer
from support.instances import RunningInstance

from fedinet.federation.actor_parsing import parse_actor
from fedinet.federation.signing import http_cavage, http_rfc9421
from fedinet.federation.signing.http_message import HttpMessage
from fedinet.federation.signing.keys import load_private_key
from fedinet.federation.signing.proofs import create_proof
from fedinet.services.remote_actors import fetch_actor
from fedinet.store.models import Account

FIXTURES = Path(__file__).parent / "fixtures"
ACTIVITY_CONTEXT = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/data-integrity/v1",
]


async def test_fedify_reads_a_fedinet_actor(instance: RunningInstance, fedify: FedifyPeer) -> None:
    await instance.create_member("alice")
    alice = f"{instance.base_url}/users/alice"

    found = await fedify.lookup(alice)

    assert found["found"] and found["isActor"], found
    assert found["type"] == "Person"
    assert found["id"] == alice
    assert found["preferredUsername"] == "alice"
    assert found["inbox"] == f"{alice}/inbox"
    assert found["sharedInbox"] == f"{instance.base_url}/inbox"
    assert found["followers"] == f"{alice}/followers"
    assert found["publicKeys"] == [
        {"id": f"{alice}#main-key", "owner": alice, "algorithm": "RSASSA-PKCS1-v1_5"}
    ]
    assert {
        "id": f"{alice}#ed25519-key",
        "type": "Multikey",
        "controller": alice,
        "algorithm": "Ed25519",
    } in found["assertionMethods"]
    assert found["hasPublicKey"] and found["hasEd25519Multikey"]


async def test_fedinet_reads_the_fedify_actor(
    instance: RunningInstance, fedify: FedifyPeer
) -> None:
    actor = await fetch_actor(instance.db, instance.transport, fedify.actor_url)

    assert actor.uri == fedify.actor_url
    assert actor.actor_type == "Person"
    assert actor.username == "fedi"
    assert actor.inbox_url == fedify.inbox_url
    assert actor.shared_inbox_url == fedify.shared_inbox_url
    assert actor.followers_url == f"{fedify.actor_url}/followers"
    keys = {key.algorithm: key for key in actor.keys}
    assert set(keys) == {"rsa", "ed25519"}
    # Fedify names its keys #main-key (RSA, publicKey) and #multikey-N (assertionMethod,
    # one Multikey per key pair: the RSA one too, which fedinet ignores).
    assert keys["rsa"].key_id == f"{fedify.actor_url}#main-key"
    assert keys["ed25519"].key_id.startswith(f"{fedify.actor_url}#multikey-")
    assert keys["ed25519"].public_key.startswith("z6Mk")


async def test_the_fedify_actor_fixture_is_what_fedify_serves(
    http: aiohttp.ClientSession, fedify: FedifyPeer
) -> None:
    """tests/interop/fixtures/fedify_actor.json is a real document from this peer (keys and
    port differ per run); offline tests may rely on its shape."""
    fixture = json.loads((FIXTURES / "fedify_actor.json").read_text())
    async with http.get(
        fedify.actor_url, headers={"Accept": "application/activity+json"}
    ) as response:
        assert response.status == 200
        assert response.content_type == "application/activity+json"
        live = await response.json(content_type=None)

    assert live["@context"] == fixture["@context"]
    assert _shape(live) == _shape(fixture)
    parsed = parse_actor(fixture)
    assert sorted(key.algorithm for key in parsed.keys) == ["ed25519", "rsa"]


def _shape(value: Any) -> Any:
    """The keys and value types of a JSON document, without its values."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items() if key != "@context"}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return type(value).__name__


async def _signed_post(
    http: aiohttp.ClientSession,
    url: str,
    activity: dict[str, Any],
    member: Account,
    *,
    scheme: str,
    with_proof: bool,
    tamper: bool = False,
) -> int:
    """POST `activity` as fedinet's signing package signs it, with `member`'s keys."""
    now = datetime.now(UTC)
    rsa = member.actor.key("rsa")
    ed25519 = member.actor.key("ed25519")
    assert rsa is not None and rsa.private_key_pem is not None
    assert ed25519 is not None and ed25519.private_key_pem is not None
    if with_proof:
        activity = create_proof(
            activity, load_private_key(ed25519.private_key_pem), ed25519.key_id, now
        )
    body = json.dumps(activity).encode()
    msg = HttpMessage(
        method="POST",
        url=url,
        headers={
            "Content-Type": "application/activity+json",
            "Accept": "application/activity+json",
        },
        body=body,
    )
    sign = http_cavage.sign_request if scheme == "draft-cavage" else http_rfc9421.sign_request
    headers = {**msg.headers, **sign(msg, rsa.key_id, load_private_key(rsa.private_key_pem), now)}
    if tamper:
        body = body.replace(b"Hello", b"Howdy")
        headers.pop("Digest", None)
        headers.pop("Content-Digest", None)
    async with http.post(url, data=body, headers=headers) as response:
        return response.status


@pytest.mark.parametrize(
    ("scheme", "inbox", "with_proof"),
    [
        ("draft-cavage", "personal", False),
        ("rfc9421", "personal", False),
        ("draft-cavage", "shared", True),
        ("rfc9421", "shared", True),
    ],
)
async def test_fedify_verifies_what_fedinet_signs(
    instance: RunningInstance,
    fedify: FedifyPeer,
    http: aiohttp.ClientSession,
    scheme: str,
    inbox: str,
    with_proof: bool,
) -> None:
    """Until fedinet delivers by itself: an activity signed by fedinet's signing package
    with a member's keys is accepted by Fedify, and the peer records who signed it."""
    alice_account = await instance.create_member("alice")
    alice = alice_account.actor.uri
    note = {
        "id": f"{alice}/notes/1",
        "type": "Note",
        "attributedTo": alice,
        "content": "Hello from fedinet",
        "to": [fedify.actor_url],
    }
    create = {
        "@context": ACTIVITY_CONTEXT,
        "id": f"{alice}/activities/{scheme}-{inbox}",
        "type": "Create",
        "actor": alice,
        "object": note,
        "to": [fedify.actor_url],
    }
    url = fedify.inbox_url if inbox == "personal" else fedify.shared_inbox_url

    status = await _signed_post(
        http, url, create, alice_account, scheme=scheme, with_proof=with_proof
    )

    assert status == 202, (await fedify.rejected(), "".join(fedify.output))
    entry = await fedify.wait_for_inbox("Create", lambda e: e["id"] == create["id"])
    assert entry["actor"] == alice
    assert entry["object"] == note["id"]
    assert entry["recipient"] == ("fedi" if inbox == "personal" else None)
    assert entry["json"]["object"]["content"] == "Hello from fedinet"
    facts = entry["verification"]
    assert facts["fedify"]["activityVerified"] is True
    assert facts["httpSignature"] == {
        "scheme": scheme,
        "keyId": f"{alice}#main-key",
        "algorithm": facts["httpSignature"]["algorithm"],
        "components": facts["httpSignature"]["components"],
        "digest": "digest" if scheme == "draft-cavage" else "content-digest",
        "verified": True,
        "verifiedKeyId": f"{alice}#main-key",
        "keyOwner": alice,
        "ownerIsActor": True,
        "failure": None,
    }
    if with_proof:
        assert facts["proofVerified"] is True
        assert [(p["verified"], p["keyId"], p["controller"]) for p in facts["proofs"]] == [
            (True, f"{alice}#ed25519-key", alice)
        ]
        # Fedify's inbox takes a valid FEP-8b32 proof as enough and skips the HTTP signature.
        assert facts["fedify"]["httpSignatureVerified"] is False
    else:
        assert facts["proofs"] == [] and facts["proofVerified"] is None
        assert facts["fedify"]["httpSignatureVerified"] is True
        assert facts["fedify"]["httpSignatureKeyId"] == f"{alice}#main-key"


async def test_fedify_rejects_a_tampered_body(
    instance: RunningInstance, fedify: FedifyPeer, http: aiohttp.ClientSession
) -> None:
    alice_account = await instance.create_member("alice")
    alice = alice_account.actor.uri
    like = {
        "@context": ACTIVITY_CONTEXT,
        "id": f"{alice}/likes/1",
        "type": "Like",
        "actor": alice,
        "object": f"{fedify.actor_url}/notes/Hello",
    }

    status = await _signed_post(
        http,
        fedify.inbox_url,
        like,
        alice_account,
        scheme="draft-cavage",
        with_proof=False,
        tamper=True,
    )

    assert status == 401
    assert await fedify.inbox() == []
    [rejected] = await fedify.rejected()
    assert (rejected["type"], rejected["id"], rejected["actor"]) == ("Like", like["id"], alice)
    assert rejected["reason"]["type"] == "invalidSignature"
    assert rejected["verification"]["httpSignature"]["verified"] is False


async def test_fedify_accepts_a_follow_from_fedinet(
    instance: RunningInstance, fedify: FedifyPeer, http: aiohttp.ClientSession
) -> None:
    """A signed Follow makes the peer store the follower and answer with an Accept to its
    inbox (delivered after the Follow was answered; `settle()` waits for it)."""
    alice_account = await instance.create_member("alice")
    alice = alice_account.actor.uri
    follow = {
        "@context": ACTIVITY_CONTEXT,
        "id": f"{alice}/follows/1",
        "type": "Follow",
        "actor": alice,
        "object": fedify.actor_url,
    }

    status = await _signed_post(
        http, fedify.inbox_url, follow, alice_account, scheme="rfc9421", with_proof=True
    )
    await fedify.settle()

    assert status == 202
    [follower] = await fedify.followers()
    assert follower["id"] == alice
    assert follower["inbox"] == f"{alice}/inbox"
    assert follower["sharedInbox"] == f"{instance.base_url}/inbox"
    assert follower["followId"] == follow["id"]
    [accept] = [sent for sent in await fedify.outbox() if sent["type"] == "Accept"]
    assert accept["recipients"] == [alice]
    assert accept["json"]["object"]["id"] == follow["id"]
    assert accept["json"]["actor"] == fedify.actor_url
    # Whether fedinet's inbox took the Accept is not this test's business (errors() says).


async def test_a_manually_approving_fedify_can_reject_a_follow(
    instance: RunningInstance, fedify: FedifyPeer, http: aiohttp.ClientSession
) -> None:
    await fedify.configure(follow_policy="manual")
    alice_account = await instance.create_member("alice")
    alice = alice_account.actor.uri
    follow = {
        "@context": ACTIVITY_CONTEXT,
        "id": f"{alice}/follows/2",
        "type": "Follow",
        "actor": alice,
        "object": fedify.actor_url,
    }
    assert (await fedify.lookup(fedify.actor_url))["json"]["manuallyApprovesFollowers"] is True

    status = await _signed_post(
        http, fedify.inbox_url, follow, alice_account, scheme="draft-cavage", with_proof=False
    )
    assert status == 202
    [pending] = await fedify.follow_requests()
    assert pending["id"] == alice and pending["followId"] == follow["id"]

    with contextlib.suppress(ControlError):  # how fedinet's inbox answers is not tested here
        await fedify.answer_follow(alice, accept=False)

    [reject] = [sent for sent in await fedify.outbox() if sent["type"] == "Reject"]
    assert reject["recipients"] == [alice]
    assert reject["json"]["object"]["id"] == follow["id"]
    assert await fedify.followers() == [] and await fedify.follow_requests() == []
