"""The streaming API: Mastodon's events over WebSocket (/api/v1/streaming) and server-sent
events (/api/v1/streaming/user, /public, …), fed by the database handle's change feed.

Each event is rendered for the connected member (visibility is checked again here), in
Mastodon's framing: WebSocket messages `{"stream": [...], "event": ..., "payload": "<json>"}`,
SSE `event: update` / `data: <json>`. Events come from this process only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from aiohttp import WSMsgType, web

from fedinet.services.scopes import covers, parse_scopes
from fedinet.services.statuses import can_see
from fedinet.store import statuses as status_queries
from fedinet.store.events import Event
from fedinet.store.notifications import notification_of
from fedinet.store.models import Account
from fedinet.web.context import database_of, settings_of
from fedinet.web.mastodon.auth import ACCOUNT, TOKEN, authenticate
from fedinet.web.mastodon.notifications import notification_entities
from fedinet.web.mastodon.status_entities import render_statuses

routes = web.RouteTableDef()
# Set when the server shuts down, so open streams end at once instead of holding it up.
STOPPING = web.AppKey("streaming_stopping", asyncio.Event)


def setup(app: web.Application) -> None:
    """Add the routes and end every open stream when the app shuts down."""
    app.router.add_routes(routes)
    app[STOPPING] = asyncio.Event()

    async def stop_streams(app: web.Application) -> None:
        app[STOPPING].set()

    app.on_shutdown.append(stop_streams)


async def next_event(request: web.Request, queue: asyncio.Queue[Event], timeout: float | None = None) -> Event | None:
    """The next event, or None when the server is stopping (or `timeout` passed: TimeoutError)."""
    getter = asyncio.ensure_future(queue.get())
    stopper = asyncio.ensure_future(request.app[STOPPING].wait())
    done, pending = await asyncio.wait({getter, stopper}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    if getter in done:
        return getter.result()
    if stopper in done:
        return None
    raise TimeoutError
HEARTBEAT_SECONDS = 30
STATUS_EVENTS = {"status.created": "update", "status.updated": "status.update"}
USER_STREAMS = ("user", "user:notification")


@dataclass(frozen=True)
class Subscription:
    stream: str  # user, user:notification, public, public:local, hashtag, hashtag:local
    tag: str | None = None

    @property
    def names(self) -> list[str]:
        return [self.stream, self.tag] if self.tag else [self.stream]

    def wants(self, event: Event, account: Account | None) -> bool:
        if self.stream in USER_STREAMS:
            if account is None or account.id not in event.accounts:
                return False
            return self.stream == "user" or event.kind == "notification.created"
        if event.kind == "notification.created":
            return False
        if self.stream.startswith("hashtag"):
            scope = "hashtag:local" if self.stream == "hashtag:local" else "hashtag"
            return f"{scope}:{(self.tag or '').lower()}" in event.streams
        return self.stream in event.streams


def subscription(stream: str | None, tag: str | None, account: Account | None) -> Subscription:
    """Validate a requested stream; 401 for user streams without a member, 400 otherwise."""
    name = (stream or "").replace("/", ":")
    if name in USER_STREAMS and account is None:
        raise web.HTTPUnauthorized(text="This stream requires an access token")
    if name in ("hashtag", "hashtag:local"):
        if not tag:
            raise web.HTTPBadRequest(text="No tag for hashtag stream")
        return Subscription(name, tag.lstrip("#"))
    if name not in (*USER_STREAMS, "public", "public:local"):
        raise web.HTTPBadRequest(text=f"Unknown stream type {stream!r}")
    return Subscription(name)


async def _caller(request: web.Request) -> Account | None:
    """The member behind the token (header, query or WebSocket protocol), checked for reading."""
    protocol = request.headers.get("Sec-WebSocket-Protocol")
    if protocol and "Authorization" not in request.headers and "access_token" not in request.query:
        request = request.clone(headers={**request.headers, "Authorization": f"Bearer {protocol}"})
    await authenticate(request)
    token = request.get(TOKEN)
    if token is not None and not covers(parse_scopes(token.scopes), "read:statuses"):
        raise web.HTTPForbidden(text="This action is outside the authorized scopes")
    return request.get(ACCOUNT)


async def render(request: web.Request, event: Event, account: Account | None) -> tuple[str, str] | None:
    """(Mastodon event name, payload text) for this viewer, or None if it may not see it."""
    if event.kind == "status.deleted":
        return "delete", str(event.subject_id)
    db, settings = database_of(request), settings_of(request)
    async with db.session() as session:
        if event.kind == "notification.created":
            if account is None:
                return None
            found = await notification_of(session, account.id, event.subject_id)
            if found is None:
                return None
            [entity] = await notification_entities(request, [found], account)
            return "notification", json.dumps(entity)
        status = await status_queries.status_by_id(session, event.subject_id)
        if status is None or not await can_see(session, status, account.actor if account else None):
            return None
        [entity] = await render_statuses(session, settings, [status], account)
    return STATUS_EVENTS[event.kind], json.dumps(entity)


@routes.get("/api/v1/streaming/health")
async def health(request: web.Request) -> web.Response:
    return web.Response(text="OK")


@routes.get("/api/v1/streaming")
async def websocket(request: web.Request) -> web.StreamResponse:
    account = await _caller(request)
    subscriptions: set[Subscription] = set()
    if "stream" in request.query:
        subscriptions.add(subscription(request.query["stream"], request.query.get("tag"), account))
    protocol = request.headers.get("Sec-WebSocket-Protocol")
    socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, protocols=[protocol] if protocol else ())
    await socket.prepare(request)
    with database_of(request).events.subscribe() as queue:
        reader = asyncio.create_task(_read_commands(socket, subscriptions, account))
        try:
            while not reader.done():
                try:
                    event = await next_event(request, queue, timeout=1.0)
                except TimeoutError:
                    continue  # look again whether the client is still there
                if event is None:
                    await socket.close(code=1001, message=b"server shutting down")
                    break
                for wanted in [s for s in subscriptions if s.wants(event, account)]:
                    rendered = await render(request, event, account)
                    if rendered is not None:
                        name, payload = rendered
                        await socket.send_json({"stream": wanted.names, "event": name, "payload": payload})
        except ConnectionResetError:
            pass  # the client went away mid-send
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
    return socket


async def _read_commands(socket: web.WebSocketResponse, subscriptions: set[Subscription], account: Account | None) -> None:
    """`{"type": "subscribe"|"unsubscribe", "stream": ..., "tag": ...}` until the client leaves."""
    async for message in socket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            command = json.loads(message.data)
            requested = subscription(command.get("stream"), command.get("tag"), account)
        except (ValueError, AttributeError, web.HTTPException) as error:
            await socket.send_json({"error": getattr(error, "text", None) or "Invalid command", "status": 400})
            continue
        if command.get("type") == "subscribe":
            subscriptions.add(requested)
        elif command.get("type") == "unsubscribe":
            subscriptions.discard(requested)


@routes.get(r"/api/v1/streaming/{stream:user|user/notification|public|public/local|hashtag|hashtag/local}")
async def server_sent_events(request: web.Request) -> web.StreamResponse:
    account = await _caller(request)
    wanted = subscription(request.match_info["stream"], request.query.get("tag"), account)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
    await response.prepare(request)
    await response.write(b":)\n\n")
    with database_of(request).events.subscribe() as queue:
        while True:
            try:
                event = await next_event(request, queue, timeout=HEARTBEAT_SECONDS)
            except TimeoutError:
                try:
                    await response.write(b":thump\n\n")
                except ConnectionResetError:
                    return response
                continue
            if event is None:
                return response
            if not wanted.wants(event, account):
                continue
            rendered = await render(request, event, account)
            if rendered is not None:
                name, payload = rendered
                try:
                    await response.write(f"event: {name}\ndata: {payload}\n\n".encode())
                except ConnectionResetError:
                    return response
