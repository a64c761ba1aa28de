"""Asks, offers and the responses to them: `/api/fedinet/v1/proposals` and `/responses`.

A proposal is a status (protocol/spec.md §3): its id is the status id, and its entity carries
the Mastodon Status entity. Who may see one is `services.statuses.can_see`: a followers-only
or direct proposal is 404 to anyone outside its audience, and never listed for them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.clock import as_utc, utc_now
from fedinet.config import Settings
from fedinet.market import vocabulary as vocab
from fedinet.services import evidence, proposals, statuses
from fedinet.services.errors import InvalidInput, NotFound
from fedinet.store import market_pages as pages
from fedinet.store import statuses as status_queries
from fedinet.store.models import Account, Agreement, Status
from fedinet.web.context import database_of, settings_of
from fedinet.web.fedinet_api.common import (
    BASE,
    NOT_FOUND,
    account_entities,
    accounts_by_ids,
    choice,
    kind_of,
    number,
    path_id,
    proposal_summary,
    state_of,
    timestamp,
    viewer_actor,
)
from fedinet.web.fedinet_api.evidence import evidence_entities
from fedinet.web.mastodon.auth import current_account, optional_account, requires
from fedinet.web.mastodon.pagination import paged_json, requested_page
from fedinet.web.mastodon.params import params
from fedinet.web.mastodon.status_entities import PageFacts, page_facts, status_entity

routes = web.RouteTableDef()
PROPOSAL = BASE + r"/proposals/{id:\d+}"
RESPONSE = BASE + r"/responses/{id:\d+}"
LIST_STATES = (*vocab.PROPOSAL_STATES, "expired")
RESPONSE_STATES = ("offered", "accepted", "rejected")
IN_RETURN = ("none", *vocab.RECIPROCITY)


# Rendering


async def render_proposals(
    session: AsyncSession, settings: Settings, found: Sequence[Status], viewer: Account | None
) -> list[dict[str, Any]]:
    """Proposal entities for `viewer`, a page at a time (a fixed number of queries)."""
    ids = [status.id for status in found]
    facts = await page_facts(session, found, viewer)
    counts = await pages.response_counts(session, ids)
    mine = await pages.responses_by(session, ids, viewer.actor_id) if viewer is not None else {}
    return [_proposal_entity(s, settings, facts, viewer, counts.get(s.id, {}), mine.get(s.id)) for s in found]


def _proposal_entity(
    status: Status,
    settings: Settings,
    facts: PageFacts,
    viewer: Account | None,
    counts: dict[str, int],
    mine: Agreement | None,
) -> dict[str, Any]:
    proposal = status.proposal
    assert proposal is not None
    shown = status_entity(status, settings, facts, viewer)
    return {
        "id": str(status.id),
        "uri": status.uri,
        "url": status.url or status.uri,
        "kind": kind_of(proposal),
        "title": proposal.name,
        "state": state_of(proposal),
        "topics": sorted(tag.name for tag in status.tags),
        "in_return": proposal.reciprocity or "none",
        "amount": proposal.amount,
        "currency": proposal.currency,
        "ends_at": timestamp(proposal.ends_at),
        "visibility": status.visibility,
        "created_at": shown["created_at"],
        "account": shown["account"],
        "responses_count": sum(counts.values()),
        "responses": {state: counts.get(state, 0) for state in RESPONSE_STATES},
        "my_response": None if mine is None else {"id": str(mine.id), "state": mine.state},
        "status": shown,
    }


async def render_responses(
    session: AsyncSession, settings: Settings, found: Sequence[Agreement], viewer_actor_id: int
) -> list[dict[str, Any]]:
    accounts = await account_entities(
        session, settings, [actor for row in found for actor in (row.responder, row.proposer)]
    )
    return [
        {
            "id": str(row.id),
            "state": row.state,
            "role": "proposer" if row.proposer_id == viewer_actor_id else "responder",
            "message": row.message,
            "uri": row.uri,
            "offer_uri": row.offer_uri,
            "created_at": timestamp(row.created_at),
            "decided_at": timestamp(row.decided_at),
            "proposal": proposal_summary(row.proposal_status),
            "responder": accounts[row.responder_id],
            "proposer": accounts[row.proposer_id],
        }
        for row in found
    ]


async def _proposal_response(request: web.Request, status_id: int, viewer: Account | None) -> dict[str, Any]:
    async with database_of(request).session() as session:
        status = await _visible(session, status_id, viewer)
        return (await render_proposals(session, settings_of(request), [status], viewer))[0]


async def _response_entity(request: web.Request, agreement_id: int, account: Account) -> dict[str, Any]:
    async with database_of(request).session() as session:
        row = await session.get(Agreement, agreement_id)
        assert row is not None
        return (await render_responses(session, settings_of(request), [row], account.actor_id))[0]


# Lookups


async def _visible(session: AsyncSession, status_id: int, viewer: Account | None) -> Status:
    """A proposal the viewer may see; 404 otherwise, whether it exists or not."""
    status = await status_queries.status_by_id(session, status_id)
    if status is None or status.proposal is None or not await statuses.can_see(session, status, viewer_actor(viewer)):
        raise NotFound(NOT_FOUND)
    return status


async def _own(session: AsyncSession, status_id: int, account: Account) -> Status:
    status = await status_queries.status_by_id(session, status_id)
    if status is None or status.proposal is None or status.actor_id != account.actor_id:
        raise NotFound(NOT_FOUND)
    return status


def _ends(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"ends_at {value[:40]!r} is not a date and time like 2026-12-01T18:00:00Z") from None
    return as_utc(moment).astimezone(UTC)


# Proposals


@routes.post(BASE + "/proposals")
@requires("write")
async def create(request: web.Request) -> web.Response:
    """Post an ask or offer; with `target_account_ids[]` it is direct, to those people only."""
    account, given = current_account(request), await params(request)
    db, settings = database_of(request), settings_of(request)
    targets = await accounts_by_ids(request, given.list("target_account_ids"), "target_account_ids[]")
    visibility = given.text("visibility") or ("direct" if targets else "public")
    if targets and visibility != "direct":
        raise InvalidInput("an ask or offer for chosen people (target_account_ids) is direct: leave out visibility")
    in_return = choice(given, "in_return", IN_RETURN)
    currency = given.text("currency")
    status = await proposals.publish(
        db,
        settings,
        account,
        kind=given.text("kind") or "",
        name=given.text("title") or "",
        description=given.text("description") or "",
        topics=[str(topic) for topic in given.list("topics")],
        reciprocity=None if in_return in (None, "none") else in_return,
        amount=given.text("amount") or None,
        currency=currency.upper() if currency else None,
        ends_at=_ends(given.text("ends_at")),
        visibility=visibility,
        recipients=targets,
    )
    return web.json_response(await _proposal_response(request, status.id, account))


@routes.get(BASE + "/proposals")
@requires("read", optional=True)
async def index(request: web.Request) -> web.Response:
    """Proposals the caller may see, newest first: by `kind`, `topic`, `state`, `instance`
    (a domain, or `local`), `account_id` and `distance` (1 or 2: by people within that many
    follow steps of the caller, either way)."""
    viewer, given, settings = optional_account(request), await params(request), settings_of(request)
    kind = choice(given, "kind", tuple(proposals.KINDS))
    topic = given.text("topic")
    instance = (given.text("instance") or "").strip().lower()
    account_id = given.get("account_id")
    actor_id = None
    if account_id not in (None, ""):
        actor_id = (await accounts_by_ids(request, [account_id], "account_id"))[0].id
    wanted = pages.ProposalFilter(
        purpose=proposals.KINDS[kind] if kind else None,
        topic=proposals.normalise_topics([topic])[0] if topic else None,
        state=choice(given, "state", LIST_STATES),
        local=instance in ("local", settings.domain.lower()),
        domain=instance if instance and instance not in ("local", settings.domain.lower()) else None,
        actor_id=actor_id,
    )
    distance = given.integer("distance", low=1, high=2)
    page = await requested_page(request)
    async with database_of(request).session() as session:
        if distance is not None:
            if viewer is None:
                raise web.HTTPUnauthorized(text="distance is measured from the caller: log in")
            wanted = dataclasses.replace(wanted, within=await pages.network_of(session, viewer.actor_id, distance))
        found = await pages.proposals(session, viewer_actor(viewer), wanted, page, utc_now())
        body = await render_proposals(session, settings, found, viewer)
    return paged_json(request, body, [status.id for status in found])


@routes.get(PROPOSAL)
@requires("read", optional=True)
async def show(request: web.Request) -> web.Response:
    return web.json_response(await _proposal_response(request, path_id(request), optional_account(request)))


@routes.post(PROPOSAL + "/state")
@requires("write")
async def change_state(request: web.Request) -> web.Response:
    """Open, fulfilled or withdrawn; a fulfilled ask may name its helpers
    (`helper_account_ids[]`), who are sent an acknowledgment of it (ACK-1)."""
    account, given = current_account(request), await params(request)
    db, settings, status_id = database_of(request), settings_of(request), path_id(request)
    async with db.session() as session:
        status = await _own(session, status_id, account)
    state = given.text("state") or ""
    if state not in vocab.PROPOSAL_STATES:
        raise InvalidInput(f"state must be one of {', '.join(vocab.PROPOSAL_STATES)}")
    helpers = await accounts_by_ids(request, given.list("helper_account_ids"), "helper_account_ids[]")
    note = given.text("note") or ""
    if helpers:
        assert status.proposal is not None
        if state != "fulfilled":
            raise InvalidInput("helpers are named when an ask is marked fulfilled")
        if status.proposal.purpose != vocab.ASK:
            raise InvalidInput("helpers are named for an ask; on an offer, those you helped acknowledge you")
        if any(helper.id == account.actor_id for helper in helpers):
            raise InvalidInput("you cannot acknowledge yourself")
        if len(note) > vocab.MAX_TEXT:
            raise InvalidInput(f"a note has at most {vocab.MAX_TEXT} characters")
    await proposals.set_state(db, settings, account, status_id, state)
    given_evidence = [await evidence.acknowledge(db, account, helper, status.uri, note=note) for helper in helpers]
    body = await _proposal_response(request, status_id, account)
    async with db.session() as session:
        body["acknowledgments"] = await evidence_entities(session, settings, given_evidence, account.actor)
    return web.json_response(body)


@routes.delete(PROPOSAL)
@requires("write")
async def delete(request: web.Request) -> web.Response:
    """Delete one's proposal (a `Delete` goes to its audience); answers with what it was."""
    account, db = current_account(request), database_of(request)
    async with db.session() as session:
        status = await _own(session, path_id(request), account)
        body = (await render_proposals(session, settings_of(request), [status], account))[0]
    await statuses.delete(db, account, status.id)
    return web.json_response(body)


