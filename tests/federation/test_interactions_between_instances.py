"""Likes and boosts between real fedinet instances, and their undoing."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from support.federation import follow_across, settle

from fedinet.services import statuses
from fedinet.services.errors import Conflict, InvalidInput, NotFound
from fedinet.store.models import Boost, Favourite, InboxItem, Status


async def rows(instance, model) -> list:  # type: ignore[no-untyped-def]
    async with instance.db.session() as session:
        return list((await session.scalars(select(model))).all())


@pytest.fixture
async def followed_post(start_instance):  # type: ignore[no-untyped-def]
    """alice@one posts; bob@two follows her and has the post."""
    one, two = await start_instance(), await start_instance()
    alice, bob = await one.create_member("alice"), await two.create_member("bob")
    await follow_across(two, bob, one, "alice")
    status = await statuses.post(one.db, one.settings, alice, "Fresh bread at the market today")
    await settle(one, two)
    [copy] = await rows(two, Status)
    return one, two, alice, bob, status, copy


async def test_like_and_unlike(followed_post) -> None:  # type: ignore[no-untyped-def]
    one, two, _alice, bob, status, copy = followed_post
    like = await statuses.like(two.db, bob, copy.id)
    with pytest.raises(Conflict):
        await statuses.like(two.db, bob, copy.id)
    await settle(one, two)
    [favourite] = await rows(one, Favourite)
    assert (favourite.status_id, favourite.uri) == (status.id, like.uri)

    await statuses.unlike(two.db, bob, copy.id)
    await settle(one, two)
    assert await rows(one, Favourite) == [] and await rows(two, Favourite) == []
    with pytest.raises(NotFound):
        await statuses.unlike(two.db, bob, copy.id)


async def test_boost_and_unboost(followed_post, start_instance) -> None:  # type: ignore[no-untyped-def]
    one, two, _alice, bob, status, copy = followed_post
    three = await start_instance()
    carol = await three.create_member("carol")
    await follow_across(three, carol, two, "bob")  # carol sees bob's boosts, not alice's posts

    boost = await statuses.boost(two.db, bob, copy.id)
    await settle(one, two, three)
    [on_one] = await rows(one, Boost)
    assert (on_one.status_id, on_one.uri) == (status.id, boost.uri)
    [on_three] = await rows(three, Boost)
    [fetched] = await rows(three, Status)  # the boosted post, fetched from alice's server
    assert fetched.uri == status.uri and fetched.content == status.content
    assert on_three.status_id == fetched.id

    await statuses.unboost(two.db, bob, copy.id)
    await settle(one, two, three)
    assert await rows(one, Boost) == [] and await rows(three, Boost) == []


async def test_redelivery_changes_nothing(followed_post) -> None:  # type: ignore[no-untyped-def]
    one, two, _alice, bob, _status, copy = followed_post
    await statuses.like(two.db, bob, copy.id)
    await statuses.boost(two.db, bob, copy.id)
    await settle(one, two)
    async with one.db.transaction() as session:  # process everything once more
        for item in (await session.scalars(select(InboxItem))).all():
            item.state = "pending"
    await settle(one, two)
    assert len(await rows(one, Favourite)) == 1 and len(await rows(one, Boost)) == 1
    assert len(await rows(one, Status)) == 1


async def test_private_posts_cannot_be_boosted(followed_post) -> None:  # type: ignore[no-untyped-def]
    one, two, alice, bob, _status, _copy = followed_post
    private = await statuses.post(one.db, one.settings, alice, "for followers", visibility="private")
    await settle(one, two)
    async with two.db.session() as session:
        seen = await session.scalar(select(Status).where(Status.uri == private.uri))
    with pytest.raises(InvalidInput):
        await statuses.boost(two.db, bob, seen.id)
    await statuses.like(two.db, bob, seen.id)  # a follower may like it
    await settle(one, two)
    assert [f.status_id for f in await rows(one, Favourite)] == [private.id]
