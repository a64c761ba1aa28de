"""fedinet protocol objects and activities of local actors (internal → ActivityStreams).

Shapes are those of `protocol/spec.md`; ids in docstrings refer to its requirements. Signed
objects (SIG-1) keep their own `@context` when embedded, since their proof covers it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fedinet.clock import utc_now
from fedinet.federation.note_document import ONE, timestamp, with_proof
from fedinet.market import vocabulary as vocab
from fedinet.store.models import Actor, Agreement


def _commitments(proposal_uri: str, has_reciprocal: bool, agreement_uri: str | None) -> dict[str, Any]:
    def commitment(intent: str) -> dict[str, Any]:
        item: dict[str, Any] = {
            "type": "Commitment",
            "satisfies": f"{proposal_uri}#{intent}",
            "resourceQuantity": dict(ONE),
        }
        return {"id": f"{agreement_uri}#{intent}", **item} if agreement_uri else item

    terms = {"stipulates": commitment("primary")}
    if has_reciprocal:
        terms["stipulatesReciprocal"] = commitment("reciprocal")
    return terms


def agreement_offer(agreement: Agreement) -> dict[str, Any]:
    """The responder's `Offer(Agreement)` to the proposal's author (AGREE-1)."""
    status = agreement.proposal_status
    has_reciprocal = status.proposal is not None and status.proposal.reciprocity is not None
    return {
        "@context": vocab.CONTEXT,
        "id": agreement.offer_uri,
        "type": "Offer",
        "actor": agreement.responder.uri,
        "to": [agreement.proposer.uri],
        "inReplyTo": status.uri,
        "content": agreement.message,
        "published": timestamp(agreement.created_at),
        "object": {"type": "Agreement", **_commitments(status.uri, has_reciprocal, None)},
    }


def agreement_answer(agreement: Agreement, answer_uri: str) -> dict[str, Any]:
    """The proposer's `Accept` (with the finalised agreement) or `Reject` (AGREE-2)."""
    activity: dict[str, Any] = {
        "@context": vocab.CONTEXT,
        "id": answer_uri,
        "type": "Accept" if agreement.state == "accepted" else "Reject",
        "actor": agreement.proposer.uri,
        "to": [agreement.responder.uri],
        "object": agreement.offer_uri,
        "published": timestamp(agreement.decided_at or utc_now()),
    }
    if agreement.state == "accepted":
        activity["result"] = agreement_result(agreement, context=False)
    return activity


def agreement_result(agreement: Agreement, *, context: bool = True) -> dict[str, Any]:
    """The finalised agreement, served at its id and embedded in the `Accept` (AGREE-2)."""
    assert agreement.uri is not None
    status = agreement.proposal_status
    has_reciprocal = status.proposal is not None and status.proposal.reciprocity is not None
    document = {
        "type": "Agreement",
        "id": agreement.uri,
        "attributedTo": agreement.proposer.uri,
        **_commitments(status.uri, has_reciprocal, agreement.uri),
    }
    return {"@context": vocab.CONTEXT, **document} if context else document


def signed_object(author: Actor, kind: str, uri: str, published: datetime, **properties: Any) -> dict[str, Any]:
    """A fedinet object with its author's FEP-8b32 proof (SIG-1); `None` values are left out."""
    document = {
        "@context": vocab.CONTEXT,
        "id": uri,
        "type": kind,
        "attributedTo": author.uri,
        **{name: value for name, value in properties.items() if value is not None},
        "published": timestamp(published),
    }
    return with_proof(document, author)


def wrap(kind: str, actor: Actor, activity_uri: str, obj: dict[str, Any] | str, to: list[str], **extra: Any) -> dict[str, Any]:
    """An activity of `actor` around `obj`, signed like every Create fedinet sends (SIG-4)."""
    activity = {
        "@context": vocab.CONTEXT,
        "id": activity_uri,
        "type": kind,
        "actor": actor.uri,
        "to": to,
        **extra,
        "object": obj,
        "published": timestamp(utc_now()),
    }
    return with_proof(activity, actor)


def introduction_answer(kind: str, actor: Actor, answer_uri: str, introduction_uri: str, to: list[str]) -> dict[str, Any]:
    """`Accept`/`Reject` of an introduction by A or C, signed (INTRO-5, INTRO-6, INTRO-9)."""
    assert kind in ("Accept", "Reject")
    reference = {"type": vocab.INTRODUCTION, "id": introduction_uri}
    return wrap(kind, actor, answer_uri, reference, to)


def undo_create(actor: Actor, undo_uri: str, create_uri: str, object_uri: str, to: list[str]) -> dict[str, Any]:
    """Revocation of a vouch or acknowledgment: `Undo` of the `Create` that carried it (VOUCH-4)."""
    created = {"id": create_uri, "type": "Create", "actor": actor.uri, "object": object_uri}
    return wrap("Undo", actor, undo_uri, created, to)
