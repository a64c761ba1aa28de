"""Relationships through `/api/fedinet/v1/` (issue #6 item 7, docs/relationships.md): the
member's ties and groups, ties going cold, and a connection request with a note across two
instances (the note arrives there as a direct message); errors and scopes."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from sqlalchemy import update
from support.api_client import Apps
from support.federation import settle

from fedinet.clock import utc_now
from fedinet.services import evidence, follows, statuses
from fedinet.services.remote_actors import resolve_handle
from fedinet.store.models import Evidence, Follow

V1 = "/api/fedinet/v1"
DOCUMENT = json.loads((Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text(encoding="utf-8"))


def documented(body: Any, method: str, path: str) -> Any:
    """`body` as docs/openapi.json describes the 200 answer of `method path`."""
    schema = DOCUMENT["paths"][V1 + path][method]["responses"]["200"]["content"]["application/json"]["schema"]
    schema = json.loads(json.dumps(schema).replace('"#/components/', '"urn:fedinet:openapi#/components/'))
    registry = Registry().with_resource("urn:fedinet:openapi", DRAFT202012.create_resource(DOCUMENT))
    Draft202012Validator(schema, registry=registry).validate(body)
    return body


NOTE = "I run the SaaS founders' meetup you asked about; happy to give you a speaking slot."


async def test_ties_groups_and_cooling(instance, http) -> None:  # type: ignore[no-untyped-def]
    db, settings = instance.db, instance.settings
    alice = await instance.create_member("alice", display_name="Alice")
    bob = await instance.create_member("bob", display_name="Bob")
    carol = await instance.create_member("carol", display_name="Carol")
    dave = await instance.create_member("dave")
    await follows.follow(db, alice, bob.actor)
    await follows.follow(db, bob, alice.actor)
    await evidence.vouch(db, alice, bob.actor, "friend")
    await follows.follow(db, alice, carol.actor)
    await follows.follow(db, carol, alice.actor)
    post = await statuses.post(db, settings, carol, "Lunch?")
    await statuses.post(db, settings, alice, "@carol Sure", in_reply_to=post)
    await follows.follow(db, dave, alice.actor)

    apps = Apps(http, instance)
    api = await apps.log_in("alice")
    reply = await api.get(V1 + "/ties")
    assert reply.status == 200, reply.body
    assert [(t["account"]["acct"], t["group"], t["strength"]) for t in documented(reply.body, "get", "/ties")] == [
        ("bob", "inner", 0.7364),  # mutual follow and a vouch: 1 − e^(−4/3)
        ("carol", "inner", 0.5654),  # mutual follow and a reply: 1 − e^(−2.5/3)
        ("dave", "acquaintance", 0.2835),  # he follows her
    ]
    carol_tie = reply.body[1]
    assert carol_tie["interactions"] == {"follow": 2, "vouch": 0, "acknowledgment": 0, "introduction": 0, "reply": 1}
    assert carol_tie["last_interaction_at"].endswith("Z")
    assert [t["account"]["acct"] for t in (await api.get(V1 + "/ties", group="acquaintance")).body] == ["dave"]
    assert [t["account"]["acct"] for t in (await api.get(V1 + "/ties", limit="1")).body] == ["bob"]
    assert (await api.get(V1 + "/ties", group="best")).status == 422
    assert (await api.get(V1 + "/ties/cooling")).body == []

    # Bob and Alice have not interacted for 100 days.
    old = utc_now() - timedelta(days=100)
    async with db.transaction() as session:
        await session.execute(update(Follow).where(Follow.followee_id.in_([alice.actor_id, bob.actor_id])).values(accepted_at=old))
        await session.execute(update(Evidence).values(published_at=old))
    cooling = await api.get(V1 + "/ties/cooling")
    assert cooling.status == 200, cooling.body
    assert [(t["account"]["acct"], t["days"], t["reason"]) for t in documented(cooling.body, "get", "/ties/cooling")] == [
        ("bob", 100, "You and Bob are close (you follow each other, a vouch); the last interaction was 100 days ago"),
    ]
    assert (await api.get(V1 + "/ties/cooling", cold_after_days="120")).body == []
    assert (await api.get(V1 + "/ties/cooling", cold_after_days="0")).status == 422

    # Scopes: reading needs `read`; anonymous calls are 401.
    anonymous = apps.anonymous()
    for path in ("/ties", "/ties/cooling"):
        assert (await anonymous.get(V1 + path)).status == 401
    writer = await apps.log_in("alice", scope="write")
    assert (await writer.get(V1 + "/ties")).status == 403


async def test_a_connection_request_with_a_note_across_instances(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    alice = await one.create_member("alice", display_name="Alice")
    await one.create_member("carol")
    await two.create_member("bob", display_name="Bob")
    bob_at_one = await resolve_handle(one.db, one.transport, one.settings, f"bob@{two.domain}")

    alice_api = await Apps(http, one).log_in("alice")
    reply = await alice_api.call("POST", V1 + "/connections", json={"account_id": str(bob_at_one.id), "note": f"  {NOTE} "})
    assert reply.status == 200, reply.body
    assert documented(reply.body, "post", "/connections")["account"]["acct"] == f"bob@{two.domain}"
    assert reply.body["requested"] is True and reply.body["following"] is False  # until bob's server accepts
    note = reply.body["note"]
    assert note["visibility"] == "direct" and NOTE in note["content"].replace("&#x27;", "'")
    assert [m["acct"] for m in note["mentions"]] == [f"bob@{two.domain}"]
    await settle(one, two)

    # On the other instance: Alice follows Bob, and the note is a direct message to him.
    bob_api = await Apps(http, two).log_in("bob")
    mentions = (await bob_api.get("/api/v1/notifications", **{"types[]": "mention"})).body
    assert len(mentions) == 1
    status = mentions[0]["status"]
    assert mentions[0]["account"]["acct"] == f"alice@{one.domain}"
    assert status["visibility"] == "direct" and NOTE in status["content"].replace("&#x27;", "'")
    relationship = (await bob_api.get("/api/v1/accounts/relationships", **{"id[]": mentions[0]["account"]["id"]})).body
    assert relationship[0]["followed_by"] is True, relationship
    async with one.db.session() as session:
        follow = (await session.execute(
            Follow.__table__.select().where(Follow.follower_id == alice.actor_id, Follow.followee_id == bob_at_one.id)
        )).one()
    assert follow.state == "accepted"
    ties = (await alice_api.get(V1 + "/ties")).body
    assert [(t["account"]["acct"], t["interactions"]["follow"]) for t in ties] == [(f"bob@{two.domain}", 1)]

    # Errors: nothing is changed.
    carol_id = str((await (await Apps(http, one).log_in("carol")).get("/api/v1/accounts/verify_credentials")).body["id"])
    for body, status_code in (
        ({"account_id": str(bob_at_one.id), "note": NOTE}, 409),  # already following
        ({"account_id": str(alice.actor_id), "note": NOTE}, 422),  # oneself
        ({"account_id": "987654", "note": NOTE}, 404),
        ({"account_id": carol_id, "note": "Hi there"}, 422),  # 8 characters
        ({"account_id": carol_id, "note": "x" * 1001}, 422),
        ({"account_id": carol_id}, 422),
        ({"note": NOTE}, 422),
    ):
        answer = await alice_api.call("POST", V1 + "/connections", json=body)
        assert answer.status == status_code, (body, answer.body)
        assert "error" in answer.body
    reader = await Apps(http, one).log_in("alice", scope="read")
    assert (await reader.call("POST", V1 + "/connections", json={"account_id": carol_id, "note": NOTE})).status == 403
    assert (await Apps(http, one).anonymous().call("POST", V1 + "/connections", json={"account_id": carol_id, "note": NOTE})).status == 401
    carol_ties = (await (await Apps(http, one).log_in("carol")).get(V1 + "/ties")).body
    assert carol_ties == []  # no follow, no note
    answer = await alice_api.call("POST", V1 + "/connections", json={"account_id": carol_id, "note": "x" * 1000})
    assert answer.status == 200 and answer.body["following"] is True  # a member here: at once
