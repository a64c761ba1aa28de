"""`GET /api/fedinet/v1/accounts/{id}/reputation`: an actor's stored scores (docs/reputation.md).

Who may read them is the `reputation_visibility` setting: `public` (anyone), `members` (any
member's token with `read`) or `admins`. The scores are the last computation's, with its time.
"""

from __future__ import annotations

from aiohttp import web

from fedinet.clock import as_utc
from fedinet.services import reputation
from fedinet.services.errors import NotFound
from fedinet.web.context import database_of, settings_of
from fedinet.web.mastodon.accounts import actor_by_id
from fedinet.web.mastodon.auth import optional_account, requires

routes = web.RouteTableDef()


@routes.get(r"/api/fedinet/v1/accounts/{id:\d+}/reputation")
@requires("read", optional=True)
async def account_reputation(request: web.Request) -> web.Response:
    visibility = settings_of(request).reputation_visibility
    viewer = optional_account(request)
    if visibility != "public" and viewer is None:
        raise web.HTTPUnauthorized(text="Reputation on this server is shown to its members only")
    if visibility == "admins" and (viewer is None or viewer.role != "admin"):
        raise NotFound("Record not found")  # as if it did not exist: scores are for admins here
    actor = await actor_by_id(request, request.match_info["id"])
    row = await reputation.stored_score(database_of(request), actor)
    return web.json_response(
        {
            "account_id": str(actor.id),
            "actor": actor.uri,
            "trust": round(row.trust, 6),
            "percentile": round(row.percentile, 2),
            "established": row.established,
            "balance": round(row.balance, 6),
            "connector": round(row.connector, 6),
            "computed_at": as_utc(row.computed_at).isoformat(),
        }
    )
