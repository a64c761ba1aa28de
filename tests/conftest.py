"""Fixtures every test package can use."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

import aiohttp
import pytest

from fedinet.config import normalise_database_url
from support.instances import RunningInstance, running_instance
from support.postgres import scratch_database
from support.servers import LoopbackServers


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database on each backend fedinet supports."""
    if request.param == "sqlite":
        yield normalise_database_url(f"sqlite:///{tmp_path / 'fedinet.db'}")
    else:
        async with scratch_database() as url:
            yield normalise_database_url(url)


@pytest.fixture
async def start_instance(
    tmp_path: Path,
) -> AsyncIterator[Callable[..., Awaitable[RunningInstance]]]:
    """`await start_instance()` → a running instance; any number per test, all stopped after."""
    async with AsyncExitStack() as stack:
        count = 0

        async def start(**settings: object) -> RunningInstance:
            nonlocal count
            count += 1
            return await stack.enter_async_context(
                running_instance(tmp_path / f"instance{count}", **settings)
            )

        yield start


@pytest.fixture
async def instance(start_instance: Callable[..., Awaitable[RunningInstance]]) -> RunningInstance:
    return await start_instance()


@pytest.fixture
async def loopback_servers() -> AsyncIterator[LoopbackServers]:
    """Start stub servers with `await loopback_servers.start(app)`; all stopped after the test."""
    servers = LoopbackServers()
    yield servers
    await servers.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain HTTP client, as another server or a browser would be (keeping cookies, also
    from the IP-address hosts the test servers have)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session
