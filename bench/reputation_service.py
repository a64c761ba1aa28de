"""Reputation on a running instance: a full recompute from the database, and how long it holds
up the event loop that serves requests.

Usage: python bench/reputation_service.py [--actors N] [--vouches V] [--database-url URL]

A fresh instance (SQLite in a temporary directory, or an empty PostgreSQL database given by
`--database-url`) is filled with SQLAlchemy core inserts: `--actors` actors (default 50,000;
half members here, half on 20 other servers), `--vouches` verified vouches (default 250,000)
along a power law (each new actor vouched for by 2–4 earlier ones chosen in proportion to the
vouches they gave), one acknowledgment for every five vouches, signed documents of about a
kilobyte as stored. Then `services.reputation.recompute` runs three times while a ticker task
sleeps 5 ms in a loop on the same event loop: printed are the time of each phase (reading the
evidence, computing, storing the scores) and the longest the ticker was held up, which is how
long a request to the same process would have waited.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from fedinet.clock import utc_now
from fedinet.config import Settings, load_settings
from fedinet.services import accounts
from fedinet.services import reputation as service
from fedinet.services.instance import set_up_database
from fedinet.store.database import Database
from fedinet.store.models import Actor, Evidence

BASE_URL = "https://bench.example"
BATCH = 5000
PROOF = "z" + "3" * 900


def settings_for(data_dir: Path, database_url: str | None) -> Settings:
    environ = {"FEDINET_DATABASE_URL": database_url} if database_url else {}
    return load_settings(environ=environ, data_dir=data_dir, base_url=BASE_URL, rate_limits=False)


async def fill(db: Database, settings: Settings, actors: int, vouches: int) -> None:
    await set_up_database(db, settings)
    founder = await accounts.create_account(db, settings, "founder", "bench password", role="admin")
    rows = []
    for n in range(actors):
        domain = "bench.example" if n % 2 else f"remote{n % 20}.example"
        uri = f"https://{domain}/users/a{n}"
        rows.append({"uri": uri, "actor_type": "Person", "username": f"a{n}", "domain": domain,
                     "is_local": domain == "bench.example", "inbox_url": f"{uri}/inbox"})
    async with db.transaction() as session:
        for start in range(0, len(rows), BATCH):
            await session.execute(insert(Actor.__table__), rows[start : start + BATCH])
        ids = [founder.actor_id, *await session.scalars(select(Actor.id).where(Actor.username.like("a%")).order_by(Actor.id))]
        pairs = _power_law(ids, vouches, random.Random(7))
        at = utc_now()
        evidence = [_evidence(n, "vouch", a, b, at) for n, (a, b) in enumerate(pairs)]
        evidence += [_evidence(len(pairs) + n, "acknowledgment", b, a, at) for n, (a, b) in enumerate(pairs[::5])]
        for start in range(0, len(evidence), BATCH):
            await session.execute(insert(Evidence.__table__), evidence[start : start + BATCH])


def _power_law(ids: list[int], wanted: int, rng: random.Random) -> list[tuple[int, int]]:
    givers, pairs, seen = [ids[0]], [], set()
    for member in ids[1:]:
        for _ in range(rng.randint(2, 4)):
            voucher = givers[rng.randrange(len(givers))]
            if (voucher, member) not in seen:
                seen.add((voucher, member))
                pairs.append((voucher, member))
                givers.append(voucher)
        givers.append(member)
    while len(pairs) < wanted:  # more vouches among those already there
        a, b = givers[rng.randrange(len(givers))], ids[rng.randrange(len(ids))]
        if a != b and (a, b) not in seen:
            seen.add((a, b))
            pairs.append((a, b))
    return pairs[:wanted]


def _evidence(n: int, kind: str, author: int, subject: int, at: Any) -> dict[str, Any]:
    uri = f"https://bench.example/evidence/{n}"
    return {"uri": uri, "kind": kind, "author_id": author, "subject_id": subject, "activity_uri": f"{uri}/activity",
            "topics": [], "content": "", "document": json.dumps({"id": uri, "proof": PROOF}),
            "published_at": at, "received_at": at}


async def measure(db: Database, settings: Settings) -> str:
    phases: dict[str, float] = {}
    last = [time.perf_counter()]

    def progress(phase: str, done: int, total: int) -> None:
        if done == total and phase not in phases:
            now = time.perf_counter()
            phases[phase] = now - last[0]
            last[0] = now

    held = [0.0]
    running = True

    async def ticker() -> None:
        while running:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            held[0] = max(held[0], time.perf_counter() - before - 0.005)

    task = asyncio.create_task(ticker())
    start = last[0] = time.perf_counter()
    run = await service.recompute(db, settings, progress)
    total = time.perf_counter() - start
    running = False
    await task
    parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases.items())
    return f"  {run.records:,} records, {run.actors:,} scores: {total:.2f} s ({parts}); event loop held up at most {held[0]:.2f} s"


async def main(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as directory:
        settings = settings_for(Path(directory), options.database_url)
        db = Database(settings.database_url)
        try:
            start = time.perf_counter()
            await fill(db, settings, options.actors, options.vouches)
            print(f"filled {settings.database_url.split(':')[0]}: {options.actors:,} actors, {options.vouches:,} vouches "
                  f"in {time.perf_counter() - start:.0f} s")
            runs = [await measure(db, settings) for _ in range(3)]
            print("\n".join(runs))
        finally:
            await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=50_000)
    parser.add_argument("--vouches", type=int, default=250_000)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite in a temporary directory)")
    asyncio.run(main(parser.parse_args()))
