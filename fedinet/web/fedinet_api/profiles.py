"""Market profiles (docs/whom-to-ask.md): `GET`/`PUT /api/fedinet/v1/profile` (one's own) and
`GET /api/fedinet/v1/accounts/{id}/profile` (anyone's, within its audience; 404 outside it).

`PUT` takes `can_help_with` and `looking_for` (lists of topics), `approach` (text) and
`audience` (public, followers, members) as JSON or form fields; what is left out stays.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedinet.services import market_profiles
from fedinet.web.context import database_of
from fedinet.web.mastodon.accounts import actor_by_id
from fedinet.web.mastodon.auth import current_account, optional_account, requires
from fedinet.web.mastodon.entities import timestamp
from fedinet.web.mastodon.params import params

routes = web.RouteTableDef()


def profile_entity(profile: market_profiles.ProfileView) -> dict[str, Any]:
    return {
        "account_id": str(profile.actor_id),
        "can_help_with": profile.can_help_with,
        "looking_for": profile.looking_for,
        "approach": profile.approach,
        "audience": profile.audience,
        "updated_at": timestamp(profile.updated_at),
    }


@routes.get("/api/fedinet/v1/profile")
@requires("read")
async def own_profile(request: web.Request) -> web.Response:
    profile = await market_profiles.own_profile(database_of(request), current_account(request))
    return web.json_response(profile_entity(profile))


@routes.put("/api/fedinet/v1/profile")
@requires("write:accounts")
async def update_profile(request: web.Request) -> web.Response:
    given = await params(request)

    def topics(name: str) -> list[Any] | None:
        if given.get(name) is None and given.get(f"{name}[]") is None:
            return None
        return given.list(name)

    profile = await market_profiles.update_profile(
        database_of(request),
        current_account(request),
        can_help_with=topics("can_help_with"),
        looking_for=topics("looking_for"),
        approach=given.text("approach"),
        audience=given.text("audience"),
    )
    return web.json_response(profile_entity(profile))


@routes.get(r"/api/fedinet/v1/accounts/{id:\d+}/profile")
@requires("read", optional=True)
async def account_profile(request: web.Request) -> web.Response:
    actor = await actor_by_id(request, request.match_info["id"])
    profile = await market_profiles.profile_for(database_of(request), actor.id, optional_account(request))
    return web.json_response(profile_entity(profile))

