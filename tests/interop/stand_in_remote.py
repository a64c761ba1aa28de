"""A stand-in remote ActivityPub server for interop tests: one actor, /users/bob, with a Note,
whose inbox records every request (as fedinet's `HttpMessage`) and answers `status(msg)`.

It stands where fedinet's own inbox will be, so what a peer delivers can be checked with
fedinet.federation.signing directly.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from support.instances import bound_loopback_socket

from fedinet.federation.signing.http_message import HttpMessage
from fedinet.federation.signing.keys import generate_rsa_keypair

AP_CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]


@dataclass
class StandInRemote:
    """One remote actor, /users/bob, whose inbox records requests and answers `status(request)`."""

    base_url: str
    received: list[HttpMessage] = field(default_factory=list)
    status: Callable[[HttpMessage], int] = lambda _msg: 202

    @property
    def actor_url(self) -> str:
        return f"{self.base_url}/users/bob"

    @property
    def note_url(self) -> str:
        return f"{self.base_url}/users/bob/notes/1"


@asynccontextmanager
async def stand_in_remote() -> AsyncIterator[StandInRemote]:
    sock = bound_loopback_socket()
    remote = StandInRemote(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}")
    public_pem = generate_rsa_keypair().public

    async def actor(_request: web.Request) -> web.Response:
        document = {
            "@context": AP_CONTEXT,
            "id": remote.actor_url,
            "type": "Person",
            "preferredUsername": "bob",
            "inbox": f"{remote.actor_url}/inbox",
            "endpoints": {"sharedInbox": f"{remote.base_url}/inbox"},
            "publicKey": {
                "id": f"{remote.actor_url}#main-key",
                "owner": remote.actor_url,
                "publicKeyPem": public_pem,
            },
        }
        return web.json_response(document, content_type="application/activity+json")

    async def note(_request: web.Request) -> web.Response:
        document = {
            "@context": AP_CONTEXT,
            "id": remote.note_url,
            "type": "Note",
            "attributedTo": remote.actor_url,
            "content": "A note by bob",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        }
        return web.json_response(document, content_type="application/activity+json")

    async def inbox(request: web.Request) -> web.Response:
        msg = HttpMessage(
            method=request.method,
            url=f"{remote.base_url}{request.path_qs}",
            headers=request.headers,
            body=await request.read(),
        )
        remote.received.append(msg)
        return web.Response(status=remote.status(msg))

    app = web.Application()
    app.router.add_get("/users/bob", actor)
    app.router.add_get("/users/bob/notes/1", note)
    app.router.add_post("/users/bob/inbox", inbox)
    app.router.add_post("/inbox", inbox)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    try:
        yield remote
    finally:
        await runner.cleanup()
