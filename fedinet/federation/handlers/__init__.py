"""Inbound activity handlers, one module per subject; merged into one registry here.

Several activity types serve more than one subject (a `Create` carries a post or a vouch,
an `Accept` answers a follow, an agreement or an introduction); the routers below pick the
handler from the shape of the activity.
"""

from __future__ import annotations

from typing import Any

from fedinet.federation.handlers import (
    actors,
    evidence,
    follows,
    interactions,
    introductions,
    notes,
    proposals,
)
from fedinet.federation.inbox import object_id
from fedinet.federation.processing import Handler, Ignore, ProcessingContext


async def on_create(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """Create of a vouch, acknowledgment or outcome (evidence), else of a post (notes)."""
    if evidence.is_evidence(activity.get("object")):
        await evidence.on_create(context, activity)
    else:
        await notes.on_create(context, activity)


async def on_offer(context: ProcessingContext, activity: dict[str, Any]) -> None:
    if proposals.is_agreement_offer(activity):
        await proposals.on_offer(context, activity)
    elif introductions.is_introduction_offer(activity):
        await introductions.on_offer(context, activity)
    else:
        raise Ignore("an Offer of something fedinet does not trade")


async def _on_answer(context: ProcessingContext, activity: dict[str, Any], follow_handler: Handler) -> None:
    if introductions.is_introduction_answer(activity):
        await introductions.on_answer(context, activity)
    elif not (
        await proposals.on_answer(context, activity)
        or await introductions.on_request_declined(context, activity)
    ):
        await follow_handler(context, activity)


async def on_accept(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """Accept of an introduction, of an agreement offer, else of a follow."""
    await _on_answer(context, activity, follows.on_accept)


async def on_reject(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """Reject of an introduction, an agreement offer, an introduction request, else a follow."""
    await _on_answer(context, activity, follows.on_reject)


async def on_update(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """Update of an actor (actors) or of a post (notes)."""
    updated = activity.get("object")
    if isinstance(updated, dict) and updated.get("type") in actors.ACTOR_TYPES:
        await actors.on_update(context, activity)
    else:
        await notes.on_update(context, activity)


async def on_delete(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """Delete of the sender itself (actors), of its evidence, or of one of its posts (notes)."""
    uri = object_id(activity.get("object"))
    if uri == context.actor.uri:
        await actors.on_delete(context, activity)
    elif uri is None or not await evidence.revoke_deleted(context, uri):
        await notes.on_delete(context, activity)


HANDLERS: dict[str, Handler] = {
    **follows.HANDLERS,
    **actors.HANDLERS,
    **notes.HANDLERS,
    **interactions.HANDLERS,
    "Create": on_create,
    "Offer": on_offer,
    "Accept": on_accept,
    "Reject": on_reject,
    "Update": on_update,
    "Delete": on_delete,
}
UNDO_HANDLERS: dict[str, Handler] = {
    **follows.UNDO_HANDLERS,
    **actors.UNDO_HANDLERS,
    **interactions.UNDO_HANDLERS,
    "Create": evidence.on_undo_create,
}
