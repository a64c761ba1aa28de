"""Accounts and relationships over the Mastodon API: profiles, follows, follow requests,
blocks and mutes, the lists of them with their Link headers."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from support.api_client import Api, Apps, Reply
from support.federation import settle


async def account_id(api: Api, acct: str) -> str:
    reply = await api.get("/api/v1/accounts/lookup", acct=acct)
    assert reply.status == 200, reply.body
    return reply.body["id"]


async def relationship(api: Api, target: str) -> dict:
    reply = await api.get("/api/v1/accounts/relationships", **{"id[]": target})
    assert reply.status == 200 and len(reply.body) == 1
    return reply.body[0]


async def test_update_credentials(instance, http) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice")
    alice = await Apps(http, instance).log_in("alice")

    reply = await alice.call("PATCH", "/api/v1/accounts/update_credentials", data={
        "display_name": "Alice A.", "note": "Hello <there>", "locked": "true", "bot": "1",
        "discoverable": "true",
        "fields_attributes[0][name]": "Site", "fields_attributes[0][value]": "https://alice.example",
        "fields_attributes[1][name]": "Pronouns", "fields_attributes[1][value]": "she/her",
    })
    assert reply.status == 200, reply.body
    me = reply.body
    assert me["display_name"] == "Alice A." and me["locked"] is True and me["bot"] is True
    assert me["note"] == "<p>Hello &lt;there&gt;</p>" and me["source"]["note"] == "Hello <there>"
    assert [f["name"] for f in me["fields"]] == ["Site", "Pronouns"]
    assert me["fields"][0]["value"].startswith('<a href="https://alice.example"')
    assert me["source"]["fields"][1] == {"name": "Pronouns", "value": "she/her", "verified_at": None}

    reply = await alice.call("PATCH", "/api/v1/accounts/update_credentials", json={
        "locked": False, "fields_attributes": {"0": {"name": "Only", "value": "one"}},
    })
    assert reply.body["locked"] is False and reply.body["display_name"] == "Alice A."
    assert reply.body["fields"] == [{"name": "Only", "value": "one", "verified_at": None}]
    verified = await alice.get("/api/v1/accounts/verify_credentials")
    assert verified.body["fields"] == reply.body["fields"] and verified.body["bot"] is True

    too_many = [{"name": f"n{i}", "value": "v"} for i in range(5)]
    reply = await alice.call("PATCH", "/api/v1/accounts/update_credentials", json={"fields_attributes": too_many})
    assert reply.status == 422
    read_only = await Apps(http, instance).log_in("alice", scope="read")
    reply = await read_only.call("PATCH", "/api/v1/accounts/update_credentials", data={"note": "x"})
    assert reply.status == 403


async def test_follow_unfollow_and_lists(instance, http) -> None:  # type: ignore[no-untyped-def]
    for name in ("alice", "bob"):
        await instance.create_member(name)
    apps = Apps(http, instance)
    alice, bob = await apps.log_in("alice"), await apps.log_in("bob")
    bob_id, alice_id = await account_id(alice, "bob"), await account_id(alice, "alice")

    reply = await alice.post(f"/api/v1/accounts/{bob_id}/follow", reblogs="true", notify="false")
    assert reply.status == 200
    assert reply.body["following"] is True and reply.body["requested"] is False and reply.body["id"] == bob_id
    assert (await alice.post(f"/api/v1/accounts/{bob_id}/follow")).status == 200  # again: no change
    seen_by_bob = await relationship(bob, alice_id)
    assert seen_by_bob["followed_by"] is True and seen_by_bob["following"] is False

    followers = await alice.get(f"/api/v1/accounts/{bob_id}/followers")
    assert [a["acct"] for a in followers.body] == ["alice"]
    following = await bob.get(f"/api/v1/accounts/{alice_id}/following")
    assert [a["acct"] for a in following.body] == ["bob"] and following.body[0]["followers_count"] == 1

    reply = await alice.post(f"/api/v1/accounts/{bob_id}/unfollow")
    assert reply.status == 200 and reply.body["following"] is False
    assert (await alice.post(f"/api/v1/accounts/{bob_id}/unfollow")).status == 200
    assert (await alice.get(f"/api/v1/accounts/{bob_id}/followers")).body == []
    assert (await alice.post("/api/v1/accounts/999999/follow")).status == 404
    assert (await alice.post(f"/api/v1/accounts/{10**12}/follow")).status == 404
    assert (await alice.get("/api/v1/accounts/relationships", **{"id[]": [str(10**12), "99999"]})).body == []
    assert (await apps.anonymous().post(f"/api/v1/accounts/{bob_id}/follow")).status == 401
    read_only = await apps.log_in("alice", scope="read")
    assert (await read_only.post(f"/api/v1/accounts/{bob_id}/follow")).status == 403


async def test_followers_are_paged_with_link_headers(instance, http) -> None:  # type: ignore[no-untyped-def]
    names = ["star", "fan1", "fan2", "fan3"]
    for name in names:
        await instance.create_member(name)
    apps = Apps(http, instance)
    fans = [await apps.log_in(name) for name in names[1:]]
    star_id = await account_id(fans[0], "star")
    for fan in fans:
        await fan.post(f"/api/v1/accounts/{star_id}/follow")

    first = await fans[0].get(f"/api/v1/accounts/{star_id}/followers", limit="2")
    assert [a["acct"] for a in first.body] == ["fan3", "fan2"]
    assert first.headers["Link"].startswith(f"<{instance.base_url}/api/v1/accounts/{star_id}/followers?limit=2&")
    second = await follow_link(fans[0], first, "next")
    assert [a["acct"] for a in second.body] == ["fan1"]
    assert [a["acct"] for a in (await follow_link(fans[0], second, "prev")).body] == ["fan3", "fan2"]
    assert "Link" not in (await fans[0].get(f"/api/v1/accounts/{star_id}/following")).headers


async def follow_link(api: Api, reply: Reply, rel: str) -> Reply:
    """GET the page the reply's Link header names as `rel`."""
    links = {
        part.split('rel="')[1].rstrip('"'): part.split(";")[0].strip(" <>")
        for part in reply.headers["Link"].split(", ")
    }
    url = urlsplit(links[rel])
    return await api.get(url.path, **{name: values[0] for name, values in parse_qs(url.query).items()})


