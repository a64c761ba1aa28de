"""Posts arriving by hand-made requests, as an honest or hostile server would send them."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from sqlalchemy import select
from support.federation import fake_remote, settle
from support.signed_requests import post_signed, signing_key

from fedinet.federation.note_document import delete_activity
from fedinet.services import statuses
from fedinet.store.models import InboxItem, OutboxActivity, Status, Tombstone

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def stored(instance) -> list[Status]:  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        return list((await session.scalars(select(Status).where(~Status.is_local))).all())


async def inbox_states(instance) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        items = await session.scalars(select(InboxItem).order_by(InboxItem.id))
        return [(item.activity_type, item.state) for item in items]


async def queued_create(instance, status: Status) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The Create a member's post queued (with its proof), as it would be delivered."""
    async with instance.db.session() as session:
        row = await session.scalar(
            select(OutboxActivity).where(OutboxActivity.uri == f"{status.uri}/activity")
        )
    return json.loads(row.body)


def create(actor_uri: str, note: dict[str, Any], suffix: str = "1") -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor_uri}/creates/{suffix}",
        "type": "Create",
        "actor": actor_uri,
        "to": [PUBLIC],
        "object": note,
    }


def note(uri: str, author: str, content: str = "<p>hi</p>") -> dict[str, Any]:
    return {"id": uri, "type": "Note", "attributedTo": author, "content": content, "to": [PUBLIC]}


@pytest.fixture
async def pair(start_instance):  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    alice, bob = await one.create_member("alice"), await two.create_member("bob")
    return one, two, alice, bob


async def test_proof_is_verified_on_arrival(pair, http) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    status = await statuses.post(one.db, one.settings, alice, "signed words")
    activity = await queued_create(one, status)
    assert activity["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert "https://w3id.org/security/data-integrity/v1" in activity["@context"]

    tampered = copy.deepcopy(activity)
    tampered["object"]["content"] = "<p>words she never wrote</p>"
    code, body = await post_signed(http, bob.actor.inbox_url, tampered, signing_key(alice.actor))
    assert code == 401 and "proof" in body["error"]
    assert await inbox_states(two) == []

    code, _ = await post_signed(http, bob.actor.inbox_url, activity, signing_key(alice.actor))
    assert code == 202
    await settle(two)
    [seen] = await stored(two)
    assert seen.uri == status.uri and "signed words" in seen.content


async def test_delete_before_create(pair, http) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    status = await statuses.post(one.db, one.settings, alice, "short-lived")
    create_activity = await queued_create(one, status)
    code, _ = await post_signed(http, bob.actor.inbox_url, delete_activity(status), signing_key(alice.actor))
    assert code == 202
    await settle(two)
    code, _ = await post_signed(http, bob.actor.inbox_url, create_activity, signing_key(alice.actor))
    assert code == 202
    await settle(two)
    assert await stored(two) == []
    assert await inbox_states(two) == [("Delete", "done"), ("Create", "done")]
    async with two.db.session() as session:
        assert await session.get(Tombstone, status.uri) is not None


async def test_embedded_post_of_a_third_origin_is_fetched_from_there(  # type: ignore[no-untyped-def]
    start_instance, pair, http
) -> None:
    _, two, alice, bob = pair
    three = await start_instance()
    carol = await three.create_member("carol")
    real = await statuses.post(three.db, three.settings, carol, "what carol really said")
    forged = note(real.uri, carol.actor.uri, "<p>what alice claims carol said</p>")
    key = signing_key(alice.actor)
    assert (await post_signed(http, bob.actor.inbox_url, create(alice.actor.uri, forged), key))[0] == 202
    await settle(two)
    [seen] = await stored(two)
    assert seen.actor.uri == carol.actor.uri and "really said" in seen.content

    # An object its origin does not serve is not stored (the fetch is retried later).
    missing = note(f"{carol.actor.uri}/statuses/1", carol.actor.uri, "<p>invented</p>")
    await post_signed(http, bob.actor.inbox_url, create(alice.actor.uri, missing, "2"), key)
    await two.background.run_once()
    assert len(await stored(two)) == 1
    async with two.db.session() as session:
        item = await session.scalar(
            select(InboxItem).where(InboxItem.activity_uri.endswith("/creates/2"))
        )
    assert item.state == "pending" and "cannot fetch" in item.error

    # On the sender's own host, but attributed to someone on another: refused.
    disguised = note(f"{alice.actor.uri}/statuses/3", carol.actor.uri, "<p>in carol's name</p>")
    await post_signed(http, bob.actor.inbox_url, create(alice.actor.uri, disguised, "3"), key)
    await settle(two)
    assert len(await stored(two)) == 1


async def test_remote_content_is_sanitised(pair, http) -> None:  # type: ignore[no-untyped-def]
    _, two, alice, bob = pair
    hostile = (
        '<p>hi<script>alert(1)</script><img src="x" onerror="alert(2)">'
        '<a href="javascript:alert(3)">click</a></p>'
    )
    post = {**note(f"{alice.actor.uri}/statuses/9", alice.actor.uri, hostile), "summary": "<b>cw</b>"}
    await post_signed(http, bob.actor.inbox_url, create(alice.actor.uri, post), signing_key(alice.actor))
    await settle(two)
    [seen] = await stored(two)
    for dangerous in ("<script", "alert(1)", "onerror", "javascript:"):
        assert dangerous not in seen.content
    assert "hi" in seen.content and seen.summary == "cw"


async def test_only_the_author_updates_or_deletes(pair, http) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob = pair
    mallory = await one.create_member("mallory")
    post = note(f"{alice.actor.uri}/statuses/5", alice.actor.uri, "<p>original</p>")
    await post_signed(http, bob.actor.inbox_url, create(alice.actor.uri, post), signing_key(alice.actor))
    await settle(two)
    update = {**create(mallory.actor.uri, {**post, "content": "<p>defaced</p>"}), "type": "Update"}
    delete = {**create(mallory.actor.uri, post["id"], "2"), "type": "Delete"}
    for activity in (update, delete):
        assert (await post_signed(http, bob.actor.inbox_url, activity, signing_key(mallory.actor)))[0] == 202
    await settle(two)
    [seen] = await stored(two)
    assert "original" in seen.content
    async with two.db.session() as session:
        assert await session.get(Tombstone, post["id"]) is None

    revised = {**post, "content": "<p>revised</p>", "updated": "2030-01-01T00:00:00Z"}
    edited = {**create(alice.actor.uri, revised, "4"), "type": "Update"}
    await post_signed(http, bob.actor.inbox_url, edited, signing_key(alice.actor))
    await settle(two)
    [seen] = await stored(two)
    assert "revised" in seen.content and seen.edited_at is not None


async def test_article_becomes_title_and_link(pair, http) -> None:  # type: ignore[no-untyped-def]
    """As Mastodon shows them: an Article's name and a link to its page."""
    _, two, _, bob = pair
    async with fake_remote() as blog:
        author = blog.add_actor("writer")
        article = {
            "id": f"{author}/articles/1", "type": "Article", "attributedTo": author,
            "name": "Ten years of <repairs>", "content": "<p>" + "long text " * 500 + "</p>",
            "url": f"{blog.base_url}/2024/ten-years", "to": [PUBLIC],
        }
        assert (await blog.post(http, bob.actor.inbox_url, create(author, article)))[0] == 202
        await settle(two)
    [seen] = await stored(two)
    assert "Ten years of &lt;repairs&gt;" in seen.content
    assert f'href="{blog.base_url}/2024/ten-years"' in seen.content and "long text" not in seen.content
