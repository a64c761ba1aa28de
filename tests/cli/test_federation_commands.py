"""`fedinet lookup`, `follow`, `unfollow`, `domain …` and `queue` against running instances."""

from __future__ import annotations

import asyncio

from support.cli import run_fedinet
from support.federation import settle

from fedinet.store import follows as follow_queries


def cli(instance, *args: str):  # type: ignore[no-untyped-def]
    """`fedinet ARGS` on the instance's own data directory and database, in a subprocess."""
    return run_fedinet(
        *args,
        data_dir=instance.settings.data_dir,
        FEDINET_BASE_URL=instance.base_url,
        FEDINET_ALLOW_PRIVATE_ADDRESSES="true",
    )


async def in_thread(instance, *args: str):  # type: ignore[no-untyped-def]
    """Run the CLI while this event loop keeps serving the instances it talks to."""
    return await asyncio.to_thread(cli, instance, *args)


async def test_lookup_follow_unfollow(start_instance) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    alice = await one.create_member("alice")
    bob = await two.create_member("bob")

    found = await in_thread(one, "lookup", f"bob@{two.domain}", "--json")
    assert found.exit_code == 0, found.stderr
    assert found.json()["uri"] == bob.actor.uri and len(found.json()["keys"]) == 2

    followed = await in_thread(one, "follow", "alice", f"bob@{two.domain}")
    assert followed.exit_code == 0, followed.stderr
    assert "asked to follow" in followed.stdout
    queued = (await in_thread(one, "queue", "--json")).json()
    assert queued["deliveries"] == {"pending": 1}
    await settle(one, two)
    async with one.db.session() as session:
        [row] = await follow_queries.following(session, alice.actor.id)
    assert row.uri == bob.actor.uri
    assert (await in_thread(one, "queue", "--json")).json()["deliveries"] == {"delivered": 1}

    again = await in_thread(one, "follow", "alice", bob.actor.uri)
    assert again.exit_code == 1 and "already follow" in again.stderr
    assert (await in_thread(one, "unfollow", "alice", bob.actor.uri)).exit_code == 0
    missing = await in_thread(one, "lookup", f"nobody@{two.domain}")
    assert missing.exit_code == 1 and "WebFinger lookup of nobody@" in missing.stderr
    bad = await in_thread(one, "follow", "alice", "not a handle")
    assert bad.exit_code == 2


async def test_domain_blocks(instance) -> None:  # type: ignore[no-untyped-def]
    assert (await in_thread(instance, "domain", "block", "Spam.Example", "--reason", "spam")).exit_code == 0
    twice = await in_thread(instance, "domain", "block", "spam.example")
    assert twice.exit_code == 1 and "already blocked" in twice.stderr
    listed = (await in_thread(instance, "domain", "list", "--json")).json()
    assert [(b["domain"], b["reason"]) for b in listed] == [("spam.example", "spam")]
    assert (await in_thread(instance, "domain", "unblock", "spam.example")).exit_code == 0
    assert (await in_thread(instance, "domain", "unblock", "spam.example")).exit_code == 1
    assert (await in_thread(instance, "domain", "block", "not a domain")).exit_code == 2


async def test_post_react_and_delete(start_instance) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from fedinet.store.models import Boost, Favourite, Status

    one, two = await start_instance(), await start_instance()
    await one.create_member("alice")
    await two.create_member("bob")
    assert (await in_thread(two, "follow", "bob", f"alice@{one.domain}")).exit_code == 0
    await settle(one, two)

    posted = await in_thread(one, "post", "alice", f"Hello @bob@{two.domain} #intro", "--json")
    assert posted.exit_code == 0, posted.stderr
    uri = posted.json()["uri"]
    await settle(one, two)
    async with two.db.session() as session:
        [status] = (await session.scalars(select(Status))).all()
    assert status.uri == uri and "intro" in status.content

    for command in ("like", "boost"):
        result = await in_thread(two, command, "bob", uri)
        assert result.exit_code == 0, result.stderr
    await settle(one, two)
    async with one.db.session() as session:
        assert len((await session.scalars(select(Favourite))).all()) == 1
        assert len((await session.scalars(select(Boost))).all()) == 1
    twice = await in_thread(two, "like", "bob", uri)
    assert twice.exit_code == 1 and "already like" in twice.stderr

    assert (await in_thread(one, "delete-post", "alice", uri)).exit_code == 0
    await settle(one, two)
    async with two.db.session() as session:
        assert (await session.scalars(select(Status))).all() == []
    unknown = await in_thread(two, "like", "bob", uri)
    assert unknown.exit_code == 1 and "no status" in unknown.stderr
    bad = await in_thread(one, "post", "alice", "x", "--visibility", "everyone")
    assert bad.exit_code == 2
    orphan = await in_thread(one, "post", "alice", "x", "--reply-to", "42")
    assert orphan.exit_code == 1 and "no status 42" in orphan.stderr
