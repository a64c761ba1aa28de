"""/api/fedinet/v1/proposals and /responses over HTTP with real tokens: posting asks and
offers (JSON and form data), listing with filters and Link headers, state changes with
acknowledgments, deletion, responses and their answers, bad input (nothing written), and who
sees a followers-only or direct proposal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from support.api_client import Api, Apps, members
from support.api_client import fedinet_post as post_json
from support.federation import settle
from support.instances import RunningInstance

from fedinet.clock import utc_now
from fedinet.store.models import Agreement, Evidence, Proposal, Status

API = "/api/fedinet/v1"


@pytest.fixture
async def instance(start_instance, database_url):  # type: ignore[no-untyped-def]
    """Each test on SQLite and on PostgreSQL: the listing's SQL must work on both."""
    return await start_instance(database_url=database_url)




async def count(instance: RunningInstance, model: type) -> int:  # type: ignore[type-arg]
    async with instance.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def listed(api: Api, **query: str) -> list[str]:
    reply = await api.get(API + "/proposals", **query)
    assert reply.status == 200, reply.body
    return [proposal["title"] for proposal in reply.body]


async def test_post_read_list_and_delete(instance, http) -> None:  # type: ignore[no-untyped-def]
    accounts, api = await members(http, instance, "alice", "bob")
    alice = api["alice"]
    ends = (utc_now() + timedelta(days=3)).replace(microsecond=0)
    status, ask = await post_json(alice, "/proposals", {
        "kind": "ask", "title": "Help with SEO for our launch", "description": "We launch in May.",
        "topics": ["#SEO", "marketing"], "in_return": "money", "amount": "50", "currency": "eur",
        "ends_at": ends.isoformat(),
    })
    assert status == 200, ask
    assert (ask["kind"], ask["title"], ask["state"], ask["topics"]) == ("ask", "Help with SEO for our launch", "open", ["marketing", "seo"])
    assert (ask["in_return"], ask["amount"], ask["currency"], ask["visibility"]) == ("money", "50", "EUR", "public")
    assert ask["ends_at"] == ends.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert ask["account"]["acct"] == "alice" and ask["account"]["id"] == str(accounts["alice"].actor_id)
    assert ask["status"]["id"] == ask["id"] and ask["status"]["content"].startswith("<p>Ask: Help with SEO")
    assert {tag["name"] for tag in ask["status"]["tags"]} == {"seo", "marketing"}
    assert (ask["responses_count"], ask["responses"], ask["my_response"]) == (0, {"offered": 0, "accepted": 0, "rejected": 0}, None)

    # Form data, as Mastodon clients send it.
    reply = await alice.call("POST", API + "/proposals", data=[
        ("kind", "offer"), ("title", "Spare desk"), ("topics[]", "furniture"), ("in_return", "pay-it-forward"),
    ])
    assert reply.status == 200, reply.body
    offer = reply.body
    assert (offer["kind"], offer["topics"], offer["in_return"], offer["amount"]) == ("offer", ["furniture"], "pay-it-forward", None)
    status, _ = await post_json(api["bob"], "/proposals", {"kind": "ask", "title": "A ladder", "in_return": "none"})
    assert status == 200

    anonymous = Apps(http, instance).anonymous()
    reply = await anonymous.get(f"{API}/proposals/{ask['id']}")
    assert reply.status == 200 and reply.body["title"] == ask["title"] and "favourited" not in reply.body["status"]
    assert await listed(anonymous) == ["A ladder", "Spare desk", "Help with SEO for our launch"]
    assert await listed(alice, kind="offer") == ["Spare desk"]
    assert await listed(alice, topic="#SEO") == ["Help with SEO for our launch"]
    assert await listed(alice, account_id=str(accounts["bob"].actor_id)) == ["A ladder"]
    assert await listed(alice, instance="local") == await listed(alice, instance=instance.domain) == await listed(alice)
    assert await listed(alice, instance="elsewhere.example") == []
    assert await listed(alice, state="fulfilled") == []

    # Mastodon's paging: limit, and Link headers to the next and previous pages.
    reply = await alice.get(API + "/proposals", limit="2", kind="ask")
    assert [p["title"] for p in reply.body] == ["A ladder", "Help with SEO for our launch"]
    reply = await alice.get(API + "/proposals", limit="1")
    assert [p["title"] for p in reply.body] == ["A ladder"]
    next_link = reply.headers["Link"].split(";")[0].strip("<>")
    assert next_link.startswith(f"{instance.base_url}{API}/proposals?limit=1&max_id=")
    assert await listed(alice, limit="1", max_id=next_link.rsplit("=", 1)[1]) == ["Spare desk"]
    assert await listed(alice, since_id=offer["id"]) == ["A ladder"]

    reply = await alice.call("DELETE", f"{API}/proposals/{offer['id']}")
    assert reply.status == 200 and reply.body["title"] == "Spare desk"
    assert (await alice.get(f"{API}/proposals/{offer['id']}")).status == 404
    assert await listed(alice) == ["A ladder", "Help with SEO for our launch"]


