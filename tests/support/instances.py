"""Real fedinet servers on free loopback ports, each with its own database and domain."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from fedinet.app import BACKGROUND, TRANSPORT, create_app
from fedinet.background import BackgroundRunner
from fedinet.config import Settings, load_settings
from fedinet.federation.transport import Transport
from fedinet.services import accounts
from fedinet.services.instance import set_up_database
from fedinet.store.database import Database
from fedinet.store.models import Account

TEST_PASSWORD = "correct horse battery"


@dataclass
class RunningInstance:
    """A fedinet server running in this test's event loop, reachable over real HTTP."""

    settings: Settings
    db: Database
    app: web.Application

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    @property
    def domain(self) -> str:
        return self.settings.domain

    @property
    def background(self) -> BackgroundRunner:
        """Drive background work one step at a time with `run_once()` / `drain()`."""
        return self.app[BACKGROUND]

    @property
    def transport(self) -> Transport:
        return self.app[TRANSPORT]

    async def create_member(self, username: str, **options: str) -> Account:
        return await accounts.create_account(
            self.db, self.settings, username, TEST_PASSWORD, **options
        )


def bound_loopback_socket() -> socket.socket:
    """A listening-ready socket on a free 127.0.0.1 port (no race: we keep it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def running_instance(
    data_dir: Path, *, database_url: str | None = None, **settings: object
) -> AsyncIterator[RunningInstance]:
    """Set up a fresh instance and serve it until the block ends."""
    sock = bound_loopback_socket()
    port = sock.getsockname()[1]
    instance_settings = load_settings(
        environ={},
        data_dir=data_dir,
        base_url=f"http://127.0.0.1:{port}",
        database_url=database_url,
        **{"allow_private_addresses": True, **settings},
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(instance_settings.database_url)
    await set_up_database(db, instance_settings)
    app = create_app(instance_settings, db, run_background=False)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.SockSite(runner, sock)
    await site.start()
    try:
        yield RunningInstance(settings=instance_settings, db=db, app=app)
    finally:
        await runner.cleanup()
        await db.dispose()
