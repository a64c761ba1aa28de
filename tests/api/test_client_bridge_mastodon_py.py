"""The Mastodon-client bridge, driven by Mastodon.py: `#ask`/`#offer` posts become proposals,
they show in timelines as statuses, and replies to them count as responses — also from a
member of another instance, whose server learns the answer."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon
from sqlalchemy import select
from support.federation import follow_across, settle
from support.instances import RunningInstance

from fedinet.services import oauth, proposals
from fedinet.services.client_bridge import proposal_from_text
from fedinet.services.errors import InvalidInput
from fedinet.services.scopes import parse_scopes
from fedinet.store import statuses as status_queries
from fedinet.store.models import Account, Agreement


async def token_for(instance: RunningInstance, account: Account) -> str:
    app = (await oauth.register_app(instance.db, "Mastodon.py", "urn:ietf:wg:oauth:2.0:oob", "read write", None)).application
    return (await oauth.issue_token(instance.db, app, account.id, parse_scopes("read write"))).access_token


def client(instance: RunningInstance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base_url, version_check_mode="created")


async def _agreements(instance: RunningInstance) -> list[Agreement]:
    async with instance.db.session() as session:
        return list(await session.scalars(select(Agreement)))


def test_what_a_post_means() -> None:
    assert proposal_from_text("#ask SEO help for our launch #seo #Marketing\nWe launch in March.") == (
        "ask", "SEO help for our launch", "We launch in March.", ["seo", "marketing"]
    )
    assert proposal_from_text("#Offer a spare desk") == ("offer", "a spare desk", "", [])
    assert proposal_from_text("Who has an #ask for me?") is None
    assert proposal_from_text("#asking around") is None
    with pytest.raises(InvalidInput, match="needs a title"):
        proposal_from_text("#ask #seo")


async def test_ask_and_reply_from_mastodon_clients_across_instances(start_instance) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    founder, carol = await one.create_member("founder"), await two.create_member("carol")
    await follow_across(two, carol, one, "founder")
    founder_token, carol_token = await token_for(one, founder), await token_for(two, carol)

    def post_ask() -> str:
        posted = client(one, founder_token).status_post("#ask SEO help for our launch #seo\nWe launch in March.")
        assert "Ask: SEO help for our launch" in posted.content and "Respond to this ask" in posted.content
        assert sorted(tag.name for tag in posted.tags) == ["seo"]
        return posted.uri

    uri = await asyncio.to_thread(post_ask)
    async with one.db.session() as session:
        ask = await status_queries.status_by_uri(session, uri)
    assert ask is not None and ask.proposal is not None and ask.proposal.purpose == "request"
    assert ask.proposal.name == "SEO help for our launch"
    await settle(one, two)

    def reply_from_the_other_instance() -> None:
        carol_client = client(two, carol_token)
        [seen] = [status for status in carol_client.timeline_home() if status.uri == uri]
        assert "Ask: SEO help for our launch" in seen.content  # an ordinary status in her timeline
        carol_client.status_post("I did SEO for three shops, happy to help", in_reply_to_id=seen.id)

    await asyncio.to_thread(reply_from_the_other_instance)
    await settle(one, two)
    [received] = await _agreements(one)
    [sent] = await _agreements(two)
    assert received.responder.uri == carol.actor.uri and received.message.startswith("I did SEO")
    assert sent.offer_uri == received.offer_uri and sent.state == "offered"

    await proposals.answer(one.db, founder, received.id, accept=True)
    await settle(one, two)
    [sent] = await _agreements(two)
    assert sent.state == "accepted" and sent.uri == f"{founder.actor.uri}/agreements/{received.id}"


async def test_only_the_first_pending_reply_counts_and_not_the_proposers_own(instance) -> None:  # type: ignore[no-untyped-def]
    alice, bob = await instance.create_member("alice"), await instance.create_member("bob")
    alice_token, bob_token = await token_for(instance, alice), await token_for(instance, bob)

    def converse() -> None:
        offer = client(instance, alice_token).status_post("#offer Bike repairs on Saturdays #bikes")
        bob_client = client(instance, bob_token)
        first = bob_client.status_post("Yes please!", in_reply_to_id=offer.id)
        bob_client.status_post("Also my brakes", in_reply_to_id=offer.id)
        client(instance, alice_token).status_post("Sure, come by", in_reply_to_id=first.id)
        client(instance, alice_token).status_post("More slots next week", in_reply_to_id=offer.id)

    await asyncio.to_thread(converse)
    [response] = await _agreements(instance)
    assert response.responder_id == bob.actor.id and response.message == "Yes please!"
