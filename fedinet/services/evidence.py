"""Vouches, acknowledgments and introduction outcomes: signed evidence (protocol/spec.md §5–8).

Members give and revoke them here; remote ones arrive through the handlers, verified
(EVID-1). Only standing evidence — verified, not revoked — is what reputation reads.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.clock import utc_now
from fedinet.federation.market_documents import signed_object, undo_create, wrap
from fedinet.federation.outbox import deliver_to
from fedinet.ids import new_id
from fedinet.market import vocabulary as vocab
from fedinet.services.errors import Conflict, InvalidInput, NotFound
from fedinet.services.proposals import normalise_topics
from fedinet.store import actors as actor_queries
from fedinet.store import market as queries
from fedinet.store.database import Database
from fedinet.store.models import Account, Actor, Evidence, EvidenceTopic, Introduction

log = logging.getLogger(__name__)

KINDS = {vocab.VOUCH: "vouch", vocab.ACKNOWLEDGMENT: "acknowledgment", vocab.OUTCOME: "outcome"}
PATHS = {"vouch": "vouches", "acknowledgment": "acknowledgments", "outcome": "outcomes"}


def _check_note(note: str) -> str:
    if len(note) > vocab.MAX_TEXT:
        raise InvalidInput(f"a note has at most {vocab.MAX_TEXT} characters")
    return note.strip()


async def vouch(
    db: Database,
    account: Account,
    subject: Actor,
    relationship: str,
    *,
    topics: list[str] | None = None,
    note: str = "",
) -> Evidence:
    """Vouch for `subject`: public, sent to them and to one's followers (VOUCH-1..3)."""
    if relationship not in vocab.RELATIONSHIPS:
        raise InvalidInput(f"how you know them must be one of {', '.join(vocab.RELATIONSHIPS)}")
    names = normalise_topics(topics or [])
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        if subject.id == me.id:
            raise InvalidInput("you cannot vouch for yourself")
        for standing in await queries.evidence_about(session, me.id, "vouch"):
            if standing.author_id == me.id and standing.subject_id == subject.id:
                raise Conflict(f"you already vouch for {subject.handle}; revoke that vouch first")
        return await _give(
            session,
            me,
            "vouch",
            subject,
            [subject.uri, vocab.PUBLIC],
            vouchesFor=subject.uri,
            relationship=relationship,
            topic=names or None,
            content=_check_note(note) or None,
        )


async def acknowledge(db: Database, account: Account, helper: Actor, about_uri: str, *, note: str = "") -> Evidence:
    """Thank `helper` for help on an ask, offer, agreement or introduction (ACK-1..3)."""
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        if helper.id == me.id:
            raise InvalidInput("you cannot acknowledge yourself")
        return await _give(
            session,
            me,
            "acknowledgment",
            helper,
            [helper.uri, vocab.PUBLIC],
            helper=helper.uri,
            context=about_uri,
            content=_check_note(note) or None,
        )


async def report_outcome(db: Database, account: Account, introduction_id: int, outcome: str, *, note: str = "") -> Evidence:
    """Tell the connector how an introduction went (OUT-1, OUT-3: a later report replaces)."""
    if outcome not in vocab.OUTCOMES:
        raise InvalidInput(f"the outcome must be one of {', '.join(vocab.OUTCOMES)}")
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        introduction = await session.get(Introduction, introduction_id)
        if introduction is None or me.id not in (introduction.introduced_id, introduction.target_id):
            raise NotFound(f"you were not introduced in introduction {introduction_id}")
        if introduction.state != "connected" or introduction.uri is None:
            raise Conflict("an outcome can only be reported once the introduction was accepted")
        earlier = await queries.outcome_by(session, me.id, introduction.uri)
        if earlier is not None:
            earlier.revoked_at = utc_now()
        connector = introduction.connector
        return await _give(
            session,
            me,
            "outcome",
            connector,
            [connector.uri],
            context=introduction.uri,
            connector=connector.uri,
            outcome=outcome,
            content=_check_note(note) or None,
        )


