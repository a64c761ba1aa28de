"""Home-timeline latency: GET /api/v1/timelines/home under concurrent clients, p50 and p99.

Usage: python bench/home_timeline.py [--statuses N] [--authors A] [--followed F]
                                     [--clients C] [--requests R] [--pages P]

A fresh SQLite instance in a temporary directory gets `--authors` remote actors and
`--statuses` statuses spread over 30 days, bulk inserted with SQLAlchemy core: 85% public,
5% unlisted, 8% private, 2% direct (mentioning the viewer), one in ten a reply to an earlier
status, one in ten tagged. The viewer, a member, follows `--followed` of the authors.
The server runs in a child process on 127.0.0.1 (rate limits off, no background jobs);
`--clients` clients each read the first page and scroll `--pages` more pages by the `next`
Link, `--requests` requests in all (and, first, one client alone for a tenth as many). Printed:
the fill time, then requests per second and the latency of a request (p50, p90, p99, max)
for first pages and scrolled pages apart.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import insert, select

from fedinet.app import create_app
from fedinet.config import Settings, load_settings
from fedinet.ids import new_id
from fedinet.services import accounts, oauth
from fedinet.services.instance import set_up_database
from fedinet.services.scopes import parse_scopes
from fedinet.store.database import Database
from fedinet.store.models import Actor, Follow, Mention, Status, StatusTag

BASE_URL = "https://bench.example"
VISIBILITIES = ["public"] * 85 + ["unlisted"] * 5 + ["private"] * 8 + ["direct"] * 2
BATCH = 5000
NEXT_LINK = re.compile(r'<([^>]+)>; rel="next"')


def settings_for(data_dir: Path) -> Settings:
    return load_settings(environ={}, data_dir=data_dir, base_url=BASE_URL, rate_limits=False)


def _authors(count: int) -> Rows:
    rows = []
    for n in range(count):
        domain = f"remote{n % 20}.example"
        uri = f"https://{domain}/users/a{n}"
        rows.append({
            "uri": uri, "actor_type": "Person", "username": f"a{n}", "domain": domain,
            "inbox_url": f"{uri}/inbox", "display_name": f"Author {n}", "is_local": False,
        })
    return rows


Rows = list[dict[str, Any]]


def _statuses(options: argparse.Namespace, author_ids: list[int], viewer_uri: str, rng: random.Random) -> tuple[Rows, Rows, Rows]:
    """(statuses, mentions, tags), oldest first."""
    start = datetime.now(UTC) - timedelta(days=30)
    step = timedelta(days=30) / options.statuses
    statuses: Rows = []
    mentions: Rows = []
    tags: Rows = []
    for n in range(options.statuses):
        published = start + step * n
        status_id = new_id(published)
        uri = f"https://remote.example/statuses/{status_id}"
        visibility = rng.choice(VISIBILITIES)
        replied = statuses[rng.randrange(len(statuses))]["uri"] if statuses and rng.random() < 0.1 else None
        statuses.append({
            "id": status_id, "uri": uri, "actor_id": rng.choice(author_ids), "is_local": False, "url": uri,
            "content": f"<p>Status {n}: who repairs bicycles near the station? #bikes</p>",
            "summary": "", "sensitive": False, "language": "en", "visibility": visibility,
            "in_reply_to_uri": replied, "addressed_to": [], "published_at": published,
        })
        if visibility == "direct":
            mentions.append({"status_id": status_id, "actor_uri": viewer_uri, "name": "@viewer"})
        if n % 10 == 0:
            tags.append({"status_id": status_id, "name": "bikes"})
    return statuses, mentions, tags


async def fill(settings: Settings, options: argparse.Namespace) -> str:
    """Set the instance up with its viewer, authors and statuses; the viewer's access token."""
    db = Database(settings.database_url)
    await set_up_database(db, settings)
    viewer = await accounts.create_account(db, settings, "viewer", "bench password")
    app = (await oauth.register_app(db, "bench", "urn:ietf:wg:oauth:2.0:oob", "read", None)).application
    token = await oauth.issue_token(db, app, viewer.id, parse_scopes("read"))
    rng = random.Random(1)
    async with db.transaction() as session:  # SQLAlchemy core inserts, many rows a statement
        await session.execute(insert(Actor.__table__), _authors(options.authors))
        author_ids = list(await session.scalars(select(Actor.id).where(~Actor.is_local)))
        follows = [
            {"follower_id": viewer.actor_id, "followee_id": actor_id, "uri": f"{viewer.actor.uri}#follow-{actor_id}",
             "state": "accepted"}
            for actor_id in rng.sample(author_ids, options.followed)
        ]
        await session.execute(insert(Follow.__table__), follows)
        statuses, mentions, tags = _statuses(options, author_ids, viewer.actor.uri, rng)
        for offset in range(0, len(statuses), BATCH):
            await session.execute(insert(Status.__table__), statuses[offset : offset + BATCH])
        await session.execute(insert(Mention.__table__), mentions)
        await session.execute(insert(StatusTag.__table__), tags)
    await db.dispose()
    return token.access_token


