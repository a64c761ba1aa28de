"""Discovery: WebFinger, host-meta and NodeInfo — what other servers ask first."""

from __future__ import annotations

import json
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from aiohttp import web

from fedinet import __version__, urls
from fedinet.config import Settings
from fedinet.services import accounts as account_service
from fedinet.services import instance as instance_service
from fedinet.services.errors import Gone, InvalidInput, Malformed, NotFound
from fedinet.store.models import Actor
from fedinet.web.context import database_of, settings_of

NODEINFO_2_1 = "http://nodeinfo.diaspora.software/ns/schema/2.1"
NODEINFO_2_0 = "http://nodeinfo.diaspora.software/ns/schema/2.0"
MAX_RESOURCE_LENGTH = 512

routes = web.RouteTableDef()


def parse_resource(resource: str, settings: Settings) -> str | None:
    """The local username a WebFinger resource names; None for the instance actor.

    Accepts `acct:NAME@DOMAIN` (with or without `acct:`), and the actor or profile URL.
    Raises Malformed when it cannot be parsed, NotFound when it names another domain.
    """
    resource = resource.strip()
    if not resource or len(resource) > MAX_RESOURCE_LENGTH:
        raise Malformed("the resource parameter must name an account, e.g. acct:alice@host")
    if resource.startswith(("http://", "https://")):
        return _username_from_url(resource, settings)
    address = resource.removeprefix("acct:").lstrip("@")
    username, at, domain = address.rpartition("@")
    if not at or not username or not domain or any(c.isspace() for c in address):
        raise Malformed(f"malformed resource {resource!r}: expected acct:NAME@DOMAIN")
    if domain.lower() != settings.domain.lower():
        raise NotFound(f"{domain} is not this server's domain ({settings.domain})")
    if username.lower() == settings.domain.lower():
        return None
    return username


def _username_from_url(url: str, settings: Settings) -> str | None:
    parts = urlsplit(url)
    if parts.netloc.lower() != settings.domain.lower():
        raise NotFound(f"{url} is not on this server")
    if parts.path == urls.INSTANCE_ACTOR_PATH:
        return None
    for prefix in ("/users/", "/@"):
        if parts.path.startswith(prefix) and "/" not in parts.path[len(prefix) :]:
            return parts.path[len(prefix) :]
    raise NotFound(f"{url} is not an account on this server")


def _jrd(settings: Settings, actor: Actor) -> dict:
    subject_user = actor.username if actor.actor_type == "Person" else settings.domain
    links = [
        {"rel": "self", "type": "application/activity+json", "href": actor.uri},
    ]
    if actor.profile_url:
        links.insert(
            0,
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": actor.profile_url,
            },
        )
    return {
        "subject": f"acct:{subject_user}@{settings.domain}",
        "aliases": [alias for alias in (actor.uri, actor.profile_url) if alias],
        "links": links,
    }


@routes.get("/.well-known/webfinger")
async def webfinger(request: web.Request) -> web.Response:
    settings = settings_of(request)
    db = database_of(request)
    if "resource" not in request.query:
        raise Malformed("the resource parameter is required, e.g. ?resource=acct:alice@host")
    username = parse_resource(request.query["resource"], settings)
    if username is None:
        actor = await instance_service.instance_actor(db, settings)
    else:
        try:
            account = await account_service.get_account(db, username)
        except InvalidInput as error:
            raise NotFound(str(error)) from error
        if account.is_suspended:
            raise Gone(f"{account.username} is suspended")
        actor = account.actor
    return web.json_response(_jrd(settings, actor), content_type="application/jrd+json")


@routes.get("/.well-known/host-meta")
async def host_meta(request: web.Request) -> web.Response:
    template = settings_of(request).url("/.well-known/webfinger?resource={uri}")
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template={quoteattr(template)}/>\n'
        "</XRD>\n"
    )
    return web.Response(text=body, content_type="application/xrd+xml")


@routes.get("/.well-known/nodeinfo")
async def nodeinfo_links(request: web.Request) -> web.Response:
    settings = settings_of(request)
    return web.json_response(
        {
            "links": [
                {"rel": NODEINFO_2_1, "href": settings.url("/nodeinfo/2.1")},
                {"rel": NODEINFO_2_0, "href": settings.url("/nodeinfo/2.0")},
            ]
        }
    )


@routes.get("/nodeinfo/{version:2\\.[01]}")
async def nodeinfo(request: web.Request) -> web.Response:
    settings = settings_of(request)
    version = request.match_info["version"]
    usage = await instance_service.usage(database_of(request))
    software: dict[str, str] = {"name": "fedinet", "version": __version__}
    if version == "2.1":
        software["homepage"] = settings.base_url
    document = {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": settings.registration_mode == "open",
        "usage": {"users": {"total": usage.users_total}, "localPosts": usage.local_posts},
        "metadata": {
            "nodeName": settings.instance_name,
            "nodeDescription": settings.instance_description,
        },
    }
    schema = NODEINFO_2_1 if version == "2.1" else NODEINFO_2_0
    return web.Response(
        text=json.dumps(document),
        headers={"Content-Type": f'application/json; profile="{schema}#"; charset=utf-8'},
    )
