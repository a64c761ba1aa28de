"""Actor documents and their collections, with content negotiation to HTML pages."""

from __future__ import annotations

from aiohttp import web

from fedinet import urls
from fedinet.federation.actor_document import actor_to_as, empty_collection
from fedinet.services import accounts as account_service
from fedinet.services import instance as instance_service
from fedinet.services.errors import Gone, InvalidInput, NotFound
from fedinet.store.models import Account
from fedinet.web import negotiation
from fedinet.web.context import database_of, settings_of

routes = web.RouteTableDef()


async def load_member(request: web.Request) -> Account:
    try:
        account = await account_service.get_account(
            database_of(request), request.match_info["username"]
        )
    except InvalidInput as error:
        raise NotFound(str(error)) from error
    if account.is_suspended:
        raise Gone(f"{account.username} is suspended")
    return account


def _require_activity_json(request: web.Request) -> None:
    if negotiation.preferred(request) is None:
        raise web.HTTPNotAcceptable(
            text="this resource is available as application/activity+json or text/html"
        )


@routes.get("/users/{username}")
async def member_actor(request: web.Request) -> web.StreamResponse:
    _require_activity_json(request)
    account = await load_member(request)
    if negotiation.preferred(request) == "html":
        raise web.HTTPFound(account.actor.profile_url or "/")
    return negotiation.activity_response(actor_to_as(account.actor, settings_of(request)))


@routes.get("/actor")
async def instance_actor(request: web.Request) -> web.StreamResponse:
    _require_activity_json(request)
    if negotiation.preferred(request) == "html":
        raise web.HTTPFound("/about")
    settings = settings_of(request)
    actor = await instance_service.instance_actor(database_of(request), settings)
    return negotiation.activity_response(actor_to_as(actor, settings))


@routes.get("/actor/{collection:outbox|followers|following}")
async def instance_actor_collection(request: web.Request) -> web.Response:
    """The instance actor neither posts nor follows; its collections are always empty."""
    uri = urls.instance_actor_uri(settings_of(request))
    return negotiation.activity_response(empty_collection(f"{uri}/{request.match_info['collection']}"))
