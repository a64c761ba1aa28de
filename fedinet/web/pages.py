"""Server-rendered HTML pages: the instance's front page and members' profiles."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from fedinet import __version__
from fedinet.services import instance as instance_service
from fedinet.web.actors import load_member
from fedinet.web.context import database_of, settings_of

routes = web.RouteTableDef()
_templates = Environment(
    loader=PackageLoader("fedinet.web", "templates"),
    autoescape=select_autoescape(default=True),
)


def render(request: web.Request, template: str, **context: Any) -> web.Response:
    settings = settings_of(request)
    html = _templates.get_template(template).render(
        instance_name=settings.instance_name, domain=settings.domain, version=__version__, **context
    )
    return web.Response(text=html, content_type="text/html")


@routes.get("/")
async def front_page(request: web.Request) -> web.Response:
    usage = await instance_service.usage(database_of(request))
    return render(
        request,
        "front.html",
        description=settings_of(request).instance_description,
        members=usage.users_total,
    )


@routes.get("/about")
async def about(request: web.Request) -> web.Response:
    return await front_page(request)


@routes.get("/@{username}")
async def profile(request: web.Request) -> web.Response:
    account = await load_member(request)
    return render(request, "profile.html", actor=account.actor)
