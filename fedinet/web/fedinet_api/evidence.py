"""Vouches and acknowledgments: give, revoke, and list who vouched for whom and for what
(`/api/fedinet/v1/vouches`, `/acknowledgments`, `/evidence/{id}`, `/accounts/{id}/evidence`).

Vouches and acknowledgments are public (protocol/spec.md §5–6); outcomes of introductions
are listed to their author and the connector only. What evidence is about (`about`) is shown
only to who may see it: a followers-only or direct proposal, or an introduction, is not
named to anyone outside its audience.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.config import Settings
from fedinet.services import evidence, statuses
from fedinet.services.errors import InvalidInput
from fedinet.store import market_pages as pages
from fedinet.store.models import Actor, Evidence, Status
from fedinet.web.context import database_of, settings_of
from fedinet.web.fedinet_api.common import (
    BASE,
    MAX_INT,
    account_by_id,
    account_entities,
    accounts_by_ids,
    choice,
    path_id,
    proposal_summary,
    timestamp,
    viewer_actor,
)
from fedinet.web.mastodon.auth import current_account, optional_account, requires
from fedinet.web.mastodon.pagination import paged_json, requested_page
from fedinet.web.mastodon.params import params

routes = web.RouteTableDef()
KINDS = ("vouch", "acknowledgment", "outcome")
MAX_URI = 2048


async def evidence_entities(
    session: AsyncSession, settings: Settings, rows: Sequence[Evidence], viewer: Actor | None
) -> list[dict[str, Any]]:
    """Evidence entities as `viewer` (None: anyone) may see them."""
    ids = [row.id for row in rows]
    fresh = {row.id: row for row in await session.scalars(select(Evidence).where(Evidence.id.in_(ids)))} if ids else {}
    found = [fresh[row_id] for row_id in ids if row_id in fresh]
    actors = [actor for row in found for actor in (row.author, row.subject)]
    accounts = await account_entities(session, settings, actors)
    contexts = await _contexts(session, {row.context_uri for row in found if row.context_uri}, viewer)
    entities = []
    for row in found:
        visible, proposal = contexts.get(row.context_uri or "", (True, None))
        entities.append(
            {
                "id": str(row.id),
                "uri": row.uri,
                "kind": row.kind,
                "author": accounts[row.author_id],
                "subject": accounts[row.subject_id],
                "relationship": row.relationship_kind,
                "topics": list(row.topics or []),
                "about": row.context_uri if visible else None,
                "proposal": proposal_summary(proposal) if proposal is not None else None,
                "outcome": row.outcome,
                "note": row.content,
                "created_at": timestamp(row.published_at),
                "revoked_at": timestamp(row.revoked_at),
            }
        )
    return entities


async def _contexts(
    session: AsyncSession, uris: Collection[str], viewer: Actor | None
) -> dict[str, tuple[bool, Status | None]]:
    """For each URI evidence is about: may the viewer see it, and the proposal it names
    (directly, or through an agreement on it), if known here and visible."""
    seen: dict[str, tuple[bool, Status | None]] = {}
    for uri, status in (await pages.statuses_by_uris(session, uris)).items():
        visible = await statuses.can_see(session, status, viewer)
        seen[uri] = (visible, status if visible and status.proposal is not None else None)
    rest = [uri for uri in uris if uri not in seen]
    for uri, agreement in (await pages.agreements_by_uris(session, rest)).items():
        status = agreement.proposal_status
        visible = await statuses.can_see(session, status, viewer)
        seen[uri] = (visible, status if visible and status.proposal is not None else None)
    rest = [uri for uri in rest if uri not in seen]
    for uri, introduction in (await pages.introductions_by_uris(session, rest)).items():
        seen[uri] = (viewer is not None and pages.shown_to(introduction, viewer.id), None)
    return seen


async def _render(request: web.Request, rows: Sequence[Evidence], viewer: Actor | None) -> list[dict[str, Any]]:
    async with database_of(request).session() as session:
        return await evidence_entities(session, settings_of(request), rows, viewer)


def _about(value: str | None) -> str:
    uri = (value or "").strip()
    if not uri:
        raise InvalidInput("about is missing: give the URI of the ask, offer, response or introduction")
    if not uri.startswith(("http://", "https://")) or any(c.isspace() for c in uri) or len(uri) > MAX_URI:
        raise InvalidInput("about must be the URI of the ask, offer, response or introduction")
    return uri


@routes.post(BASE + "/vouches")
@requires("write")
async def vouch(request: web.Request) -> web.Response:
    """Vouch for an account, publicly: how one knows them, for which topics (VOUCH-1)."""
    account, given = current_account(request), await params(request)
    subject = await account_by_id(request, given, "account_id")
    relationship = given.text("relationship") or ""
    row = await evidence.vouch(
        database_of(request),
        account,
        subject,
        relationship,
        topics=[str(topic) for topic in given.list("topics")],
        note=given.text("note") or "",
    )
    return web.json_response((await _render(request, [row], account.actor))[0])


@routes.post(BASE + "/acknowledgments")
@requires("write")
async def acknowledge(request: web.Request) -> web.Response:
    """Thank an account for help with an ask, offer, agreement or introduction (ACK-1)."""
    account, given = current_account(request), await params(request)
    helper = await account_by_id(request, given, "account_id")
    about = _about(given.text("about"))
    row = await evidence.acknowledge(database_of(request), account, helper, about, note=given.text("note") or "")
    return web.json_response((await _render(request, [row], account.actor))[0])


@routes.delete(BASE + r"/evidence/{id:\d+}")
@requires("write")
async def revoke(request: web.Request) -> web.Response:
    """Revoke one's vouch or acknowledgment (VOUCH-4); answers with it, revoked."""
    account = current_account(request)
    row = await evidence.revoke(database_of(request), account, path_id(request, MAX_INT))
    return web.json_response((await _render(request, [row], account.actor))[0])


@routes.get(BASE + r"/accounts/{id:\d+}/evidence")
@requires("read", optional=True)
async def account_evidence(request: web.Request) -> web.Response:
    """Evidence by or about an account, newest first: `kind`, `role` (author: given by them,
    subject: about them), `include_revoked`."""
    viewer, given = viewer_actor(optional_account(request)), await params(request)
    [actor] = await accounts_by_ids(request, [request.match_info["id"]], "account id")
    page = await requested_page(request, default=40, maximum=80)
    async with database_of(request).session() as session:
        found = await pages.evidence(
            session,
            actor.id,
            viewer.id if viewer is not None else None,
            page,
            kind=choice(given, "kind", KINDS),
            role=choice(given, "role", ("author", "subject")),
            include_revoked=given.flag("include_revoked"),
        )
        body = await evidence_entities(session, settings_of(request), found, viewer)
    return paged_json(request, body, [row.id for row in found])

