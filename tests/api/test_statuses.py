"""/api/v1/statuses over HTTP with real tokens: posting, reading, threads, favourites, boosts,
edits, deletes, visibility, errors, Idempotency-Key, and the change-feed events they publish."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from support.instances import RunningInstance

from fedinet.services import follows, oauth
from fedinet.services.scopes import parse_scopes
from fedinet.store.models import Account
from fedinet.web.mastodon.statuses import IdempotencyKeys


@pytest.fixture
async def instance(start_instance, database_url):  # type: ignore[no-untyped-def]
    """Each test on SQLite and on PostgreSQL: the timeline SQL must work on both."""
    return await start_instance(database_url=database_url)


async def token(instance: RunningInstance, account: Account | None, scopes: str = "read write follow") -> str:
    """An access token of a fresh app for `account` (None: an app token)."""
    app = (await oauth.register_app(instance.db, "tests", "urn:ietf:wg:oauth:2.0:oob", scopes, None)).application
    issued = await oauth.issue_token(instance.db, app, account.id if account else None, parse_scopes(scopes))
    return issued.access_token


async def call(
    http: aiohttp.ClientSession, instance: RunningInstance, method: str, path: str, access_token: str | None = None,
    **options: Any,
) -> tuple[int, Any]:
    headers = {**options.pop("headers", {}), **({"Authorization": f"Bearer {access_token}"} if access_token else {})}
    async with http.request(method, instance.base_url + path, headers=headers, **options) as response:
        return response.status, await response.json()


async def members(instance: RunningInstance, *names: str) -> list[tuple[Account, str]]:
    return [(account, await token(instance, account)) for account in [await instance.create_member(n) for n in names]]


async def test_post_read_and_delete(instance, http) -> None:  # type: ignore[no-untyped-def]
    (_alice, alice_token), (bob, _) = await members(instance, "alice", "bob")
    status, posted = await call(http, instance, "POST", "/api/v1/statuses", alice_token, json={
        "status": "Who fixes bikes? #Repair @bob", "spoiler_text": "bikes", "language": "en", "media_ids": [],
    })
    assert status == 200, posted
    assert posted["account"]["acct"] == "alice" and posted["visibility"] == "public"
    assert posted["spoiler_text"] == "bikes" and posted["sensitive"] is True and posted["language"] == "en"
    assert posted["tags"] == [{"name": "repair", "url": f"{instance.base_url}/tags/repair"}]
    assert posted["mentions"] == [{"id": str(bob.actor_id), "username": "bob", "acct": "bob", "url": bob.actor.profile_url}]
    assert 'class="mention hashtag"' in posted["content"] and posted["edited_at"] is None
    assert posted["created_at"].endswith("Z") and len(posted["created_at"]) == 24
    assert (posted["favourited"], posted["reblogged"], posted["pinned"]) == (False, False, False)
    assert (posted["reblog"], posted["poll"], posted["card"], posted["media_attachments"]) == (None, None, None, [])

    status, anonymous = await call(http, instance, "GET", f"/api/v1/statuses/{posted['id']}")
    assert status == 200 and anonymous["content"] == posted["content"]
    assert "favourited" not in anonymous  # viewer flags are for a viewer only

    status, deleted = await call(http, instance, "DELETE", f"/api/v1/statuses/{posted['id']}", alice_token)
    assert status == 200 and deleted["text"] == "Who fixes bikes? #Repair @bob"
    status, body = await call(http, instance, "GET", f"/api/v1/statuses/{posted['id']}")
    assert (status, body) == (404, {"error": "Record not found"})


async def test_errors(instance, http) -> None:  # type: ignore[no-untyped-def]
    (alice, alice_token), (bob, bob_token) = await members(instance, "alice", "bob")
    read_only, app_token = await token(instance, alice, "read"), await token(instance, None, "read write")
    post = "/api/v1/statuses"
    assert (await call(http, instance, "POST", post, data={"status": "hi"}))[0] == 401
    assert (await call(http, instance, "POST", post, "not a token", data={"status": "hi"}))[0] == 401
    assert (await call(http, instance, "POST", post, read_only, data={"status": "hi"}))[0] == 403
    assert (await call(http, instance, "POST", post, app_token, data={"status": "hi"}))[0] == 422
    status, body = await call(http, instance, "POST", post, alice_token, data={"status": "x" * 5001})
    assert status == 422 and "5000" in body["error"]
    assert (await call(http, instance, "POST", post, alice_token, data={"status": " "}))[0] == 422
    assert (await call(http, instance, "POST", post, alice_token, data={"status": "hi", "visibility": "loud"}))[0] == 422
    assert (await call(http, instance, "POST", post, alice_token, data={"status": "hi", "media_ids[]": "7"}))[0] == 422
    assert (await call(http, instance, "POST", post, alice_token, data={"status": "hi", "in_reply_to_id": "12345"}))[0] == 404
    assert (await call(http, instance, "GET", "/api/v1/statuses/12345"))[0] == 404
    status, posted = await call(http, instance, "POST", post, alice_token, data={"status": "x" * 5000})
    assert status == 200
    for method, path in [("DELETE", ""), ("PUT", "")]:
        status, body = await call(http, instance, method, f"{post}/{posted['id']}{path}", bob_token, data={"status": "mine"})
        assert (status, body) == (404, {"error": "Record not found"})
    favourite = f"{post}/{posted['id']}/favourite"
    assert (await call(http, instance, "POST", favourite, await token(instance, bob, "write:statuses")))[0] == 403


async def test_private_and_direct_statuses(instance, http) -> None:  # type: ignore[no-untyped-def]
    (alice, alice_token), (_bob, bob_token), (carol, carol_token) = await members(instance, "alice", "bob", "carol")
    await follows.follow(instance.db, carol, alice.actor)
    _, private = await call(http, instance, "POST", "/api/v1/statuses", alice_token,
                            data={"status": "followers only", "visibility": "private"})
    _, direct = await call(http, instance, "POST", "/api/v1/statuses", alice_token,
                           data={"status": "@bob just you", "visibility": "direct"})
    seen = {
        (viewer, kind): (await call(http, instance, "GET", f"/api/v1/statuses/{posted['id']}", viewer_token))[0]
        for viewer, viewer_token in [("anyone", None), ("bob", bob_token), ("carol", carol_token), ("alice", alice_token)]
        for kind, posted in [("private", private), ("direct", direct)]
    }
    assert seen == {
        ("anyone", "private"): 404, ("anyone", "direct"): 404, ("bob", "private"): 404, ("bob", "direct"): 200,
        ("carol", "private"): 200, ("carol", "direct"): 404, ("alice", "private"): 200, ("alice", "direct"): 200,
    }
    status, body = await call(http, instance, "POST", f"/api/v1/statuses/{private['id']}/reblog", carol_token)
    assert (status, body) == (403, {"error": "This action is not allowed"})
    assert (await call(http, instance, "POST", f"/api/v1/statuses/{private['id']}/favourite", bob_token))[0] == 404


async def test_favourites_and_boosts(instance, http) -> None:  # type: ignore[no-untyped-def]
    (_alice, alice_token), (_bob, bob_token) = await members(instance, "alice", "bob")
    _, posted = await call(http, instance, "POST", "/api/v1/statuses", alice_token, data={"status": "hello"})
    path = f"/api/v1/statuses/{posted['id']}"
    for _ in range(2):  # twice: Mastodon answers with the status all the same
        status, liked = await call(http, instance, "POST", f"{path}/favourite", bob_token)
        assert status == 200 and liked["favourited"] is True and liked["favourites_count"] == 1
        status, boosted = await call(http, instance, "POST", f"{path}/reblog", bob_token)
        assert status == 200 and boosted["reblogged"] is True and boosted["reblogs_count"] == 1
    for who in ("favourited_by", "reblogged_by"):
        status, accounts = await call(http, instance, "GET", f"{path}/{who}")
        assert status == 200 and [a["acct"] for a in accounts] == ["bob"]
    _, seen_by_alice = await call(http, instance, "GET", path, alice_token)
    assert (seen_by_alice["favourited"], seen_by_alice["reblogged"], seen_by_alice["favourites_count"]) == (False, False, 1)
    for _ in range(2):
        status, unliked = await call(http, instance, "POST", f"{path}/unfavourite", bob_token)
        assert status == 200 and (unliked["favourited"], unliked["favourites_count"]) == (False, 0)
        status, unboosted = await call(http, instance, "POST", f"{path}/unreblog", bob_token)
        assert status == 200 and (unboosted["reblogged"], unboosted["reblogs_count"]) == (False, 0)


async def test_threads_and_edits(instance, http) -> None:  # type: ignore[no-untyped-def]
    (alice, alice_token), (_bob, bob_token) = await members(instance, "alice", "bob")

    async def post(access_token: str, text: str, reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
        data = {"status": text, **({"in_reply_to_id": reply_to["id"]} if reply_to else {})}
        status, body = await call(http, instance, "POST", "/api/v1/statuses", access_token, data=data)
        assert status == 200, body
        return body

    root = await post(alice_token, "root")
    answer = await post(bob_token, "@alice answer", root)
    again = await post(alice_token, "@bob again", answer)
    other = await post(bob_token, "@alice another answer", root)
    hidden = await call(http, instance, "POST", "/api/v1/statuses", bob_token,
                        data={"status": "private aside", "in_reply_to_id": root["id"], "visibility": "private"})
    assert answer["in_reply_to_id"] == root["id"] and answer["in_reply_to_account_id"] == str(alice.actor_id)
    status, thread = await call(http, instance, "GET", f"/api/v1/statuses/{root['id']}/context")
    assert status == 200 and thread["ancestors"] == []
    assert [s["id"] for s in thread["descendants"]] == [answer["id"], again["id"], other["id"]]  # not the private one
    _, thread = await call(http, instance, "GET", f"/api/v1/statuses/{again['id']}/context", alice_token)
    assert [s["id"] for s in thread["ancestors"]] == [root["id"], answer["id"]] and thread["descendants"] == []
    _, root_now = await call(http, instance, "GET", f"/api/v1/statuses/{root['id']}")
    assert root_now["replies_count"] == 3 and hidden[0] == 200

    status, edited = await call(http, instance, "PUT", f"/api/v1/statuses/{root['id']}", alice_token,
                                json={"status": "root, edited #now", "spoiler_text": "cw"})
    assert status == 200 and "root, edited" in edited["content"] and edited["edited_at"] is not None
    assert edited["spoiler_text"] == "cw" and edited["tags"][0]["name"] == "now" and edited["id"] == root["id"]


async def test_idempotency_key(instance, http) -> None:  # type: ignore[no-untyped-def]
    (alice, alice_token), (_bob, bob_token) = await members(instance, "alice", "bob")

    async def post(access_token: str, key: str) -> str:
        status, body = await call(http, instance, "POST", "/api/v1/statuses", access_token,
                                  data={"status": f"once {key}"}, headers={"Idempotency-Key": key})
        assert status == 200
        return str(body["id"])

    first = await post(alice_token, "k1")
    assert await post(alice_token, "k1") == first
    racing = await asyncio.gather(*(post(alice_token, "k2") for _ in range(5)))
    assert len(set(racing)) == 1 and racing[0] != first
    assert await post(bob_token, "k1") != first  # keys are per member
    await call(http, instance, "DELETE", f"/api/v1/statuses/{first}", alice_token)
    assert await post(alice_token, "k1") != first  # the status it made is gone: post anew
    _, listed = await call(http, instance, "GET", f"/api/v1/accounts/{alice.actor_id}/statuses")
    assert len(listed) == 2


async def test_changes_are_published(instance, http) -> None:  # type: ignore[no-untyped-def]
    (alice, alice_token), (bob, _), (carol, _) = await members(instance, "alice", "bob", "carol")
    await follows.follow(instance.db, bob, alice.actor)
    await follows.follow(instance.db, carol, alice.actor)
    with instance.db.events.subscribe() as queue:
        _, public = await call(http, instance, "POST", "/api/v1/statuses", alice_token, data={"status": "hi #Bikes"})
        _, direct = await call(http, instance, "POST", "/api/v1/statuses", alice_token,
                               data={"status": "@bob psst", "visibility": "direct"})
        await call(http, instance, "PUT", f"/api/v1/statuses/{public['id']}", alice_token, data={"status": "hi again"})
        await call(http, instance, "DELETE", f"/api/v1/statuses/{direct['id']}", alice_token)
        changes = [event for event in (queue.get_nowait() for _ in range(queue.qsize())) if event.kind.startswith("status.")]
    members_of = lambda *accounts: frozenset(a.id for a in accounts)
    assert [(e.kind, str(e.subject_id), e.accounts, e.streams) for e in changes] == [
        ("status.created", public["id"], members_of(alice, bob, carol),
         frozenset({"public", "public:local", "hashtag:bikes", "hashtag:local:bikes"})),
        ("status.created", direct["id"], members_of(alice, bob), frozenset()),
        ("status.updated", public["id"], members_of(alice, bob, carol), frozenset({"public", "public:local"})),
        ("status.deleted", direct["id"], members_of(alice, bob), frozenset()),
    ]


def test_idempotency_keys_expire_and_are_bounded() -> None:
    now = [0.0]
    keys = IdempotencyKeys(ttl=3600, capacity=2, clock=lambda: now[0])
    keys.remember(1, "a", 10)
    keys.remember(2, "a", 20)
    assert (keys.created(1, "a"), keys.created(2, "a"), keys.created(1, "b")) == (10, 20, None)
    keys.remember(1, "b", 30)  # over capacity: the oldest key goes
    assert (keys.created(1, "a"), keys.created(1, "b")) == (None, 30)
    now[0] = 3600
    assert keys.created(1, "b") is None  # an hour later
