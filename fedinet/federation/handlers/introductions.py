"""Introductions across servers (§7): A's request, B's introduction, A's and C's answers.

Signed objects are verified by their authors' keys even when someone else delivered them
(A's consent travels inside B's introduction, EVID-1); every party must be resolvable.
"""

from __future__ import annotations

from typing import Any

from fedinet.federation.handlers import evidence as evidence_handlers
from fedinet.federation.inbox import object_id
from fedinet.federation.processing import Ignore, ProcessingContext
from fedinet.market import vocabulary as vocab
from fedinet.services import evidence, introductions
from fedinet.store.models import Actor


def is_introduction_offer(activity: dict[str, Any]) -> bool:
    obj = activity.get("object")
    return isinstance(obj, dict) and obj.get("type") in (vocab.INTRODUCTION_REQUEST, vocab.INTRODUCTION)


def is_introduction_answer(activity: dict[str, Any]) -> bool:
    obj = activity.get("object")
    return isinstance(obj, dict) and obj.get("type") == vocab.INTRODUCTION


async def on_offer(context: ProcessingContext, activity: dict[str, Any]) -> None:
    document = activity["object"]
    if document.get("attributedTo") != context.actor.uri:
        raise Ignore("an Offer of someone else's introduction")
    if not await context.verified(document):
        raise Ignore(f"unverifiable {document['type']} {document.get('id')}")
    if document["type"] == vocab.INTRODUCTION_REQUEST:
        await _on_request(context, document)
    else:
        await _on_introduction(context, document)


async def _party(context: ProcessingContext, uri: Any) -> Actor:
    actor = await context.resolvable_actor(uri) if isinstance(uri, str) else None
    if actor is None:
        await evidence.count_dropped(context.db, "unknown-actor")
        raise Ignore(f"an introduction involving {uri}, which cannot be resolved (INTRO-7)")
    return actor


async def _on_request(context: ProcessingContext, document: dict[str, Any]) -> None:
    connector = await _party(context, document.get("connector"))
    if not connector.is_local:
        raise Ignore("an introduction request to a connector on another server")
    target = await _party(context, document.get("target"))
    await introductions.receive_request(context.db, context.actor, connector, target, document)


async def _on_introduction(context: ProcessingContext, document: dict[str, Any]) -> None:
    introduced = await _party(context, document.get("introduces"))
    target = await _party(context, document.get("target"))
    if not (introduced.is_local or target.is_local):
        raise Ignore("an introduction of no member of this server")
    consent = document.get("consent")
    if consent is not None and not await context.verified(consent):
        raise Ignore("an introduction whose consent does not verify")
    if consent is None and target.is_local and not introduced.is_local:
        await evidence.count_dropped(context.db, "consent-missing")
        raise Ignore("an introduction offered to its target without the consent of the introduced")
    vouch = document.get("vouch")
    if isinstance(vouch, dict):
        await evidence_handlers.store(context, vouch, None)
    await introductions.receive_introduction(context.db, context.actor, introduced, target, document)


async def on_answer(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """Accept/Reject of an introduction by A (consent), C (answer) or B (relaying C's Reject)."""
    if not await context.verified(activity):
        raise Ignore("an unverifiable answer to an introduction")
    introduction_uri = object_id(activity["object"])
    assert introduction_uri is not None
    accepted = activity["type"] == "Accept"
    handled = await introductions.receive_consent(
        context.db, context.actor, introduction_uri, activity
    ) or await introductions.receive_answer(context.db, context.actor, introduction_uri, accepted)
    if not handled:
        raise Ignore("an answer to an introduction that is not waiting for it")


async def on_request_declined(context: ProcessingContext, activity: dict[str, Any]) -> bool:
    """B's Reject of A's request; False if the object is no request of ours."""
    request_uri = object_id(activity.get("object"))
    return request_uri is not None and await introductions.receive_request_declined(
        context.db, context.actor, request_uri
    )
