"""Introductions, double opt-in (protocol/spec.md §7–8): `/api/fedinet/v1/introductions`.

A is introduced to C by connector B. A asks B (`POST /introductions/requests`) or B starts it
(`POST /introductions`, then A consents); C answers; afterwards A and C report the outcome.
Only the three parties see an introduction (INTRO-8): to anyone else it is 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.config import Settings
from fedinet.market import vocabulary as vocab
from fedinet.services import evidence, introductions
from fedinet.services.errors import InvalidInput, NotFound
from fedinet.store import market_pages as pages
from fedinet.store.models import Introduction
from fedinet.web.context import database_of, settings_of
from fedinet.web.fedinet_api.common import (
    BASE,
    NOT_FOUND,
    account_by_id,
    account_entities,
    choice,
    number,
    path_id,
    required_flag,
    timestamp,
)
from fedinet.web.fedinet_api.evidence import evidence_entities
from fedinet.web.mastodon.auth import current_account, requires
from fedinet.web.mastodon.pagination import paged_json, requested_page
from fedinet.web.mastodon.params import Params, params

routes = web.RouteTableDef()
INTRODUCTION = BASE + r"/introductions/{id:\d+}"
STATES = ("requested", "declined", "awaiting-consent", "consented", "offered", "connected", "rejected")
ROLES = ("connector", "introduced", "target")


async def render_introductions(
    session: AsyncSession, settings: Settings, found: Sequence[Introduction], viewer_actor_id: int
) -> list[dict[str, Any]]:
    accounts = await account_entities(
        session, settings, [actor for row in found for actor in (row.connector, row.introduced, row.target)]
    )
    entities = []
    for row in found:
        roles = {row.connector_id: "connector", row.introduced_id: "introduced", row.target_id: "target"}
        entities.append(
            {
                "id": str(row.id),
                "state": row.state,
                "role": roles.get(viewer_actor_id),
                "connector": accounts[row.connector_id],
                "introduced": accounts[row.introduced_id],
                "target": accounts[row.target_id],
                "what": row.content,
                "why": row.reason,
                "benefit": row.benefit,
                "uri": row.uri,
                "request_uri": row.request_uri,
                "created_at": timestamp(row.created_at),
                "updated_at": timestamp(row.updated_at),
            }
        )
    return entities


async def _entity(request: web.Request, introduction_id: int) -> web.Response:
    account = current_account(request)
    async with database_of(request).session() as session:
        row = await session.get(Introduction, introduction_id)
        assert row is not None
        body = await render_introductions(session, settings_of(request), [row], account.actor_id)
    return web.json_response(body[0])


async def _check_shown(request: web.Request) -> int:
    """The introduction's id, 404 unless the caller may see it (before any service acts)."""
    introduction_id, account = path_id(request), current_account(request)
    async with database_of(request).session() as session:
        row = await session.get(Introduction, introduction_id)
        if row is None or not pages.shown_to(row, account.actor_id):
            raise NotFound(NOT_FOUND)
    return introduction_id


def _texts(given: Params, first: str, *, required: bool = True) -> dict[str, str]:
    """The three texts (INTRO-1, INTRO-3) as the service names them; missing ones are named
    as the API does."""
    names = {"content": first, "reason": "why", "benefit": "benefit"}
    texts = {key: given.text(name) or "" for key, name in names.items()}
    missing = [names[key] for key, text in texts.items() if not text.strip()]
    if required and missing:
        raise InvalidInput(
            "an introduction says what it is for, why this person and what is in it for them "
            f"(missing: {', '.join(missing)})"
        )
    return texts


@routes.get(BASE + "/introductions")
@requires("read")
async def index(request: web.Request) -> web.Response:
    """Introductions the caller takes part in, newest first: by `state` and `role`."""
    account, given = current_account(request), await params(request)
    page = await requested_page(request)
    async with database_of(request).session() as session:
        found = await pages.introductions(
            session, account.actor_id, page, state=choice(given, "state", STATES), role=choice(given, "role", ROLES)
        )
        body = await render_introductions(session, settings_of(request), found, account.actor_id)
    return paged_json(request, body, [row.id for row in found])


