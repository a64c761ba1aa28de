"""Activities about actors: profile Update, key rotation, Block, Delete and Move."""

from __future__ import annotations

from sqlalchemy import select

from fedinet.federation.activities_out import AS_CONTEXT
from fedinet.federation.signing.keys import generate_rsa_keypair
from fedinet.services.profiles import update_profile
from fedinet.store import actors as actor_queries
from fedinet.store import follows as follow_queries
from fedinet.store.models import ActorBlock, ActorKey, Follow, InboxItem
from support.federation import follow_across, settle
from support.signed_requests import follow_activity, post_signed, signing_key


async def remote_row(instance, uri):  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        return await actor_queries.actor_by_uri(session, uri)


async def test_profile_update_reaches_followers(start_instance) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    alice, bob = await one.create_member("alice"), await two.create_member("bob")
    await follow_across(two, bob, one, "alice")
    await update_profile(one.db, one.settings, alice, display_name="Alice Liddell", summary="Down the <rabbit> hole")
    await settle(one, two)
    seen = await remote_row(two, alice.actor.uri)
    assert (seen.display_name, seen.summary) == ("Alice Liddell", "<p>Down the &lt;rabbit&gt; hole</p>")


def test_remote_actor_summaries_are_sanitised() -> None:
    from fedinet.federation.actor_parsing import parse_actor

    parsed = parse_actor({
        "id": "https://a.example/u", "type": "Person", "inbox": "https://a.example/u/inbox",
        "summary": '<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:alert(1)">me</a></p>',
    })
    assert "script" not in parsed.summary and "onclick" not in parsed.summary
    assert "javascript" not in parsed.summary and parsed.summary.startswith("<p>Hi")


async def test_rotated_key_is_refetched_once(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    alice, bob = await one.create_member("alice"), await two.create_member("bob")
    status, _ = await post_signed(http, bob.actor.inbox_url, follow_activity(alice.actor, bob.actor.uri), signing_key(alice.actor))
    assert status == 202  # two now caches alice's first key
    fresh = generate_rsa_keypair()
    async with one.db.transaction() as session:
        key = await session.scalar(select(ActorKey).where(ActorKey.key_id == f"{alice.actor.uri}#main-key"))
        key.public_key, key.private_key_pem = fresh.public, fresh.private_pem
    rotated = await remote_row(one, alice.actor.uri)
    status, _ = await post_signed(
        http, bob.actor.inbox_url, follow_activity(alice.actor, bob.actor.uri, suffix="2"), signing_key(rotated)
    )
    assert status == 202
    assert (await remote_row(two, alice.actor.uri)).key("rsa").public_key == fresh.public


async def test_block_ends_follows(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    alice, bob = await one.create_member("alice"), await two.create_member("bob")
    await follow_across(two, bob, one, "alice")
    block = {"@context": AS_CONTEXT, "id": f"{alice.actor.uri}#blocks/1", "type": "Block",
             "actor": alice.actor.uri, "object": bob.actor.uri}
    assert (await post_signed(http, bob.actor.inbox_url, block, signing_key(alice.actor)))[0] == 202
    await settle(two)
    async with two.db.session() as session:
        assert len((await session.scalars(select(ActorBlock))).all()) == 1
        assert (await session.scalars(select(Follow))).all() == []
    undo = {"@context": AS_CONTEXT, "id": f"{alice.actor.uri}#blocks/1/undo", "type": "Undo",
            "actor": alice.actor.uri, "object": {k: v for k, v in block.items() if k != "@context"}}
    assert (await post_signed(http, bob.actor.inbox_url, undo, signing_key(alice.actor)))[0] == 202
    await settle(two)
    async with two.db.session() as session:
        assert (await session.scalars(select(ActorBlock))).all() == []
        assert {i.state for i in (await session.scalars(select(InboxItem))).all()} == {"done"}


async def test_deleted_actor_is_removed(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    alice = await one.create_member("alice")
    await two.create_member("bob")
    await follow_across(one, alice, two, "bob")
    assert await remote_row(two, alice.actor.uri) is not None
    delete = {"@context": AS_CONTEXT, "id": f"{alice.actor.uri}#delete", "type": "Delete",
              "actor": alice.actor.uri, "object": alice.actor.uri}
    assert (await post_signed(http, f"{two.base_url}/inbox", delete, signing_key(alice.actor)))[0] == 202
    await settle(two)
    assert await remote_row(two, alice.actor.uri) is None
    async with two.db.session() as session:
        assert (await session.scalars(select(Follow))).all() == []


async def test_move_moves_followers(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two, three = await start_instance(), await start_instance(), await start_instance()
    alice = await one.create_member("alice")
    carol = await three.create_member("carol")
    dave = await two.create_member("dave")
    await follow_across(two, dave, one, "alice")
    await update_profile(three.db, three.settings, carol, also_known_as=[alice.actor.uri])
    move = {"@context": AS_CONTEXT, "id": f"{alice.actor.uri}#moves/1", "type": "Move",
            "actor": alice.actor.uri, "object": alice.actor.uri, "target": carol.actor.uri}
    assert (await post_signed(http, f"{two.base_url}/inbox", move, signing_key(alice.actor)))[0] == 202
    await settle(one, two, three)
    async with two.db.session() as session:
        following = await follow_queries.following(session, dave.actor.id)
    assert [actor.uri for actor in following] == [carol.actor.uri]
    async with three.db.session() as session:
        assert [a.uri for a in await follow_queries.followers(session, carol.actor.id)] == [dave.actor.uri]

    # A Move to an account that does not claim the old one is ignored.
    await follow_across(two, dave, one, "alice")
    mallory = await three.create_member("mallory")
    bogus = {**move, "id": f"{alice.actor.uri}#moves/2", "target": mallory.actor.uri}
    assert (await post_signed(http, f"{two.base_url}/inbox", bogus, signing_key(alice.actor)))[0] == 202
    await settle(one, two, three)
    async with two.db.session() as session:
        assert sorted(a.uri for a in await follow_queries.following(session, dave.actor.id)) == sorted(
            [alice.actor.uri, carol.actor.uri]
        )
