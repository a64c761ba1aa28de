"""`GET /api/fedinet/v1/openapi.json`: the OpenAPI 3.1 description of `/api/fedinet/v1/`.

The document is `openapi.json` beside this module (kept identical to `docs/openapi.json`);
a test checks that it names exactly the routes the app registers under `/api/fedinet/v1/`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from aiohttp import web

from fedinet.web.fedinet_api.common import BASE

routes = web.RouteTableDef()


@cache
def document() -> bytes:
    return resources.files("fedinet.web.fedinet_api").joinpath("openapi.json").read_bytes()


@routes.get(BASE + "/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    response = web.Response(body=document(), content_type="application/json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
