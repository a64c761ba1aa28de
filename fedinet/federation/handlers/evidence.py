"""Vouches, acknowledgments and outcomes arriving in `Create`, and their revocation (§5–8).

Each object is verified by its author's key whoever delivered it (EVID-1); the actor it
speaks of must be resolvable (INTRO-7); an outcome must come from a party of an
introduction our member made (OUT-2).
"""

from __future__ import annotations

from typing import Any

from fedinet.federation.inbox import object_id
from fedinet.federation.processing import Ignore, ProcessingContext
from fedinet.market import vocabulary as vocab
from fedinet.market.validation import author_of
from fedinet.services import evidence, introductions

SUBJECT = {vocab.VOUCH: "vouchesFor", vocab.ACKNOWLEDGMENT: "helper", vocab.OUTCOME: "connector"}


def is_evidence(document: Any) -> bool:
    return isinstance(document, dict) and document.get("type") in vocab.EVIDENCE_TYPES


async def on_create(context: ProcessingContext, activity: dict[str, Any]) -> None:
    await store(context, activity["object"], activity["id"])


async def store(context: ProcessingContext, document: dict[str, Any], activity_uri: str | None) -> None:
    """Verify and store one signed piece of evidence, or drop it (EVID-1, EVID-2)."""
    if not await context.verified(document):
        raise Ignore(f"unverifiable {document.get('type')} {document.get('id')}")
    author_uri, subject_uri = author_of(document), object_id(document.get(SUBJECT[document["type"]]))
    assert author_uri is not None and subject_uri is not None  # the schema requires both
    author = await context.actor_by_uri(author_uri)
    subject = await context.resolvable_actor(subject_uri)
    if subject is None:
        await evidence.count_dropped(context.db, "unknown-actor")
        raise Ignore(f"{document['type']} about {subject_uri}, which cannot be resolved")
    if document["type"] == vocab.OUTCOME:
        await _check_outcome(context, document, author.id)
    await evidence.receive(context.db, author, subject, document, activity_uri)


async def _check_outcome(context: ProcessingContext, outcome: dict[str, Any], author_id: int) -> None:
    introduction = await introductions.introduction_for_outcome(context.db, str(outcome.get("context")))
    is_party = introduction is not None and author_id in (introduction.introduced_id, introduction.target_id)
    if not is_party or not introduction.connector.is_local or introduction.connector.uri != outcome.get("connector"):
        await evidence.count_dropped(context.db, "not-a-party")
        raise Ignore("an outcome from someone who was not a party of an introduction made here")


async def on_undo_create(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """`Undo` of the `Create` that carried a vouch or acknowledgment (VOUCH-4)."""
    undone = activity["object"]
    if object_id(undone.get("actor")) != context.actor.uri:
        raise Ignore("an Undo of someone else's Create")
    for reference in (object_id(undone), object_id(undone.get("object"))):
        if reference and await evidence.receive_revocation(context.db, context.actor, reference):
            return
    raise Ignore("Undo of a Create we have no evidence for")


async def revoke_deleted(context: ProcessingContext, uri: str) -> bool:
    """`Delete` of a vouch or acknowledgment; False if `uri` is no evidence of the sender's."""
    return await evidence.receive_revocation(context.db, context.actor, uri)
