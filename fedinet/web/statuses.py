"""Local statuses at their URIs (Note, its Create, an HTML page) and members' outboxes."""

from __future__ import annotations

from aiohttp import web

from fedinet.federation.collections import (
    PAGE_SIZE,
    collection_page,
    collection_summary,
)
from fedinet.federation.note_document import create_activity, status_to_note
from fedinet.services import statuses
from fedinet.store import statuses as status_queries
from fedinet.store.models import Status
from fedinet.web import negotiation
from fedinet.web.actors import load_member
from fedinet.web.collections import page_number
from fedinet.web.context import database_of, settings_of
from fedinet.web.pages import render

routes = web.RouteTableDef()


async def _status(request: web.Request) -> Status:
    """The member's public or unlisted status named in the path (private ones: 404 for now)."""
    actor = (await load_member(request)).actor
    uri = f"{actor.uri}/statuses/{request.match_info['status_id']}"
    return await statuses.public_status(database_of(request), uri)


def _wants_html(request: web.Request) -> bool:
    preferred = negotiation.preferred(request)
    if preferred is None:
        raise web.HTTPNotAcceptable(text="available as application/activity+json or text/html")
    return preferred == "html"


@routes.get(r"/users/{username}/statuses/{status_id:\d+}")
async def note(request: web.Request) -> web.StreamResponse:
    wants_html = _wants_html(request)
    status = await _status(request)
    if wants_html:
        raise web.HTTPFound(status.url or status.uri)
    return negotiation.activity_response(status_to_note(status, settings_of(request)))


@routes.get(r"/users/{username}/statuses/{status_id:\d+}/activity")
async def create(request: web.Request) -> web.StreamResponse:
    wants_html = _wants_html(request)
    status = await _status(request)
    if wants_html:
        raise web.HTTPFound(status.url or status.uri)
    return negotiation.activity_response(create_activity(status, settings_of(request)))


@routes.get(r"/@{username}/{status_id:\d+}")
async def page(request: web.Request) -> web.Response:
    status = await _status(request)
    return render(request, "status.html", status=status, actor=status.actor)


@routes.get("/users/{username}/outbox")
async def outbox(request: web.Request) -> web.Response:
    """Create activities of the member's public and unlisted statuses, newest first."""
    actor = (await load_member(request)).actor
    collection_id = f"{actor.uri}/outbox"
    page = page_number(request)
    async with database_of(request).session() as session:
        if page is None:
            total = await status_queries.count_listed_statuses(session, actor.id)
            return negotiation.activity_response(collection_summary(collection_id, total))
        rows = await status_queries.listed_statuses(
            session, actor.id, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
        )
    settings = settings_of(request)
    items = [create_activity(status, settings, embedded=True) for status in rows[:PAGE_SIZE]]
    return negotiation.activity_response(
        collection_page(collection_id, page, items, has_next=len(rows) > PAGE_SIZE)
    )
