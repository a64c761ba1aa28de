"""Accounts: the caller's own (verify, update), others by id or handle, their followers and
the accounts they follow."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web

from fedinet.services import accounts as account_service
from fedinet.services import relationships
from fedinet.services.errors import NotFound
from fedinet.services.profiles import update_profile
from fedinet.store import actors as actor_queries
from fedinet.store.models import Actor
from fedinet.store.paging import Page
from fedinet.web.context import database_of, settings_of
from fedinet.web.mastodon.auth import current_account, requires
from fedinet.web.mastodon.entities import account_counts, credential_account_entity
from fedinet.web.mastodon.pagination import paged_json, requested_page
from fedinet.web.mastodon.params import params
from fedinet.web.mastodon.status_entities import render_accounts

routes = web.RouteTableDef()
MAX_ACTOR_ID = 2**31 - 1  # actors.id is a 32-bit integer on PostgreSQL


async def actor_by_id(request: web.Request, actor_id: str) -> Actor:
    if not actor_id.isdigit() or int(actor_id) > MAX_ACTOR_ID:
        raise NotFound("Record not found")
    async with database_of(request).session() as session:
        actor = await session.get(Actor, int(actor_id))
    if actor is None:
        raise NotFound("Record not found")
    return actor


async def account_entities(request: web.Request, actors: Sequence[Actor]) -> list[dict[str, Any]]:
    async with database_of(request).session() as session:
        return await render_accounts(session, settings_of(request), actors)


async def render_account(request: web.Request, actor: Actor) -> web.Response:
    return web.json_response((await account_entities(request, [actor]))[0])


async def account_page(request: web.Request) -> Page:
    """Account lists page by 40, at most 80."""
    return await requested_page(request, default=40, maximum=80)


async def paged_accounts(request: web.Request, rows: Sequence[tuple[int, Actor]]) -> web.Response:
    """Accounts with their paging ids (of the follow, block… rows), newest first."""
    entities = await account_entities(request, [actor for _, actor in rows])
    return paged_json(request, entities, [cursor for cursor, _ in rows])


@routes.get("/api/v1/accounts/verify_credentials")
@requires("profile")
async def verify_credentials(request: web.Request) -> web.Response:
    account = current_account(request)
    async with database_of(request).session() as session:
        counts = await account_counts(session, account.actor)
    return web.json_response(credential_account_entity(account, settings_of(request), counts))


@routes.patch("/api/v1/accounts/update_credentials")
@requires("write:accounts")
async def update_credentials(request: web.Request) -> web.Response:
    """Display name, bio, locked, bot and profile fields (`discoverable` and the rest are
    accepted and ignored; avatars and headers are not stored)."""
    given = await params(request)
    account = current_account(request)
    entries = given.indexed("fields_attributes")
    fields = [
        {"name": str(entry.get("name", "")).strip(), "value": str(entry.get("value", "")).strip()}
        for entry in entries
    ]
    db = database_of(request)
    await update_profile(
        db, settings_of(request), account,
        display_name=given.text("display_name"),
        summary=given.text("note"),
        locked=given.flag("locked") if given.get("locked") is not None else None,
        bot=given.flag("bot") if given.get("bot") is not None else None,
        fields=[f for f in fields if f["name"] or f["value"]] if entries else None,
    )
    account = await account_service.get_account(db, account.username)
    async with db.session() as session:
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


@routes.get(r"/api/v1/accounts/{id:\d+}/followers")
@requires("read:accounts", optional=True)
async def followers(request: web.Request) -> web.Response:
    actor = await actor_by_id(request, request.match_info["id"])
    rows = await relationships.followers(database_of(request), actor, await account_page(request))
    return await paged_accounts(request, rows)


@routes.get(r"/api/v1/accounts/{id:\d+}/following")
@requires("read:accounts", optional=True)
async def following(request: web.Request) -> web.Response:
    actor = await actor_by_id(request, request.match_info["id"])
    rows = await relationships.following(database_of(request), actor, await account_page(request))
    return await paged_accounts(request, rows)
