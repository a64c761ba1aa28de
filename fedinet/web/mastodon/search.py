"""Search: GET /api/v2/search (accounts, statuses, hashtags) and GET /api/v1/accounts/search.

With `resolve=true` an unknown `user@host` or URL is looked up on its server before the
answer (members only, as Mastodon: anonymous searches may not resolve or use `offset`).
"""

from __future__ import annotations

from aiohttp import web

from fedinet.federation.note_document import tag_url
from fedinet.services import search
from fedinet.services.errors import InvalidInput, Malformed
from fedinet.web.context import database_of, settings_of, transport_of
from fedinet.web.mastodon.auth import optional_account, requires
from fedinet.web.mastodon.pagination import requested_page
from fedinet.web.mastodon.params import params
from fedinet.web.mastodon.status_entities import render_accounts, render_statuses

routes = web.RouteTableDef()
ANONYMOUS_RESOLVE = "Search queries that resolve remote resources are not supported without authentication"



async def _search(request: web.Request, kind: str | None, *, default: int, maximum: int) -> search.SearchResults:
    given = await params(request)
    text = given.text("q")
    if not text:
        raise Malformed("param is missing or the value is empty: q")
    if kind is not None and kind not in search.KINDS:
        raise InvalidInput(f"type must be one of {', '.join(search.KINDS)}")
    viewer = optional_account(request)
    query = search.Query(
        text=text,
        kind=kind,
        resolve=given.flag("resolve"),
        following=given.flag("following"),
        limit=(await requested_page(request, default=default, maximum=maximum)).limit,
        offset=given.integer("offset", 0) or 0,
    )
    if viewer is None and (query.resolve or query.offset):
        raise web.HTTPUnauthorized(text=ANONYMOUS_RESOLVE)
    return await search.search(
        database_of(request), transport_of(request), settings_of(request), viewer.actor if viewer else None, query
    )


@routes.get("/api/v2/search")
@requires("read:search", optional=True)
async def search_v2(request: web.Request) -> web.Response:
    found = await _search(request, (await params(request)).text("type"), default=20, maximum=40)
    settings = settings_of(request)
    async with database_of(request).session() as session:
        accounts = await render_accounts(session, settings, found.accounts)
        statuses = await render_statuses(session, settings, found.statuses, optional_account(request))
    hashtags = [{"name": name, "url": tag_url(settings, name), "history": []} for name in found.hashtags]
    return web.json_response({"accounts": accounts, "statuses": statuses, "hashtags": hashtags})


@routes.get("/api/v1/accounts/search")
@requires("read:accounts")
async def search_accounts(request: web.Request) -> web.Response:
    found = await _search(request, "accounts", default=40, maximum=80)
    async with database_of(request).session() as session:
        return web.json_response(await render_accounts(session, settings_of(request), found.accounts))
