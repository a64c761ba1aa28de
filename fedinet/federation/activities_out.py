"""Activities local actors send (internal → ActivityStreams), one builder per kind."""

from __future__ import annotations

from typing import Any

from fedinet.ids import new_id

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def new_activity_id(actor_uri: str) -> str:
    return f"{actor_uri}/activities/{new_id()}"


def follow(actor_uri: str, target_uri: str, activity_id: str) -> dict[str, Any]:
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Follow",
        "actor": actor_uri,
        "object": target_uri,
    }


def follow_reference(follow_uri: str, follower_uri: str, followee_uri: str) -> dict[str, Any]:
    """The Follow an Accept, Reject or Undo refers to, embedded as peers expect it."""
    return {"id": follow_uri, "type": "Follow", "actor": follower_uri, "object": followee_uri}


def respond(kind: str, actor_uri: str, obj: dict[str, Any], to: str) -> dict[str, Any]:
    """Accept or Reject `obj` (usually a Follow), addressed to its author."""
    assert kind in ("Accept", "Reject")
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(actor_uri),
        "type": kind,
        "actor": actor_uri,
        "object": obj,
        "to": [to],
    }


def undo(actor_uri: str, undone: dict[str, Any]) -> dict[str, Any]:
    embedded = {key: value for key, value in undone.items() if key != "@context"}
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_id(actor_uri),
        "type": "Undo",
        "actor": actor_uri,
        "object": embedded,
    }
