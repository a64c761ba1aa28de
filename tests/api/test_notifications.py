"""Notifications over the Mastodon API: made by follows, mentions, favourites and boosts
(here and from other servers), filtered, paged, dismissed, counted against the markers."""

from __future__ import annotations

import asyncio

from support.api_client import Api, Apps
from support.federation import settle


async def account_id(api: Api, acct: str) -> str:
    return (await api.get("/api/v1/accounts/lookup", acct=acct)).body["id"]


async def notifications(api: Api, **params: str) -> list[dict]:
    reply = await api.get("/api/v1/notifications", **params)
    assert reply.status == 200, reply.body
    return reply.body


async def test_local_follows_mentions_favourites_and_boosts(instance, http) -> None:  # type: ignore[no-untyped-def]
    for name in ("alice", "bob"):
        await instance.create_member(name)
    apps = Apps(http, instance)
    alice, bob = await apps.log_in("alice"), await apps.log_in("bob")
    alice_id = await account_id(bob, "alice")

    with instance.db.events.subscribe() as feed:
        await bob.post(f"/api/v1/accounts/{alice_id}/follow")
        event = await asyncio.wait_for(feed.get(), 5)
    assert event.kind == "notification.created" and len(event.accounts) == 1
    mention = (await bob.post("/api/v1/statuses", status="@alice hello")).body
    mine = (await alice.post("/api/v1/statuses", status="my post")).body
    await bob.post(f"/api/v1/statuses/{mine['id']}/favourite")
    await bob.post(f"/api/v1/statuses/{mine['id']}/reblog")
    await alice.post(f"/api/v1/statuses/{mine['id']}/favourite")  # one's own: no notification

    found = await notifications(alice)
    assert [n["type"] for n in found] == ["reblog", "favourite", "mention", "follow"]
    assert str(event.subject_id) == found[-1]["id"]
    assert all(n["account"]["acct"] == "bob" and n["group_key"] == f"ungrouped-{n['id']}" for n in found)
    assert found[2]["status"]["id"] == mention["id"] and found[0]["status"]["id"] == mine["id"]
    assert found[0]["status"]["reblogs_count"] == 1 and "status" not in found[3]
    assert found[0]["created_at"].endswith("Z")
    assert await notifications(bob) == []

    assert [n["type"] for n in await notifications(alice, **{"types[]": "mention"})] == ["mention"]
    excluded = await notifications(alice, **{"exclude_types[]": "follow"})
    assert [n["type"] for n in excluded] == ["reblog", "favourite", "mention"]
    assert len(await notifications(alice, account_id=alice_id)) == 0
    assert len(await notifications(alice, account_id=str(10**12))) == 0
    assert len(await notifications(alice, account_id=found[0]["account"]["id"])) == 4

    single = await alice.get(f"/api/v1/notifications/{found[1]['id']}")
    assert single.status == 200 and single.body == found[1]
    assert (await bob.get(f"/api/v1/notifications/{found[1]['id']}")).status == 404
    assert (await alice.get(f"/api/v1/notifications/{10**30}")).status == 404
    assert (await bob.post(f"/api/v1/notifications/{found[1]['id']}/dismiss")).status == 404
    assert (await alice.post(f"/api/v1/notifications/{found[1]['id']}/dismiss")).body == {}
    assert [n["type"] for n in await notifications(alice)] == ["reblog", "mention", "follow"]
    assert (await alice.post("/api/v1/notifications/clear")).body == {}
    assert await notifications(alice) == []


async def test_paging_markers_and_unread_count(instance, http) -> None:  # type: ignore[no-untyped-def]
    names = ("alice", "b1", "b2", "b3")
    for name in names:
        await instance.create_member(name)
    apps = Apps(http, instance)
    alice = await apps.log_in("alice")
    alice_id = await account_id(alice, "alice")
    for name in names[1:]:
        await (await apps.log_in(name)).post(f"/api/v1/accounts/{alice_id}/follow")

    page = await alice.get("/api/v1/notifications", limit="2")
    assert [n["account"]["acct"] for n in page.body] == ["b3", "b2"]
    assert f"max_id={page.body[1]['id']}" in page.headers["Link"] and 'rel="next"' in page.headers["Link"]
    older = await notifications(alice, max_id=page.body[1]["id"])
    assert [n["account"]["acct"] for n in older] == ["b1"]
    newer = await notifications(alice, min_id=older[0]["id"], limit="1")
    assert [n["account"]["acct"] for n in newer] == ["b2"]
    assert [n["account"]["acct"] for n in await notifications(alice, since_id=older[0]["id"])] == ["b3", "b2"]

    assert (await alice.get("/api/v1/notifications/unread_count")).body == {"count": 3}
    assert (await alice.get("/api/v1/markers", **{"timeline[]": "notifications"})).body == {}
    saved = await alice.post("/api/v1/markers", **{"notifications[last_read_id]": page.body[1]["id"]})
    marker = saved.body["notifications"]
    assert marker["last_read_id"] == page.body[1]["id"] and marker["version"] == 1
    assert (await alice.get("/api/v1/notifications/unread_count")).body == {"count": 1}
    counted = await alice.get("/api/v1/notifications/unread_count", **{"exclude_types[]": "follow"})
    assert counted.body == {"count": 0}

    saved = await alice.call("POST", "/api/v1/markers", json={
        "home": {"last_read_id": "12345"}, "notifications": {"last_read_id": page.body[0]["id"]},
    })
    assert saved.body["notifications"]["version"] == 2 and saved.body["home"]["version"] == 1
    both = await alice.call("GET", "/api/v1/markers?timeline[]=home&timeline[]=notifications")
    assert both.body["home"]["last_read_id"] == "12345" and both.body["home"]["updated_at"].endswith("Z")
    assert (await alice.get("/api/v1/notifications/unread_count")).body == {"count": 0}
    assert (await alice.post("/api/v1/markers", **{"home[last_read_id]": "x"})).status == 422


