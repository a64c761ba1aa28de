"""Posts travel between real fedinet instances: post, reply, edit, delete, audiences."""

from __future__ import annotations

import json

from sqlalchemy import select
from support.federation import follow_across, settle

from fedinet.services import statuses
from fedinet.store import statuses as status_queries
from fedinet.store.models import InboxItem, Status, Tombstone


async def remote_copy(instance, uri: str) -> Status | None:  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        return await status_queries.status_by_uri(session, uri)


async def test_post_reply_edit_delete(start_instance) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    alice, bob = await one.create_member("alice"), await two.create_member("bob")
    await follow_across(two, bob, one, "alice")

    text = f"Hello @bob@{two.domain} and @nobody@{two.domain}! Anyone for #CargoBikes?"
    assert await statuses.resolve_mentions(one.db, one.transport, one.settings, text) != []
    status = await statuses.post(one.db, one.settings, alice, text, language="en")
    assert status.uri == f"{alice.actor.uri}/statuses/{status.id}"
    assert status.url == f"{one.base_url}/@alice/{status.id}"
    assert f'<a href="{two.base_url}/@bob" class="u-url mention">@<span>bob</span></a>' in status.content
    assert f"@nobody@{two.domain}" in status.content  # unknown: left as text
    tag_link = f'<a href="{one.base_url}/tags/cargobikes" class="mention hashtag" rel="tag">'
    assert f"{tag_link}#<span>CargoBikes</span></a>" in status.content
    await settle(one, two)

    copy = await remote_copy(two, status.uri)
    assert copy is not None and not copy.is_local
    assert copy.actor.uri == alice.actor.uri and copy.visibility == "public" and copy.language == "en"
    assert "CargoBikes" in copy.content and 'class="u-url mention"' in copy.content
    assert [(m.actor_uri, m.name) for m in copy.mentions] == [(bob.actor.uri, f"@bob@{two.domain}")]
    assert [t.name for t in copy.tags] == ["cargobikes"]
    assert copy.url == status.url
    async with two.db.session() as session:
        [item] = (await session.scalars(select(InboxItem).where(InboxItem.activity_type == "Create"))).all()
    assert item.state == "done" and "proof" in json.loads(item.body)  # the inbox verified it

    text = f"@alice@{one.domain} count me in"
    reply = await statuses.post(two.db, two.settings, bob, text, in_reply_to=copy)
    await settle(one, two)
    seen = await remote_copy(one, reply.uri)
    assert seen is not None and seen.in_reply_to_uri == status.uri
    assert [m.actor_uri for m in seen.mentions] == [alice.actor.uri]

    await statuses.edit(one.db, one.settings, alice, status.id, "Hello again #bikes", summary="bikes")
    await settle(one, two)
    copy = await remote_copy(two, status.uri)
    assert copy is not None and copy.edited_at is not None
    assert "Hello again" in copy.content and [t.name for t in copy.tags] == ["bikes"]
    assert copy.mentions == [] and copy.summary == "bikes" and copy.sensitive

    await statuses.delete(one.db, alice, status.id)
    await settle(one, two)
    assert await remote_copy(two, status.uri) is None
    async with two.db.session() as session:
        assert await session.get(Tombstone, status.uri) is not None


async def test_audiences(start_instance) -> None:  # type: ignore[no-untyped-def]
    """A direct message reaches only its recipient's server; followers-only is not public."""
    one, two, three = await start_instance(), await start_instance(), await start_instance()
    alice = await one.create_member("alice")
    bob, dan = await two.create_member("bob"), await three.create_member("dan")
    await follow_across(three, dan, one, "alice")
    await statuses.resolve_mentions(one.db, one.transport, one.settings, f"@bob@{two.domain}")

    secret = await statuses.post(one.db, one.settings, alice, f"@bob@{two.domain} psst", visibility="direct")
    private = await statuses.post(one.db, one.settings, alice, "followers only", visibility="private")
    unlisted = await statuses.post(one.db, one.settings, alice, "quietly public", visibility="unlisted")
    await settle(one, two, three)

    dm = await remote_copy(two, secret.uri)
    assert dm is not None and dm.visibility == "direct" and dm.addressed_to == [bob.actor.uri]
    assert await remote_copy(three, secret.uri) is None
    assert await remote_copy(two, private.uri) is None  # bob does not follow alice
    seen = await remote_copy(three, private.uri)
    assert seen is not None and seen.visibility == "private"
    assert seen.addressed_to == [alice.actor.followers_url]
    assert (await remote_copy(three, unlisted.uri)).visibility == "unlisted"  # type: ignore[union-attr]
