"""Two fedinet instances follow each other over real HTTP, driven step by step."""

from __future__ import annotations

from sqlalchemy import select

from fedinet.services import follows
from fedinet.services.remote_actors import resolve_handle
from fedinet.store import follows as follow_queries
from fedinet.store.models import Delivery, Follow, InboxItem
from support.federation import settle


async def test_follow_accept_and_unfollow(start_instance) -> None:  # type: ignore[no-untyped-def]
    one = await start_instance()
    two = await start_instance()
    alice = await one.create_member("alice")
    bob = await two.create_member("bob")

    remote_bob = await resolve_handle(one.db, one.transport, one.settings, f"bob@{two.domain}")
    follow = await follows.follow(one.db, alice, remote_bob)
    assert follow.state == "pending"
    await settle(one, two)

    async with one.db.session() as session:
        row = await follow_queries.follow_between(session, alice.actor.id, remote_bob.id)
        deliveries = (await session.scalars(select(Delivery))).all()
    assert row is not None and row.state == "accepted"  # bob's server auto-accepted
    assert {d.state for d in deliveries} == {"delivered"}
    async with two.db.session() as session:
        [incoming] = (await session.scalars(select(Follow))).all()
        items = (await session.scalars(select(InboxItem))).all()
        followers = await follow_queries.followers(session, bob.actor.id)
    assert incoming.state == "accepted" and incoming.uri == follow.uri
    assert [f.uri for f in followers] == [alice.actor.uri]
    assert [(i.activity_type, i.state) for i in items] == [("Follow", "done")]

    await follows.unfollow(one.db, alice, remote_bob)
    await settle(one, two)
    async with two.db.session() as session:
        assert (await session.scalars(select(Follow))).all() == []
        assert [i.activity_type for i in (await session.scalars(select(InboxItem))).all()] == ["Follow", "Undo"]


async def test_locked_member_approves(start_instance) -> None:  # type: ignore[no-untyped-def]
    one = await start_instance()
    two = await start_instance()
    alice = await one.create_member("alice")
    bob = await two.create_member("bob")
    async with two.db.transaction() as session:
        actor = await session.get(type(bob.actor), bob.actor.id)
        actor.manually_approves_followers = True
    bob = await two.create_member("bobby")  # unlocked control
    locked = await resolve_handle(one.db, one.transport, one.settings, f"bob@{two.domain}")
    assert locked.manually_approves_followers
    await follows.follow(one.db, alice, locked)
    await settle(one, two)
    async with one.db.session() as session:
        assert (await follow_queries.follow_between(session, alice.actor.id, locked.id)).state == "pending"

    from fedinet.services.accounts import get_account

    locked_account = await get_account(two.db, "bob")
    async with two.db.session() as session:
        remote_alice = (await follow_queries.followers(session, locked_account.actor.id, state="pending"))[0]
    await follows.answer_follow_request(two.db, locked_account, remote_alice, accept=True)
    await settle(one, two)
    async with one.db.session() as session:
        assert (await follow_queries.follow_between(session, alice.actor.id, locked.id)).state == "accepted"


async def test_follower_collections_page(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one = await start_instance()
    two = await start_instance()
    bob = await two.create_member("bob")
    for index in range(3):
        member = await one.create_member(f"fan{index}")
        remote_bob = await resolve_handle(one.db, one.transport, one.settings, f"bob@{two.domain}")
        await follows.follow(one.db, member, remote_bob)
    await settle(one, two)
    accept = {"Accept": "application/activity+json"}
    async with http.get(f"{bob.actor.uri}/followers", headers=accept) as response:
        summary = await response.json(content_type=None)
    assert summary["totalItems"] == 3 and summary["first"] == f"{bob.actor.uri}/followers?page=1"
    async with http.get(summary["first"], headers=accept) as response:
        page = await response.json(content_type=None)
    assert page["type"] == "OrderedCollectionPage" and page["partOf"] == f"{bob.actor.uri}/followers"
    assert sorted(page["orderedItems"]) == sorted(f"{one.base_url}/users/fan{i}" for i in range(3))
    assert "next" not in page
    async with http.get(f"{one.base_url}/users/fan0/following", headers=accept) as response:
        assert (await response.json(content_type=None))["totalItems"] == 1
    async with http.get(f"{bob.actor.uri}/followers?page=zero", headers=accept) as response:
        assert response.status == 400
