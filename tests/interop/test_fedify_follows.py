"""fedinet and Fedify follow each other end to end: real inboxes, queues and signatures."""

from __future__ import annotations

from sqlalchemy import select
from support.fedify_peer import FedifyPeer
from support.federation import settle
from support.instances import RunningInstance

from fedinet.services import follows
from fedinet.services.remote_actors import fetch_actor
from fedinet.store import follows as follow_queries
from fedinet.store.models import InboxItem


async def inbox_rows(instance: RunningInstance) -> list[InboxItem]:
    async with instance.db.session() as session:
        return list(await session.scalars(select(InboxItem).order_by(InboxItem.id)))


async def test_fedify_follows_a_member_and_verifies_the_accept(
    instance: RunningInstance, fedify: FedifyPeer
) -> None:
    alice = await instance.create_member("alice")
    await fedify.follow(alice.actor.uri)
    await settle(instance)  # process the Follow, deliver the Accept

    async with instance.db.session() as session:
        [follower] = await follow_queries.followers(session, alice.actor.id)
    assert follower.uri == fedify.actor_url
    [(kind, state)] = [(row.activity_type, row.state) for row in await inbox_rows(instance)]
    assert (kind, state) == ("Follow", "done")

    accept = await fedify.wait_for_inbox("Accept")
    facts = accept["verification"]
    assert facts["fedify"]["activityVerified"] is True
    assert facts["httpSignature"]["verified"] is True
    assert facts["httpSignature"]["keyOwner"] == alice.actor.uri
    assert facts["httpSignature"]["scheme"] == "rfc9421"  # our first knock was accepted
    [following] = await fedify.following()
    assert following["target"] == alice.actor.uri and following["state"] == "accepted"

    # Undo(Follow) from Fedify removes the follower.
    await fedify.unfollow(alice.actor.uri)
    await settle(instance)
    async with instance.db.session() as session:
        assert await follow_queries.followers(session, alice.actor.id) == []


async def test_a_member_follows_fedify(instance: RunningInstance, fedify: FedifyPeer) -> None:
    alice = await instance.create_member("alice")
    fedi = await fetch_actor(instance.db, instance.transport, fedify.actor_url)
    assert {key.algorithm for key in fedi.keys} == {"rsa", "ed25519"}

    await follows.follow(instance.db, alice, fedi)
    await settle(instance)  # deliver the Follow
    await fedify.settle()  # Fedify sends its Accept
    await settle(instance)  # process the Accept

    [follower] = await fedify.followers()
    assert follower["id"] == alice.actor.uri
    async with instance.db.session() as session:
        row = await follow_queries.follow_between(session, alice.actor.id, fedi.id)
    assert row is not None and row.state == "accepted"
    accept = [row for row in await inbox_rows(instance) if row.activity_type == "Accept"]
    assert [row.state for row in accept] == ["done"]
    assert accept[0].key_id.startswith(fedify.actor_url)  # verified with Fedify's own key

    await follows.unfollow(instance.db, alice, fedi)
    await settle(instance)
    await fedify.wait_for_inbox("Undo")
    assert await fedify.followers() == []