async def revoke(db: Database, account: Account, evidence_id: int) -> Evidence:
    """Withdraw one's vouch or acknowledgment: `Undo` of its `Create` (VOUCH-4, ACK-3)."""
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        row = await session.get(Evidence, evidence_id)
        if row is None or row.author_id != me.id or row.kind == "outcome":
            raise NotFound(f"you gave no vouch or acknowledgment {evidence_id}")
        if row.revoked_at is not None:
            raise Conflict("it is revoked already")
        row.revoked_at = utc_now()
        assert row.activity_uri is not None
        # A vouch also travelled inside one's introductions of its subject: tell their targets.
        targets = [
            introduction.target
            for introduction in await queries.introductions_of(session, me.id)
            if introduction.connector_id == me.id and introduction.introduced_id == row.subject_id
            and introduction.document is not None
        ]
        recipients = list({actor.id: actor for actor in [row.subject, *targets]}.values())
        to = [row.subject.uri, vocab.PUBLIC]
        activity = undo_create(me, f"{row.uri}/undo", row.activity_uri, row.uri, to)
        await deliver_to(session, me, activity, recipients, followers=True)
    return row


async def _give(
    session: AsyncSession, me: Actor, kind: str, subject: Actor, to: list[str], **properties: Any
) -> Evidence:
    # The session's own copy: a `subject` loaded elsewhere may already be here (as the author
    # of evidence `vouch` read), and SQLAlchemy refuses a second instance of one row.
    subject = await session.get(Actor, subject.id) or subject
    now = utc_now()
    uri = f"{me.uri}/{PATHS[kind]}/{new_id()}"
    document = signed_object(me, _type(kind), uri, now, to=to, **properties)
    row = Evidence(
        uri=uri,
        kind=kind,
        author=me,
        subject=subject,
        activity_uri=f"{uri}/activity",
        document=json.dumps(document, ensure_ascii=False),
        **_row_fields(document),
        published_at=now,
        received_at=now,
    )
    session.add(row)
    activity = wrap("Create", me, row.activity_uri, document, to)
    await deliver_to(session, me, activity, [subject], followers=vocab.PUBLIC in to)
    await session.flush()
    return row


def _type(kind: str) -> str:
    return next(name for name, value in KINDS.items() if value == kind)


def _row_fields(document: dict[str, Any]) -> dict[str, Any]:
    topics = document.get("topic") or []
    return {
        "topic_rows": [EvidenceTopic(topic=key) for key in vocab.topic_keys(document.get("topic"))],
        "context_uri": document.get("context"),
        "relationship_kind": document.get("relationship"),
        "topics": topics if isinstance(topics, list) else [topics],
        "outcome": document.get("outcome"),
        "content": document.get("content") or "",
    }


# Remote evidence (called by fedinet.federation.handlers.evidence, after verification)


async def receive(db: Database, author: Actor, subject: Actor, document: dict[str, Any], activity_uri: str | None) -> Evidence | None:
    """Store a verified vouch, acknowledgment or outcome; None if it is known already."""
    kind = KINDS[document["type"]]
    async with db.transaction() as session:
        if await queries.evidence_by_uri(session, document["id"]) is not None:
            return None
        if kind == "outcome":
            earlier = await queries.outcome_by(session, author.id, document["context"])
            if earlier is not None:
                earlier.revoked_at = utc_now()
        row = Evidence(
            uri=document["id"],
            kind=kind,
            author_id=author.id,
            subject_id=subject.id,
            activity_uri=activity_uri,
            document=json.dumps(document, ensure_ascii=False),
            **_row_fields(document),
            received_at=utc_now(),
        )
        session.add(row)
    return row


async def receive_revocation(db: Database, author: Actor, reference: str) -> bool:
    """The author revoked evidence, named by its id or by the `Create` that carried it."""
    async with db.transaction() as session:
        row = await queries.evidence_by_uri(session, reference) or await queries.evidence_by_activity(
            session, reference
        )
        if row is None or row.author_id != author.id:
            return False
        if row.revoked_at is None:
            row.revoked_at = utc_now()
    return True


async def count_dropped(db: Database, reason: str) -> None:
    """Count a signed object refused for `reason` (EVID-2)."""
    async with db.transaction() as session:
        await queries.count_dropped(session, reason, utc_now())
