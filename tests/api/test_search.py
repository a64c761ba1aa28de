"""Search over the Mastodon API: accounts by name, hashtags, statuses and accounts by
address, and resolving unknown handles and URLs on other servers."""

from __future__ import annotations

from support.api_client import Apps
from support.federation import settle

from fedinet.services import accounts


async def test_accounts_and_hashtags_by_prefix(instance, http) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice")
    await instance.create_member("alfred", display_name="Fred")
    await instance.create_member("zed", display_name="Alpha Zed")
    await instance.create_member("albert")
    await accounts.set_suspended(instance.db, "albert", True)
    apps = Apps(http, instance)
    alice = await apps.log_in("alice")
    await alice.post("/api/v1/statuses", status="#Cats and #catsOfFedi")
    await alice.post("/api/v1/statuses", status="more #cats, 100% #cat_ness")

    found = await alice.get("/api/v2/search", q="al")
    assert found.status == 200
    assert [a["acct"] for a in found.body["accounts"]] == ["alice", "alfred", "zed"]
    assert found.body["statuses"] == [] and found.body["hashtags"] == []
    assert [a["acct"] for a in (await alice.get("/api/v2/search", q="AL", limit="1")).body["accounts"]] == ["alice"]
    assert (await alice.get("/api/v2/search", q=instance.domain)).body["accounts"] == []

    tags = await alice.get("/api/v2/search", q="#cat", type="hashtags")
    assert [t["name"] for t in tags.body["hashtags"]] == ["cats", "cat_ness", "catsoffedi"]
    assert tags.body["hashtags"][0]["url"].endswith("/tags/cats") and tags.body["accounts"] == []
    assert (await alice.get("/api/v2/search", q="%", type="hashtags")).body["hashtags"] == []

    anonymous = apps.anonymous()
    assert [a["acct"] for a in (await anonymous.get("/api/v2/search", q="zed")).body["accounts"]] == ["zed"]
    assert (await anonymous.get("/api/v2/search", q="zed", resolve="true")).status == 401
    assert (await alice.get("/api/v2/search")).status == 400
    assert (await alice.get("/api/v2/search", q="x", type="people")).status == 422

    v1 = await alice.get("/api/v1/accounts/search", q="alf")
    assert [a["acct"] for a in v1.body] == ["alfred"]
    assert (await anonymous.get("/api/v1/accounts/search", q="alf")).status == 401


async def test_statuses_by_address_as_the_viewer_may_see_them(instance, http) -> None:  # type: ignore[no-untyped-def]
    for name in ("alice", "bob"):
        await instance.create_member(name)
    apps = Apps(http, instance)
    alice, bob = await apps.log_in("alice"), await apps.log_in("bob")
    public = (await alice.post("/api/v1/statuses", status="hello")).body
    private = (await alice.post("/api/v1/statuses", status="friends only", visibility="private")).body

    for address in (public["uri"], public["url"]):
        found = await bob.get("/api/v2/search", q=address)
        assert [s["id"] for s in found.body["statuses"]] == [public["id"]]
    assert (await bob.get("/api/v2/search", q=private["uri"])).body["statuses"] == []
    assert [s["id"] for s in (await alice.get("/api/v2/search", q=private["uri"])).body["statuses"]] == [private["id"]]
    profile = await bob.get("/api/v2/search", q=public["account"]["url"])
    assert [a["acct"] for a in profile.body["accounts"]] == ["alice"]
    assert (await bob.get("/api/v2/search", q=public["uri"], type="accounts")).body["statuses"] == []


async def test_resolve_handles_and_urls_on_another_server(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    await one.create_member("alice")
    await two.create_member("bob", display_name="Bob B")
    alice, bob = await Apps(http, one).log_in("alice"), await Apps(http, two).log_in("bob")
    post = (await bob.post("/api/v1/statuses", status="from two #news")).body

    handle = f"@bob@{two.domain}"
    assert (await alice.get("/api/v2/search", q=handle)).body["accounts"] == []
    found = await alice.get("/api/v2/search", q=handle, resolve="true")
    [bob_on_one] = found.body["accounts"]
    assert bob_on_one["acct"] == f"bob@{two.domain}" and bob_on_one["display_name"] == "Bob B"
    assert (await alice.get("/api/v2/search", q=handle)).body["accounts"][0]["id"] == bob_on_one["id"]
    assert (await alice.get("/api/v2/search", q=f"nobody@{two.domain}", resolve="true")).body["accounts"] == []

    assert (await alice.get("/api/v2/search", q=post["uri"])).body["statuses"] == []
    resolved = await alice.get("/api/v2/search", q=post["uri"], resolve="true")
    [status] = resolved.body["statuses"]
    assert status["uri"] == post["uri"] and status["account"]["id"] == bob_on_one["id"]
    assert "from two" in status["content"]
    again = await alice.get("/api/v2/search", q=post["uri"], resolve="true")
    assert again.body["statuses"][0]["id"] == status["id"]

    await two.create_member("carol")
    carol_uri = f"{two.base_url}/users/carol"
    by_url = await alice.get("/api/v2/search", q=carol_uri, resolve="true")
    assert [a["acct"] for a in by_url.body["accounts"]] == [f"carol@{two.domain}"]
    assert (await alice.get("/api/v2/search", q=f"{two.base_url}/nothing", resolve="true")).body == {
        "accounts": [], "statuses": [], "hashtags": [],
    }
    await settle(one, two)
