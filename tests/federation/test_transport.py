"""The guarded outbound client: SSRF guard, redirects, size cap and origin checks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from support.servers import LoopbackServers

from fedinet.federation.transport import (
    FetchError,
    GuardedResolver,
    Limits,
    Transport,
    UnsafeAddress,
)


@dataclass
class Sentinel:
    """A server that records every request it receives."""

    base_url: str
    hits: list[str] = field(default_factory=list)


def app_for(handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app


@pytest.fixture
async def sentinel(loopback_servers: LoopbackServers) -> Sentinel:
    hits: list[str] = []

    async def record(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.json_response({"id": str(request.url)}, content_type="application/activity+json")

    return Sentinel(await loopback_servers.start(app_for(record)), hits)


@pytest.fixture
async def guarded() -> AsyncIterator[Transport]:
    transport = Transport(allow_private_addresses=False)
    yield transport
    await transport.close()


@pytest.fixture
async def open_transport() -> AsyncIterator[Transport]:
    transport = Transport(allow_private_addresses=True, limits=Limits(max_bytes=64 * 1024))
    yield transport
    await transport.close()


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/x",
        "http://localhost:{port}/x",
        "http://[::1]:{port}/x",
        "http://[::ffff:127.0.0.1]:{port}/x",
        "http://0.0.0.0:{port}/x",
        "http://10.0.0.1/x",
        "http://192.168.1.1/x",
        "http://172.16.0.1/x",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/x",
        "http://[fd00::1]/x",
        "http://[fe80::1]/x",
    ],
)
async def test_guard_refuses_private_targets_without_connecting(
    guarded: Transport, sentinel: Sentinel, target: str
) -> None:
    port = sentinel.base_url.rsplit(":", 1)[1]
    with pytest.raises(UnsafeAddress):
        await guarded.get_activity_document(target.format(port=port))
    assert sentinel.hits == []


async def test_resolver_drops_private_results() -> None:
    resolver = GuardedResolver()
    try:
        with pytest.raises(UnsafeAddress, match="resolves only to private"):
            await resolver.resolve("localhost", 80)
    finally:
        await resolver.close()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "http://user:pw@example.com/"])
async def test_only_plain_http_urls(guarded: Transport, url: str) -> None:
    with pytest.raises(FetchError):
        await guarded.get_activity_document(url)


async def test_guard_checks_every_redirect_hop(loopback_servers: LoopbackServers) -> None:
    """127.0.0.1 stands in for a public server here; 127.0.0.2 for a private target."""
    private_hits: list[str] = []

    async def private(request: web.Request) -> web.Response:
        private_hits.append(request.path)
        return web.Response(text="secret")

    private_url = await loopback_servers.start(app_for(private), host="127.0.0.2")

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"{private_url}/admin")

    public_url = await loopback_servers.start(app_for(redirect))
    transport = Transport(allow_private_addresses=False, address_policy=lambda ip: ip == "127.0.0.1")
    try:
        with pytest.raises(UnsafeAddress):
            await transport.get_activity_document(f"{public_url}/start")
        assert private_hits == []
    finally:
        await transport.close()


@pytest.fixture
async def origin(loopback_servers: LoopbackServers) -> str:
    """A server with one route per misbehaviour."""

    async def handler(request: web.Request) -> web.StreamResponse:
        base = f"http://{request.host}"
        name = request.path.strip("/")
        if name == "ok":
            return web.json_response({"id": f"{base}/ok"}, content_type="application/activity+json")
        if name == "html":
            return web.Response(text=json.dumps({"id": f"{base}/html"}), content_type="text/html")
        if name == "other-id":
            return web.json_response({"id": f"{base}/ok"}, content_type="application/activity+json")
        if name == "huge":
            return web.json_response(
                {"id": f"{base}/huge", "pad": "x" * 5_000_000}, content_type="application/activity+json"
            )
        if name == "huge-chunked":
            response = web.StreamResponse(headers={"Content-Type": "application/activity+json"})
            response.enable_chunked_encoding()
            await response.prepare(request)
            for _ in range(100):
                await response.write(b"x" * 65536)
            return response
        if name == "deep":
            return web.Response(body=b"[" * 30_000 + b"]" * 30_000, content_type="application/activity+json")
        if name.startswith("hop"):
            left = int(name[3:])
            raise web.HTTPFound(f"/hop{left - 1}" if left > 1 else "/ok-after-redirects")
        if name == "ok-after-redirects":
            return web.json_response({"id": f"{base}/ok-after-redirects"}, content_type="application/activity+json")
        if name == "missing":
            raise web.HTTPGone()
        raise web.HTTPNotFound()

    return await loopback_servers.start(app_for(handler))


async def test_accepts_a_proper_document(open_transport: Transport, origin: str) -> None:
    assert await open_transport.get_activity_document(f"{origin}/ok") == {"id": f"{origin}/ok"}
    document = await open_transport.get_activity_document(f"{origin}/hop3")
    assert document["id"] == f"{origin}/ok-after-redirects"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("html", "not as an ActivityPub document"),
        ("other-id", "does not have that URL as its id"),
        ("huge", "larger than"),
        ("huge-chunked", "larger than"),
        ("deep", "did not return valid JSON"),
        ("hop4", "redirected more than 3 times"),
        ("missing", "answered HTTP 410"),
    ],
)
async def test_refuses_bad_documents(open_transport: Transport, origin: str, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        await open_transport.get_activity_document(f"{origin}/{path}")