async def test_bad_input_is_refused_and_nothing_is_written(instance, http) -> None:  # type: ignore[no-untyped-def]
    accounts, api = await members(http, instance, "alice", "bob")
    alice = api["alice"]
    read_only = await Apps(http, instance).log_in("alice", scope="read")
    before = await count(instance, Status)
    bad = [
        ({"kind": "ask"}, 422, "title"),
        ({"kind": "ask", "title": "  "}, 422, "title"),
        ({"kind": "question", "title": "x"}, 422, "kind"),
        ({"kind": "ask", "title": "x", "topics": ["no spaces"]}, 422, "topic"),
        ({"kind": "ask", "title": "x", "topics": [f"t{n}" for n in range(11)]}, 422, "10"),
        ({"kind": "ask", "title": "x", "in_return": "gold"}, 422, "in_return"),
        ({"kind": "ask", "title": "x", "in_return": "money"}, 422, "amount"),
        ({"kind": "ask", "title": "x", "ends_at": "tomorrow"}, 422, "ends_at"),
        ({"kind": "ask", "title": "x", "ends_at": "2001-01-01T00:00:00Z"}, 422, "future"),
        ({"kind": "ask", "title": "x", "visibility": "secret"}, 422, "visibility"),
        ({"kind": "ask", "title": "x", "target_account_ids": ["999999"]}, 404, "999999"),
        ({"kind": "ask", "title": "x", "target_account_ids": ["bob"]}, 422, "id"),
        ({"kind": "ask", "title": "x", "target_account_ids": [str(accounts["alice"].actor_id)]}, 422, "yourself"),
        ({"kind": "ask", "title": "x", "visibility": "public", "target_account_ids": [str(accounts["bob"].actor_id)]}, 422, "direct"),
    ]
    for body, expected, word in bad:
        status, answer = await post_json(alice, "/proposals", body)
        assert (status, word in answer["error"]) == (expected, True), (body, answer)
    headers = {"Authorization": f"Bearer {alice.token}", "Content-Type": "application/json"}
    async with http.post(instance.base_url + API + "/proposals", data="{not json", headers=headers) as response:
        assert response.status == 400 and "JSON" in (await response.json())["error"]
    assert (await Apps(http, instance).anonymous().post(API + "/proposals", kind="ask", title="x")).status == 401
    assert (await read_only.post(API + "/proposals", kind="ask", title="x")).status == 403
    assert await count(instance, Status) == before

    assert (await alice.get(API + "/proposals", state="closed")).status == 422
    assert (await alice.get(API + "/proposals", topic="two words")).status == 422
    assert (await alice.get(API + "/proposals", account_id="424242")).status == 404
    assert (await alice.get(f"{API}/proposals/{2**70}")).status == 404


async def test_state_changes_and_helpers(instance, http) -> None:  # type: ignore[no-untyped-def]
    accounts, api = await members(http, instance, "alice", "bob", "carol")
    alice = api["alice"]
    bob_id, carol_id = str(accounts["bob"].actor_id), str(accounts["carol"].actor_id)
    _, ask = await post_json(alice, "/proposals", {"kind": "ask", "title": "Move a sofa"})
    _, offer = await post_json(alice, "/proposals", {"kind": "offer", "title": "Sofa lessons"})
    state = f"/proposals/{ask['id']}/state"

    refused = [
        (api["bob"], state, {"state": "withdrawn"}, 404),  # someone else's
        (alice, state, {"state": "gone"}, 422),
        (alice, state, {"state": "open"}, 409),  # already
        (alice, state, {"state": "withdrawn", "helper_account_ids": [bob_id]}, 422),
        (alice, f"/proposals/{offer['id']}/state", {"state": "fulfilled", "helper_account_ids": [bob_id]}, 422),
        (alice, state, {"state": "fulfilled", "helper_account_ids": [str(accounts["alice"].actor_id)]}, 422),
        (alice, state, {"state": "fulfilled", "helper_account_ids": ["31337"]}, 404),
    ]
    for caller, path, body, expected in refused:
        status, answer = await post_json(caller, path, body)
        assert status == expected, (body, answer)
    assert await count(instance, Evidence) == 0
    assert (await alice.get(f"{API}/proposals/{ask['id']}")).body["state"] == "open"

    status, done = await post_json(alice, state, {"state": "fulfilled", "helper_account_ids": [bob_id, carol_id], "note": "Thanks!"})
    assert status == 200, done
    assert done["state"] == "fulfilled" and done["id"] == ask["id"]
    assert sorted(ack["subject"]["acct"] for ack in done["acknowledgments"]) == ["bob", "carol"]
    assert {(a["kind"], a["about"], a["note"], a["author"]["acct"]) for a in done["acknowledgments"]} == {
        ("acknowledgment", ask["uri"], "Thanks!", "alice")
    }
    assert done["acknowledgments"][0]["proposal"]["id"] == ask["id"]
    reply = await alice.get(f"{API}/accounts/{bob_id}/evidence")
    assert [(e["kind"], e["about"]) for e in reply.body] == [("acknowledgment", ask["uri"])]
    assert await listed(alice, state="fulfilled") == ["Move a sofa"]
    assert await listed(alice, state="open") == ["Sofa lessons"]
    # A second change right after the first (two Updates within a second) is fine too.
    status, reopened = await post_json(alice, state, {"state": "open"})
    assert (status, reopened["state"], reopened["acknowledgments"]) == (200, "open", [])

    # Another's proposal cannot be deleted; one's own, once.
    assert (await api["bob"].call("DELETE", f"{API}/proposals/{ask['id']}")).status == 404
    assert (await alice.call("DELETE", f"{API}/proposals/{ask['id']}")).status == 200
    assert (await alice.call("DELETE", f"{API}/proposals/{ask['id']}")).status == 404


