"""Introductions, double opt-in (protocol/spec.md §7): A is introduced to C by connector B.

Each server keeps one `Introduction` row per introduction its members take part in and moves
it through: requested → declined | offered → connected | rejected; when B starts it,
awaiting-consent → consented (or declined) comes before offered. Members act here; the other parties' answers arrive through
`fedinet.federation.handlers.introductions`, which calls the `receive_*` functions.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.clock import utc_now
from fedinet.config import Settings
from fedinet.federation.activities_out import new_activity_id
from fedinet.federation.market_documents import introduction_answer, signed_object, wrap
from fedinet.federation.outbox import deliver_to
from fedinet.ids import new_id
from fedinet.market import vocabulary as vocab
from fedinet.services import statuses
from fedinet.services.errors import Conflict, InvalidInput, NotFound
from fedinet.store import actors as actor_queries
from fedinet.store import market as queries
from fedinet.store import relationships as relationship_queries
from fedinet.store.database import Database
from fedinet.store.models import Account, Actor, Introduction, Status


def _texts(content: str, reason: str, benefit: str) -> dict[str, str]:
    """The three texts every request and introduction has (INTRO-1, INTRO-3)."""
    texts = {"content": content.strip(), "reason": reason.strip(), "benefit": benefit.strip()}
    missing = [name for name, text in texts.items() if not text]
    if missing:
        raise InvalidInput(
            "an introduction says what it is for, why this person and what is in it for them "
            f"(missing: {', '.join(missing)})"
        )
    if any(len(text) > vocab.MAX_TEXT for text in texts.values()):
        raise InvalidInput(f"each text has at most {vocab.MAX_TEXT} characters")
    return texts


def _distinct(introduced: Actor, connector: Actor, target: Actor) -> None:
    if len({introduced.id, connector.id, target.id}) != 3:
        raise InvalidInput("an introduction needs three different people")


async def _not_blocked(session: AsyncSession, introduced: Actor, connector: Actor, target: Actor) -> None:
    """No introduction between people where one blocks another (either way)."""
    for one, other in ((introduced, connector), (introduced, target), (connector, target)):
        if await relationship_queries.blocked_either_way(session, one.id, other.id):
            raise InvalidInput("this introduction cannot be made: one of you blocks another")


async def request(
    db: Database, account: Account, connector: Actor, target: Actor, *, content: str, reason: str = "", benefit: str = ""
) -> Introduction:
    """A asks B for an introduction to C: what, why C, what is in it for C (INTRO-1)."""
    texts = _texts(content, reason, benefit)
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        _distinct(me, connector, target)
        await _not_blocked(session, me, connector, target)
        if await queries.open_introduction(session, me.id, connector.id, target.id) is not None:
            raise Conflict("you already asked for this introduction; it is still open")
        row = Introduction(
            id=new_id(), connector=connector, introduced=me, target=target, state="requested", **texts
        )
        request_uri = f"{me.uri}/introduction-requests/{row.id}"
        document = signed_object(
            me, vocab.INTRODUCTION_REQUEST, request_uri, utc_now(),
            to=[connector.uri], connector=connector.uri, target=target.uri, **texts,
        )
        row.request_uri, row.request_document = request_uri, json.dumps(document)
        session.add(row)
        offer = wrap("Offer", me, new_activity_id(me.uri), document, [connector.uri])
        await deliver_to(session, me, offer, [connector])
    return row


async def decline_request(db: Database, account: Account, introduction_id: int, *, reason: str = "") -> Introduction:
    """B declines A's request (INTRO-2)."""
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        row = await _row(session, introduction_id, me, "connector")
        if row.state != "requested":
            raise Conflict(f"this introduction is {row.state}, not a request waiting for you")
        row.state = "declined"
        why = {"content": reason.strip()[: vocab.MAX_TEXT]} if reason.strip() else {}
        reject = wrap("Reject", me, new_activity_id(me.uri), row.request_uri or "", [row.introduced.uri], **why)
        await deliver_to(session, me, reject, [row.introduced])
    return row


async def introduce(
    db: Database,
    account: Account,
    introduced: Actor | None = None,
    target: Actor | None = None,
    *,
    content: str = "",
    reason: str = "",
    benefit: str = "",
    request_id: int | None = None,
) -> Introduction:
    """B introduces A to C: answering A's request (A consented), or starting it, which asks A
    first (INTRO-3..5). From a request, B's texts default to A's. B's standing vouch for A,
    if any, goes with it."""
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        if request_id is not None:
            row = await _row(session, request_id, me, "connector")
            if row.state != "requested":
                raise Conflict(f"this introduction is {row.state}, not a request waiting for you")
            texts = _texts(content or row.content, reason or row.reason, benefit or row.benefit)
            for name, text in texts.items():
                setattr(row, name, text)
        else:
            texts = _texts(content, reason, benefit)
            if introduced is None or target is None:
                raise InvalidInput("say whom to introduce to whom")
            _distinct(introduced, me, target)
            await _not_blocked(session, introduced, me, target)
            row = Introduction(
                id=new_id(), connector=me, introduced=introduced, target=target, state="awaiting-consent", **texts
            )
            session.add(row)
        row.uri = f"{me.uri}/introductions/{row.id}"
        consent = json.loads(row.request_document) if row.request_document else None
        await _send_introduction(session, me, row, consent)
    return row


