"""Nudges through the API (issue #6 item 4): `GET /api/fedinet/v1/nudges`, marking them read,
and the member's preferences (kinds muted, direct messages from the instance's account)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedinet.clock import as_utc
from fedinet.services import nudges
from fedinet.store.models import Nudge, NudgePreference
from fedinet.web.context import database_of
from fedinet.web.fedinet_api.common import path_id
from fedinet.web.mastodon.auth import current_account, requires
from fedinet.web.mastodon.params import params

routes = web.RouteTableDef()


def nudge_json(row: Nudge) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "kind": row.kind,
        "reason": row.reason,
        "link": row.link,
        "subject": row.subject_uri,
        "created_at": as_utc(row.created_at).isoformat(),
        "read": row.read_at is not None,
    }


def preferences_json(row: NudgePreference) -> dict[str, Any]:
    return {"muted": row.muted, "direct_messages": row.direct_messages, "kinds": nudges.KINDS}


@routes.get("/api/fedinet/v1/nudges")
@requires("read")
async def list_nudges(request: web.Request) -> web.Response:
    given = await params(request)
    rows = await nudges.list_for(
        database_of(request), current_account(request),
        unread_only=given.flag("unread"), limit=given.integer("limit", 40, low=1, high=200) or 40,
    )
    return web.json_response([nudge_json(row) for row in rows])


@routes.post(r"/api/fedinet/v1/nudges/{id:\d+}/read")
@requires("write")
async def read_nudge(request: web.Request) -> web.Response:
    row = await nudges.mark_read(database_of(request), current_account(request), path_id(request))
    return web.json_response(nudge_json(row))


@routes.get("/api/fedinet/v1/nudges/preferences")
@requires("read")
async def get_preferences(request: web.Request) -> web.Response:
    return web.json_response(preferences_json(await nudges.preferences(database_of(request), current_account(request))))


@routes.put("/api/fedinet/v1/nudges/preferences")
@requires("write")
async def put_preferences(request: web.Request) -> web.Response:
    given = await params(request)
    muted_given = given.get("muted") is not None or bool(given.list("muted"))  # `[]` unmutes all
    row = await nudges.set_preferences(
        database_of(request), current_account(request),
        muted=[str(kind) for kind in given.list("muted")] if muted_given else None,
        direct_messages=given.flag("direct_messages") if given.get("direct_messages") is not None else None,
    )
    return web.json_response(preferences_json(row))
