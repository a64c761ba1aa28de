"""A member's followers, following and featured collections (paged like Mastodon's)."""

from __future__ import annotations

from aiohttp import web

from fedinet.federation.actor_document import empty_collection
from fedinet.federation.collections import PAGE_SIZE, collection_page, collection_summary
from fedinet.services.errors import Malformed
from fedinet.store import follows as follow_queries
from fedinet.web import negotiation
from fedinet.web.actors import load_member
from fedinet.web.context import database_of

routes = web.RouteTableDef()


def page_number(request: web.Request) -> int | None:
    """The `?page=N` asked for (1-based), or None for the collection summary."""
    if "page" not in request.query:
        return None
    try:
        page = int(request.query["page"])
    except ValueError as error:
        raise Malformed("page must be a positive whole number") from error
    if not 1 <= page <= 100_000:
        raise Malformed("page must be a positive whole number")
    return page


@routes.get("/users/{username}/{collection:followers|following}")
async def follow_collection(request: web.Request) -> web.Response:
    actor = (await load_member(request)).actor
    name = request.match_info["collection"]
    collection_id = f"{actor.uri}/{name}"
    page = page_number(request)
    async with database_of(request).session() as session:
        if page is None:
            count = follow_queries.count_followers if name == "followers" else follow_queries.count_following
            return negotiation.activity_response(collection_summary(collection_id, await count(session, actor.id)))
        listing = follow_queries.followers if name == "followers" else follow_queries.following
        actors = await listing(session, actor.id, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    items = [member.uri for member in actors[:PAGE_SIZE]]
    return negotiation.activity_response(
        collection_page(collection_id, page, items, has_next=len(actors) > PAGE_SIZE)
    )


@routes.get("/users/{username}/{collection:collections/featured}")
async def member_collection(request: web.Request) -> web.Response:
    """Featured posts stay empty until members can pin statuses."""
    account = await load_member(request)
    collection_id = f"{account.actor.uri}/{request.match_info['collection']}"
    return negotiation.activity_response(empty_collection(collection_id))