async def test_follow_requests_of_a_locked_member(instance, http) -> None:  # type: ignore[no-untyped-def]
    for name in ("carol", "alice", "dave"):
        await instance.create_member(name)
    apps = Apps(http, instance)
    carol, alice, dave = [await apps.log_in(name) for name in ("carol", "alice", "dave")]
    await carol.call("PATCH", "/api/v1/accounts/update_credentials", data={"locked": "true"})
    carol_id = await account_id(alice, "carol")

    assert (await alice.post(f"/api/v1/accounts/{carol_id}/follow")).body["requested"] is True
    await dave.post(f"/api/v1/accounts/{carol_id}/follow")
    requests = await carol.get("/api/v1/follow_requests")
    assert [a["acct"] for a in requests.body] == ["dave", "alice"]
    alice_id, dave_id = requests.body[1]["id"], requests.body[0]["id"]
    assert (await relationship(carol, alice_id))["requested_by"] is True

    reply = await carol.post(f"/api/v1/follow_requests/{alice_id}/authorize")
    assert reply.status == 200 and reply.body["followed_by"] is True
    reply = await carol.post(f"/api/v1/follow_requests/{dave_id}/reject")
    assert reply.status == 200 and reply.body["followed_by"] is False and reply.body["requested_by"] is False
    assert (await carol.post(f"/api/v1/follow_requests/{dave_id}/authorize")).status == 404
    assert (await carol.get("/api/v1/follow_requests")).body == []
    assert (await relationship(alice, carol_id))["following"] is True
    assert (await relationship(dave, carol_id))["requested"] is False


async def test_block_ends_follows_and_forbids_following(instance, http) -> None:  # type: ignore[no-untyped-def]
    for name in ("alice", "bob"):
        await instance.create_member(name)
    apps = Apps(http, instance)
    alice, bob = await apps.log_in("alice"), await apps.log_in("bob")
    alice_id, bob_id = await account_id(bob, "alice"), await account_id(alice, "bob")
    await alice.post(f"/api/v1/accounts/{bob_id}/follow")
    await bob.post(f"/api/v1/accounts/{alice_id}/follow")

    reply = await alice.post(f"/api/v1/accounts/{bob_id}/block")
    assert reply.status == 200
    assert reply.body["blocking"] is True and not reply.body["following"] and not reply.body["followed_by"]
    assert (await relationship(bob, alice_id))["blocked_by"] is True
    reply = await bob.post(f"/api/v1/accounts/{alice_id}/follow")
    assert reply.status == 403 and reply.body == {"error": "This action is not allowed"}
    assert [a["acct"] for a in (await alice.get("/api/v1/blocks")).body] == ["bob"]

    assert (await alice.post(f"/api/v1/accounts/{bob_id}/unblock")).body["blocking"] is False
    assert (await alice.get("/api/v1/blocks")).body == []
    assert (await bob.post(f"/api/v1/accounts/{alice_id}/follow")).body["following"] is True


async def test_mute_and_unmute(instance, http) -> None:  # type: ignore[no-untyped-def]
    for name in ("alice", "bob"):
        await instance.create_member(name)
    alice = await Apps(http, instance).log_in("alice")
    bob_id = await account_id(alice, "bob")

    reply = await alice.post(f"/api/v1/accounts/{bob_id}/mute", notifications="false", duration="3600")
    assert reply.status == 200
    assert reply.body["muting"] is True and reply.body["muting_notifications"] is False
    assert reply.body["muting_expires_at"].endswith("Z")
    muted = await alice.get("/api/v1/mutes")
    assert [a["acct"] for a in muted.body] == ["bob"] and muted.body[0]["mute_expires_at"].endswith("Z")

    reply = await alice.post(f"/api/v1/accounts/{bob_id}/mute")
    assert reply.body["muting_notifications"] is True and reply.body["muting_expires_at"] is None
    assert (await alice.post(f"/api/v1/accounts/{bob_id}/unmute")).body["muting"] is False
    assert (await alice.get("/api/v1/mutes")).body == []


async def test_blocking_a_remote_account_tells_its_server(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    await one.create_member("alice")
    await two.create_member("bob")
    alice, bob = await Apps(http, one).log_in("alice"), await Apps(http, two).log_in("bob")
    found = await bob.get("/api/v2/search", q=f"@alice@{one.domain}", resolve="true", type="accounts")
    alice_on_two = found.body["accounts"][0]["id"]
    await bob.post(f"/api/v1/accounts/{alice_on_two}/follow")
    await settle(one, two)
    assert (await relationship(bob, alice_on_two))["following"] is True
    bob_on_one = await account_id(alice, f"bob@{two.domain}")

    await alice.post(f"/api/v1/accounts/{bob_on_one}/block")
    await settle(one, two)
    seen_by_bob = await relationship(bob, alice_on_two)
    assert seen_by_bob["blocked_by"] is True and seen_by_bob["following"] is False

    await alice.post(f"/api/v1/accounts/{bob_on_one}/unblock")
    await settle(one, two)
    assert (await relationship(bob, alice_on_two))["blocked_by"] is False
