"""Activities about actors themselves: Update (profile, keys), Delete, Move, Block."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from fedinet.federation.actor_parsing import InvalidActor, parse_actor
from fedinet.federation.inbox import object_id
from fedinet.federation.processing import Handler, Ignore, ProcessingContext, Retry
from fedinet.services import blocks, follows
from fedinet.services.errors import Conflict, NotFound
from fedinet.services.remote_actors import fetch_actor, store_remote_actor
from fedinet.store.models import Account, Actor, Follow

ACTOR_TYPES = ("Person", "Service", "Application", "Group", "Organization")


async def on_update(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """Update of the sender's own actor document (profile or key changes)."""
    updated = activity.get("object")
    if not isinstance(updated, dict) or updated.get("type") not in ACTOR_TYPES:
        raise Ignore("not an actor update")  # Update(Note) is handled with notes
    if object_id(updated) != context.actor.uri:
        raise Ignore("an actor may only update itself")
    try:
        await store_remote_actor(context.db, parse_actor(updated))
    except InvalidActor as error:
        raise Ignore(f"unusable actor update: {error}") from error


async def on_delete(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """The sender deleted itself: its follows, posts and interactions go with it."""
    if object_id(activity.get("object")) != context.actor.uri:
        raise Ignore("Delete of an object that is not the sender")
    async with context.db.transaction() as session:
        actor = await session.get(Actor, context.actor.id)
        if actor is not None:
            await session.delete(actor)


async def on_move(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """The sender moved to `target`: our members who followed it follow the new account.

    Only when the new account lists the old one in `alsoKnownAs` (fetched from its origin).
    """
    if object_id(activity.get("object")) != context.actor.uri:
        raise Ignore("an actor may only move itself")
    target_uri = object_id(activity.get("target"))
    if target_uri is None:
        raise Ignore("Move without a target")
    try:  # always fresh: alsoKnownAs is what authorises the move
        target = await fetch_actor(context.db, context.transport, target_uri)
    except NotFound as error:
        raise Retry(f"cannot fetch the Move target: {error}") from error
    if context.actor.uri not in target.also_known_as:
        raise Ignore(f"{target_uri} does not list {context.actor.uri} in alsoKnownAs")
    async with context.db.session() as session:
        movers = list(
            await session.scalars(
                select(Account)
                .join(Follow, Follow.follower_id == Account.actor_id)
                .where(Follow.followee_id == context.actor.id)
            )
        )
    async with context.db.transaction() as session:
        await session.execute(delete(Follow).where(Follow.followee_id == context.actor.id))
    for account in movers:
        try:
            await follows.follow(context.db, account, target)
        except Conflict:
            pass  # already following the new account


async def on_block(context: ProcessingContext, activity: dict[str, Any]) -> None:
    blocked_uri = object_id(activity.get("object"))
    blocked = await follows.local_actor(context.db, blocked_uri) if blocked_uri else None
    if blocked is None:
        raise Ignore("Block of someone who is not a local actor")
    await blocks.receive_block(context.db, context.actor, blocked, activity["id"])


async def on_undo_block(context: ProcessingContext, activity: dict[str, Any]) -> None:
    blocked_uri = object_id(activity["object"].get("object"))
    blocked = await follows.local_actor(context.db, blocked_uri) if blocked_uri else None
    if blocked is None or not await blocks.receive_unblock(context.db, context.actor, blocked):
        raise Ignore("no such block")


HANDLERS: dict[str, Handler] = {"Move": on_move, "Block": on_block}
UNDO_HANDLERS: dict[str, Handler] = {"Block": on_undo_block}