async def test_responses_accept_and_reject(instance, http) -> None:  # type: ignore[no-untyped-def]
    accounts, api = await members(http, instance, "alice", "bob", "carol")
    alice, bob, carol = api["alice"], api["bob"], api["carol"]
    _, ask = await post_json(alice, "/proposals", {"kind": "ask", "title": "Fix my bike", "topics": ["bikes"]})
    responses = f"/proposals/{ask['id']}/responses"

    status, made = await post_json(bob, responses, {"message": "I can, on Saturday"})
    assert status == 200, made
    assert (made["state"], made["role"], made["message"]) == ("offered", "responder", "I can, on Saturday")
    assert made["proposal"] == {
        "id": ask["id"], "uri": ask["uri"], "url": ask["url"], "kind": "ask", "title": "Fix my bike", "state": "open",
        "account_id": str(accounts["alice"].actor_id),
    }
    assert (made["responder"]["acct"], made["proposer"]["acct"]) == ("bob", "alice")
    assert (await post_json(bob, responses, {"message": "again"}))[0] == 409  # still pending
    assert (await post_json(alice, responses, {"message": "me"}))[0] == 422  # one's own
    assert (await post_json(bob, f"/proposals/{2**40}/responses", {}))[0] == 404
    reply = await carol.call("POST", API + responses, data={"message": "Me too"})  # form data
    assert reply.status == 200
    carols = reply.body
    await settle(instance)
    assert await count(instance, Agreement) == 2

    seen = (await alice.get(f"{API}/proposals/{ask['id']}")).body
    assert (seen["responses_count"], seen["responses"]["offered"]) == (2, 2)
    assert (await bob.get(f"{API}/proposals/{ask['id']}")).body["my_response"] == {"id": made["id"], "state": "offered"}

    reply = await alice.get(API + "/responses")
    assert [(r["id"], r["role"]) for r in reply.body] == [(carols["id"], "proposer"), (made["id"], "proposer")]
    assert [r["id"] for r in (await alice.get(API + "/responses", limit="1")).body] == [carols["id"]]
    assert [r["role"] for r in (await bob.get(API + "/responses")).body] == ["responder"]
    assert (await bob.get(API + "/responses", role="proposer")).body == []
    assert len((await alice.get(API + "/responses", proposal_id=ask["id"])).body) == 2
    assert (await alice.get(API + "/responses", state="maybe")).status == 422

    # Only the proposer answers; each response once.
    assert (await bob.post(f"{API}/responses/{made['id']}/accept")).status == 404
    assert (await carol.post(f"{API}/responses/{made['id']}/reject")).status == 404
    reply = await alice.post(f"{API}/responses/{made['id']}/accept")
    assert reply.status == 200 and reply.body["state"] == "accepted" and reply.body["uri"].endswith(f"/agreements/{made['id']}")
    assert reply.body["decided_at"] is not None
    assert (await alice.post(f"{API}/responses/{made['id']}/reject")).status == 409
    reply = await alice.post(f"{API}/responses/{carols['id']}/reject", reason="Found someone")
    assert reply.status == 200 and reply.body["state"] == "rejected"
    await settle(instance)
    assert [r["state"] for r in (await bob.get(API + "/responses")).body] == ["accepted"]
    assert [r["id"] for r in (await alice.get(API + "/responses", state="rejected")).body] == [carols["id"]]

    # Closed and expired proposals take no responses.
    await post_json(alice, f"/proposals/{ask['id']}/state", {"state": "withdrawn"})
    status, answer = await post_json(carol, responses, {"message": "Still?"})
    assert status == 409 and "no longer open" in answer["error"]
    _, later = await post_json(alice, "/proposals", {
        "kind": "offer", "title": "Tickets", "ends_at": (utc_now() + timedelta(hours=1)).isoformat(),
    })
    async with instance.db.transaction() as session:
        row = await session.get(Proposal, int(later["id"]))
        assert row is not None
        row.ends_at = utc_now() - timedelta(minutes=1)
    assert (await post_json(bob, f"/proposals/{later['id']}/responses", {}))[0] == 409
    assert (await bob.get(f"{API}/proposals/{later['id']}")).body["state"] == "expired"
    assert await listed(bob, state="expired") == ["Tickets"]
    assert "Tickets" not in await listed(bob, state="open")
    assert await count(instance, Agreement) == 2


