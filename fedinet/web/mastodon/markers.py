"""Timeline markers: GET and POST /api/v1/markers."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedinet.services import markers
from fedinet.services.errors import InvalidInput
from fedinet.store.models import Marker
from fedinet.web.context import database_of
from fedinet.web.mastodon.auth import current_account, requires
from fedinet.web.mastodon.entities import timestamp
from fedinet.web.mastodon.params import params

routes = web.RouteTableDef()


def markers_entity(found: list[Marker]) -> dict[str, Any]:
    return {
        marker.timeline: {
            "last_read_id": str(marker.last_read_id),
            "version": marker.version,
            "updated_at": timestamp(marker.updated_at),
        }
        for marker in found
    }


@routes.get("/api/v1/markers")
@requires("read:statuses")
async def get_markers(request: web.Request) -> web.Response:
    timelines = [str(name) for name in (await params(request)).list("timeline")]
    found = await markers.markers(database_of(request), current_account(request), timelines)
    return web.json_response(markers_entity(found))


@routes.post("/api/v1/markers")
@requires("write:statuses")
async def save_markers(request: web.Request) -> web.Response:
    given = await params(request)
    positions: dict[str, int] = {}
    for timeline in markers.TIMELINES:
        last_read_id = str(given.nested(timeline).get("last_read_id", ""))
        if last_read_id:
            if not last_read_id.isdigit() or len(last_read_id) > 18:
                raise InvalidInput(f"{timeline}[last_read_id] must be an id")
            positions[timeline] = int(last_read_id)
    saved = await markers.save_markers(database_of(request), current_account(request), positions)
    return web.json_response(markers_entity(saved))
