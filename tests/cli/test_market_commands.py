"""Asks, offers, responses, vouches, acknowledgments and introductions from the command line.

All on one running instance with local members: what a command does to another member is
handed over through the instance's inbox queue, so every step settles the background work
and checks that the handlers took it without failing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from click.testing import CliRunner
from support.cli import CliResult, run_fedinet
from support.federation import settle
from support.instances import RunningInstance

from fedinet.cli import cli as fedinet_cli
from fedinet.store import deliveries as delivery_queries


def _invoke(instance: RunningInstance, args: tuple[str, ...]) -> CliResult:
    runner = CliRunner(
        env={
            "FEDINET_DATA_DIR": str(instance.settings.data_dir),
            "FEDINET_BASE_URL": instance.base_url,
            "FEDINET_ALLOW_PRIVATE_ADDRESSES": "true",
        }
    )
    result = runner.invoke(fedinet_cli, list(args), obj={}, catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)


async def run(instance: RunningInstance, *args: str) -> CliResult:
    """`fedinet ARGS` in this process (a subprocess costs a second each), in a thread so that
    this event loop keeps serving the instance; then the background work is settled."""
    result = await asyncio.to_thread(_invoke, instance, args)
    await settle(instance)
    async with instance.db.session() as session:
        inbox = (await delivery_queries.queue_counts(session))["inbox"]
    assert set(inbox) <= {"done"}, f"inbox items not handled: {inbox}"
    return result


async def ok(instance: RunningInstance, *args: str) -> Any:
    """The command's JSON output (`--json` is added); it must succeed."""
    result = await run(instance, *args, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


async def members(instance: RunningInstance) -> dict[str, str]:
    """alice, bob and carol, as handles."""
    return {name: (await instance.create_member(name)).actor.handle for name in ("alice", "bob", "carol")}


async def test_ask_respond_and_answer(instance) -> None:  # type: ignore[no-untyped-def]
    handles = await members(instance)
    # the real `fedinet` command, once
    posted = await asyncio.to_thread(
        run_fedinet,
        "ask", "alice", "Fix my bike", "--text", "The back tyre is flat.", "--topic", "Bikes",
        "--topic", "#repair", "--in-return", "pay-it-forward", "--json",
        data_dir=instance.settings.data_dir, FEDINET_BASE_URL=instance.base_url,
    )
    assert posted.exit_code == 0, posted.stderr
    ask = posted.json()
    assert ask["uri"] == f"{instance.base_url}/users/alice/statuses/{ask['id']}"
    assert (ask["kind"], ask["title"], ask["state"]) == ("ask", "Fix my bike", "open")
    assert (ask["topics"], ask["in_return"], ask["visibility"]) == (["bikes", "repair"], "pay-it-forward", "public")

    response = await ok(instance, "respond", "bob", ask["uri"], "--message", "I have a pump")
    assert (response["state"], response["role"], response["with"]) == ("offered", "responder", handles["alice"])
    assert response["proposal"] == {"id": ask["id"], "uri": ask["uri"], "kind": "ask", "title": "Fix my bike"}
    [received] = await ok(instance, "responses", "alice")
    assert (received["id"], received["state"], received["role"]) == (response["id"], "offered", "proposer")
    assert (received["responder"], received["message"]) == (handles["bob"], "I have a pump")
    listed = await run(instance, "responses", "alice")
    assert f"{response['id']}  offered   @{handles['bob']} responded to your ask 'Fix my bike'" in listed.stdout

    accepted = await ok(instance, "accept-response", "alice", response["id"])
    assert accepted["state"] == "accepted"
    assert accepted["uri"] == f"{instance.base_url}/users/alice/agreements/{response['id']}"
    [made] = await ok(instance, "responses", "bob")
    assert (made["state"], made["uri"], made["role"]) == ("accepted", accepted["uri"], "responder")
    twice = await run(instance, "accept-response", "alice", response["id"])
    assert twice.exit_code == 1 and "Error: this response was accepted already" in twice.stderr

    own = await run(instance, "respond", "alice", ask["id"])
    assert own.exit_code == 2 and "cannot respond to your own" in own.stderr
    done = await run(instance, "proposal-state", "alice", ask["id"], "fulfilled")
    assert done.exit_code == 0 and done.stdout == f"alice's ask {ask['id']} is fulfilled.\n"
    closed = await run(instance, "respond", "carol", ask["id"])
    assert closed.exit_code == 1 and "this ask is no longer open" in closed.stderr

    offer = await ok(
        instance, "offer", "bob", "Guitar lessons", "--in-return", "money", "--amount", "20",
        "--currency", "EUR", "--ends", "2099-01-01T10:00",
    )
    assert (offer["kind"], offer["amount"], offer["currency"]) == ("offer", "20", "EUR")
    assert offer["ends_at"] == "2099-01-01T10:00:00+00:00"
    wanted = await ok(instance, "respond", "carol", offer["id"])
    rejected = await ok(instance, "reject-response", "bob", wanted["id"], "--reason", "fully booked")
    assert (rejected["state"], rejected["uri"]) == ("rejected", None)
    assert [r["state"] for r in await ok(instance, "responses", "carol")] == ["rejected"]

    nobody = await run(instance, "respond", "nobody", offer["id"])
    assert nobody.exit_code == 1 and "Error: no member named 'nobody'" in nobody.stderr
    unpaid = await run(instance, "offer", "bob", "Help", "--in-return", "money")
    assert unpaid.exit_code == 2 and "needs an amount" in unpaid.stderr
    bad_time = await run(instance, "ask", "bob", "Help", "--ends", "next week")
    assert bad_time.exit_code == 2 and "'next week' is not a date and time" in bad_time.stderr
    not_mine = await run(instance, "accept-response", "carol", response["id"])
    assert not_mine.exit_code == 1 and f"no response {response['id']}" in not_mine.stderr


async def test_vouch_acknowledge_and_revoke(instance) -> None:  # type: ignore[no-untyped-def]
    handles = await members(instance)
    vouch = await ok(
        instance, "vouch", "alice", "bob", "--how", "workedWith", "--topic", "Bikes", "--note", "Reliable"
    )
    assert (vouch["kind"], vouch["author"], vouch["subject"]) == ("vouch", handles["alice"], handles["bob"])
    assert (vouch["relationship"], vouch["topics"], vouch["note"], vouch["revoked"]) == (
        "workedWith", ["bikes"], "Reliable", False,
    )
    again = await run(instance, "vouch", "alice", handles["bob"], "--how", "friend")
    assert again.exit_code == 1 and "you already vouch for" in again.stderr
    itself = await run(instance, "vouch", "alice", "alice", "--how", "friend")
    assert itself.exit_code == 2 and "Error: you cannot vouch for yourself" in itself.stderr
    unknown = await run(instance, "vouch", "alice", "nobody", "--how", "friend")
    assert unknown.exit_code == 1 and "Error: no member named 'nobody'" in unknown.stderr

    about = f"{instance.base_url}/users/bob/statuses/1"
    alice_uri = f"{instance.base_url}/users/alice"
    thanks = await ok(instance, "acknowledge", "bob", alice_uri, "--for", about, "--note", "Thanks!")
    assert (thanks["kind"], thanks["author"], thanks["subject"], thanks["context"]) == (
        "acknowledgment", handles["bob"], handles["alice"], about,
    )
    not_uri = await run(instance, "acknowledge", "bob", "alice", "--for", "my ask")
    assert not_uri.exit_code == 2 and "'my ask' is not a URI" in not_uri.stderr

    listed = await ok(instance, "evidence", "bob")
    assert [(e["id"], e["kind"], e["revoked"]) for e in listed] == [
        (thanks["id"], "acknowledgment", False), (vouch["id"], "vouch", False),
    ]
    revoked = await run(instance, "revoke", "alice", str(vouch["id"]))
    assert revoked.exit_code == 0 and revoked.stdout == f"alice revoked vouch {vouch['id']}.\n"
    [_, gone] = await ok(instance, "evidence", "alice")
    assert (gone["id"], gone["revoked"]) == (vouch["id"], True) and gone["revoked_at"] is not None
    text = (await run(instance, "evidence", "alice")).stdout.splitlines()
    assert text[1].endswith("workedWith #bikes  (revoked)")
    assert f"{vouch['id']}  vouch           @{handles['alice']} → @{handles['bob']}" in text[1]
    twice = await run(instance, "revoke", "alice", str(vouch["id"]))
    assert twice.exit_code == 1 and "revoked already" in twice.stderr
    others = await run(instance, "revoke", "alice", str(thanks["id"]))
    assert others.exit_code == 1 and f"you gave no vouch or acknowledgment {thanks['id']}" in others.stderr
    # a new vouch once the old one is revoked
    assert (await ok(instance, "vouch", "alice", "bob", "--how", "friend"))["relationship"] == "friend"


async def test_introduction_from_a_request(instance) -> None:  # type: ignore[no-untyped-def]
    handles = await members(instance)
    asked = await ok(
        instance, "request-intro", "alice", "--via", "bob", "--to", "carol",
        "--what", "Advice on a bike shop", "--why", "Carol runs one", "--benefit", "A new customer",
    )
    assert (asked["state"], asked["role"], asked["uri"]) == ("requested", "introduced", None)
    [seen] = await ok(instance, "introductions", "bob")
    assert (seen["id"], seen["state"], seen["role"]) == (asked["id"], "requested", "connector")
    assert (seen["introduced"], seen["target"], seen["why"]) == (handles["alice"], handles["carol"], "Carol runs one")

    made = await ok(
        instance, "introduce", "bob", "--request", asked["id"],
        "--who", "Alice, who rides to work", "--why", "She needs a shop", "--benefit", "A customer",
    )
    assert (made["state"], made["uri"]) == ("offered", f"{instance.base_url}/users/bob/introductions/{asked['id']}")
    early = await run(instance, "intro-outcome", "alice", asked["id"], "helped")
    assert early.exit_code == 1 and "once the introduction was accepted" in early.stderr

    answered = await ok(instance, "intro-answer", "carol", asked["id"], "--accept")
    assert (answered["state"], answered["role"]) == ("connected", "target")
    assert answered["what"] == "Alice, who rides to work"
    [for_alice] = await ok(instance, "introductions", "alice")
    assert (for_alice["id"], for_alice["state"], for_alice["role"]) == (asked["id"], "connected", "introduced")
    listed = await run(instance, "introductions", "carol")
    assert listed.stdout.startswith(
        f"{asked['id']}  connected         @{handles['alice']} → @{handles['carol']} via @{handles['bob']} (target)\n"
    )

    outcome = await ok(instance, "intro-outcome", "alice", asked["id"], "helped", "--note", "Bike fixed")
    assert (outcome["kind"], outcome["outcome"], outcome["subject"], outcome["context"]) == (
        "outcome", "helped", handles["bob"], made["uri"],
    )
    [about_bob] = await ok(instance, "evidence", "bob")
    assert (about_bob["id"], about_bob["author"], about_bob["note"]) == (outcome["id"], handles["alice"], "Bike fixed")

    not_waiting = await run(instance, "intro-consent", "alice", asked["id"], "--yes")
    assert not_waiting.exit_code == 1 and "not waiting for your consent" in not_waiting.stderr
    not_theirs = await run(instance, "decline-intro", "carol", asked["id"])
    assert not_theirs.exit_code == 1 and "where you are the connector" in not_theirs.stderr
    no_answer = await run(instance, "intro-answer", "carol", asked["id"])
    assert no_answer.exit_code == 2 and "say --accept or --decline" in no_answer.stderr
    bad = await run(instance, "intro-outcome", "alice", asked["id"], "great")
    assert bad.exit_code == 2


async def test_introduction_started_by_connector_and_declines(instance) -> None:  # type: ignore[no-untyped-def]
    await members(instance)
    texts = ("--who", "Alice fixes bikes", "--why", "You asked for a mechanic", "--benefit", "Cheap repairs")
    started = await ok(instance, "introduce", "bob", "alice", "carol", *texts)
    assert (started["state"], started["role"]) == ("awaiting-consent", "connector")
    assert (await ok(instance, "intro-consent", "alice", started["id"], "--yes"))["state"] == "consented"
    # bob's server sent it on to carol, with alice's consent
    [offered] = await ok(instance, "introductions", "carol")
    assert (offered["id"], offered["state"]) == (started["id"], "offered")
    assert (await ok(instance, "intro-answer", "carol", started["id"], "--decline"))["state"] == "rejected"
    [rejected] = await ok(instance, "introductions", "alice")
    assert rejected["state"] == "rejected"

    request = ("request-intro", "alice", "--to", "carol", "--what", "A job", *texts[2:])
    asked = await ok(instance, *request, "--via", "bob")
    declined = await run(instance, "decline-intro", "bob", asked["id"], "--reason", "Carol is busy")
    assert declined.exit_code == 0 and f"(introduction {asked['id']}, declined)" in declined.stdout

    both = await run(instance, "introduce", "bob", "alice", "carol", "--request", asked["id"], *texts)
    assert both.exit_code == 2 and "give either PERSON and TARGET or --request" in both.stderr
    same = await run(instance, "introduce", "bob", "alice", "alice", *texts)
    assert same.exit_code == 2 and "three different people" in same.stderr
    stranger = await run(instance, *request, "--via", "nobody")
    assert stranger.exit_code == 1 and "no member named 'nobody'" in stranger.stderr
