"""Notifications: list (filtered and paged), one, the unread count, dismiss one, clear all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web

from fedinet.services import notifications
from fedinet.store.models import Account, Notification
from fedinet.store.notifications import NotificationFilter
from fedinet.web.context import database_of, settings_of
from fedinet.web.mastodon.accounts import MAX_ACTOR_ID
from fedinet.web.mastodon.auth import current_account, requires
from fedinet.web.mastodon.entities import timestamp
from fedinet.web.mastodon.pagination import paged_json, requested_page
from fedinet.web.mastodon.params import Params, params
from fedinet.web.mastodon.status_entities import render_accounts, render_statuses

routes = web.RouteTableDef()
NOTIFICATION = r"/api/v1/notifications/{id:\d{1,18}}"  # ids are 64-bit


async def notification_entities(
    request: web.Request, found: Sequence[Notification], viewer: Account
) -> list[dict[str, Any]]:
    """Each with its `account` and, where it is about one, its `status` (a page at a time)."""
    settings = settings_of(request)
    about = {n.status.id: n.status for n in found if n.status is not None}
    async with database_of(request).session() as session:
        accounts = await render_accounts(session, settings, [n.from_actor for n in found])
        rendered = await render_statuses(session, settings, list(about.values()), viewer)
    statuses = dict(zip(about, rendered, strict=True))
    return [
        {
            "id": str(notification.id),
            "type": notification.type,
            "created_at": timestamp(notification.created_at),
            "group_key": f"ungrouped-{notification.id}",
            "account": account,
            **({"status": statuses[notification.status_id]} if notification.status_id in statuses else {}),
        }
        for notification, account in zip(found, accounts, strict=True)
    ]


def _filter(given: Params) -> NotificationFilter:
    """`types[]`, `exclude_types[]` and `account_id` (an id no actor has matches nothing)."""
    account_id = given.text("account_id")
    from_actor_id = None
    if account_id:
        from_actor_id = int(account_id) if account_id.isdigit() and int(account_id) <= MAX_ACTOR_ID else 0
    return NotificationFilter(
        types=[str(kind) for kind in given.list("types")],
        exclude_types=[str(kind) for kind in given.list("exclude_types")],
        from_actor_id=from_actor_id,
    )


@routes.get("/api/v1/notifications")
@requires("read:notifications")
async def list_notifications(request: web.Request) -> web.Response:
    account = current_account(request)
    page = await requested_page(request, default=40, maximum=80)
    found = await notifications.notifications(database_of(request), account, page, _filter(await params(request)))
    body = await notification_entities(request, found, account)
    return paged_json(request, body, [notification.id for notification in found])


@routes.get("/api/v1/notifications/unread_count")
@requires("read:notifications")
async def unread_count(request: web.Request) -> web.Response:
    given = await params(request)
    limit = min(given.integer("limit", 100, low=1) or 100, 1000)
    count = await notifications.unread_count(database_of(request), current_account(request), _filter(given), limit)
    return web.json_response({"count": count})


@routes.get(NOTIFICATION)
@requires("read:notifications")
async def get_notification(request: web.Request) -> web.Response:
    account = current_account(request)
    found = await notifications.notification(database_of(request), account, int(request.match_info["id"]))
    return web.json_response((await notification_entities(request, [found], account))[0])


@routes.post(NOTIFICATION + "/dismiss")
@requires("write:notifications")
async def dismiss(request: web.Request) -> web.Response:
    await notifications.dismiss(database_of(request), current_account(request), int(request.match_info["id"]))
    return web.json_response({})


@routes.post("/api/v1/notifications/clear")
@requires("write:notifications")
async def clear(request: web.Request) -> web.Response:
    await notifications.clear(database_of(request), current_account(request))
    return web.json_response({})