async def test_mutes_and_blocks_silence_notifications(instance, http) -> None:  # type: ignore[no-untyped-def]
    for name in ("alice", "carol", "dave"):
        await instance.create_member(name)
    apps = Apps(http, instance)
    alice, carol, dave = [await apps.log_in(name) for name in ("alice", "carol", "dave")]
    alice_id, carol_id, dave_id = [await account_id(alice, name) for name in ("alice", "carol", "dave")]
    await alice.post(f"/api/v1/accounts/{carol_id}/mute")
    await alice.post(f"/api/v1/accounts/{dave_id}/block")

    await carol.post(f"/api/v1/accounts/{alice_id}/follow")
    await carol.post("/api/v1/statuses", status="@alice hi")
    await dave.post("/api/v1/statuses", status="@alice hi")
    assert await notifications(alice) == []

    await alice.post(f"/api/v1/accounts/{carol_id}/mute", notifications="false")
    await carol.post("/api/v1/statuses", status="@alice again")
    assert [n["type"] for n in await notifications(alice)] == ["mention"]


async def test_notifications_from_another_server(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    await one.create_member("alice")
    await two.create_member("bob")
    alice, bob = await Apps(http, one).log_in("alice"), await Apps(http, two).log_in("bob")
    found = await bob.get("/api/v2/search", q=f"alice@{one.domain}", resolve="true")
    await bob.post(f"/api/v1/accounts/{found.body['accounts'][0]['id']}/follow")
    await settle(one, two)

    await bob.post("/api/v1/statuses", status=f"hi @alice@{one.domain}")
    mine = (await alice.post("/api/v1/statuses", status="a post of mine")).body
    await settle(one, two)
    found = await notifications(alice)
    assert [n["type"] for n in found] == ["mention", "follow"]
    assert {n["account"]["acct"] for n in found} == {f"bob@{two.domain}"}
    assert "hi" in found[0]["status"]["content"]

    on_two = await bob.get("/api/v2/search", q=mine["uri"], resolve="true", type="statuses")
    status_id = on_two.body["statuses"][0]["id"]
    await bob.post(f"/api/v1/statuses/{status_id}/favourite")
    await bob.post(f"/api/v1/statuses/{status_id}/reblog")
    await settle(one, two)
    found = await notifications(alice, **{"types[]": ["favourite", "reblog"]})
    assert sorted(n["type"] for n in found) == ["favourite", "reblog"]  # one inbox run: same millisecond
    assert all(n["status"]["id"] == mine["id"] for n in found)


async def test_follow_request_from_another_server(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    await one.create_member("carol")
    await two.create_member("bob")
    carol, bob = await Apps(http, one).log_in("carol"), await Apps(http, two).log_in("bob")
    await carol.call("PATCH", "/api/v1/accounts/update_credentials", data={"locked": "1"})
    await settle(one, two)
    found = await bob.get("/api/v2/search", q=f"@carol@{one.domain}", resolve="true", type="accounts")
    carol_on_two = found.body["accounts"][0]
    assert carol_on_two["locked"] is True
    reply = await bob.post(f"/api/v1/accounts/{carol_on_two['id']}/follow")
    assert reply.body["requested"] is True
    await settle(one, two)

    [request] = await notifications(carol)
    assert request["type"] == "follow_request" and request["account"]["acct"] == f"bob@{two.domain}"
    requests = await carol.get("/api/v1/follow_requests")
    assert [a["id"] for a in requests.body] == [request["account"]["id"]]
    await carol.post(f"/api/v1/follow_requests/{request['account']['id']}/authorize")
    await settle(one, two)
    relationship = (await bob.get("/api/v1/accounts/relationships", **{"id[]": carol_on_two["id"]})).body[0]
    assert relationship["following"] is True and relationship["requested"] is False
