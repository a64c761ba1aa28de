"""Mastodon.py against two live fedinet servers: find an account on the other server,
follow it (at once, or by request to a locked account), and see the notifications arrive.

Mastodon.py is synchronous: each step runs in a worker thread while the event loop serves.
"""

from __future__ import annotations

import asyncio

from mastodon import Mastodon
from support.federation import settle
from support.instances import TEST_PASSWORD


def logged_in(base_url: str, username: str) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(
        "fedinet tests", api_base_url=base_url, scopes=["read", "write", "follow"]
    )
    client = Mastodon(
        client_id=client_id, client_secret=client_secret, api_base_url=base_url, version_check_mode="created"
    )
    client.log_in(username, TEST_PASSWORD, scopes=["read", "write", "follow"], allow_http=True)
    return client


async def test_search_resolve_follow_and_notify(start_instance) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    await one.create_member("alice")
    await two.create_member("bob", display_name="Bob")
    alice, bob = await asyncio.gather(
        asyncio.to_thread(logged_in, one.base_url, "alice"), asyncio.to_thread(logged_in, two.base_url, "bob")
    )

    def find_and_follow() -> tuple[dict, dict]:
        found = alice.search_v2(f"@bob@{two.domain}", resolve=True)
        return found["accounts"][0], alice.account_follow(found["accounts"][0])

    bob_on_one, relationship = await asyncio.to_thread(find_and_follow)
    assert bob_on_one["acct"] == f"bob@{two.domain}" and bob_on_one["display_name"] == "Bob"
    assert relationship["requested"] is True and relationship["following"] is False
    await settle(one, two)

    [now] = await asyncio.to_thread(alice.account_relationships, bob_on_one["id"])
    assert now["following"] is True and now["requested"] is False
    notifications = await asyncio.to_thread(bob.notifications)
    assert [(n["type"], n["account"]["acct"]) for n in notifications] == [("follow", f"alice@{one.domain}")]
    [single] = await asyncio.to_thread(bob.notifications, types=["follow"])
    assert single["id"] == notifications[0]["id"]
    followers = await asyncio.to_thread(lambda: bob.account_followers(bob.me()))
    assert [a["acct"] for a in followers] == [f"alice@{one.domain}"]

    await asyncio.to_thread(bob.notifications_dismiss, single["id"])
    assert await asyncio.to_thread(bob.notifications) == []


async def test_locked_account_follow_request(start_instance) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    await one.create_member("alice")
    await two.create_member("carol")
    alice, carol = await asyncio.gather(
        asyncio.to_thread(logged_in, one.base_url, "alice"), asyncio.to_thread(logged_in, two.base_url, "carol")
    )

    me = await asyncio.to_thread(
        carol.account_update_credentials,
        locked=True, note="Ask first", fields=[("Home", "https://carol.example"), ("Tea", "green")],
    )
    assert me["locked"] is True and me["source"]["note"] == "Ask first"
    assert [(f["name"], f["value"]) for f in me["source"]["fields"]] == [
        ("Home", "https://carol.example"), ("Tea", "green"),
    ]
    await settle(one, two)

    def request_follow() -> tuple[dict, dict]:
        [carol_on_one] = alice.search_v2(f"carol@{two.domain}", resolve=True, result_type="accounts")["accounts"]
        return carol_on_one, alice.account_follow(carol_on_one["id"])

    carol_on_one, relationship = await asyncio.to_thread(request_follow)
    assert carol_on_one["locked"] is True and relationship["requested"] is True
    await settle(one, two)

    requests = await asyncio.to_thread(carol.follow_requests)
    assert [a["acct"] for a in requests] == [f"alice@{one.domain}"]
    [notification] = await asyncio.to_thread(carol.notifications)
    assert notification["type"] == "follow_request"
    [pending] = await asyncio.to_thread(carol.account_relationships, requests[0]["id"])
    assert pending["requested_by"] is True

    answered = await asyncio.to_thread(carol.follow_request_authorize, requests[0]["id"])
    assert answered["followed_by"] is True
    await settle(one, two)
    [now] = await asyncio.to_thread(alice.account_relationships, carol_on_one["id"])
    assert now["following"] is True
    assert await asyncio.to_thread(carol.follow_requests) == []
