"""Asks and offers: statuses that carry a FEP-0837 proposal, and the responses to them.

A proposal is posted as a status (so timelines, clients and plain servers show it as a post,
ASK-4) with a `Proposal` row holding its structure. Responding follows FEP-0837: the responder
offers an `Agreement`, the proposer accepts or rejects it (AGREE-1..3).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from fedinet.clock import as_utc, utc_now
from fedinet.config import Settings
from fedinet.federation import market_documents as documents
from fedinet.federation import note_document
from fedinet.federation.activities_out import new_activity_id
from fedinet.federation.addressing import post_inboxes
from fedinet.federation.outbox import deliver_to, enqueue
from fedinet.ids import new_id
from fedinet.market import vocabulary as vocab
from fedinet.services import statuses
from fedinet.services.errors import Conflict, InvalidInput, NotFound
from fedinet.store import actors as actor_queries
from fedinet.store import market as queries
from fedinet.store import statuses as status_queries
from fedinet.store.database import Database
from fedinet.store.models import Account, Actor, Agreement, Proposal, Status

KINDS = {"ask": vocab.ASK, "offer": vocab.OFFER}
_TOPIC = re.compile(r"\w*[^\W\d]\w*")
_CURRENCY = re.compile(r"[A-Z]{3}")
_AMOUNT = re.compile(r"\d{1,12}(\.\d{1,4})?")


def normalise_topics(topics: list[str]) -> list[str]:
    """Topic names as hashtags: without '#', lower case, unique (ASK-7)."""
    names: list[str] = []
    for topic in topics:
        name = topic.strip().removeprefix("#").lower()
        if not _TOPIC.fullmatch(name) or len(name) > vocab.MAX_TOPIC:
            raise InvalidInput(f"{topic!r} is not a topic: use letters, digits and _ (at most {vocab.MAX_TOPIC})")
        if name not in names:
            names.append(name)
    if len(names) > vocab.MAX_TOPICS:
        raise InvalidInput(f"at most {vocab.MAX_TOPICS} topics")
    return names


def _in_return(reciprocity: str | None, amount: str | None, currency: str | None) -> str:
    if reciprocity == "pay-it-forward":
        return "In return: I'll pay it forward."
    if reciprocity == "favour":
        return "In return: I owe you one."
    if reciprocity == "money":
        return f"In return: {amount} {currency}."
    return "Nothing expected in return."


def _check(
    name: str, description: str, reciprocity: str | None, amount: str | None, currency: str | None
) -> None:
    if not name.strip():
        raise InvalidInput("an ask or offer needs a title")
    if len(name) > vocab.MAX_NAME:
        raise InvalidInput(f"the title has at most {vocab.MAX_NAME} characters")
    if len(description) > vocab.MAX_TEXT - vocab.MAX_NAME - 200:
        raise InvalidInput("the description is too long")
    if reciprocity is not None and reciprocity not in vocab.RECIPROCITY:
        raise InvalidInput(f"in return must be one of {', '.join(vocab.RECIPROCITY)} (or nothing)")
    if reciprocity == "money":
        if amount is None or not _AMOUNT.fullmatch(amount) or currency is None or not _CURRENCY.fullmatch(currency):
            raise InvalidInput("money in return needs an amount like 25 or 12.50 and a currency like EUR")
    elif amount is not None or currency is not None:
        raise InvalidInput("an amount and currency only go with money in return")


async def publish(
    db: Database,
    settings: Settings,
    account: Account,
    *,
    kind: str,
    name: str,
    description: str = "",
    topics: list[str] | None = None,
    reciprocity: str | None = None,
    amount: str | None = None,
    currency: str | None = None,
    ends_at: datetime | None = None,
    visibility: str = "public",
    recipients: Sequence[Actor] = (),
) -> Status:
    """Post an ask or offer; its text reads well in any client (ASK-4).

    `recipients` are mentioned after the title, so that the proposal reaches them (with
    `direct` visibility: only them, ASK-8)."""
    if kind not in KINDS:
        raise InvalidInput("kind must be ask or offer")
    _check(name, description, reciprocity, amount, currency)
    names = normalise_topics(topics or [])
    if ends_at is not None and ends_at <= utc_now():
        raise InvalidInput("the end time must be in the future")
    label = "Ask" if kind == "ask" else "Offer"
    paragraphs = [f"{label}: {name.strip()}"]
    if recipients:
        unique = {actor.id: actor for actor in recipients}.values()
        paragraphs.append("For " + " ".join(_mention_of(actor, account) for actor in unique))
    paragraphs += [description.strip(), _in_return(reciprocity, amount, currency)]
    if names:
        paragraphs.append(" ".join(f"#{topic}" for topic in names))
    proposal = Proposal(
        purpose=KINDS[kind],
        name=name.strip(),
        state="open",
        reciprocity=reciprocity,
        amount=amount,
        currency=currency,
        ends_at=ends_at,
    )
    text = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    return await statuses.post(db, settings, account, text, visibility=visibility, proposal=proposal)


def _mention_of(actor: Actor, author: Account) -> str:
    """`@user@host` as `statuses.post` links it to the (stored) actor."""
    if actor.id == author.actor_id:
        raise InvalidInput("you cannot address your own ask or offer to yourself")
    mention = f"@{actor.username}@{actor.domain}"
    if not actor.username or statuses.MENTION.fullmatch(mention) is None:
        raise InvalidInput(f"{actor.uri} cannot be mentioned")
    return mention


async def set_state(db: Database, settings: Settings, account: Account, status_id: int, state: str) -> Status:
    """Mark one's proposal open, fulfilled or withdrawn; followers get the `Update` (ASK-5)."""
    if state not in vocab.PROPOSAL_STATES:
        raise InvalidInput(f"state must be one of {', '.join(vocab.PROPOSAL_STATES)}")
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        status = await status_queries.status_by_id(session, status_id)
        if status is None or status.actor_id != me.id or status.proposal is None:
            raise NotFound(f"you have no ask or offer {status_id}")
        if status.proposal.state == state:
            raise Conflict(f"it is {state} already")
        status.proposal.state = state
        status.edited_at = utc_now()
        mentioned = await status_queries.actors_by_uris(session, [m.actor_uri for m in status.mentions])
        inboxes = await post_inboxes(session, me, status.visibility, mentioned)
        await enqueue(session, me, note_document.update_activity(status, settings), inboxes)
    return status


