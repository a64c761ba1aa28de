"""Statuses: post, read, edit, delete, threads, favourites and boosts (Mastodon's /api/v1/statuses).

Errors as Mastodon gives them: a status the caller may not see is 404 ("Record not found"),
as is someone else's status to edit or delete; text over the limit is 422. Favouriting or
boosting twice, or undoing what was not done, answers with the status all the same.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.services import client_bridge, statuses
from fedinet.services.errors import Conflict, InvalidInput, NotFound
from fedinet.store import timelines as queries
from fedinet.store.database import Database
from fedinet.store.models import Account, Actor, Status
from fedinet.store.paging import Page
from fedinet.web.context import database_of, settings_of, transport_of
from fedinet.web.mastodon.auth import current_account, optional_account, requires
from fedinet.web.mastodon.pagination import paged_json, requested_page
from fedinet.web.mastodon.params import Params, params
from fedinet.web.mastodon.status_entities import (
    page_facts,
    render_accounts,
    status_entity,
)

routes = web.RouteTableDef()
STATUS = r"/api/v1/statuses/{id:\d+}"
NOT_FOUND = "Record not found"


class IdempotencyKeys:
    """`Idempotency-Key` → the status it created, per member, for an hour (as Mastodon).

    Kept in memory: per process, forgotten on restart, at most `capacity` keys (oldest go
    first). Requests with the same key wait for each other, so a retry racing the original
    gets the original's status rather than a twin.
    """

    def __init__(self, ttl: float = 3600, capacity: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl, self._capacity, self._clock = ttl, capacity, clock
        self._created: OrderedDict[tuple[int, str], tuple[float, int]] = OrderedDict()
        self._locks: dict[tuple[int, str], tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def holding(self, account_id: int, key: str) -> AsyncIterator[None]:
        name = (account_id, key)
        lock, users = self._locks.get(name, (asyncio.Lock(), 0))
        self._locks[name] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[name]
            if users == 1:
                del self._locks[name]
            else:
                self._locks[name] = (lock, users - 1)

    def created(self, account_id: int, key: str) -> int | None:
        found = self._created.get((account_id, key))
        return found[1] if found is not None and found[0] > self._clock() else None

    def remember(self, account_id: int, key: str, status_id: int) -> None:
        """Keys are kept in the order they expire: the oldest is first."""
        now = self._clock()
        self._created.pop((account_id, key), None)
        while self._created and (len(self._created) >= self._capacity or next(iter(self._created.values()))[0] <= now):
            self._created.popitem(last=False)
        self._created[(account_id, key)] = (now + self._ttl, status_id)


_IDEMPOTENCY: weakref.WeakKeyDictionary[Database, IdempotencyKeys] = weakref.WeakKeyDictionary()


def _idempotency_keys(request: web.Request) -> IdempotencyKeys:
    """One set of keys per database handle (as its event feed), so instances never mix."""
    return _IDEMPOTENCY.setdefault(database_of(request), IdempotencyKeys())



def _status_id(request: web.Request) -> int:
    return int(request.match_info["id"])


async def _visible(session: AsyncSession, status_id: int, viewer: Account | None) -> Status:
    status = await queries.visible_status(session, status_id, viewer)
    if status is None:
        raise NotFound(NOT_FOUND)
    return status


async def _own(session: AsyncSession, status_id: int, account: Account) -> Status:
    status = await _visible(session, status_id, account)
    if status.actor_id != account.actor_id:
        raise NotFound(NOT_FOUND)
    return status


async def _entity(request: web.Request, status_id: int, viewer: Account | None) -> dict[str, Any]:
    async with database_of(request).session() as session:
        status = await _visible(session, status_id, viewer)
        facts = await page_facts(session, [status], viewer)
    return status_entity(status, settings_of(request), facts, viewer)


def _refuse_what_we_lack(given: Params) -> None:
    if any(str(value) for value in given.list("media_ids")):
        raise InvalidInput("Validation failed: media attachments are not supported on this server")
    if given.get("poll") is not None or given.nested("poll"):
        raise InvalidInput("Validation failed: polls are not supported on this server")
    if given.text("scheduled_at"):
        raise InvalidInput("Validation failed: scheduled statuses are not supported on this server")


async def _post(request: web.Request, account: Account, given: Params) -> Status:
    db, settings = database_of(request), settings_of(request)
    _refuse_what_we_lack(given)
    text = given.text("status") or ""
    in_reply_to = None
    if (reply_id := given.integer("in_reply_to_id")) is not None:
        async with db.session() as session:
            in_reply_to = await _visible(session, reply_id, account)
    await statuses.resolve_mentions(db, transport_of(request), settings, text)
    return await client_bridge.post(
        db, settings, account, text,
        visibility=given.text("visibility") or "public",
        in_reply_to=in_reply_to,
        summary=given.text("spoiler_text") or "",
        sensitive=given.flag("sensitive"),
        language=given.text("language") or None,
    )


@routes.post("/api/v1/statuses")
@requires("write:statuses")
async def create(request: web.Request) -> web.Response:
    account, given = current_account(request), await params(request)
    key = request.headers.get("Idempotency-Key")
    if not key:
        status = await _post(request, account, given)
        return web.json_response(await _entity(request, status.id, account))
    keys = _idempotency_keys(request)
    async with keys.holding(account.id, key):
        earlier = keys.created(account.id, key)
        if earlier is not None:
            try:
                return web.json_response(await _entity(request, earlier, account))
            except NotFound:
                pass  # deleted since: post it again
        status = await _post(request, account, given)
        keys.remember(account.id, key, status.id)
    return web.json_response(await _entity(request, status.id, account))


@routes.get(STATUS)
@requires("read:statuses", optional=True)
async def show(request: web.Request) -> web.Response:
    return web.json_response(await _entity(request, _status_id(request), optional_account(request)))


@routes.put(STATUS)
@requires("write:statuses")
async def edit(request: web.Request) -> web.Response:
    account, given = current_account(request), await params(request)
    db, settings = database_of(request), settings_of(request)
    _refuse_what_we_lack(given)
    async with db.session() as session:
        await _own(session, _status_id(request), account)
    text = given.text("status") or ""
    await statuses.resolve_mentions(db, transport_of(request), settings, text)
    status = await statuses.edit(
        db, settings, account, _status_id(request), text,
        summary=given.text("spoiler_text"),
        sensitive=given.flag("sensitive") if given.get("sensitive") is not None else None,
        language=given.text("language") or None,
    )
    return web.json_response(await _entity(request, status.id, account))


@routes.delete(STATUS)
@requires("write:statuses")
async def delete(request: web.Request) -> web.Response:
    """Answers with the deleted status and its `text`, for delete-and-redraft."""
    account, db = current_account(request), database_of(request)
    async with db.session() as session:
        status = await _own(session, _status_id(request), account)
        facts = await page_facts(session, [status], account)
    entity = status_entity(status, settings_of(request), facts, account, with_source=True)
    await statuses.delete(db, account, status.id)
    return web.json_response(entity)


@routes.get(STATUS + "/context")
@requires("read:statuses", optional=True)
async def context(request: web.Request) -> web.Response:
    viewer, settings = optional_account(request), settings_of(request)
    async with database_of(request).session() as session:
        status = await _visible(session, _status_id(request), viewer)
        above = await queries.ancestors(session, status, viewer)
        below = await queries.descendants(session, status, viewer)
        facts = await page_facts(session, [*above, *below], viewer)
    return web.json_response({
        "ancestors": [status_entity(s, settings, facts, viewer) for s in above],
        "descendants": [status_entity(s, settings, facts, viewer) for s in below],
    })


async def _act(
    request: web.Request, action: Callable[[Database, Account, int], Awaitable[object]], done_already: type[Exception]
) -> web.Response:
    """Do `action` on the status; `done_already` (liked twice, unliked twice…) is no error."""
    account, status_id, db = current_account(request), _status_id(request), database_of(request)
    async with db.session() as session:
        await _visible(session, status_id, account)
    try:
        await action(db, account, status_id)
    except done_already:
        pass
    return web.json_response(await _entity(request, status_id, account))


@routes.post(STATUS + "/favourite")
@requires("write:favourites")
async def favourite(request: web.Request) -> web.Response:
    return await _act(request, statuses.like, Conflict)


@routes.post(STATUS + "/unfavourite")
@requires("write:favourites")
async def unfavourite(request: web.Request) -> web.Response:
    return await _act(request, statuses.unlike, NotFound)


@routes.post(STATUS + "/reblog")
@requires("write:statuses")
async def reblog(request: web.Request) -> web.Response:
    """Answers with the boosted status itself (`reblogged: true`): boosts have no status id here."""
    try:
        return await _act(request, statuses.boost, Conflict)
    except InvalidInput as error:  # private and direct statuses cannot be boosted
        raise web.HTTPForbidden(text="This action is not allowed") from error


@routes.post(STATUS + "/unreblog")
@requires("write:statuses")
async def unreblog(request: web.Request) -> web.Response:
    return await _act(request, statuses.unboost, NotFound)


async def _reactors(
    request: web.Request, query: Callable[[AsyncSession, int, Page], Awaitable[list[tuple[int, Actor]]]]
) -> web.Response:
    viewer, page = optional_account(request), await requested_page(request, default=40, maximum=80)
    async with database_of(request).session() as session:
        status = await _visible(session, _status_id(request), viewer)
        rows = await query(session, status.id, page)
        body = await render_accounts(session, settings_of(request), [actor for _, actor in rows])
    return paged_json(request, body, [row_id for row_id, _ in rows], prev_cursor="since_id")


@routes.get(STATUS + "/favourited_by")
@requires("read:accounts", optional=True)
async def favourited_by(request: web.Request) -> web.Response:
    return await _reactors(request, queries.favouriters)


@routes.get(STATUS + "/reblogged_by")
@requires("read:accounts", optional=True)
async def reblogged_by(request: web.Request) -> web.Response:
    return await _reactors(request, queries.boosters)
