"""Deliveries per second: DeliveryJob fanning one activity out to stub inboxes on loopback.

Usage: python bench/deliveries.py [--shared N] [--personal N] [--personal-servers S]
                                  [--per-host L] [--concurrency C] [--batch B] [--timeout T]

Two scenarios, each a fresh SQLite database (temporary directory) with one member:
- `--shared` inboxes, one per stub server (a shared-inbox fan-out: one request per server);
- `--personal` inboxes spread over `--personal-servers` stub servers (keep-alive, per-host limit).
The stub servers run in a child process (so they do not take the sender's CPU) and answer 202
without verifying. Printed: enqueue time, delivery time, deliveries per second, batches.
Every row must end "delivered"; the run stops at `--timeout` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from aiohttp import web
from sqlalchemy import func, select

from fedinet.config import load_settings
from fedinet.federation import outbox
from fedinet.federation.delivery import DeliveryJob
from fedinet.federation.transport import Limits, Transport
from fedinet.services import accounts
from fedinet.services.instance import set_up_database
from fedinet.store.database import Database
from fedinet.store.models import Delivery


def run_stubs(servers: int, pipe: Connection) -> None:
    """Child process: `servers` listening ports answering every POST with 202."""

    async def main() -> None:
        async def accept(request: web.Request) -> web.Response:
            await request.read()
            return web.Response(status=202)

        app = web.Application()
        app.router.add_post("/{tail:.*}", accept)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        ports = []
        for _ in range(servers):
            site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
            await site.start()
            ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        pipe.send(ports)
        await asyncio.get_running_loop().run_in_executor(None, pipe.recv)  # wait for "stop"
        await runner.cleanup()

    asyncio.run(main())


async def scenario(name: str, inboxes: list[str], options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = load_settings(
            environ={}, data_dir=Path(data_dir), base_url="https://bench.example",
            allow_private_addresses=True,
        )
        db = Database(settings.database_url)
        await set_up_database(db, settings)
        actor = (await accounts.create_account(db, settings, "alice", "bench password")).actor
        activity = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{actor.uri}/activities/1", "type": "Create", "actor": actor.uri,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {"type": "Note", "content": "<p>" + "Looking for a plumber. " * 40 + "</p>"},
        }
        started = time.perf_counter()
        async with db.transaction() as session:
            await outbox.enqueue(session, actor, activity, inboxes)
        enqueued = time.perf_counter() - started

        transport = Transport(
            allow_private_addresses=True,
            limits=Limits(connections=options.concurrency, connections_per_host=options.per_host),
        )
        job = DeliveryJob(
            db, transport, batch_size=options.batch, concurrency=options.concurrency,
            per_host_limit=options.per_host,
        )
        batches, started = 0, time.perf_counter()
        while time.perf_counter() - started < options.timeout and await job.run_once():
            batches += 1
        elapsed = time.perf_counter() - started
        await transport.close()
        async with db.session() as session:
            counts = await session.execute(
                select(Delivery.state, func.count()).group_by(Delivery.state)
            )
            states = {state: number for state, number in counts}
        await db.dispose()
    delivered = states.get("delivered", 0)
    print(
        f"{name:<34} {len(inboxes):>6} inboxes  enqueue {enqueued:6.2f} s  "
        f"deliver {elapsed:6.2f} s  {delivered / elapsed:7.0f} deliveries/s  "
        f"{batches} batches  {states}"
    )


async def main(options: argparse.Namespace) -> None:
    servers = options.shared + options.personal_servers
    parent, child = multiprocessing.Pipe()
    stubs = multiprocessing.Process(target=run_stubs, args=(servers, child), daemon=True)
    stubs.start()
    try:
        ports = parent.recv()
        shared = [f"http://127.0.0.1:{port}/inbox" for port in ports[: options.shared]]
        personal_ports = ports[options.shared :]
        personal = [
            f"http://127.0.0.1:{personal_ports[n % len(personal_ports)]}/users/u{n}/inbox"
            for n in range(options.personal)
        ]
        print(f"concurrency {options.concurrency}, per host {options.per_host}, "
              f"batch {options.batch}; stubs in a child process")
        await scenario(f"{options.shared} shared inboxes", shared, options)
        await scenario(f"personal on {options.personal_servers} servers", personal, options)
    finally:
        parent.send("stop")
        stubs.join(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=int, default=500)
    parser.add_argument("--personal", type=int, default=2000)
    parser.add_argument("--personal-servers", type=int, default=4)
    parser.add_argument("--per-host", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=120)
    asyncio.run(main(parser.parse_args()))
