"""Timelines (home, public, hashtag) and an account's statuses: newest first, paged by status id.

There are no media attachments and no pins here yet, so `only_media` and `pinned` ask for
an empty list; boosts are not listed (see `status_entities`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store import timelines as queries
from fedinet.store.models import Account, Status
from fedinet.store.paging import Page
from fedinet.web.context import database_of, settings_of
from fedinet.web.mastodon.accounts import actor_by_id
from fedinet.web.mastodon.auth import current_account, optional_account, requires
from fedinet.web.mastodon.pagination import paged_json, requested_page
from fedinet.web.mastodon.params import params
from fedinet.web.mastodon.status_entities import render_statuses

routes = web.RouteTableDef()
MAX_TAGS = 4
Loader = Callable[[AsyncSession, Page], Awaitable[list[Status]]]


async def _timeline(request: web.Request, viewer: Account | None, load: Loader) -> web.Response:
    page = await requested_page(request)
    async with database_of(request).session() as session:
        found = await load(session, page)
        body = await render_statuses(session, settings_of(request), found, viewer)
    return paged_json(request, body, [status.id for status in found])


@routes.get("/api/v1/timelines/home")
@requires("read:statuses")
async def home(request: web.Request) -> web.Response:
    viewer = current_account(request)
    return await _timeline(request, viewer, lambda session, page: queries.home(session, viewer, page))


@routes.get("/api/v1/timelines/public")
@requires("read:statuses", optional=True)
async def public(request: web.Request) -> web.Response:
    viewer, given = optional_account(request), await params(request)
    if given.flag("only_media"):
        return web.json_response([])
    local, remote = given.flag("local"), given.flag("remote")
    return await _timeline(
        request, viewer, lambda session, page: queries.public(session, page, viewer, local=local, remote=remote)
    )


def _tag_names(values: list[object]) -> list[str]:
    """Lower-case names, at most `MAX_TAGS` (Mastodon applies 4 of each list)."""
    return [str(value).lstrip("#").lower() for value in values if str(value).strip("# ")][:MAX_TAGS]


@routes.get("/api/v1/timelines/tag/{hashtag}")
@requires("read:statuses", optional=True)
async def tag(request: web.Request) -> web.Response:
    """Public statuses with the tag (and `any[]`, `all[]`, `none[]` of others)."""
    viewer, given = optional_account(request), await params(request)
    if given.flag("only_media"):
        return web.json_response([])
    tags = queries.TagQuery(
        any_of=[*_tag_names([request.match_info["hashtag"]]), *_tag_names(given.list("any"))],
        all_of=_tag_names(given.list("all")),
        none_of=_tag_names(given.list("none")),
    )
    local, remote = given.flag("local"), given.flag("remote")
    return await _timeline(
        request, viewer,
        lambda session, page: queries.tagged(session, tags, page, viewer, local=local, remote=remote),
    )


@routes.get(r"/api/v1/accounts/{id:\d+}/statuses")
@requires("read:statuses", optional=True)
async def account_statuses(request: web.Request) -> web.Response:
    """The statuses of an account the caller may see (`exclude_replies`, `tagged` honoured)."""
    viewer, given = optional_account(request), await params(request)
    actor = await actor_by_id(request, request.match_info["id"])
    if given.flag("pinned") or given.flag("only_media"):
        return web.json_response([])
    exclude_replies = given.flag("exclude_replies")
    tagged = _tag_names([given.text("tagged")] if given.text("tagged") else [])
    return await _timeline(
        request, viewer,
        lambda session, page: queries.by_account(
            session, actor.id, page, viewer, exclude_replies=exclude_replies, tag=tagged[0] if tagged else None
        ),
    )