async def _send_introduction(session: AsyncSession, me: Actor, row: Introduction, consent: dict[str, Any] | None) -> None:
    """Sign B's introduction; with consent it goes to C (and A), without it to A alone."""
    assert row.uri is not None
    vouch = await _standing_vouch(session, me, row.introduced)
    document = signed_object(
        me, vocab.INTRODUCTION, row.uri, utc_now(),
        to=[row.introduced.uri, row.target.uri],
        introduces=row.introduced.uri, target=row.target.uri,
        content=row.content, reason=row.reason, benefit=row.benefit,
        vouch=vouch, consent=consent,
    )
    row.document = json.dumps(document)
    if consent is None:
        row.state = "awaiting-consent"
        recipients = [row.introduced]
    else:
        row.state = "offered"
        recipients = [row.target, row.introduced]
    offer = wrap("Offer", me, new_activity_id(me.uri), document, [actor.uri for actor in recipients])
    await deliver_to(session, me, offer, recipients)


async def _standing_vouch(session: AsyncSession, me: Actor, introduced: Actor) -> dict[str, Any] | None:
    for row in await queries.evidence_about(session, me.id, "vouch"):
        if row.author_id == me.id and row.subject_id == introduced.id:
            return json.loads(row.document)
    return None


async def consent(db: Database, account: Account, introduction_id: int, *, accept: bool) -> Introduction:
    """A agrees (or not) to an introduction B started (INTRO-5)."""
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        row = await _row(session, introduction_id, me, "introduced")
        if row.state != "awaiting-consent" or row.uri is None:
            raise Conflict(f"this introduction is {row.state}, not waiting for your consent")
        row.state = "consented" if accept else "declined"
        kind = "Accept" if accept else "Reject"
        answer = introduction_answer(kind, me, new_activity_id(me.uri), row.uri, [row.connector.uri])
        await deliver_to(session, me, answer, [row.connector])
    return row


async def answer(
    db: Database,
    account: Account,
    introduction_id: int,
    *,
    accept: bool,
    settings: Settings | None = None,
    greeting: str = "",
) -> Introduction:
    """C accepts (A and C are connected) or declines (B is told, then tells A) (INTRO-6).

    With `settings`, an acceptance also starts the private conversation: C writes to A (and
    B) directly, with `greeting` or a default one."""
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        row = await _row(session, introduction_id, me, "target")
        if row.state != "offered" or row.uri is None:
            raise Conflict(f"this introduction is {row.state}, not waiting for your answer")
        row.state = "connected" if accept else "rejected"
        recipients = [row.connector, row.introduced] if accept else [row.connector]
        kind = "Accept" if accept else "Reject"
        activity = introduction_answer(kind, me, new_activity_id(me.uri), row.uri, [a.uri for a in recipients])
        await deliver_to(session, me, activity, recipients)
        if not accept and row.connector.is_local:
            await _relay_rejection(session, row)
    if accept and settings is not None:
        text = greeting.strip() or f"{row.connector.display_name or row.connector.username} introduced us: happy to talk!"
        opening = f"@{row.introduced.handle} @{row.connector.handle} {text[: vocab.MAX_TEXT]}"
        await statuses.post(db, settings, account, opening, visibility="direct")
    return row


async def ask_for_more(db: Database, settings: Settings, account: Account, introduction_id: int, question: str) -> Status:
    """B asks A for more before deciding on A's request: a direct message to A alone (C is
    named, not mentioned, so C hears nothing of a request B has not accepted)."""
    if not 1 <= len(question.strip()) <= vocab.MAX_TEXT:
        raise InvalidInput(f"ask something (at most {vocab.MAX_TEXT} characters)")
    async with db.session() as session:
        me = await actor_queries.member_actor(session, account)
        row = await _row(session, introduction_id, me, "connector")
        if row.state != "requested":
            raise Conflict(f"this introduction is {row.state}, not a request waiting for you")
        requester, target = row.introduced, row.target
    text = f"@{requester.handle} about your request for an introduction to {target.display_name or target.username}: {question.strip()}"
    return await statuses.post(db, settings, account, text, visibility="direct")