@routes.post(BASE + "/introductions/requests")
@requires("write")
async def request_introduction(request: web.Request) -> web.Response:
    """Ask a connector for an introduction to a target: what, why them, what is in it for
    them (INTRO-1). The request is the caller's consent."""
    account, given = current_account(request), await params(request)
    connector = await account_by_id(request, given, "connector_id")
    target = await account_by_id(request, given, "target_id")
    row = await introductions.request(database_of(request), account, connector, target, **_texts(given, "what"))
    return await _entity(request, row.id)


@routes.post(BASE + "/introductions")
@requires("write")
async def introduce(request: web.Request) -> web.Response:
    """Introduce `introduced_id` to `target_id` (they are asked first), or answer the request
    `request_id` (INTRO-3..5). From a request, the texts default to the requester's."""
    account, given = current_account(request), await params(request)
    request_id = given.get("request_id")
    named = [name for name in ("introduced_id", "target_id") if given.get(name) not in (None, "")]
    if request_id not in (None, ""):
        if named:
            raise InvalidInput("give either request_id or introduced_id and target_id, not both")
        row = await introductions.introduce(
            database_of(request),
            account,
            request_id=number(request_id, "request_id"),
            **_texts(given, "who", required=False),
        )
    else:
        if len(named) != 2:
            raise InvalidInput("give introduced_id and target_id (whom to introduce to whom), or request_id")
        introduced = await account_by_id(request, given, "introduced_id")
        target = await account_by_id(request, given, "target_id")
        row = await introductions.introduce(database_of(request), account, introduced, target, **_texts(given, "who"))
    return await _entity(request, row.id)


@routes.post(INTRODUCTION + "/decline")
@requires("write")
async def decline(request: web.Request) -> web.Response:
    """As connector, decline a request (INTRO-2); the reason goes to the requester."""
    introduction_id, account, given = await _check_shown(request), current_account(request), await params(request)
    reason = given.text("reason") or ""
    if len(reason) > vocab.MAX_TEXT:
        raise InvalidInput(f"a reason has at most {vocab.MAX_TEXT} characters")
    row = await introductions.decline_request(database_of(request), account, introduction_id, reason=reason)
    return await _entity(request, row.id)


@routes.post(INTRODUCTION + "/consent")
@requires("write")
async def consent(request: web.Request) -> web.Response:
    """As the one introduced, agree (`accept=true`) or not to an introduction (INTRO-5)."""
    introduction_id, account, given = await _check_shown(request), current_account(request), await params(request)
    accept = required_flag(given, "accept")
    row = await introductions.consent(database_of(request), account, introduction_id, accept=accept)
    return await _entity(request, row.id)


@routes.post(INTRODUCTION + "/answer")
@requires("write")
async def answer(request: web.Request) -> web.Response:
    """As target, accept (connected) or decline an introduction (INTRO-6)."""
    introduction_id, account, given = await _check_shown(request), current_account(request), await params(request)
    accept = required_flag(given, "accept")
    row = await introductions.answer(
        database_of(request), account, introduction_id, accept=accept,
        settings=settings_of(request), greeting=given.text("greeting") or "",
    )
    return await _entity(request, row.id)


@routes.post(INTRODUCTION + "/ask-more")
@requires("write")
async def ask_more(request: web.Request) -> web.Response:
    """As connector, ask the requester for more before deciding: a direct message to them."""
    introduction_id, account, given = await _check_shown(request), current_account(request), await params(request)
    await introductions.ask_for_more(
        database_of(request), settings_of(request), account, introduction_id, given.text("question") or ""
    )
    return await _entity(request, introduction_id)


@routes.post(INTRODUCTION + "/outcome")
@requires("write")
async def outcome(request: web.Request) -> web.Response:
    """As one of the two introduced, tell the connector how it went (OUT-1); a later report
    replaces an earlier one. Answers with the outcome (evidence)."""
    introduction_id, account, given = await _check_shown(request), current_account(request), await params(request)
    row = await evidence.report_outcome(
        database_of(request), account, introduction_id, given.text("outcome") or "", note=given.text("note") or ""
    )
    async with database_of(request).session() as session:
        body = await evidence_entities(session, settings_of(request), [row], account.actor)
    return web.json_response(body[0])
