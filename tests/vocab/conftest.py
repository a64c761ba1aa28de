"""Fixtures for the offline JSON-LD tests."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web


@dataclass
class RecordingServer:
    """An HTTP server on 127.0.0.1 that serves a JSON-LD context and records every hit."""

    base_url: str
    hits: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def recording_server() -> Iterator[RecordingServer]:
    """Runs in its own thread and event loop, so synchronous code can be tested against it."""
    port = _free_port()
    server = RecordingServer(base_url=f"http://127.0.0.1:{port}")

    async def handler(request: web.Request) -> web.Response:
        server.hits.append(request.path_qs)
        # A perfectly good context: if anything fetched it, processing would succeed,
        # so only the recorded hits can tell a fetch happened.
        return web.json_response(
            {"@context": {"evil": "https://evil.example/ns#evil"}},
            content_type="application/ld+json",
        )

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handler)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="recording-server", daemon=True)
    thread.start()
    assert started.wait(10), "recording server did not start"
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
