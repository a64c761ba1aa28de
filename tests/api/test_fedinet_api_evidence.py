"""/api/fedinet/v1/vouches, /acknowledgments, /evidence/{id} and /accounts/{id}/evidence over
HTTP: giving, revoking and listing who vouched for whom and for what, and refusing bad input
without writing anything."""

from __future__ import annotations


from sqlalchemy import func, select
from support.api_client import Apps, members
from support.api_client import fedinet_post as post_json
from support.federation import settle
from support.instances import RunningInstance

from fedinet.store.models import Evidence

API = "/api/fedinet/v1"




async def evidence_rows(instance: RunningInstance) -> int:
    async with instance.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Evidence)) or 0)


async def test_vouch_acknowledge_list_and_revoke(instance, http) -> None:  # type: ignore[no-untyped-def]
    accounts, api = await members(http, instance, "alice", "bob", "carol")
    alice, bob = api["alice"], api["bob"]
    ids = {name: str(account.actor_id) for name, account in accounts.items()}

    status, vouch = await post_json(alice, "/vouches", {
        "account_id": ids["bob"], "relationship": "workedWith", "topics": ["#SEO", "Writing"], "note": "Shipped two sites",
    })
    assert status == 200, vouch
    assert (vouch["kind"], vouch["relationship"], vouch["topics"], vouch["note"]) == ("vouch", "workedWith", ["seo", "writing"], "Shipped two sites")
    assert (vouch["author"]["acct"], vouch["subject"]["acct"], vouch["revoked_at"]) == ("alice", "bob", None)
    assert vouch["uri"].startswith(accounts["alice"].actor.uri + "/vouches/")
    reply = await bob.call("POST", API + "/vouches", data={"account_id": ids["alice"], "relationship": "friend"})
    assert reply.status == 200 and reply.body["topics"] == []
    status, thanks = await post_json(api["carol"], "/acknowledgments", {
        "account_id": ids["bob"], "about": "https://elsewhere.example/statuses/1", "note": "Fixed my bike",
    })
    assert status == 200, thanks
    assert (thanks["kind"], thanks["about"], thanks["proposal"], thanks["subject"]["acct"]) == (
        "acknowledgment", "https://elsewhere.example/statuses/1", None, "bob",
    )
    await settle(instance)

    # Bob's evidence, as anyone sees it: newest first, with who, how and for what.
    anonymous = Apps(http, instance).anonymous()
    reply = await anonymous.get(f"{API}/accounts/{ids['bob']}/evidence")
    assert reply.status == 200
    assert [(e["kind"], e["author"]["acct"], e["subject"]["acct"]) for e in reply.body] == [
        ("acknowledgment", "carol", "bob"), ("vouch", "bob", "alice"), ("vouch", "alice", "bob"),
    ]
    assert "Link" in reply.headers
    filtered = [
        ({"kind": "vouch"}, ["vouch", "vouch"]),
        ({"role": "subject"}, ["acknowledgment", "vouch"]),
        ({"role": "author"}, ["vouch"]),
        ({"kind": "acknowledgment", "role": "author"}, []),
        ({"limit": "1"}, ["acknowledgment"]),
    ]
    for query, kinds in filtered:
        assert [e["kind"] for e in (await bob.get(f"{API}/accounts/{ids['bob']}/evidence", **query)).body] == kinds, query

    # Revoking: only one's own, once; revoked evidence is listed only when asked for.
    assert (await bob.call("DELETE", f"{API}/evidence/{vouch['id']}")).status == 404
    reply = await alice.call("DELETE", f"{API}/evidence/{vouch['id']}")
    assert reply.status == 200 and reply.body["revoked_at"] is not None
    assert (await alice.call("DELETE", f"{API}/evidence/{vouch['id']}")).status == 409
    assert (await alice.call("DELETE", f"{API}/evidence/{2**40}")).status == 404
    await settle(instance)
    listed = (await bob.get(f"{API}/accounts/{ids['bob']}/evidence", role="subject")).body
    assert [e["kind"] for e in listed] == ["acknowledgment"]
    listed = (await bob.get(f"{API}/accounts/{ids['bob']}/evidence", role="subject", include_revoked="true")).body
    assert [(e["kind"], e["revoked_at"] is not None) for e in listed] == [("acknowledgment", False), ("vouch", True)]
    # Once revoked, one may vouch again.
    assert (await post_json(alice, "/vouches", {"account_id": ids["bob"], "relationship": "mentored"}))[0] == 200


async def test_bad_evidence_is_refused_and_nothing_is_written(instance, http) -> None:  # type: ignore[no-untyped-def]
    accounts, api = await members(http, instance, "alice", "bob")
    alice = api["alice"]
    alice_id, bob_id = str(accounts["alice"].actor_id), str(accounts["bob"].actor_id)
    assert (await post_json(alice, "/vouches", {"account_id": bob_id, "relationship": "friend"}))[0] == 200
    before = await evidence_rows(instance)
    refused = [
        ("/vouches", {"account_id": bob_id, "relationship": "friend"}, 409, "already"),
        ("/vouches", {"account_id": alice_id, "relationship": "friend"}, 422, "yourself"),
        ("/vouches", {"account_id": "777777", "relationship": "friend"}, 404, "777777"),
        ("/vouches", {"relationship": "friend"}, 422, "account_id"),
        ("/vouches", {"account_id": bob_id, "relationship": "acquaintance"}, 422, "workedWith"),
        ("/vouches", {"account_id": bob_id, "relationship": "friend", "topics": ["two words"]}, 422, "topic"),
        ("/acknowledgments", {"account_id": bob_id}, 422, "about"),
        ("/acknowledgments", {"account_id": bob_id, "about": "not a uri"}, 422, "URI"),
        ("/acknowledgments", {"account_id": alice_id, "about": "https://x.example/1"}, 422, "yourself"),
        ("/acknowledgments", {"account_id": "x", "about": "https://x.example/1"}, 422, "id"),
    ]
    for path, body, expected, word in refused:
        status, answer = await post_json(alice, path, body)
        assert (status, word in answer["error"]) == (expected, True), (path, body, answer)
    assert await evidence_rows(instance) == before
    read_only = await Apps(http, instance).log_in("bob", scope="read")
    assert (await read_only.post(API + "/vouches", account_id=alice_id, relationship="friend")).status == 403
    assert (await Apps(http, instance).anonymous().post(API + "/acknowledgments")).status == 401
    assert (await alice.get(f"{API}/accounts/424242/evidence")).status == 404
    assert (await alice.get(f"{API}/accounts/{bob_id}/evidence", kind="rumour")).status == 422
