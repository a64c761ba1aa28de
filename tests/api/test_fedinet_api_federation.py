"""Two instances, through the client API only: alice on one posts a followers-only ask; bob on
two, who follows her, lists it, responds; alice accepts and marks it fulfilled naming bob; bob's
evidence on two shows her acknowledgment. carol on two, who does not follow alice, sees none of it."""

from __future__ import annotations

from support.api_client import Apps
from support.federation import settle

API = "/api/fedinet/v1"


async def test_an_ask_answered_across_instances(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    await one.create_member("alice")
    bob_account = await two.create_member("bob")
    await two.create_member("carol")
    alice = await Apps(http, one).log_in("alice")
    apps_two = Apps(http, two)
    bob, carol = await apps_two.log_in("bob"), await apps_two.log_in("carol")

    found = await bob.get("/api/v2/search", q=f"alice@{one.domain}", resolve="true", type="accounts")
    [alice_at_two] = found.body["accounts"]
    assert (await bob.post(f"/api/v1/accounts/{alice_at_two['id']}/follow")).status == 200
    await settle(one, two)

    reply = await alice.call("POST", API + "/proposals", json={
        "kind": "ask", "title": "Someone to review our pitch deck", "topics": ["pitching"],
        "in_return": "favour", "visibility": "private",
    })
    assert reply.status == 200, reply.body
    ask = reply.body
    await settle(one, two)

    # bob lists it on two (it is alice's, on one), as a follower.
    reply = await bob.get(API + "/proposals", instance=one.domain, kind="ask", state="open")
    assert [(p["uri"], p["title"], p["visibility"], p["in_return"]) for p in reply.body] == [
        (ask["uri"], "Someone to review our pitch deck", "private", "favour")
    ]
    there = reply.body[0]
    assert there["account"]["acct"] == f"alice@{one.domain}" and there["topics"] == ["pitching"]
    assert (await carol.get(API + "/proposals")).body == []
    assert (await carol.get(f"{API}/proposals/{there['id']}")).status == 404
    assert (await carol.call("POST", f"{API}/proposals/{there['id']}/responses", json={"message": "me?"})).status == 404

    reply = await bob.call("POST", f"{API}/proposals/{there['id']}/responses", json={"message": "Happy to, tomorrow"})
    assert reply.status == 200, reply.body
    response_at_two = reply.body
    await settle(one, two)

    [received] = (await alice.get(API + "/responses", state="offered")).body
    assert (received["role"], received["message"], received["responder"]["acct"]) == (
        "proposer", "Happy to, tomorrow", f"bob@{two.domain}"
    )
    assert received["proposal"]["id"] == ask["id"]
    assert (await alice.get(f"{API}/proposals/{ask['id']}")).body["responses_count"] == 1
    reply = await alice.post(f"{API}/responses/{received['id']}/accept")
    assert reply.status == 200 and reply.body["state"] == "accepted"
    await settle(one, two)
    [made] = (await bob.get(API + "/responses")).body
    assert (made["id"], made["state"], made["uri"]) == (response_at_two["id"], "accepted", reply.body["uri"])

    reply = await alice.call("POST", f"{API}/proposals/{ask['id']}/state", json={
        "state": "fulfilled", "helper_account_ids": [received["responder"]["id"]], "note": "Great feedback",
    })
    assert reply.status == 200, reply.body
    assert [a["subject"]["acct"] for a in reply.body["acknowledgments"]] == [f"bob@{two.domain}"]
    await settle(one, two)

    assert (await bob.get(f"{API}/proposals/{there['id']}")).body["state"] == "fulfilled"
    evidence = (await bob.get(f"{API}/accounts/{bob_account.actor_id}/evidence")).body
    assert [(e["kind"], e["author"]["acct"], e["subject"]["acct"], e["note"]) for e in evidence] == [
        ("acknowledgment", f"alice@{one.domain}", "bob", "Great feedback")
    ]
    assert evidence[0]["about"] == ask["uri"]
    assert (evidence[0]["proposal"]["id"], evidence[0]["proposal"]["state"]) == (there["id"], "fulfilled")
    # carol sees that alice thanked bob, not for what: the ask is for alice's followers.
    [seen_by_carol] = (await carol.get(f"{API}/accounts/{bob_account.actor_id}/evidence")).body
    assert (seen_by_carol["about"], seen_by_carol["proposal"]) == (None, None)