def serve(data_dir: Path, pipe: Connection) -> None:
    """Child process: the instance on a free loopback port until told to stop."""

    async def main() -> None:
        runner = web.AppRunner(create_app(settings_for(data_dir), run_background=False), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        pipe.send(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
        await runner.cleanup()

    asyncio.run(main())


async def load(port: int, token: str, clients: int, requests: int, pages: int) -> tuple[list[float], list[float], float]:
    """(first-page latencies, scrolled-page latencies, elapsed seconds)."""
    first: list[float] = []
    scrolled: list[float] = []
    left = requests
    headers = {"Authorization": f"Bearer {token}"}
    start_url = f"http://127.0.0.1:{port}/api/v1/timelines/home"

    async def client(http: aiohttp.ClientSession) -> None:
        nonlocal left
        while left > 0:
            url: str | None = start_url
            for page in range(pages + 1):
                if url is None or left <= 0:
                    break
                left -= 1
                started = time.perf_counter()
                async with http.get(url, headers=headers) as response:
                    body = await response.json()
                    assert response.status == 200 and len(body) == 20, (response.status, len(body))
                    link = NEXT_LINK.search(response.headers.get("Link", ""))
                (first if page == 0 else scrolled).append(time.perf_counter() - started)
                # Links carry the instance's public URL; ask the loopback port instead.
                url = link[1].replace(BASE_URL, f"http://127.0.0.1:{port}") if link else None

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as http:
        async with http.get(start_url, headers=headers) as response:  # warm up
            assert response.status == 200, await response.text()
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        return first, scrolled, time.perf_counter() - started


def describe(name: str, seconds: list[float]) -> str:
    ms = sorted(1000 * s for s in seconds)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return f"{name:<15} {len(ms):>6} requests  p50 {q[49]:6.1f} ms  p90 {q[89]:6.1f} ms  p99 {q[98]:6.1f} ms  max {ms[-1]:6.1f} ms"


async def main(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        started = time.perf_counter()
        token = await fill(settings_for(data_dir), options)
        print(f"filled {options.statuses} statuses by {options.authors} authors "
              f"(viewer follows {options.followed}) in {time.perf_counter() - started:.1f} s")
        parent, child = multiprocessing.get_context("spawn").Pipe()
        server = multiprocessing.get_context("spawn").Process(target=serve, args=(data_dir, child), daemon=True)
        server.start()
        try:
            port = parent.recv()
            for clients, requests in ((1, options.requests // 10), (options.clients, options.requests)):
                first, scrolled, elapsed = await load(port, token, clients, requests, options.pages)
                print(f"{clients} client(s), pages of 20, {(len(first) + len(scrolled)) / elapsed:.0f} requests/s")
                print(describe("  first page", first))
                print(describe("  scrolled page", scrolled))
        finally:
            parent.send("stop")
            server.join(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statuses", type=int, default=100_000)
    parser.add_argument("--authors", type=int, default=200)
    parser.add_argument("--followed", type=int, default=50)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--pages", type=int, default=4)
    asyncio.run(main(parser.parse_args()))
