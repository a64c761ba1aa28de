"""Like and Announce, and their Undo. Re-deliveries change nothing."""

from __future__ import annotations

from typing import Any

from fedinet.federation.handlers.notes import store_post
from fedinet.federation.inbox import object_id
from fedinet.federation.processing import Handler, Ignore, ProcessingContext
from fedinet.services import statuses


async def on_like(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """A Like of one of our statuses (as Mastodon, likes of others' posts are not tracked)."""
    status_uri = object_id(activity.get("object"))
    if status_uri is None or not context.is_local(status_uri):
        raise Ignore("Like of a status that is not ours")
    if not await statuses.receive_like(context.db, context.actor, status_uri, activity["id"]):
        raise Ignore(f"Like of {status_uri}, which we have not shown the sender")


async def on_undo_like(context: ProcessingContext, activity: dict[str, Any]) -> None:
    undone = activity["object"]
    if object_id(undone.get("actor")) != context.actor.uri:
        raise Ignore("an Undo of someone else's Like")
    if not await statuses.receive_unlike(
        context.db, context.actor, object_id(undone), object_id(undone.get("object"))
    ):
        raise Ignore("no such Like")


async def on_announce(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """A boost; an announced post we do not have is fetched from its origin and stored."""
    reference = activity.get("object")
    status_uri = object_id(reference)
    if status_uri is None:
        raise Ignore("Announce without an object")
    if await statuses.status_by_uri(context.db, status_uri) is None:
        if context.is_local(status_uri):
            raise Ignore(f"Announce of {status_uri}, which we do not have")
        await store_post(context, await context.trusted_object(reference))
    if not await statuses.receive_boost(context.db, context.actor, status_uri, activity["id"]):
        raise Ignore(f"Announce of {status_uri}, which may not be boosted")


async def on_undo_announce(context: ProcessingContext, activity: dict[str, Any]) -> None:
    undone = activity["object"]
    announce_uri = object_id(undone)
    if object_id(undone.get("actor")) != context.actor.uri or announce_uri is None:
        raise Ignore("an Undo of someone else's Announce")
    if not await statuses.receive_unboost(context.db, context.actor, announce_uri):
        raise Ignore("no such Announce")


HANDLERS: dict[str, Handler] = {"Like": on_like, "Announce": on_announce}
UNDO_HANDLERS: dict[str, Handler] = {"Like": on_undo_like, "Announce": on_undo_announce}
