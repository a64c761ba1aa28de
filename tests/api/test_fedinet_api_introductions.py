"""/api/fedinet/v1/introductions over HTTP, all parties on one server: a request answered and
one declined, an introduction the connector starts (consent first), the target's answer,
outcomes (seen by the parties only), and bad input refused without writing anything."""

from __future__ import annotations


from sqlalchemy import func, select
from support.api_client import Api, Apps
from support.api_client import fedinet_post as post_json
from support.federation import settle
from support.instances import RunningInstance

from fedinet.store.models import Account, Evidence, Introduction

API = "/api/fedinet/v1"
TEXTS = {"why": "She ran SEO at two startups", "benefit": "An early look at our analytics"}


async def members(http, instance: RunningInstance, *names: str) -> tuple[dict[str, str], dict[str, Api]]:  # type: ignore[no-untyped-def]
    apps = Apps(http, instance)
    accounts: dict[str, Account] = {name: await instance.create_member(name) for name in names}
    return {name: str(a.actor_id) for name, a in accounts.items()}, {name: await apps.log_in(name) for name in names}



async def listed(api: Api, **query: str) -> list[tuple[str, str | None]]:
    reply = await api.get(API + "/introductions", **query)
    assert reply.status == 200, reply.body
    return [(row["state"], row["role"]) for row in reply.body]


async def rows(instance: RunningInstance, model: type) -> int:  # type: ignore[type-arg]
    async with instance.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_requested_introduction_connects_and_outcomes_reach_the_connector(instance, http) -> None:  # type: ignore[no-untyped-def]
    ids, api = await members(http, instance, "alice", "bob", "carol", "dave")
    alice, bob, carol, dave = api["alice"], api["bob"], api["carol"], api["dave"]

    status, asked = await post_json(alice, "/introductions/requests", {
        "connector_id": ids["bob"], "target_id": ids["carol"], "what": "Help with SEO for our launch", **TEXTS,
    })
    assert status == 200, asked
    assert (asked["state"], asked["role"], asked["what"], asked["why"]) == ("requested", "introduced", "Help with SEO for our launch", TEXTS["why"])
    assert [asked[p]["acct"] for p in ("connector", "introduced", "target")] == ["bob", "alice", "carol"]
    assert asked["request_uri"].startswith(f"{instance.base_url}/users/alice/") and asked["uri"] is None
    # Form data; a second request, which bob declines.
    reply = await alice.call("POST", API + "/introductions/requests", data={
        "connector_id": ids["bob"], "target_id": ids["dave"], "what": "Meet Dave", **TEXTS,
    })
    assert reply.status == 200
    to_decline = reply.body
    await settle(instance)

    assert await listed(bob) == [("requested", "connector"), ("requested", "connector")]
    assert await listed(carol) == [] and await listed(dave) == []  # not offered to them yet
    assert (await post_json(carol, f"/introductions/{asked['id']}/answer", {"accept": True}))[0] == 404
    assert (await post_json(alice, f"/introductions/{to_decline['id']}/decline"))[0] == 404  # only the connector
    status, declined = await post_json(bob, f"/introductions/{to_decline['id']}/decline", {"reason": "Dave is away"})
    assert (status, declined["state"]) == (200, "declined")
    assert (await post_json(bob, f"/introductions/{to_decline['id']}/decline"))[0] == 409

    status, offered = await post_json(bob, "/introductions", {"request_id": asked["id"], "who": "Alice builds analytics tools"})
    assert status == 200, offered
    assert (offered["state"], offered["role"], offered["what"]) == ("offered", "connector", "Alice builds analytics tools")
    assert offered["uri"] == f"{instance.base_url}/users/bob/introductions/{asked['id']}"
    await settle(instance)
    assert await listed(carol) == [("offered", "target")]
    assert await listed(alice, state="offered") == [("offered", "introduced")]
    assert await listed(alice, role="connector") == []
    assert await listed(bob, state="declined") == [("declined", "connector")]
    assert (await post_json(alice, f"/introductions/{asked['id']}/outcome", {"outcome": "helped"}))[0] == 409  # not yet

    assert (await post_json(carol, f"/introductions/{asked['id']}/answer"))[0] == 422  # accept: say which
    status, connected = await post_json(carol, f"/introductions/{asked['id']}/answer", {"accept": True})
    assert (status, connected["state"], connected["role"]) == (200, "connected", "target")
    await settle(instance)
    assert await listed(alice) == [("declined", "introduced"), ("connected", "introduced")]

    refused = [
        (bob, {"outcome": "helped"}, 404),  # the connector reports none
        (alice, {"outcome": "great"}, 422),
        (dave, {"outcome": "helped"}, 404),
    ]
    for caller, body, expected in refused:
        assert (await post_json(caller, f"/introductions/{asked['id']}/outcome", body))[0] == expected, body
    status, outcome = await post_json(alice, f"/introductions/{asked['id']}/outcome", {"outcome": "helped", "note": "We launched"})
    assert status == 200, outcome
    assert (outcome["kind"], outcome["outcome"], outcome["note"], outcome["subject"]["acct"]) == ("outcome", "helped", "We launched", "bob")
    assert outcome["about"] == offered["uri"]
    assert (await post_json(carol, f"/introductions/{asked['id']}/outcome", {"outcome": "noOutcome"}))[0] == 200
    await settle(instance)

    # Outcomes are for the parties: the connector and their author see them, others do not.
    path = f"{API}/accounts/{ids['bob']}/evidence"
    assert sorted(e["outcome"] for e in (await bob.get(path)).body) == ["helped", "noOutcome"]
    assert [e["outcome"] for e in (await alice.get(path)).body] == ["helped"]
    assert (await dave.get(path)).body == []
    assert (await Apps(http, instance).anonymous().get(path)).body == []