def is_open(proposal: Proposal) -> bool:
    return proposal.state == "open" and (proposal.ends_at is None or as_utc(proposal.ends_at) > utc_now())


async def respond(db: Database, account: Account, status_id: int, message: str) -> Agreement:
    """Offer help for an ask, or ask for what an offer gives: `Offer(Agreement)` (AGREE-1)."""
    if len(message) > vocab.MAX_TEXT:
        raise InvalidInput(f"a message has at most {vocab.MAX_TEXT} characters")
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        status = await status_queries.status_by_id(session, status_id)
        if status is None or status.proposal is None or not await statuses.can_see(session, status, me):
            raise NotFound(f"no ask or offer {status_id}")
        if status.actor_id == me.id:
            raise InvalidInput("you cannot respond to your own ask or offer")
        if not is_open(status.proposal):
            raise Conflict(f"this {_label(status)} is no longer open")
        if await queries.pending_agreement(session, status.id, me.id) is not None:
            raise Conflict("you have already responded; wait for the answer")
        agreement = Agreement(
            id=new_id(),
            offer_uri=new_activity_id(me.uri),
            proposal_status=status,
            responder=me,
            proposer=status.actor,
            message=message.strip(),
            state="offered",
            created_at=utc_now(),
        )
        session.add(agreement)
        await deliver_to(session, me, documents.agreement_offer(agreement), [status.actor])
    return agreement


async def answer(db: Database, account: Account, agreement_id: int, *, accept: bool, reason: str = "") -> Agreement:
    """The proposer accepts (finalising the agreement) or rejects a response (AGREE-2, AGREE-3)."""
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        agreement = await session.get(Agreement, agreement_id)
        if agreement is None or agreement.proposer_id != me.id:
            raise NotFound(f"no response {agreement_id} to your asks or offers")
        if agreement.state != "offered":
            raise Conflict(f"this response was {agreement.state} already")
        agreement.state = "accepted" if accept else "rejected"
        agreement.decided_at = utc_now()
        if accept:
            agreement.uri = f"{me.uri}/agreements/{agreement.id}"
        activity = documents.agreement_answer(agreement, new_activity_id(me.uri))
        if reason and not accept:
            activity["content"] = reason[: vocab.MAX_TEXT]
        await deliver_to(session, me, activity, [agreement.responder])
    return agreement


# Remote activities (called by fedinet.federation.handlers.proposals)


async def receive_offer(db: Database, responder: Actor, offer_uri: str, proposal_uri: str, message: str) -> Agreement | None:
    """A response to one of our members' proposals, or one of our members' response (a reply)
    to a remote proposal; None if there is no such open proposal."""
    async with db.transaction() as session:
        existing = await queries.agreement_by_offer(session, offer_uri)
        if existing is not None:
            return existing  # sent by a member here, or a re-delivery
        status = await status_queries.status_by_uri(session, proposal_uri)
        if status is None or status.proposal is None or not (status.is_local or responder.is_local):
            return None
        if not is_open(status.proposal) or not await statuses.can_see(session, status, responder):
            return None
        if await queries.pending_agreement(session, status.id, responder.id) is not None:
            return None  # one pending response per person, as for members here
        agreement = Agreement(
            id=new_id(),
            offer_uri=offer_uri,
            proposal_status=status,
            responder=responder,
            proposer=status.actor,
            message=message[: vocab.MAX_TEXT],
            state="offered",
            created_at=utc_now(),
        )
        session.add(agreement)
    return agreement


async def receive_answer(
    db: Database, proposer: Actor, offer_uri: str, accepted: bool, agreement_uri: str | None
) -> bool:
    """The proposer's Accept (with `agreement_uri`) or Reject of one of our members' offers;
    False if the offer is none of ours. An Accept without an agreement changes nothing."""
    async with db.transaction() as session:
        agreement = await queries.agreement_by_offer(session, offer_uri)
        if agreement is None or agreement.proposer_id != proposer.id:
            return False
        if agreement.state == "offered" and (agreement_uri is not None or not accepted):
            agreement.state = "accepted" if agreement_uri else "rejected"
            agreement.uri = agreement_uri
            agreement.decided_at = utc_now()
    return True


def _label(status: Status) -> str:
    return "ask" if status.proposal is not None and status.proposal.purpose == vocab.ASK else "offer"
