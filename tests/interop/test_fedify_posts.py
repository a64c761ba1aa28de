"""Posts, likes, boosts and deletes between fedinet and Fedify, verified by both sides."""

from __future__ import annotations

from sqlalchemy import select
from support.fedify_peer import FedifyPeer
from support.federation import settle
from support.instances import RunningInstance

from fedinet.services import follows, statuses
from fedinet.services.remote_actors import fetch_actor
from fedinet.store.models import Boost, Favourite, InboxItem, Status


async def rows(instance: RunningInstance, model):  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        return list(await session.scalars(select(model)))


def verified_by_fedify(entry: dict, signer: str) -> None:
    facts = entry["verification"]
    assert facts["fedify"]["activityVerified"] is True, facts
    assert facts["httpSignature"]["verified"] is True, facts
    assert facts["httpSignature"]["keyOwner"] == signer


async def test_member_posts_reach_fedify_verified(instance: RunningInstance, fedify: FedifyPeer) -> None:
    alice = await instance.create_member("alice")
    await fedify.follow(alice.actor.uri)
    await settle(instance)

    status = await statuses.post(instance.db, instance.settings, alice, "Looking for #seo help")
    await settle(instance)
    create = await fedify.wait_for_inbox("Create", lambda e: e["object"] == status.uri)
    verified_by_fedify(create, alice.actor.uri)
    assert create["verification"]["proofVerified"] is True  # our eddsa-jcs-2022 proof, checked by Fedify
    assert [p["verified"] for p in create["verification"]["proofs"]] == [True]
    assert "Looking for" in create["json"]["object"]["content"]

    await statuses.delete(instance.db, alice, status.id)
    await settle(instance)
    delete = await fedify.wait_for_inbox("Delete")
    verified_by_fedify(delete, alice.actor.uri)


async def test_fedify_posts_reach_members(instance: RunningInstance, fedify: FedifyPeer) -> None:
    alice = await instance.create_member("alice")
    fedi = await fetch_actor(instance.db, instance.transport, fedify.actor_url)
    await follows.follow(instance.db, alice, fedi)
    await settle(instance)
    await fedify.settle()
    await settle(instance)

    created = await fedify.post("<p>Offering <b>design</b> reviews<script>alert(1)</script></p>")
    await settle(instance)
    [stored] = await rows(instance, Status)
    assert stored.uri == created["note"] and stored.actor_id == fedi.id
    assert "<b>design</b>" in stored.content and "script" not in stored.content
    create_row = [row for row in await rows(instance, InboxItem) if row.activity_type == "Create"]
    assert [row.state for row in create_row] == ["done"]
    assert create_row[0].key_id.startswith(fedify.actor_url)

    # fedinet likes and boosts Fedify's post; Fedify verifies both.
    await statuses.like(instance.db, alice, stored.id)
    await statuses.boost(instance.db, alice, stored.id)
    await settle(instance)
    verified_by_fedify(await fedify.wait_for_inbox("Like"), alice.actor.uri)
    verified_by_fedify(await fedify.wait_for_inbox("Announce"), alice.actor.uri)

    # Fedify deletes it: gone here too.
    await fedify.delete(created["note"])
    await settle(instance)
    assert await rows(instance, Status) == []


async def test_fedify_likes_and_boosts_a_member_post(instance: RunningInstance, fedify: FedifyPeer) -> None:
    alice = await instance.create_member("alice")
    await fedify.follow(alice.actor.uri)
    await settle(instance)
    status = await statuses.post(instance.db, instance.settings, alice, "Who knows a good accountant?")
    await settle(instance)
    await fedify.wait_for_inbox("Create")

    like = await fedify.like(status.uri)
    announce = await fedify.announce(status.uri)
    await settle(instance)
    assert [f.status_id for f in await rows(instance, Favourite)] == [status.id]
    assert [b.status_id for b in await rows(instance, Boost)] == [status.id]

    await fedify.undo(like["id"])
    await fedify.undo(announce["id"])
    await settle(instance)
    assert await rows(instance, Favourite) == [] and await rows(instance, Boost) == []