async def test_who_sees_followers_only_and_direct_proposals(instance, http) -> None:  # type: ignore[no-untyped-def]
    """The author, a follower, an addressee, a stranger and an anonymous caller each list, get
    and read evidence, and see exactly what they may."""
    accounts, api = await members(http, instance, "alice", "follower", "carol", "stranger")
    alice = api["alice"]
    alice_id, carol_id = str(accounts["alice"].actor_id), str(accounts["carol"].actor_id)
    assert (await api["follower"].post(f"/api/v1/accounts/{alice_id}/follow")).status == 200
    await settle(instance)

    _, public = await post_json(alice, "/proposals", {"kind": "ask", "title": "Public ask"})
    _, unlisted = await post_json(alice, "/proposals", {"kind": "ask", "title": "Unlisted ask", "visibility": "unlisted"})
    _, private = await post_json(alice, "/proposals", {"kind": "ask", "title": "Followers ask", "visibility": "private"})
    status, direct = await post_json(alice, "/proposals", {"kind": "ask", "title": "Carol ask", "target_account_ids": [carol_id]})
    assert status == 200 and direct["visibility"] == "direct", direct
    assert [m["acct"] for m in direct["status"]["mentions"]] == ["carol"]
    assert "<p>For <span" in direct["status"]["content"]
    await settle(instance)
    # Responses by the audience, then fulfilment naming carol: an acknowledgment about the private ask.
    assert (await post_json(api["follower"], f"/proposals/{private['id']}/responses", {"message": "hi"}))[0] == 200
    assert (await post_json(api["stranger"], f"/proposals/{private['id']}/responses", {"message": "hi"}))[0] == 404
    assert (await post_json(api["stranger"], f"/proposals/{direct['id']}/responses", {"message": "hi"}))[0] == 404
    status, _ = await post_json(alice, f"/proposals/{private['id']}/state", {"state": "fulfilled", "helper_account_ids": [carol_id]})
    assert status == 200
    await settle(instance)

    everyone = ["Public ask"]
    expected = {
        "alice": (["Carol ask", "Followers ask", "Unlisted ask", "Public ask"], ["Carol ask", "Followers ask", "Unlisted ask", "Public ask"]),
        "follower": (["Followers ask", "Unlisted ask", "Public ask"], ["Followers ask", "Unlisted ask", "Public ask"]),
        "carol": (["Carol ask", "Public ask"], ["Carol ask", "Unlisted ask", "Public ask"]),
        "stranger": (everyone, ["Unlisted ask", "Public ask"]),
        None: (everyone, ["Unlisted ask", "Public ask"]),
    }
    by_id = {p["title"]: p["id"] for p in (public, unlisted, private, direct)}
    for who, (in_list, on_profile) in expected.items():
        caller = api[who] if who else Apps(http, instance).anonymous()
        assert await listed(caller) == in_list, who
        assert await listed(caller, account_id=alice_id) == on_profile, who
        assert await listed(caller, kind="ask", state="fulfilled") == (["Followers ask"] if "Followers ask" in in_list else []), who
        for title, proposal_id in by_id.items():
            reply = await caller.get(f"{API}/proposals/{proposal_id}")
            assert reply.status == (200 if title in on_profile else 404), (who, title)
            if reply.status == 404:
                assert reply.body == {"error": "Record not found"}
        # Carol's acknowledgment names the private ask only to those who may see it.
        [ack] = (await caller.get(f"{API}/accounts/{carol_id}/evidence")).body
        if "Followers ask" in in_list:
            assert (ack["about"], ack["proposal"]["title"]) == (private["uri"], "Followers ask"), who
        else:
            assert (ack["about"], ack["proposal"]) == (None, None), who
    counts = (await api["follower"].get(f"{API}/proposals/{private['id']}")).body
    assert (counts["responses_count"], counts["my_response"]["state"]) == (1, "offered")
