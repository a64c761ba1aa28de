"""Inboxes: POST /users/NAME/inbox, the shared /inbox and the instance actor's /actor/inbox."""

from __future__ import annotations

from aiohttp import web

from fedinet.federation.inbox import InboxReceiver, InboxRejection
from fedinet.federation.signing.http_message import HttpMessage
from fedinet.web.actors import load_member
from fedinet.web.context import settings_of

INBOX_RECEIVER = web.AppKey("inbox_receiver", InboxReceiver)

routes = web.RouteTableDef()


async def _receive(request: web.Request) -> web.Response:
    body = await request.read()  # over the app's client_max_size: 413 before anything else
    message = HttpMessage(
        method=request.method,
        # As the sender addressed us: our public base URL, not the proxy-facing one.
        url=settings_of(request).base_url + request.raw_path,
        headers=request.headers,
        body=body,
    )
    try:
        await request.app[INBOX_RECEIVER].receive(message)
    except InboxRejection as rejection:
        return web.json_response({"error": str(rejection)}, status=rejection.status)
    return web.Response(status=202)


@routes.post("/users/{username}/inbox")
async def member_inbox(request: web.Request) -> web.Response:
    await load_member(request)
    return await _receive(request)


@routes.post("/inbox")
async def shared_inbox(request: web.Request) -> web.Response:
    return await _receive(request)


@routes.post("/actor/inbox")
async def instance_actor_inbox(request: web.Request) -> web.Response:
    return await _receive(request)
