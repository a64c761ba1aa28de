"""Nudges (issue #6 item 4): each explains itself, can be muted by kind, never leaks a post
outside its audience, and reaches Mastodon clients as a direct message when opted in."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from mastodon import Mastodon
from support.api_client import Apps
from support.federation import follow_across, settle

from fedinet.services import evidence, follows, introductions, nudges, proposals, statuses
from fedinet.services.nudges import NudgeJob


async def _nudges(instance, account):  # type: ignore[no-untyped-def]
    return [(row.kind, row.reason) for row in await nudges.list_for(instance.db, account)]


async def test_an_organisers_announcement_nudges_her_connections(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    """Through the APIs of two instances: the organiser posts (Mastodon API), her followers on
    the other instance read their nudges (fedinet API)."""
    home, other = await start_instance(), await start_instance()
    alice, bob = await home.create_member("alice"), await home.create_member("bob")
    await other.create_member("organiser")
    for member in (alice, bob):
        await follow_across(home, member, other, "organiser")
    alice_api, bob_api = await Apps(http, home).log_in("alice"), await Apps(http, home).log_in("bob")
    offered = await alice_api.call("POST", "/api/fedinet/v1/proposals", json={"kind": "offer", "title": "Talks on Python", "topics": ["python"]})
    assert offered.status == 200, offered.body
    organiser_api = await Apps(http, other).log_in("organiser")
    posted = await organiser_api.post("/api/v1/statuses", status="Organising PyDay in May! #lookingfor speakers #python")
    assert posted.status == 200, posted.body
    await settle(home, other)

    [for_alice] = (await alice_api.get("/api/fedinet/v1/nudges")).body
    assert for_alice["kind"] == "ask-matches-you" and for_alice["link"] == posted.body["url"]
    assert for_alice["reason"] == (
        f"organiser@{other.domain} asks: “Organising PyDay in May! #lookingfor speakers #python” — you help with #python"
    )
    [for_bob] = (await bob_api.get("/api/fedinet/v1/nudges")).body
    assert for_bob["kind"] == "connection-needs-help"
    assert for_bob["reason"].startswith(f"organiser@{other.domain}, whom you follow, may need help")


async def test_an_ask_from_a_mastodon_client_nudges_a_matching_member_by_direct_message(instance, http) -> None:  # type: ignore[no-untyped-def]
    founder, consultant = await instance.create_member("founder"), await instance.create_member("consultant")
    await follows.follow(instance.db, consultant, founder.actor)
    await evidence.vouch(instance.db, founder, consultant.actor, "hired", topics=["seo"])
    apps = Apps(http, instance)
    consultant_api = await apps.log_in("consultant")
    reply = await consultant_api.call("PUT", "/api/fedinet/v1/nudges/preferences", json={"direct_messages": True})
    assert reply.status == 200 and reply.body["direct_messages"] is True
    founder_api = await apps.log_in("founder")

    def post_with_mastodon_py() -> str:
        client = Mastodon(access_token=founder_api.token, api_base_url=instance.base_url, version_check_mode="created")
        posted = client.status_post("#ask SEO help for our launch #seo")
        assert "Ask: SEO help for our launch" in posted.content  # seen as an ask
        return posted.url

    url = await asyncio.to_thread(post_with_mastodon_py)
    await settle(instance)

    listed = await consultant_api.get("/api/fedinet/v1/nudges")
    [nudge] = listed.body
    assert nudge["kind"] == "ask-matches-you" and "you help with #seo" in nudge["reason"]
    assert nudge["link"] == url and nudge["read"] is False

    def in_mastodon_py() -> None:
        client = Mastodon(access_token=consultant_api.token, api_base_url=instance.base_url, version_check_mode="created")
        [mention] = [n for n in client.notifications() if n.type == "mention"]
        assert "you help with #seo" in mention.status.content and mention.status.visibility == "direct"

    await asyncio.to_thread(in_mastodon_py)
    read = await consultant_api.post(f"/api/fedinet/v1/nudges/{nudge['id']}/read")
    assert read.status == 200 and read.body["read"] is True
    assert (await consultant_api.get("/api/fedinet/v1/nudges", unread="true")).body == []
    bad = await consultant_api.call("PUT", "/api/fedinet/v1/nudges/preferences", json={"muted": ["spam"]})
    assert bad.status == 422 and "unknown nudge kinds spam" in bad.body["error"]


async def test_muted_kinds_and_audiences_are_respected(instance) -> None:  # type: ignore[no-untyped-def]
    asker, helper, stranger = [await instance.create_member(name) for name in ("asker", "helper", "stranger")]
    for member in (helper, stranger):
        await proposals.publish(instance.db, instance.settings, member, kind="offer", name="Gardening", topics=["garden"])
    await follows.follow(instance.db, asker, stranger.actor)  # asker follows stranger: network, not audience
    await follows.follow(instance.db, helper, asker.actor)
    await nudges.set_preferences(instance.db, stranger, muted=[])
    await proposals.publish(
        instance.db, instance.settings, asker, kind="ask", name="Help with my garden", topics=["garden"], visibility="private"
    )
    await settle(instance)
    assert [kind for kind, _ in await _nudges(instance, helper)] == ["ask-matches-you"]
    assert await _nudges(instance, stranger) == []  # a followers-only ask it may not see

    await nudges.set_preferences(instance.db, helper, muted=["ask-matches-you"])
    await proposals.publish(instance.db, instance.settings, asker, kind="ask", name="A spade", topics=["garden"])
    await settle(instance)
    assert len(await _nudges(instance, helper)) == 1  # muted: nothing new


async def test_introductions_waiting_and_did_it_help(instance) -> None:  # type: ignore[no-untyped-def]
    alice, bob, carol = [await instance.create_member(name) for name in ("alice", "bob", "carol")]
    row = await introductions.request(
        instance.db, alice, bob.actor, carol.actor, content="Design help", reason="Carol designs", benefit="Lunch"
    )
    job = NudgeJob(instance.db, instance.settings, outcome_delay=timedelta(0))
    await settle(instance)
    await job.run_once()
    [(kind, reason)] = await _nudges(instance, bob)
    assert kind == "introduction-waiting" and reason == f"alice@{instance.domain} asks you to introduce them to carol@{instance.domain}"
    [waiting] = await nudges.list_for(instance.db, bob)
    assert waiting.link == f"{instance.base_url}/api/fedinet/v1/introductions?role=connector&state=requested"

    await introductions.introduce(instance.db, bob, content="Alice builds things", request_id=row.id)
    await settle(instance)
    await job.run_once()
    assert [kind for kind, _ in await _nudges(instance, carol)] == ["introduction-waiting"]
    await introductions.answer(instance.db, carol, row.id, accept=True)
    await settle(instance)
    await job.run_once()
    assert ("did-it-help", f"Did your introduction to carol@{instance.domain} by bob@{instance.domain} help? Tell them.") in await _nudges(instance, alice)
    await evidence.report_outcome(instance.db, carol, row.id, "helped")
    await job.run_once()
    assert [kind for kind, _ in await _nudges(instance, carol)].count("did-it-help") == 1  # not again


async def test_a_strong_tie_going_cold(instance) -> None:  # type: ignore[no-untyped-def]
    alice, bob = await instance.create_member("alice"), await instance.create_member("bob")
    await follows.follow(instance.db, alice, bob.actor)
    await follows.follow(instance.db, bob, alice.actor)
    post = await statuses.post(instance.db, instance.settings, bob, "Lunch next week?")
    await statuses.post(instance.db, instance.settings, alice, f"@bob@{instance.domain} yes!", in_reply_to=post)
    await settle(instance)
    job = NudgeJob(instance.db, instance.settings, cold_after=timedelta(0), cold_check_every=timedelta(0))
    assert await job.run_once() >= 1
    kinds = [kind for kind, _ in await _nudges(instance, alice)]
    assert kinds.count("going-cold") == 1
    [(_, reason)] = [n for n in await _nudges(instance, alice) if n[0] == "going-cold"]
    assert reason == "You and bob are close (you follow each other, a reply); the last interaction was 0 days ago"
    await job.run_once()
    assert [kind for kind, _ in await _nudges(instance, alice)].count("going-cold") == 1  # once per cold spell
