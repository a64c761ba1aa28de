"""kill -9 during a fan-out loses nothing: the real `fedinet serve` delivers one activity to
20 slow stub servers (200 followers: shared inboxes on half of them, personal inboxes on the
others), is killed while requests are in flight, restarts, and every inbox gets the activity
at least once while every delivery row ends "delivered"."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web
from sqlalchemy import select

from fedinet.config import load_settings
from fedinet.federation import outbox
from fedinet.store import actors as actor_queries
from fedinet.store.database import Database
from fedinet.store.models import Actor, Delivery
from support.cli import run_fedinet
from support.instances import bound_loopback_socket
from support.servers import LoopbackServers

SERVERS, FOLLOWERS_EACH, LEASE_SECONDS = 20, 10, 2


@asynccontextmanager
async def stub_servers(received: Counter[str]) -> AsyncIterator[list[str]]:
    """20 inbox servers answering 202 after 50–150 ms; `received` counts the activity per inbox."""
    rng = random.Random(9)

    async def inbox(request: web.Request) -> web.Response:
        if json.loads(await request.read())["type"] == "Create":
            received[f"http://{request.host}{request.path}"] += 1
        await asyncio.sleep(rng.uniform(0.05, 0.15))
        return web.Response(status=202)

    servers = LoopbackServers()
    app = web.Application()
    app.router.add_post("/{tail:.*}", inbox)
    try:
        yield [await servers.start(app) for _ in range(SERVERS)]
    finally:
        await servers.close()


async def queue_fan_out(db: Database, domain: str, base_urls: list[str]) -> set[str]:
    """Remote followers on every stub, and the admin's Create to their inboxes; the inboxes."""
    async with db.transaction() as session:
        followers = []
        for number, base_url in enumerate(base_urls):
            shared = f"{base_url}/inbox" if number % 2 == 0 else None
            for n in range(FOLLOWERS_EACH):
                uri = f"{base_url}/users/u{n}"
                followers.append(Actor(
                    uri=uri, actor_type="Person", username=f"u{n}", inbox_url=f"{uri}/inbox",
                    domain=base_url.removeprefix("http://"), shared_inbox_url=shared,
                ))
        session.add_all(followers)
        admin = await actor_queries.actor_by_handle(session, "admin", domain)
        assert admin is not None
        inboxes = {actor.shared_inbox_url or actor.inbox_url for actor in followers}
        activity = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{admin.uri}/activities/1", "type": "Create", "actor": admin.uri,
            "object": {"type": "Note", "content": "hello, followers"},
        }
        await outbox.enqueue(session, admin, activity, sorted(inboxes))
    return inboxes


async def serve(data_dir: Path, log: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEDINET_")}
    env.update(
        FEDINET_DATA_DIR=str(data_dir),
        FEDINET_ALLOW_PRIVATE_ADDRESSES="true",
        FEDINET_DELIVERY_LEASE_SECONDS=str(LEASE_SECONDS),
    )
    with log.open("ab") as stderr:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "fedinet", "serve",
            env=env, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )


async def wait_for(
    condition: Callable[[], Awaitable[bool]], seconds: float, what: str, log: Path
) -> None:
    for _ in range(int(seconds * 50)):
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{what} within {seconds} s; server log:\n{log.read_text()[-3000:]}")


async def test_kill9_mid_fan_out_loses_no_delivery(tmp_path: Path) -> None:
    with bound_loopback_socket() as sock:
        port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    data_dir, log = tmp_path / "data", tmp_path / "serve.log"
    init = run_fedinet("init", "--admin-password", "admin-pass-1", data_dir=data_dir,
                       FEDINET_BASE_URL=base_url)
    assert init.exit_code == 0, init.stderr
    settings = load_settings(environ={}, data_dir=data_dir)

    received: Counter[str] = Counter()
    db = Database(settings.database_url)
    process = None
    try:
        async with stub_servers(received) as base_urls:
            inboxes = await queue_fan_out(db, settings.domain, base_urls)
            assert len(inboxes) == SERVERS // 2 * (1 + FOLLOWERS_EACH)

            async def rows() -> list[Delivery]:
                async with db.session() as session:
                    return list(await session.scalars(select(Delivery)))

            async def some_received() -> bool:
                return len(received) >= 10

            async def all_delivered() -> bool:
                return {row.state for row in await rows()} == {"delivered"}

            process = await serve(data_dir, log)
            await wait_for(some_received, 20, "no inbox got the activity", log)
            process.send_signal(signal.SIGKILL)
            await process.wait()
            assert 0 < len(received) < len(inboxes)
            assert {row.state for row in await rows()} <= {"pending", "delivered"}

            process = await serve(data_dir, log)
            await wait_for(all_delivered, 30, "not every delivery was recorded as delivered", log)
            assert set(received) == inboxes
            assert sum(received.values()) > len(inboxes)  # the interrupted ones were sent again
    finally:
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout=10)
            except TimeoutError:
                process.kill()
                await process.wait()
        await db.dispose()
