"""Mastodon-shaped payloads replayed into a fedinet inbox.

The fixtures (fixtures/mastodon/) follow Mastodon's documented formats, written for the
hosts mastodon.example (the sender) and fedinet.example (us). Each test rewrites those
to a stand-in Mastodon on loopback, which serves the sender's actor document (the Person
of update_person.json, with the test's key), and to the running instance; the activities
are signed with draft-cavage as Mastodon signs them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from support.federation import FakeRemote, fake_remote, settle

from fedinet.services import statuses
from fedinet.store import actors as actor_queries
from fedinet.store import follows as follow_queries
from fedinet.store.models import Boost, Favourite, InboxItem, Status, Tombstone

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"


def fixture(name: str, mastodon: FakeRemote, instance) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    text = (FIXTURES / name).read_text(encoding="utf-8")
    text = text.replace("https://mastodon.example", mastodon.base_url)
    return json.loads(text.replace("https://fedinet.example", instance.base_url))


def undo(activity: dict[str, Any], undo_id: str) -> dict[str, Any]:
    """Mastodon's Undo: the undone activity embedded without its @context."""
    embedded = {key: value for key, value in activity.items() if key != "@context"}
    return {
        "@context": activity["@context"],
        "id": undo_id,
        "type": "Undo",
        "actor": activity["actor"],
        "object": embedded,
    }


@pytest.fixture
async def setting(instance):  # type: ignore[no-untyped-def]
    """bob on fedinet; ines on a stand-in Mastodon, her actor served from update_person.json."""
    bob = await instance.create_member("bob")
    async with fake_remote() as mastodon:
        update = fixture("update_person.json", mastodon, instance)
        person = {"@context": update["@context"], **update["object"]}
        person["publicKey"]["publicKeyPem"] = mastodon.public_pem
        mastodon.serve(person)
        yield instance, bob, mastodon


async def deliver(  # type: ignore[no-untyped-def]
    http, mastodon: FakeRemote, instance, activity: dict[str, Any], inbox: str | None = None
) -> None:
    code, body = await mastodon.post(http, inbox or f"{instance.base_url}/inbox", activity)
    assert code == 202, body
    await settle(instance)
    async with instance.db.session() as session:
        item = await session.scalar(select(InboxItem).where(InboxItem.activity_uri == activity["id"]))
    assert item.state == "done" and item.error is None, item.error


async def test_follow(setting, http) -> None:  # type: ignore[no-untyped-def]
    instance, bob, mastodon = setting
    follow = fixture("follow.json", mastodon, instance)
    await deliver(http, mastodon, instance, follow, bob.actor.inbox_url)
    async with instance.db.session() as session:
        [follower] = await follow_queries.followers(session, bob.actor.id)
    assert follower.uri == follow["actor"] and follower.display_name == "Inês Moreira"
    [accept] = [a for a in mastodon.received if a["type"] == "Accept"]
    assert accept["object"]["id"] == follow["id"] and accept["actor"] == bob.actor.uri

    # Followers get bob's posts at Mastodon's shared inbox, with Mastodon's addressing.
    status = await statuses.post(instance.db, instance.settings, bob, "Open workshop on Saturday")
    await settle(instance)
    [create] = [a for a in mastodon.received if a["type"] == "Create"]
    assert create["object"]["id"] == status.uri and create["cc"] == [bob.actor.followers_url]


async def test_create_and_delete(setting, http) -> None:  # type: ignore[no-untyped-def]
    instance, bob, mastodon = setting
    create = fixture("create_note_mention_hashtag.json", mastodon, instance)
    await deliver(http, mastodon, instance, create, bob.actor.inbox_url)
    async with instance.db.session() as session:
        [status] = (await session.scalars(select(Status))).all()
    note = create["object"]
    assert (status.uri, status.url, status.actor.uri) == (note["id"], note["url"], create["actor"])
    assert status.visibility == "public" and status.language == "en" and not status.sensitive
    assert [m.actor_uri for m in status.mentions] == [bob.actor.uri]
    assert [t.name for t in status.tags] == ["cargobikes"]
    assert "does anyone near the harbour fix cargo bikes?" in status.content
    assert 'class="u-url mention"' in status.content
    assert status.published_at.isoformat().startswith("2024-11-20T09:41:07")

    await deliver(http, mastodon, instance, create)  # the same Create again, via the shared inbox: no-op
    delete = fixture("delete.json", mastodon, instance)
    await deliver(http, mastodon, instance, delete)
    async with instance.db.session() as session:
        assert (await session.scalars(select(Status))).all() == []
        assert await session.get(Tombstone, note["id"]) is not None


async def test_like_and_announce_of_a_local_post(setting, http) -> None:  # type: ignore[no-untyped-def]
    instance, bob, mastodon = setting
    status = await statuses.post(instance.db, instance.settings, bob, "Who can lend a ladder?")
    like = {**fixture("like.json", mastodon, instance), "object": status.uri}
    announce = {**fixture("announce.json", mastodon, instance), "object": status.uri}
    for activity in (like, announce):
        await deliver(http, mastodon, instance, activity, bob.actor.inbox_url)
    async with instance.db.session() as session:
        [favourite] = (await session.scalars(select(Favourite))).all()
        [boost] = (await session.scalars(select(Boost))).all()
    assert (favourite.uri, favourite.status_id) == (like["id"], status.id)
    assert (boost.uri, boost.status_id) == (announce["id"], status.id)

    await deliver(http, mastodon, instance, undo(like, f"{like['id']}/undo"))
    await deliver(http, mastodon, instance, undo(announce, f"{like['actor']}#announces/1/undo"))
    async with instance.db.session() as session:
        assert (await session.scalars(select(Favourite))).all() == []
        assert (await session.scalars(select(Boost))).all() == []


async def test_announce_of_a_mastodon_post_fetches_it(setting, http) -> None:  # type: ignore[no-untyped-def]
    instance, _bob, mastodon = setting
    create = fixture("create_note_mention_hashtag.json", mastodon, instance)
    mastodon.serve({"@context": create["@context"], **create["object"]})
    announce = {**fixture("announce.json", mastodon, instance), "object": create["object"]["id"]}
    await deliver(http, mastodon, instance, announce)
    async with instance.db.session() as session:
        [status] = (await session.scalars(select(Status))).all()
        [boost] = (await session.scalars(select(Boost))).all()
    assert status.uri == create["object"]["id"] and boost.status_id == status.id
    assert [t.name for t in status.tags] == ["cargobikes"]


async def test_update_person(setting, http) -> None:  # type: ignore[no-untyped-def]
    """Mastodon's Update(Person) after a profile edit: name, bio (sanitised) and key are taken."""
    instance, bob, mastodon = setting
    follow = fixture("follow.json", mastodon, instance)
    await deliver(http, mastodon, instance, follow, bob.actor.inbox_url)  # ines becomes known
    update = fixture("update_person.json", mastodon, instance)
    update["object"]["publicKey"]["publicKeyPem"] = mastodon.public_pem
    update["object"]["name"] = "Inês M."
    update["object"]["summary"] = '<p>Bike mechanic<script>alert(1)</script></p>'
    await deliver(http, mastodon, instance, update)
    async with instance.db.session() as session:
        ines = await actor_queries.actor_by_uri(session, update["actor"])
    assert ines.display_name == "Inês M."
    assert ines.summary.startswith("<p>Bike mechanic") and "script" not in ines.summary
    assert ines.key("rsa").public_key == mastodon.public_pem
