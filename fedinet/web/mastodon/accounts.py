"""Accounts: the caller's own (verify_credentials), others by id or by handle."""

from __future__ import annotations

from aiohttp import web

from fedinet.services.errors import NotFound
from fedinet.store import actors as actor_queries
from fedinet.store.models import Actor
from fedinet.web.context import database_of, settings_of
from fedinet.web.mastodon.auth import current_account, requires
from fedinet.web.mastodon.entities import account_counts, account_entity, credential_account_entity
from fedinet.web.mastodon.params import params

routes = web.RouteTableDef()


async def actor_by_id(request: web.Request, actor_id: str) -> Actor:
    if not actor_id.isdigit():
        raise NotFound("Record not found")
    async with database_of(request).session() as session:
        actor = await session.get(Actor, int(actor_id))
    if actor is None:
        raise NotFound("Record not found")
    return actor


async def render_account(request: web.Request, actor: Actor) -> web.Response:
    async with database_of(request).session() as session:
        counts = await account_counts(session, actor)
    return web.json_response(account_entity(actor, settings_of(request), counts))


@routes.get("/api/v1/accounts/verify_credentials")
@requires("profile")
async def verify_credentials(request: web.Request) -> web.Response:
    account = current_account(request)
    async with database_of(request).session() as session:
        counts = await account_counts(session, account.actor)
    return web.json_response(credential_account_entity(account, settings_of(request), counts))


@routes.get("/api/v1/accounts/lookup")
@requires("read:accounts", optional=True)
async def lookup(request: web.Request) -> web.Response:
    given = await params(request)
    acct = (given.text("acct") or "").lstrip("@")
    settings = settings_of(request)
    username, _, domain = acct.partition("@")
    if not domain or domain.lower() == settings.domain.lower():
        username, domain = username.lower(), settings.domain
    async with database_of(request).session() as session:
        actor = await actor_queries.actor_by_handle(session, username, domain)
    if actor is None:
        raise NotFound("Record not found")
    return await render_account(request, actor)


@routes.get(r"/api/v1/accounts/{id:\d+}")
@requires("read:accounts", optional=True)
async def get_account(request: web.Request) -> web.Response:
    return await render_account(request, await actor_by_id(request, request.match_info["id"]))
