"""Asks and offers between fedinet instances and to a Mastodon-shaped follower: FEP-0837
proposals posted as Notes, the Offer(Agreement) → Accept/Reject flow, the confirming
acknowledgment and state updates (protocol/spec.md §3, §4, §6)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from support.federation import fake_remote, follow_across, settle

from fedinet.federation.note_parsing import parse_note
from fedinet.federation.sanitize import html_to_plain_text
from fedinet.market import vocabulary as vocab
from fedinet.services import evidence, proposals, statuses
from fedinet.services.errors import Conflict, InvalidInput, NotFound
from fedinet.services.remote_actors import find_actor
from fedinet.store import statuses as status_queries
from fedinet.store.models import Agreement, Evidence, InboxItem


async def _status(instance, uri):  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        return await status_queries.status_by_uri(session, uri)


async def _agreements(instance):  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        return list(await session.scalars(select(Agreement).order_by(Agreement.id)))


async def test_an_ask_federates_is_answered_accepted_and_acknowledged(start_instance) -> None:  # type: ignore[no-untyped-def]
    """ASK-1..5, AGREE-1, AGREE-2, AGREE-4, ACK-1, FED-4: through the delivery queue and inboxes."""
    one, two = await start_instance(), await start_instance()
    founder, consultant = await one.create_member("founder"), await two.create_member("consultant")
    await follow_across(two, consultant, one, "founder")

    ask = await proposals.publish(
        one.db, one.settings, founder, kind="ask", name="SEO help for our launch",
        description="We launch in March and nobody finds us.", topics=["SEO", "#marketing"],
        reciprocity="pay-it-forward",
    )
    await settle(one, two)
    copy = await _status(two, ask.uri)
    assert copy is not None and copy.proposal is not None
    assert (copy.proposal.purpose, copy.proposal.name, copy.proposal.state) == ("request", "SEO help for our launch", "open")
    assert copy.proposal.reciprocity == "pay-it-forward"
    assert sorted(tag.name for tag in copy.tags) == ["marketing", "seo"]

    agreement = await proposals.respond(two.db, consultant, copy.id, "I did this for three shops; happy to help.")
    await settle(one, two)
    [received] = await _agreements(one)
    assert received.offer_uri == agreement.offer_uri and received.state == "offered"
    assert received.message.startswith("I did this") and received.responder.uri == consultant.actor.uri

    await proposals.answer(one.db, founder, received.id, accept=True)
    await settle(one, two)
    [answered] = await _agreements(two)
    assert answered.state == "accepted" and answered.uri == f"{founder.actor.uri}/agreements/{received.id}"

    # Confirmation (AGREE-4): the one who was helped acknowledges the helper, about the agreement.
    consultant_at_one = await find_actor(one.db, one.transport, one.settings, consultant.actor.uri)
    await evidence.acknowledge(one.db, founder, consultant_at_one, answered.uri, note="Traffic doubled, thank you!")
    await proposals.set_state(one.db, one.settings, founder, ask.id, "fulfilled")
    await settle(one, two)
    async with two.db.session() as session:
        [thanks] = (await session.scalars(select(Evidence))).all()
        failed = (await session.scalars(select(InboxItem).where(InboxItem.error.is_not(None)))).all()
    assert (thanks.kind, thanks.author.uri, thanks.subject.uri) == ("acknowledgment", founder.actor.uri, consultant.actor.uri)
    assert thanks.context_uri == answered.uri and thanks.content == "Traffic doubled, thank you!"
    assert (await _status(two, ask.uri)).proposal.state == "fulfilled"
    assert failed == []

    # ASK-6: deleted like any post.
    await statuses.delete(one.db, founder, ask.id)
    await settle(one, two)
    assert await _status(two, ask.uri) is None


async def test_responses_that_must_not_be_stored(start_instance) -> None:  # type: ignore[no-untyped-def]
    """AGREE-3: only open proposals of others take responses, and only their author answers."""
    instance = await start_instance()
    alice, bob, carol = [await instance.create_member(name) for name in ("alice", "bob", "carol")]
    offer = await proposals.publish(
        instance.db, instance.settings, alice, kind="offer", name="Bike repairs",
        reciprocity="money", amount="20", currency="EUR",
    )
    assert "In return: 20 EUR." in offer.content
    with pytest.raises(InvalidInput, match="your own"):
        await proposals.respond(instance.db, alice, offer.id, "me")
    response = await proposals.respond(instance.db, bob, offer.id, "Yes please")
    with pytest.raises(NotFound):
        await proposals.answer(instance.db, carol, response.id, accept=True)
    with pytest.raises(Conflict, match="already responded"):
        await proposals.respond(instance.db, bob, offer.id, "again")
    await proposals.set_state(instance.db, instance.settings, alice, offer.id, "withdrawn")
    with pytest.raises(Conflict, match="no longer open"):
        await proposals.respond(instance.db, carol, offer.id, "late")
    with pytest.raises(InvalidInput, match="money in return needs"):
        await proposals.publish(instance.db, instance.settings, alice, kind="offer", name="x", reciprocity="money")
    with pytest.raises(InvalidInput, match="is not a topic"):
        await proposals.publish(instance.db, instance.settings, alice, kind="ask", name="x", topics=["no spaces"])
    with pytest.raises(InvalidInput, match="needs a title"):
        await proposals.publish(instance.db, instance.settings, alice, kind="ask", name="  ")
    assert len(await _agreements(instance)) == 1


async def test_a_mastodon_shaped_follower_gets_a_readable_note(instance, http) -> None:  # type: ignore[no-untyped-def]
    """ASK-4 and PROTO-1: the Note reads well on its own and defines fedinet's terms inline."""
    member = await instance.create_member("organiser")
    async with fake_remote() as mastodon:
        follower = mastodon.add_actor("ines")
        follow = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{follower}#follows/1", "type": "Follow", "actor": follower, "object": member.actor.uri,
        }
        code, body = await mastodon.post(http, member.actor.inbox_url, follow)
        assert code == 202, body
        await settle(instance)
        status = await proposals.publish(
            instance.db, instance.settings, member, kind="offer", name="Spare desk in our studio",
            description="Free for a month, near the station.", topics=["coworking"],
        )
        await settle(instance)
        [create] = [a for a in mastodon.received if a["type"] == "Create"]

    note = create["object"]
    assert note["type"] == "Note" and note["purpose"] == "offer" and note["state"] == "open"
    assert note["publishes"] == {
        "id": f"{status.uri}#primary", "type": "Intent", "action": "deliverService",
        "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "1"},
    }
    assert create["@context"] == vocab.CONTEXT and "proof" in create
    # What a client that knows nothing of proposals shows: the Note's text, read as Mastodon does.
    parsed = parse_note(note, None)
    text = html_to_plain_text(parsed.content)
    assert text.startswith("Offer: Spare desk in our studio")
    assert "Free for a month" in text and "Nothing expected in return." in text and "#coworking" in text
    assert f'href="{status.url}"' in parsed.content and "Respond to this offer" in text
    assert parsed.visibility == "public" and parsed.tags == ["coworking"] and parsed.url == status.url


async def test_a_followers_only_ask_is_not_served_to_strangers(instance, http) -> None:  # type: ignore[no-untyped-def]
    """ASK-8, FED-3."""
    member = await instance.create_member("alice")
    hidden = await proposals.publish(
        instance.db, instance.settings, member, kind="ask", name="Someone to water my plants", visibility="private"
    )
    public = await proposals.publish(instance.db, instance.settings, member, kind="ask", name="A ladder for Sunday")
    headers = {"Accept": "application/activity+json"}
    async with http.get(hidden.uri, headers=headers) as response:
        assert response.status == 404
    async with http.get(public.uri, headers=headers) as response:
        assert response.status == 200
        document = await response.json()
    assert document["purpose"] == "request" and document["name"] == "A ladder for Sunday"
    assert (await statuses.public_status(instance.db, public.uri)).proposal.name == "A ladder for Sunday"