# Responses


@routes.post(PROPOSAL + "/responses")
@requires("write")
async def respond(request: web.Request) -> web.Response:
    """Offer help for an ask, or ask for what an offer gives (AGREE-1)."""
    account, given = current_account(request), await params(request)
    row = await proposals.respond(database_of(request), account, path_id(request), given.text("message") or "")
    return web.json_response(await _response_entity(request, row.id, account))


@routes.get(BASE + "/responses")
@requires("read")
async def responses(request: web.Request) -> web.Response:
    """Responses the caller made and received, newest first: by `state`, `role`
    (proposer: received, responder: made) and `proposal_id`."""
    account, given = current_account(request), await params(request)
    proposal_id = given.get("proposal_id")
    page = await requested_page(request)
    async with database_of(request).session() as session:
        found = await pages.agreements(
            session,
            account.actor_id,
            page,
            state=choice(given, "state", RESPONSE_STATES),
            role=choice(given, "role", ("proposer", "responder")),
            status_id=number(proposal_id, "proposal_id") if proposal_id not in (None, "") else None,
        )
        body = await render_responses(session, settings_of(request), found, account.actor_id)
    return paged_json(request, body, [row.id for row in found])


@routes.post(RESPONSE + "/accept")
@requires("write")
async def accept(request: web.Request) -> web.Response:
    account = current_account(request)
    row = await proposals.answer(database_of(request), account, path_id(request), accept=True)
    return web.json_response(await _response_entity(request, row.id, account))


@routes.post(RESPONSE + "/reject")
@requires("write")
async def reject(request: web.Request) -> web.Response:
    account, given = current_account(request), await params(request)
    reason = given.text("reason") or ""
    if len(reason) > vocab.MAX_TEXT:
        raise InvalidInput(f"a reason has at most {vocab.MAX_TEXT} characters")
    row = await proposals.answer(database_of(request), account, path_id(request), accept=False, reason=reason)
    return web.json_response(await _response_entity(request, row.id, account))

