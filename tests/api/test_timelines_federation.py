"""Two instances on loopback: a followed remote member's posts, edits and deletes reach the
home timeline (and the change feed); remote mentions typed into the API are looked up."""

from __future__ import annotations

from typing import Any

import aiohttp
from support.federation import follow_across, settle
from support.instances import RunningInstance

from fedinet.services import oauth, statuses
from fedinet.services.scopes import parse_scopes
from fedinet.store.events import Event
from fedinet.store.models import Account


async def token(instance: RunningInstance, account: Account) -> str:
    app = (await oauth.register_app(instance.db, "tests", "urn:ietf:wg:oauth:2.0:oob", "read write", None)).application
    return (await oauth.issue_token(instance.db, app, account.id, parse_scopes("read write"))).access_token


async def home(http: aiohttp.ClientSession, instance: RunningInstance, access_token: str) -> list[dict[str, Any]]:
    async with http.get(f"{instance.base_url}/api/v1/timelines/home",
                        headers={"Authorization": f"Bearer {access_token}"}) as response:
        assert response.status == 200
        return await response.json()


async def test_a_followed_remote_members_statuses_reach_home(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    here, there = await start_instance(), await start_instance()
    alice, bob = await here.create_member("alice"), await there.create_member("bob")
    await follow_across(here, alice, there, "bob")
    alice_token = await token(here, alice)

    with here.db.events.subscribe() as feed:
        public = await statuses.post(there.db, there.settings, bob, "Hello from over there #Bikes")
        private = await statuses.post(there.db, there.settings, bob, "for my followers", visibility="private")
        await settle(here, there)
        arrived: list[Event] = [feed.get_nowait() for _ in range(feed.qsize())]
    timeline = await home(http, here, alice_token)
    assert [s["uri"] for s in timeline] == [private.uri, public.uri]
    assert timeline[0]["visibility"] == "private" and timeline[1]["tags"][0]["name"] == "bikes"
    assert timeline[1]["account"]["acct"] == f"bob@{there.domain}"
    assert [(e.kind, e.accounts, e.streams) for e in arrived if e.kind.startswith("status.")] == [
        ("status.created", frozenset({alice.id}), frozenset({"public", "public:remote", "hashtag:bikes"})),
        ("status.created", frozenset({alice.id}), frozenset()),
    ]

    await statuses.edit(there.db, there.settings, bob, public.id, "Hello again")
    await statuses.delete(there.db, bob, private.id)
    await settle(here, there)
    timeline = await home(http, here, alice_token)
    assert [s["uri"] for s in timeline] == [public.uri]
    assert "Hello again" in timeline[0]["content"] and timeline[0]["edited_at"] is not None


async def test_remote_mentions_are_looked_up_when_posting(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    here, there = await start_instance(), await start_instance()
    alice = await here.create_member("alice")
    await there.create_member("bob")
    async with http.post(f"{here.base_url}/api/v1/statuses", headers={"Authorization": f"Bearer {await token(here, alice)}"},
                         data={"status": f"@bob@{there.domain} hello", "visibility": "direct"}) as response:
        assert response.status == 200
        posted = await response.json()
    assert [m["acct"] for m in posted["mentions"]] == [f"bob@{there.domain}"]
    await settle(here, there)
    assert await statuses.status_by_uri(there.db, posted["uri"]) is not None  # delivered to bob
