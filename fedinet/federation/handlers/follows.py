"""Follow, Accept/Reject of a follow, Undo(Follow)."""

from __future__ import annotations

from typing import Any

from fedinet.federation.inbox import object_id
from fedinet.federation.processing import Handler, Ignore, ProcessingContext
from fedinet.services import follows


async def on_follow(context: ProcessingContext, activity: dict[str, Any]) -> None:
    target_uri = object_id(activity.get("object"))
    followee = await follows.local_actor(context.db, target_uri) if target_uri else None
    if followee is None:
        raise Ignore(f"Follow of {target_uri}, which is not a local actor")
    await follows.receive_follow(context.db, context.actor, followee, activity["id"])


async def _on_follow_response(context: ProcessingContext, activity: dict[str, Any], accepted: bool) -> None:
    """Accept/Reject{Follow}: the sender must be the followee of one of our members' follows."""
    answered = activity.get("object")
    follower_uri = object_id(answered.get("actor")) if isinstance(answered, dict) else None
    if not await follows.receive_follow_response(
        context.db, context.actor, object_id(answered), follower_uri, accepted
    ):
        raise Ignore("no follow request of ours matches")


async def on_accept(context: ProcessingContext, activity: dict[str, Any]) -> None:
    await _on_follow_response(context, activity, accepted=True)


async def on_reject(context: ProcessingContext, activity: dict[str, Any]) -> None:
    await _on_follow_response(context, activity, accepted=False)


async def on_undo_follow(context: ProcessingContext, activity: dict[str, Any]) -> None:
    undone = activity["object"]
    if object_id(undone.get("actor")) != context.actor.uri:
        raise Ignore("an Undo of someone else's Follow")
    target_uri = object_id(undone.get("object"))
    followee = await follows.local_actor(context.db, target_uri) if target_uri else None
    if followee is None or not await follows.receive_unfollow(context.db, context.actor, followee):
        raise Ignore("no such follow")


HANDLERS: dict[str, Handler] = {"Follow": on_follow, "Accept": on_accept, "Reject": on_reject}
UNDO_HANDLERS: dict[str, Handler] = {"Follow": on_undo_follow}
