"""Federation test helpers: settling several instances, and a stand-in remote server.

`FakeRemote` is a small aiohttp app on 127.0.0.1 that serves ActivityPub documents (actors
with the test's RSA key, posts) from a dict, records what is delivered to its inboxes, and
posts activities signed with that key, as another server (Mastodon, or a forger) would.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from fedinet.federation.signing.keys import SigningKey, generate_rsa_keypair
from fedinet.services import follows
from fedinet.services.remote_actors import resolve_handle
from fedinet.store.models import Account, Actor
from support.instances import RunningInstance, bound_loopback_socket
from support.signed_requests import post_signed

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"


async def settle(*instances: RunningInstance) -> None:
    """Run every instance's background work until none has anything left to do."""
    for _ in range(20):
        handled = 0
        for instance in instances:
            handled += await instance.background.run_once()
        if handled == 0:
            return
    raise AssertionError("background work did not settle")


async def follow_across(
    home: RunningInstance, follower: Account, other: RunningInstance, username: str
) -> Actor:
    """`follower` (a member of `home`) follows `username` on `other`; settled (accepted)."""
    followee = await resolve_handle(home.db, home.transport, home.settings, f"{username}@{other.domain}")
    await follows.follow(home.db, follower, followee)
    await settle(home, other)
    return followee


@dataclass
class FakeRemote:
    base_url: str
    private_pem: str
    public_pem: str
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # path → document
    received: list[dict[str, Any]] = field(default_factory=list)  # activities POSTed to inboxes

    def serve(self, document: dict[str, Any]) -> None:
        """Serve `document` at its own id (which must be on this server)."""
        assert document["id"].startswith(self.base_url + "/")
        self.documents[urlsplit(document["id"]).path] = document

    def add_actor(self, username: str, **fields: Any) -> str:
        uri = f"{self.base_url}/users/{username}"
        self.serve(
            {
                "@context": [AS_CONTEXT, "https://w3id.org/security/v1"],
                "id": uri,
                "type": "Person",
                "preferredUsername": username,
                "inbox": f"{uri}/inbox",
                "followers": f"{uri}/followers",
                "endpoints": {"sharedInbox": f"{self.base_url}/inbox"},
                "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": self.public_pem},
                **fields,
            }
        )
        return uri

    def key(self, actor_uri: str) -> SigningKey:
        return SigningKey.from_pem(f"{actor_uri}#main-key", self.private_pem)

    async def post(
        self, http: aiohttp.ClientSession, inbox_url: str, activity: dict[str, Any]
    ) -> tuple[int, Any]:
        """POST the activity, signed (draft-cavage, as Mastodon) with its actor's key."""
        return await post_signed(http, inbox_url, activity, self.key(activity["actor"]))


@asynccontextmanager
async def fake_remote() -> AsyncIterator[FakeRemote]:
    sock = bound_loopback_socket()
    keys = generate_rsa_keypair()
    remote = FakeRemote(f"http://127.0.0.1:{sock.getsockname()[1]}", keys.private_pem, keys.public)

    async def get(request: web.Request) -> web.Response:
        document = remote.documents.get(request.path)
        if document is None:
            raise web.HTTPNotFound()
        return web.json_response(document, content_type="application/activity+json")

    async def inbox(request: web.Request) -> web.Response:
        remote.received.append(json.loads(await request.read()))
        return web.Response(status=202)

    app = web.Application()
    app.router.add_post("/inbox", inbox)
    app.router.add_post("/users/{username}/inbox", inbox)
    app.router.add_get("/{path:.*}", get)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    try:
        yield remote
    finally:
        await runner.cleanup()
