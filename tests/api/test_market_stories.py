"""The stories of the brief, end to end through the fedinet API across instances (issue #6):
a founder's ask for SEO help reaches the right consultant through a shared contact, who
offers help, is thanked, and whose ledger shows it; a connector's introduction runs from
request to outcome, with a question first and a conversation at the end."""

from __future__ import annotations

from sqlalchemy import select
from support.api_client import Apps
from support.federation import follow_across, settle

from fedinet.services import evidence, follows, proposals
from fedinet.services.remote_actors import find_actor
from fedinet.store.models import Status

API = "/api/fedinet/v1"


async def test_the_founders_ask_reaches_the_consultant_who_is_thanked(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    founder = await one.create_member("founder")
    contact = await one.create_member("contact", display_name="Cora")
    consultant = await two.create_member("consultant")
    founder_api = await Apps(http, one).log_in("founder")
    consultant_api = await Apps(http, two).log_in("consultant")

    await follows.follow(one.db, founder, contact.actor)  # the shared contact
    consultant_at_one = await follow_across(one, contact, two, "consultant")
    await proposals.publish(two.db, two.settings, consultant, kind="offer", name="SEO audits", topics=["seo"])
    await evidence.vouch(one.db, contact, consultant_at_one, "workedWith", topics=["seo"])
    await settle(one, two)

    ask = (await founder_api.call("POST", f"{API}/proposals", json={
        "kind": "ask", "title": "SEO help for our launch", "topics": ["seo"], "description": "We launch in March.",
    })).body
    ranked = (await founder_api.get(f"{API}/proposals/{ask['id']}/whom-to-ask")).body
    assert ranked[0]["account"]["acct"] == f"consultant@{two.domain}"
    assert [a["acct"] for a in ranked[0]["path"]["via"]] == ["contact"] and "offers #seo" in ranked[0]["reasons"]

    # The founder addresses the ask to her alone instead of broadcasting it.
    targeted = await founder_api.call("POST", f"{API}/proposals", json={
        "kind": "ask", "title": "SEO help for our launch", "topics": ["seo"],
        "target_account_ids": [ranked[0]["account"]["id"]],
    })
    assert targeted.status == 200, targeted.body
    await settle(one, two)
    async with two.db.session() as session:
        copy = await session.scalar(select(Status).where(Status.uri == targeted.body["uri"]))
    assert copy is not None and copy.visibility == "direct" and copy.proposal.name == "SEO help for our launch"

    offered = await consultant_api.call("POST", f"{API}/proposals/{copy.id}/responses", json={"message": "Happy to audit it."})
    assert offered.status == 200, offered.body
    await settle(one, two)
    [response] = (await founder_api.get(f"{API}/responses", role="proposer")).body
    assert (await founder_api.post(f"{API}/responses/{response['id']}/accept")).status == 200
    done = await founder_api.call("POST", f"{API}/proposals/{targeted.body['id']}/state", json={
        "state": "fulfilled", "helper_account_ids": [ranked[0]["account"]["id"]], "note": "Traffic doubled!",
    })
    assert done.status == 200, done.body
    await settle(one, two)

    me = (await consultant_api.get("/api/v1/accounts/verify_credentials")).body
    ledger = (await consultant_api.get(f"{API}/accounts/{me['id']}/ledger")).body
    assert (ledger["help_given"], ledger["people_helped"], ledger["help_received"]) == (1, 1, 0)
    assert ledger["recent"][0]["direction"] == "given" and ledger["recent"][0]["note"] == "Traffic doubled!"
    assert ledger["recent"][0]["other"] == founder.actor.uri


async def test_an_introduction_from_request_to_outcome(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    await one.create_member("alice")
    bob = await one.create_member("bob")
    await two.create_member("carol")
    alice_api, bob_api = await Apps(http, one).log_in("alice"), await Apps(http, one).log_in("bob")
    carol_api = await Apps(http, two).log_in("carol")
    carol_at_one = await find_actor(one.db, one.transport, one.settings, f"carol@{two.domain}")

    requested = await alice_api.call("POST", f"{API}/introductions/requests", json={
        "connector_id": str(bob.actor.id), "target_id": str(carol_at_one.id),
        "what": "Advice on pricing our SaaS", "why": "Carol priced three SaaS products", "benefit": "Early access",
    })
    assert requested.status == 200, requested.body
    intro_id = requested.body["id"]

    # The connector asks for more first: a direct message to alice only.
    asked = await bob_api.call("POST", f"{API}/introductions/{intro_id}/ask-more", json={"question": "What price range?"})
    assert asked.status == 200, asked.body
    [question] = (await alice_api.get("/api/v1/notifications", **{"types[]": "mention"})).body
    assert "What price range?" in question["status"]["content"] and question["status"]["visibility"] == "direct"
    assert question["status"]["mentions"][0]["acct"] == "alice"  # carol is named, not mentioned

    introduced = await bob_api.call("POST", f"{API}/introductions", json={"request_id": intro_id})
    assert introduced.status == 200, introduced.body
    await settle(one, two)
    [offered] = (await carol_api.get(f"{API}/introductions", role="target")).body
    assert offered["state"] == "offered"

    accepted = await carol_api.call("POST", f"{API}/introductions/{offered['id']}/answer", json={
        "accept": True, "greeting": "Hi Alice, happy to talk pricing.",
    })
    assert accepted.status == 200, accepted.body
    await settle(one, two)
    assert (await alice_api.get(f"{API}/introductions")).body[0]["state"] == "connected"
    greetings = [n for n in (await alice_api.get("/api/v1/notifications")).body if n["account"]["acct"] == f"carol@{two.domain}"]
    assert "happy to talk pricing" in greetings[0]["status"]["content"]

    told = await alice_api.call("POST", f"{API}/introductions/{intro_id}/outcome", json={"outcome": "helped", "note": "Great advice"})
    assert told.status == 200, told.body
    evidence_of_bob = (await bob_api.get(f"{API}/accounts/{bob.actor.id}/evidence")).body
    outcomes = [e for e in evidence_of_bob if e["kind"] == "outcome"]
    assert [(e["author"]["acct"], e["outcome"], e["note"]) for e in outcomes] == [("alice", "helped", "Great advice")]


async def test_asks_by_network_distance(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice, bob, carol, dave = [await instance.create_member(name) for name in ("alice", "bob", "carol", "dave")]
    await follows.follow(instance.db, alice, bob.actor)
    await follows.follow(instance.db, carol, bob.actor)  # carol → bob ← alice: carol is alice's second degree
    for member in (bob, carol, dave):
        await proposals.publish(instance.db, instance.settings, member, kind="ask", name=f"Help {member.username}")
    api = await Apps(http, instance).log_in("alice")

    async def titles(**filters: str) -> list[str]:
        reply = await api.get(f"{API}/proposals", **filters)
        assert reply.status == 200, reply.body
        return sorted(entry["title"] for entry in reply.body)

    assert await titles(distance="1") == ["Help bob"]
    assert await titles(distance="2") == ["Help bob", "Help carol"]
    assert await titles() == ["Help bob", "Help carol", "Help dave"]
    assert (await api.get(f"{API}/proposals", distance="3")).status == 422
    assert (await Apps(http, instance).anonymous().get(f"{API}/proposals", distance="1")).status == 401
