"""Responses to asks and offers: `Offer(Agreement)` and its `Accept`/`Reject` (AGREE-1..3)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urldefrag

from fedinet.federation.inbox import object_id, origin
from fedinet.federation.processing import Ignore, ProcessingContext
from fedinet.services import proposals


def is_agreement_offer(activity: dict[str, Any]) -> bool:
    obj = activity.get("object")
    return isinstance(obj, dict) and obj.get("type") == "Agreement"


async def on_offer(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """A response to one of our members' proposals; the proposal is named by the intent
    the primary commitment satisfies."""
    stipulates = activity["object"].get("stipulates")
    satisfies = object_id(stipulates.get("satisfies")) if isinstance(stipulates, dict) else None
    if satisfies is None:
        raise Ignore("an Agreement that satisfies no intent")
    proposal_uri = urldefrag(satisfies).url
    content = activity.get("content")
    agreement = await proposals.receive_offer(
        context.db, context.actor, activity["id"], proposal_uri, content if isinstance(content, str) else ""
    )
    if agreement is None:
        raise Ignore(f"{proposal_uri} is not an open proposal of ours that the sender may see")


async def on_answer(context: ProcessingContext, activity: dict[str, Any]) -> bool:
    """Accept/Reject of an agreement offer of ours; False if the object is no such offer.
    An Accept counts only with a finalised agreement on the accepter's host (AGREE-2)."""
    offer_uri = object_id(activity.get("object"))
    if offer_uri is None:
        return False
    accepted = activity.get("type") == "Accept"
    agreement_uri = object_id(activity.get("result")) if accepted else None
    if agreement_uri is not None and origin(agreement_uri) != origin(context.actor.uri):
        agreement_uri = None
    return await proposals.receive_answer(context.db, context.actor, offer_uri, accepted, agreement_uri)
