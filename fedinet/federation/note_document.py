"""Local statuses and interactions as ActivityStreams documents (internal → AS).

Shapes follow Mastodon's: a `Note` with Mastodon's `sensitive`/`Hashtag` terms, `Create` at
`{status}/activity`, `Update` at `{status}#updates/{epoch ms}`, `Delete` of a `Tombstone`.
`Create` carries a FEP-8b32 `eddsa-jcs-2022` proof by the author's Ed25519 key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from fedinet.clock import utc_now
from fedinet.config import Settings
from fedinet.federation.activities_out import AS_CONTEXT, PUBLIC
from fedinet.federation.addressing import audience
from fedinet.federation.signing.keys import SigningKey
from fedinet.federation.signing.proofs import create_proof
from fedinet.market import vocabulary as vocab
from fedinet.store.models import Actor, Proposal, Status
from fedinet.vocab import DATA_INTEGRITY_V1_CONTEXT

MASTODON_TERMS: dict[str, Any] = {"sensitive": "as:sensitive", "Hashtag": "as:Hashtag"}
NOTE_CONTEXT: list[Any] = [AS_CONTEXT, MASTODON_TERMS]
# FEP-8b32: a document with a proof names the Data Integrity context.
SIGNED_CONTEXT: list[Any] = [AS_CONTEXT, DATA_INTEGRITY_V1_CONTEXT, MASTODON_TERMS]
ONE = {"hasUnit": "one", "hasNumericalValue": "1"}  # one unit of a resource (FEP-0837)


def timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def tag_url(settings: Settings, name: str) -> str:
    return settings.url(f"/tags/{name}")


def status_audience(status: Status) -> tuple[list[str], list[str]]:
    return audience(status.visibility, status.actor.followers_url, [m.actor_uri for m in status.mentions])


def status_to_note(status: Status, settings: Settings, *, context: bool = True) -> dict[str, Any]:
    """The Note served at the status's URI (`context=False` to embed it in an activity)."""
    to, cc = status_audience(status)
    note: dict[str, Any] = {
        "id": status.uri,
        "type": "Note",
        "summary": status.summary or None,
        "inReplyTo": status.in_reply_to_uri,
        "published": timestamp(status.published_at),
        "url": status.url,
        "attributedTo": status.actor.uri,
        "to": to,
        "cc": cc,
        "sensitive": status.sensitive,
        "content": status.content,
    }
    if status.edited_at is not None:
        note["updated"] = timestamp(status.edited_at)
    if status.language:
        note["contentMap"] = {status.language: status.content}
    note["tag"] = [
        {"type": "Mention", "href": mention.actor_uri, "name": mention.name}
        for mention in status.mentions
    ] + [
        {"type": "Hashtag", "href": tag_url(settings, tag.name), "name": f"#{tag.name}"}
        for tag in status.tags
    ]
    if status.proposal is not None:
        note.update(proposal_properties(status, status.proposal))
    return {"@context": note_context(status), **note} if context else note


def note_context(status: Status) -> list[Any]:
    """A proposal's Note names the fedinet terms (PROTO-1); other posts Mastodon's."""
    return vocab.CONTEXT if status.proposal is not None else NOTE_CONTEXT


def proposal_properties(status: Status, proposal: Proposal) -> dict[str, Any]:
    """The FEP-0837 properties that make a status's Note an ask or offer (ASK-1..5)."""
    properties: dict[str, Any] = {
        "purpose": proposal.purpose,
        "name": proposal.name,
        "state": proposal.state,
        "publishes": {
            "id": f"{status.uri}#primary",
            "type": "Intent",
            "action": proposal.action,
            "resourceQuantity": dict(ONE),
        },
    }
    if proposal.reciprocity is not None:
        reciprocal: dict[str, Any] = {
            "id": f"{status.uri}#reciprocal",
            "type": "Intent",
            "action": "transfer",
            "resourceConformsTo": vocab.RECIPROCITY[proposal.reciprocity],
            "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": proposal.amount or "1"},
        }
        if proposal.currency:
            reciprocal["currency"] = proposal.currency
        properties["reciprocal"] = reciprocal
    if proposal.ends_at is not None:
        properties["endTime"] = timestamp(proposal.ends_at)
    return properties


def _activity(
    kind: str, activity_id: str, status: Status, settings: Settings, published: datetime
) -> dict[str, Any]:
    to, cc = status_audience(status)
    return {
        "@context": note_context(status),
        "id": activity_id,
        "type": kind,
        "actor": status.actor.uri,
        "published": timestamp(published),
        "to": to,
        "cc": cc,
        "object": status_to_note(status, settings, context=False),
    }


def create_activity(status: Status, settings: Settings, *, embedded: bool = False) -> dict[str, Any]:
    """`Create{Note}` with an integrity proof by the author's Ed25519 key
    (`embedded=True`: without proof and `@context`, as an item of the outbox)."""
    activity = _activity("Create", f"{status.uri}/activity", status, settings, status.published_at)
    if embedded:
        return {key: value for key, value in activity.items() if key != "@context"}
    signed_context = vocab.CONTEXT if status.proposal is not None else SIGNED_CONTEXT
    return with_proof({**activity, "@context": signed_context}, status.actor)


def update_activity(status: Status, settings: Settings) -> dict[str, Any]:
    edited = status.edited_at or utc_now()
    # Milliseconds: two changes within a second (an edit, then a state change) need two ids.
    epoch_ms = int(edited.replace(tzinfo=edited.tzinfo or UTC).timestamp() * 1000)  # SQLite gives naive UTC
    return _activity("Update", f"{status.uri}#updates/{epoch_ms}", status, settings, edited)


def delete_activity(status: Status) -> dict[str, Any]:
    to, cc = status_audience(status)
    return {
        "@context": AS_CONTEXT,
        "id": f"{status.uri}#delete",
        "type": "Delete",
        "actor": status.actor.uri,
        "to": to,
        "cc": cc,
        "object": {"id": status.uri, "type": "Tombstone"},
    }


def like_activity(actor: Actor, status: Status, like_uri: str) -> dict[str, Any]:
    return {"@context": AS_CONTEXT, "id": like_uri, "type": "Like", "actor": actor.uri, "object": status.uri}


def announce_activity(actor: Actor, status: Status, announce_uri: str, published: datetime) -> dict[str, Any]:
    """A boost: public, copied to the status's author and the booster's followers."""
    return {
        "@context": AS_CONTEXT,
        "id": announce_uri,
        "type": "Announce",
        "actor": actor.uri,
        "published": timestamp(published),
        "to": [PUBLIC],
        "cc": [uri for uri in (status.actor.uri, actor.followers_url) if uri],
        "object": status.uri,
    }


def with_proof(document: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """The document with a FEP-8b32 proof by the actor's Ed25519 key (unchanged without one)."""
    key = actor.key("ed25519")
    if key is None or key.private_key_pem is None:
        return document
    private_key = SigningKey.from_pem(key.key_id, key.private_key_pem).private_key
    assert isinstance(private_key, ed25519.Ed25519PrivateKey)
    return create_proof(document, private_key, key.key_id, utc_now())
