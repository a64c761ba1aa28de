"""Inbound activity handlers, one module per subject; merged into one registry here."""

from __future__ import annotations

from typing import Any

from fedinet.federation.handlers import actors, follows, interactions, notes
from fedinet.federation.inbox import object_id
from fedinet.federation.processing import Handler, ProcessingContext


async def on_update(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """Update of an actor (actors) or of a post (notes)."""
    updated = activity.get("object")
    if isinstance(updated, dict) and updated.get("type") in actors.ACTOR_TYPES:
        await actors.on_update(context, activity)
    else:
        await notes.on_update(context, activity)


async def on_delete(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """Delete of the sender itself (actors) or of one of its posts (notes)."""
    if object_id(activity.get("object")) == context.actor.uri:
        await actors.on_delete(context, activity)
    else:
        await notes.on_delete(context, activity)


HANDLERS: dict[str, Handler] = {
    **follows.HANDLERS,
    **actors.HANDLERS,
    **notes.HANDLERS,
    **interactions.HANDLERS,
    "Update": on_update,
    "Delete": on_delete,
}
UNDO_HANDLERS: dict[str, Handler] = {
    **follows.UNDO_HANDLERS,
    **actors.UNDO_HANDLERS,
    **interactions.UNDO_HANDLERS,
}
