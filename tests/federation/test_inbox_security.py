"""Inbound activities: only what is signed by its own actor's key, from its origin, is stored.

Every refusal is checked twice: the status code, and that no inbox row was written.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fedinet.clock import utc_now
from fedinet.store.models import Actor, DomainBlock, InboxItem
from support.signed_requests import follow_activity, post_signed, signed_headers, signing_key


async def stored_count(instance) -> int:  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(InboxItem)) or 0)


@pytest.fixture
async def pair(start_instance):  # type: ignore[no-untyped-def]
    """Instance `one` with member alice (the sender), instance `two` with member bob."""
    one = await start_instance()
    two = await start_instance()
    alice = (await one.create_member("alice")).actor
    bob = (await two.create_member("bob")).actor
    return one, two, alice, bob


@pytest.mark.parametrize("scheme", ["cavage", "rfc9421"])
async def test_signed_activity_is_stored_once(pair, http, scheme: str) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    activity = follow_activity(alice, bob.uri)
    status, _ = await post_signed(http, bob.inbox_url, activity, signing_key(alice), scheme=scheme)
    assert status == 202
    # Re-delivery, and the same activity through the shared inbox: still one row.
    assert (await post_signed(http, bob.inbox_url, activity, signing_key(alice), scheme=scheme))[0] == 202
    assert (await post_signed(http, f"{two.base_url}/inbox", activity, signing_key(alice), scheme=scheme))[0] == 202
    async with two.db.session() as session:
        [row] = (await session.scalars(select(InboxItem))).all()
    assert row.activity_uri == activity["id"] and row.actor_uri == alice.uri
    assert row.key_id == f"{alice.uri}#main-key" and json.loads(row.body) == activity
    assert row.state == "pending"


async def test_unsigned_post(pair, http) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    async with http.post(bob.inbox_url, json=follow_activity(alice, bob.uri)) as response:
        assert response.status == 401
        assert "no Signature header" in (await response.json())["error"]
    assert await stored_count(two) == 0


async def test_signed_by_another_key(pair, http) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    mallory = (await one.create_member("mallory")).actor
    forged = signing_key(mallory)
    wrong = type(forged)(key_id=f"{alice.uri}#main-key", private_key=forged.private_key)
    status, body = await post_signed(http, bob.inbox_url, follow_activity(alice, bob.uri), wrong)
    assert status == 401 and "does not match" in body["error"]
    assert await stored_count(two) == 0


async def test_signer_is_not_the_actor(pair, http) -> None:  # type: ignore[no-untyped-def]
    """Mallory signs (her own valid key) an activity that claims to be Alice's."""
    one, two, alice, bob = pair
    mallory = (await one.create_member("mallory")).actor
    status, body = await post_signed(http, bob.inbox_url, follow_activity(alice, bob.uri), signing_key(mallory))
    assert status == 401 and "not signed by the activity's actor" in body["error"]
    # And from another host: a key of instance two claiming an actor of instance one.
    carol = (await two.create_member("carol")).actor
    status, body = await post_signed(http, bob.inbox_url, follow_activity(alice, bob.uri), signing_key(carol))
    assert status == 401 and "key of another server" in body["error"]
    assert await stored_count(two) == 0


@pytest.mark.parametrize("hours", [2, -2])
async def test_date_out_of_window(pair, http, hours: int) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    status, body = await post_signed(
        http, bob.inbox_url, follow_activity(alice, bob.uri), signing_key(alice),
        now=utc_now() + timedelta(hours=hours),
    )
    assert status == 401 and "Date header is too" in body["error"]
    assert await stored_count(two) == 0


@pytest.mark.parametrize("scheme", ["cavage", "rfc9421"])
async def test_body_changed_after_signing(pair, http, scheme: str) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    key = signing_key(alice)
    original = json.dumps(follow_activity(alice, bob.uri)).encode()
    tampered = json.dumps(follow_activity(alice, bob.uri, suffix="2")).encode()
    headers = signed_headers(bob.inbox_url, original, key, scheme=scheme)
    async with http.post(bob.inbox_url, data=tampered, headers=headers) as response:
        assert response.status == 401  # old digest
        assert "digest" in (await response.json())["error"].lower()
    # Digest recomputed for the new body, signature left as it was.
    fresh = signed_headers(bob.inbox_url, tampered, key, scheme=scheme)
    digest_header = "Content-Digest" if scheme == "rfc9421" else "Digest"
    headers[digest_header] = fresh[digest_header]
    async with http.post(bob.inbox_url, data=tampered, headers=headers) as response:
        assert response.status == 401
        assert "does not match" in (await response.json())["error"]
    assert await stored_count(two) == 0


@pytest.mark.parametrize("scheme", ["cavage", "rfc9421"])
async def test_replay_to_another_inbox(pair, http, scheme: str) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    await two.create_member("carol")
    body = json.dumps(follow_activity(alice, bob.uri)).encode()
    headers = signed_headers(bob.inbox_url, body, signing_key(alice), scheme=scheme)
    async with http.post(f"{two.base_url}/users/carol/inbox", data=body, headers=headers) as response:
        assert response.status == 401
    assert await stored_count(two) == 0


