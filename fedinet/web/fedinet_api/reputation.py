"""An actor's stored scores (`/accounts/{id}/reputation`, docs/reputation.md) and giver/taker
ledger (`/accounts/{id}/ledger`).

Who may read them is the `reputation_visibility` setting: `public` (anyone), `members` (any
member's token with `read`) or `admins`; members always see their own. The scores are the
last computation's, with its time.
"""

from __future__ import annotations

from aiohttp import web

from fedinet.clock import as_utc
from fedinet.services import reputation
from fedinet.services.errors import NotFound
from fedinet.store import market as market_queries
from fedinet.store.models import Actor, ReputationScore
from fedinet.web.context import database_of, settings_of
from fedinet.web.mastodon.accounts import actor_by_id
from fedinet.web.mastodon.auth import optional_account, requires

routes = web.RouteTableDef()


async def _shown_actor(request: web.Request) -> Actor:
    """The actor of the path, if the reputation setting lets the caller see its scores
    (everyone sees their own)."""
    actor = await actor_by_id(request, request.match_info["id"])
    viewer = optional_account(request)
    if viewer is not None and viewer.actor_id == actor.id:
        return actor
    visibility = settings_of(request).reputation_visibility
    if visibility != "public" and viewer is None:
        raise web.HTTPUnauthorized(text="Reputation on this server is shown to its members only")
    if visibility == "admins" and (viewer is None or viewer.role != "admin"):
        raise NotFound("Record not found")  # as if it did not exist: scores are for admins here
    return actor


@routes.get(r"/api/fedinet/v1/accounts/{id:\d+}/reputation")
@requires("read", optional=True)
async def account_reputation(request: web.Request) -> web.Response:
    actor = await _shown_actor(request)
    row = await reputation.stored_score(database_of(request), actor)
    return web.json_response(
        {
            "account_id": str(actor.id),
            "actor": actor.uri,
            "trust": round(row.trust, 6),
            "percentile": round(row.percentile, 2),
            "established": row.established,
            "corroborated": row.corroborated,
            "balance": round(row.balance, 6),
            "connector": round(row.connector, 6),
            "computed_at": as_utc(row.computed_at).isoformat(),
        }
    )


@routes.get(r"/api/fedinet/v1/accounts/{id:\d+}/ledger")
@requires("read", optional=True)
async def account_ledger(request: web.Request) -> web.Response:
    """The giver/taker ledger (issue #6 item 8): help given and received, from verified
    acknowledgments, with the weighted balance of the last reputation computation."""
    actor = await _shown_actor(request)
    async with database_of(request).session() as session:
        given, people, received = await market_queries.acknowledgment_counts(session, actor.id)
        rows = await market_queries.acknowledgments_of(session, actor.id, limit=20)
        score = await session.get(ReputationScore, actor.id)
    return web.json_response(
        {
            "account_id": str(actor.id),
            "help_given": given,
            "people_helped": people,
            "help_received": received,
            "balance": round(score.balance, 6) if score is not None else None,
            "recent": [
                {
                    "direction": "given" if row.subject_id == actor.id else "received",
                    "other": (row.author if row.subject_id == actor.id else row.subject).uri,
                    "about": row.context_uri,
                    "note": row.content,
                    "at": as_utc(row.published_at).isoformat(),
                }
                for row in rows
            ],
        }
    )
