"""Relationships: follow, block and mute accounts, answer follow requests, and see it all
(relationships, follow requests, blocks, mutes)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from fedinet.services import follows, relationships
from fedinet.services.relationships import NotAllowed, Relationship
from fedinet.store.models import Account, Actor
from fedinet.web.context import database_of
from fedinet.web.mastodon.accounts import (
    MAX_ACTOR_ID,
    account_entities,
    account_page,
    actor_by_id,
    paged_accounts,
)
from fedinet.web.mastodon.auth import current_account, requires
from fedinet.web.mastodon.entities import timestamp
from fedinet.web.mastodon.pagination import paged_json
from fedinet.web.mastodon.params import params

routes = web.RouteTableDef()


def relationship_entity(relationship: Relationship) -> dict[str, Any]:
    return {
        "id": str(relationship.actor_id),
        "following": relationship.following,
        "showing_reblogs": relationship.following or relationship.requested,
        "notifying": False,
        "languages": None,
        "followed_by": relationship.followed_by,
        "blocking": relationship.blocking,
        "blocked_by": relationship.blocked_by,
        "muting": relationship.muting,
        "muting_notifications": relationship.muting_notifications,
        "muting_expires_at": timestamp(relationship.muting_expires_at),
        "requested": relationship.requested,
        "requested_by": relationship.requested_by,
        "domain_blocking": False,
        "endorsed": False,
        "note": "",
    }


async def render_relationship(request: web.Request, account: Account, actor: Actor) -> web.Response:
    found = await relationships.relationships(database_of(request), account, [actor.id])
    return web.json_response(relationship_entity(found[0]))


async def _target(request: web.Request) -> tuple[Account, Actor]:
    return current_account(request), await actor_by_id(request, request.match_info["id"])


@routes.get("/api/v1/accounts/relationships")
@requires("read:follows")
async def relationships_of(request: web.Request) -> web.Response:
    ids = [int(value) for value in (await params(request)).list("id") if str(value).isdigit()]
    ids = [actor_id for actor_id in ids if actor_id <= MAX_ACTOR_ID]
    found = await relationships.relationships(database_of(request), current_account(request), ids)
    return web.json_response([relationship_entity(relationship) for relationship in found])


@routes.post(r"/api/v1/accounts/{id:\d+}/follow")
@requires("write:follows")
async def follow(request: web.Request) -> web.Response:
    """Follow; `reblogs` and `notify` are accepted (boosts are always shown, nobody is notified
    of new posts)."""
    account, target = await _target(request)
    try:
        await relationships.follow(database_of(request), account, target)
    except NotAllowed:
        raise web.HTTPForbidden(text="This action is not allowed") from None
    return await render_relationship(request, account, target)


@routes.post(r"/api/v1/accounts/{id:\d+}/unfollow")
@requires("write:follows")
async def unfollow(request: web.Request) -> web.Response:
    account, target = await _target(request)
    await relationships.unfollow(database_of(request), account, target)
    return await render_relationship(request, account, target)


@routes.post(r"/api/v1/accounts/{id:\d+}/block")
@requires("write:blocks")
async def block(request: web.Request) -> web.Response:
    account, target = await _target(request)
    await relationships.block(database_of(request), account, target)
    return await render_relationship(request, account, target)


@routes.post(r"/api/v1/accounts/{id:\d+}/unblock")
@requires("write:blocks")
async def unblock(request: web.Request) -> web.Response:
    account, target = await _target(request)
    await relationships.unblock(database_of(request), account, target)
    return await render_relationship(request, account, target)


@routes.post(r"/api/v1/accounts/{id:\d+}/mute")
@requires("write:mutes")
async def mute(request: web.Request) -> web.Response:
    account, target = await _target(request)
    given = await params(request)
    await relationships.mute(
        database_of(request), account, target,
        notifications=given.flag("notifications", True), seconds=given.integer("duration", 0) or 0,
    )
    return await render_relationship(request, account, target)


@routes.post(r"/api/v1/accounts/{id:\d+}/unmute")
@requires("write:mutes")
async def unmute(request: web.Request) -> web.Response:
    account, target = await _target(request)
    await relationships.unmute(database_of(request), account, target)
    return await render_relationship(request, account, target)


@routes.get("/api/v1/follow_requests")
@requires("read:follows")
async def follow_requests(request: web.Request) -> web.Response:
    page = await account_page(request)
    rows = await relationships.follow_requests(database_of(request), current_account(request), page)
    return await paged_accounts(request, rows)


@routes.post(r"/api/v1/follow_requests/{id:\d+}/authorize")
@requires("write:follows")
async def authorize(request: web.Request) -> web.Response:
    account, follower = await _target(request)
    await follows.answer_follow_request(database_of(request), account, follower, accept=True)
    return await render_relationship(request, account, follower)


@routes.post(r"/api/v1/follow_requests/{id:\d+}/reject")
@requires("write:follows")
async def reject(request: web.Request) -> web.Response:
    account, follower = await _target(request)
    await follows.answer_follow_request(database_of(request), account, follower, accept=False)
    return await render_relationship(request, account, follower)


@routes.get("/api/v1/blocks")
@requires("read:blocks")
async def blocks(request: web.Request) -> web.Response:
    rows = await relationships.blocked(database_of(request), current_account(request), await account_page(request))
    return await paged_accounts(request, rows)


@routes.get("/api/v1/mutes")
@requires("read:mutes")
async def mutes(request: web.Request) -> web.Response:
    """Muted accounts, each with `mute_expires_at`."""
    page = await account_page(request)
    rows = await relationships.muted(database_of(request), current_account(request), page)
    entities = await account_entities(request, [actor for _, actor in rows])
    for entity, (row, _) in zip(entities, rows, strict=True):
        entity["mute_expires_at"] = timestamp(row.expires_at)
    return paged_json(request, entities, [row.id for row, _ in rows])
