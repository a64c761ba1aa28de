"""A member's relationships (docs/relationships.md):

- `GET /api/fedinet/v1/ties?group=inner&limit=200`: everyone the caller has a tie with,
  strongest first: `{account, strength, group, last_interaction_at, interactions}`;
- `GET /api/fedinet/v1/ties/cooling?cold_after_days=60`: strong ties going cold, each with
  `days` since the last interaction and a `reason`;
- `POST /api/fedinet/v1/connections` with `account_id` and `note` (10–1,000 characters): follow
  them and send the note — why connecting is worth it to them — as a direct message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web

from fedinet.clock import utc_now
from fedinet.services import ties
from fedinet.web.context import database_of, settings_of
from fedinet.web.fedinet_api.common import (
    BASE,
    account_by_id,
    account_entities,
    choice,
    timestamp,
)
from fedinet.web.mastodon.auth import current_account, requires
from fedinet.web.mastodon.params import params
from fedinet.web.mastodon.status_entities import render_statuses

routes = web.RouteTableDef()
DEFAULT_LIMIT, MAX_LIMIT = 200, 1000
MAX_COLD_AFTER_DAYS = 3650


def tie_entity(tie: ties.Tie, account: dict[str, Any]) -> dict[str, Any]:
    return {
        "account": account,
        "strength": round(tie.strength, 4),
        "group": tie.group,
        "last_interaction_at": timestamp(tie.last_interaction_at),
        "interactions": dict(tie.interactions),
    }


@routes.get(BASE + "/ties")
@requires("read")
async def list_ties(request: web.Request) -> web.Response:
    given = await params(request)
    group = choice(given, "group", ties.GROUPS)
    limit = given.integer("limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    db = database_of(request)
    found = await ties.ties(db, current_account(request), group=group, limit=limit)
    async with db.session() as session:
        accounts = await account_entities(session, settings_of(request), [tie.actor for tie in found])
    return web.json_response([tie_entity(tie, accounts[tie.actor.id]) for tie in found])


@routes.get(BASE + "/ties/cooling")
@requires("read")
async def cooling_ties(request: web.Request) -> web.Response:
    given = await params(request)
    days = given.integer("cold_after_days", ties.COLD_AFTER.days, low=1, high=MAX_COLD_AFTER_DAYS)
    assert days is not None
    db = database_of(request)
    async with db.session() as session:
        found = await ties.cooling_ties(session, current_account(request), utc_now(), cold_after=timedelta(days=days))
        accounts = await account_entities(session, settings_of(request), [cold.tie.actor for cold in found])
    return web.json_response(
        [{**tie_entity(cold.tie, accounts[cold.tie.actor.id]), "days": cold.days, "reason": cold.reason} for cold in found]
    )


@routes.post(BASE + "/connections")
@requires("write")
async def request_connection(request: web.Request) -> web.Response:
    given = await params(request)
    note = ties.check_note(given.text("note"))  # 422 before looking the account up
    target = await account_by_id(request, given, "account_id")
    account = current_account(request)
    db, settings = database_of(request), settings_of(request)
    connection = await ties.request_connection(db, settings, account, target, note)
    async with db.session() as session:
        entity = (await account_entities(session, settings, [target]))[target.id]
        status = (await render_statuses(session, settings, [connection.note], account))[0]
    accepted = connection.follow.state == "accepted"
    return web.json_response({"account": entity, "following": accepted, "requested": not accepted, "note": status})