async def _relay_rejection(session: AsyncSession, row: Introduction) -> None:
    """B tells A that C declined, without C's reasons (INTRO-6)."""
    assert row.uri is not None
    connector = row.connector
    reject = introduction_answer("Reject", connector, new_activity_id(connector.uri), row.uri, [row.introduced.uri])
    await deliver_to(session, connector, reject, [row.introduced])


async def list_for(db: Database, account: Account) -> list[Introduction]:
    async with db.session() as session:
        return await queries.introductions_of(session, account.actor_id)


# Remote activities (called by fedinet.federation.handlers.introductions)


async def receive_request(db: Database, requester: Actor, connector: Actor, target: Actor, document: dict[str, Any]) -> bool:
    """A's request reached B's server; False if it is known already."""
    async with db.transaction() as session:
        if await queries.introduction_by_uri(session, document["id"]) is not None:
            return False
        session.add(
            Introduction(
                id=new_id(),
                request_uri=document["id"],
                request_document=json.dumps(document),
                connector=connector,
                introduced=requester,
                target=target,
                state="requested",
                **{name: str(document.get(name) or "") for name in ("content", "reason", "benefit")},
            )
        )
    return True


async def receive_request_declined(db: Database, connector: Actor, request_uri: str) -> bool:
    async with db.transaction() as session:
        row = await queries.introduction_by_uri(session, request_uri)
        if row is None or row.connector_id != connector.id or row.state != "requested":
            return False
        row.state = "declined"
    return True


async def receive_introduction(
    db: Database, connector: Actor, introduced: Actor, target: Actor, document: dict[str, Any]
) -> Introduction:
    """B's introduction reached A's or C's server: offered with consent, else awaiting A's."""
    state = "offered" if document.get("consent") else "awaiting-consent"
    async with db.transaction() as session:
        row = await queries.introduction_by_uri(session, document["id"])
        if row is None:
            request_uri = _consent_request_uri(document)
            row = await queries.introduction_by_uri(session, request_uri) if request_uri else None
        if row is None:
            row = Introduction(id=new_id(), connector=connector, introduced=introduced, target=target, state=state)
            session.add(row)
        elif row.connector_id != connector.id:
            raise NotFound("an introduction by someone else has this id")
        row.uri, row.document = document["id"], json.dumps(document)
        for name in ("content", "reason", "benefit"):
            setattr(row, name, str(document.get(name) or ""))
        if row.state in ("requested", "awaiting-consent", "consented"):
            row.state = state
    return row


async def receive_consent(db: Database, introduced: Actor, introduction_uri: str, answer: dict[str, Any]) -> bool:
    """A answered B's introduction; on B's server an `Accept` sends it on to C with A's consent."""
    accepted = answer.get("type") == "Accept"
    async with db.transaction() as session:
        row = await queries.introduction_by_uri(session, introduction_uri)
        if row is None or row.introduced_id != introduced.id or row.state not in ("awaiting-consent", "consented"):
            return False
        if not row.connector.is_local:
            row.state = "consented" if accepted else "declined"
        elif accepted:
            await _send_introduction(session, row.connector, row, answer)
        else:
            row.state = "declined"
    return True


async def receive_answer(db: Database, sender: Actor, introduction_uri: str, accepted: bool) -> bool:
    """C's answer (or B's relay of C's Reject to A). B's server relays a Reject to A (INTRO-6)."""
    async with db.transaction() as session:
        row = await queries.introduction_by_uri(session, introduction_uri)
        if row is None or sender.id not in (row.target_id, row.connector_id):
            return False
        if row.state not in ("offered", "connected", "rejected"):
            return False
        if sender.id == row.connector_id and accepted:
            return False  # B answers A only to relay a Reject
        relay = not accepted and sender.id == row.target_id and row.connector.is_local and row.state != "rejected"
        row.state = "connected" if accepted else "rejected"
        if relay:
            await _relay_rejection(session, row)
    return True


def _consent_request_uri(document: dict[str, Any]) -> str | None:
    consent = document.get("consent")
    if isinstance(consent, dict) and consent.get("type") == vocab.INTRODUCTION_REQUEST:
        return consent.get("id")
    return None


async def introduction_for_outcome(db: Database, introduction_uri: str) -> Introduction | None:
    async with db.session() as session:
        return await queries.introduction_by_uri(session, introduction_uri)


async def _row(session: AsyncSession, introduction_id: int, me: Actor, role: str) -> Introduction:
    row = await session.get(Introduction, introduction_id)
    if row is None or getattr(row, f"{role}_id") != me.id:
        raise NotFound(f"no introduction {introduction_id} where you are the {role}")
    return row