async def test_blocked_domain_is_refused_before_any_fetch(pair, http) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    async with two.db.transaction() as session:
        session.add(DomainBlock(domain=one.domain))
    status, body = await post_signed(http, bob.inbox_url, follow_activity(alice, bob.uri), signing_key(alice))
    assert status == 403 and "is blocked" in body["error"]
    assert await stored_count(two) == 0
    async with two.db.session() as session:
        assert await session.scalar(select(Actor).where(Actor.uri == alice.uri)) is None  # never fetched


async def test_body_limits(pair, http) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    key = signing_key(alice)
    big = json.dumps({**follow_activity(alice, bob.uri), "padding": "x" * 5_000_000}).encode()
    status, _ = await post_signed(http, bob.inbox_url, big, key)
    assert status == 413
    deep = b'{"id": "' + alice.uri.encode() + b'#x", "type": "Follow", "actor": "' + alice.uri.encode() + b'", "object": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    status, body = await post_signed(http, bob.inbox_url, deep, key)
    assert status == 400 and "not valid JSON" in body["error"]
    for bad in (b"not json", b"[]", b'{"type": "Follow"}', json.dumps({**follow_activity(alice, bob.uri), "@context": 5}).encode()):
        status, _ = await post_signed(http, bob.inbox_url, bad, key)
        assert status == 400, bad
    assert await stored_count(two) == 0


async def test_unknown_member_inbox(pair, http) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    status, _ = await post_signed(http, f"{two.base_url}/users/nobody/inbox", follow_activity(alice, bob.uri), signing_key(alice))
    assert status == 404
    assert await stored_count(two) == 0


@pytest.fixture
async def rogue(tmp_path):  # type: ignore[no-untyped-def]
    """A server we did not write, serving crafted actor and key documents."""
    from aiohttp import web

    from fedinet.federation.signing.keys import SigningKey, generate_rsa_keypair

    listed, unlisted = generate_rsa_keypair(), generate_rsa_keypair()
    documents: dict[str, tuple[str, dict]] = {}
    requests: list[str] = []

    async def serve(request: web.Request) -> web.Response:
        requests.append(request.path)
        content_type, document = documents[request.path]
        return web.json_response(document, content_type=content_type)

    app = web.Application()
    app.router.add_get("/{tail:.*}", serve)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    eve = f"{base}/users/eve"
    actor = {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": eve, "type": "Person", "preferredUsername": "eve", "inbox": f"{eve}/inbox",
        "publicKey": {"id": f"{eve}#main-key", "owner": eve, "publicKeyPem": listed.public},
    }
    documents["/users/eve"] = ("application/activity+json", actor)
    documents["/keys/other"] = (
        "application/activity+json",
        {"id": f"{base}/keys/other", "type": "Key", "owner": eve, "publicKeyPem": unlisted.public},
    )
    keys = {
        "listed": SigningKey.from_pem(f"{eve}#main-key", listed.private_pem),
        "unlisted": SigningKey.from_pem(f"{base}/keys/other", unlisted.private_pem),
    }
    yield {"eve": eve, "keys": keys, "documents": documents, "requests": requests, "actor": actor}
    await runner.cleanup()


def eve_follows(rogue, target: str) -> dict:  # type: ignore[no-untyped-def]
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{rogue['eve']}#f1",
            "type": "Follow", "actor": rogue["eve"], "object": target}


async def test_key_document_whose_owner_does_not_list_the_key(pair, http, rogue) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    status, body = await post_signed(http, bob.inbox_url, eve_follows(rogue, bob.uri), rogue["keys"]["unlisted"])
    assert status == 401 and "does not list the key" in body["error"]
    assert await stored_count(two) == 0
    # The honest key of the same actor works.
    status, _ = await post_signed(http, bob.inbox_url, eve_follows(rogue, bob.uri), rogue["keys"]["listed"])
    assert status == 202


@pytest.mark.parametrize(
    ("content_type", "change", "message"),
    [
        ("text/html", {}, "not as an ActivityPub document"),
        ("application/activity+json", {"id": "https://elsewhere.example/users/eve"}, "does not have that URL as its id"),
    ],
)
async def test_key_fetched_from_a_bad_document(pair, http, rogue, content_type, change, message) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    rogue["documents"]["/users/eve"] = (content_type, {**rogue["actor"], **change})
    status, body = await post_signed(http, bob.inbox_url, eve_follows(rogue, bob.uri), rogue["keys"]["listed"])
    assert status == 401 and message in body["error"]
    assert await stored_count(two) == 0


async def test_ssrf_guard_on_key_fetch(start_instance, http, rogue) -> None:  # type: ignore[no-untyped-def]
    """With the guard on, a keyId on a loopback host is never fetched."""
    guarded = await start_instance(allow_private_addresses=False)
    bob = (await guarded.create_member("bob")).actor
    status, body = await post_signed(http, bob.inbox_url, eve_follows(rogue, bob.uri), rogue["keys"]["listed"])
    assert status == 401 and "not a public address" in body["error"]
    assert rogue["requests"] == []  # the sentinel saw no connection
    assert await stored_count(guarded) == 0