async def test_connector_starts_an_introduction_with_consent_first(instance, http) -> None:  # type: ignore[no-untyped-def]
    ids, api = await members(http, instance, "alice", "bob", "carol")
    alice, bob, carol = api["alice"], api["bob"], api["carol"]
    status, started = await post_json(bob, "/introductions", {
        "introduced_id": ids["alice"], "target_id": ids["carol"], "who": "Alice builds analytics tools", **TEXTS,
    })
    assert status == 200, started
    assert (started["state"], started["role"]) == ("awaiting-consent", "connector")
    await settle(instance)
    assert await listed(carol) == []  # A is asked first (INTRO-5)
    assert (await post_json(carol, f"/introductions/{started['id']}/consent", {"accept": True}))[0] == 404
    assert (await post_json(bob, f"/introductions/{started['id']}/consent", {"accept": True}))[0] == 404
    status, consented = await post_json(alice, f"/introductions/{started['id']}/consent", {"accept": "true"})
    assert (status, consented["state"]) == (200, "consented")
    await settle(instance)
    assert await listed(carol) == [("offered", "target")]
    status, declined = await post_json(carol, f"/introductions/{started['id']}/answer", {"accept": False})
    assert (status, declined["state"]) == (200, "rejected")
    assert (await post_json(carol, f"/introductions/{started['id']}/answer", {"accept": True}))[0] == 409
    await settle(instance)
    assert await listed(alice) == [("rejected", "introduced")]


async def test_bad_introductions_are_refused_and_nothing_is_written(instance, http) -> None:  # type: ignore[no-untyped-def]
    ids, api = await members(http, instance, "alice", "bob", "carol")
    alice = api["alice"]
    refused = [
        ("/introductions/requests", {"connector_id": ids["alice"], "target_id": ids["carol"], "what": "x", **TEXTS}, 422, "three different"),
        ("/introductions/requests", {"connector_id": ids["bob"], "target_id": ids["alice"], "what": "x", **TEXTS}, 422, "three different"),
        ("/introductions/requests", {"connector_id": ids["bob"], "target_id": ids["carol"], "why": "x"}, 422, "missing: what, benefit"),
        ("/introductions/requests", {"connector_id": "99999", "target_id": ids["carol"], "what": "x", **TEXTS}, 404, "99999"),
        ("/introductions/requests", {"target_id": ids["carol"], "what": "x", **TEXTS}, 422, "connector_id"),
        ("/introductions", {"introduced_id": ids["bob"], "target_id": ids["bob"], "who": "x", **TEXTS}, 422, "three different"),
        ("/introductions", {"introduced_id": ids["bob"], "who": "x", **TEXTS}, 422, "introduced_id and target_id"),
        ("/introductions", {"request_id": "1", "introduced_id": ids["bob"], "target_id": ids["carol"]}, 422, "not both"),
        ("/introductions", {"request_id": "12345"}, 404, "12345"),
    ]
    for path, body, expected, words in refused:
        status, answer = await post_json(alice, path, body)
        assert (status, words in answer["error"]) == (expected, True), (path, body, answer)
    assert await rows(instance, Introduction) == 0 and await rows(instance, Evidence) == 0
    for action in ("decline", "consent", "answer", "outcome"):
        assert (await post_json(alice, f"/introductions/4242/{action}", {"accept": True, "outcome": "helped"}))[0] == 404
    assert (await alice.get(API + "/introductions", role="bystander")).status == 422
    assert (await Apps(http, instance).anonymous().get(API + "/introductions")).status == 401
