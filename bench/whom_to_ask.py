"""Whom-to-ask latency on a synthetic network: p50 and p99 over a few dozen asks (SQLite, warm).

Usage: python bench/whom_to_ask.py [--members N] [--asks A] [--connections C] [--rounds R]
                                   [--seed S] [--data-dir DIR]

A fresh SQLite instance in a temporary directory is filled with SQLAlchemy core inserts:
`--members` actors (60% members here, 40% on 20 other servers) who follow each other along a
power law (out-degrees from a Pareto distribution, followees chosen in proportion to a Zipf
popularity, ~20 follows each on average); 8% of them with an open offer on 1–3 of 60 topics
(also Zipf: #topic0 is the most common), 80% public, 15% followers-only, 5% direct;
100,000 ordinary posts, one in five tagged with the same topics; 2 vouches per member (half
naming topics), 1.5 acknowledgments (signed documents of ~1 KB, as stored), 0.1 connected
introductions; market profiles for 15%;
trust scores for 75%. The asker has `--connections` connections (follows both ways, vouches,
an introduction) and replies exchanged with some of them, and posts `--asks` asks on popular
and rare topics.

Each ask is run once to warm the caches, then every ask `--rounds` times through
`services.whom_to_ask.suggest` in-process (what the API handler calls; the HTTP layer adds
the rendering of at most 20 accounts). Printed: the fill time, the sizes (first degree,
topical people, ties loaded), latency p50 / p90 / p99 / max, and the time per phase.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from fedinet.clock import utc_now
from fedinet.config import Settings, load_settings
from fedinet.ids import new_id
from fedinet.market import whom_to_ask as ranking
from fedinet.market.vocabulary import topic_keys
from fedinet.services import accounts, proposals
from fedinet.services import whom_to_ask as service
from fedinet.services.instance import set_up_database
from fedinet.store.database import Database
from fedinet.store.models import (
    Account,
    Actor,
    Evidence,
    EvidenceTopic,
    Follow,
    Introduction,
    MarketProfile,
    MarketProfileTopic,
    Mention,
    Proposal,
    ReputationScore,
    Status,
    StatusTag,
)

BASE_URL = "https://bench.example"
TOPICS = [f"topic{n}" for n in range(60)]
BATCH = 5000
PROOF = "z" + "3" * 900  # stored documents are signed JSON of about a kilobyte: rows of real size
Rows = list[dict[str, Any]]


def settings_for(data_dir: Path) -> Settings:
    return load_settings(environ={}, data_dir=data_dir, base_url=BASE_URL, rate_limits=False)


class Generator:
    def __init__(self, rng: random.Random, ids: list[int]) -> None:
        self.rng = rng
        self.ids = ids
        popularity = [1 / (rank + 10) ** 1.1 for rank in range(len(ids))]
        self.popular = list(ids)
        rng.shuffle(self.popular)
        self.weights = popularity
        self.topic_weights = [1 / (rank + 2) for rank in range(len(TOPICS))]

    def followees(self, count: int) -> set[int]:
        return set(self.rng.choices(self.popular, weights=self.weights, k=count))

    def topics(self, most: int) -> list[str]:
        return sorted(set(self.rng.choices(TOPICS, weights=self.topic_weights, k=self.rng.randint(1, most))))

    def out_degree(self) -> int:
        return min(2000, int(self.rng.paretovariate(1.6) * 8))


async def _insert(session: Any, model: Any, rows: Rows) -> None:
    for start in range(0, len(rows), BATCH):
        await session.execute(insert(model.__table__), rows[start : start + BATCH])


async def fill(db: Database, settings: Settings, options: argparse.Namespace) -> tuple[Any, list[int]]:
    """The asker's account and the ids of their asks."""
    await set_up_database(db, settings)
    asker = await accounts.create_account(db, settings, "asker", "bench password")
    rng = random.Random(options.seed)
    now = utc_now()
    local = int(options.members * 0.6)
    actors: Rows = []
    for n in range(options.members):
        domain = "bench.example" if n < local else f"remote{n % 20}.example"
        uri = f"https://{domain}/users/m{n}"
        actors.append({
            "uri": uri, "actor_type": "Person", "username": f"m{n}", "domain": domain, "is_local": n < local,
            "inbox_url": f"{uri}/inbox", "display_name": f"Member {n}",
        })
    async with db.transaction() as session:
        await _insert(session, Actor, actors)
        ids = list(await session.scalars(select(Actor.id).where(Actor.username.like("m%")).order_by(Actor.id)))
        await _insert(session, Account, [
            {"actor_id": actor_id, "username": f"m{n}", "password_hash": "x", "role": "member",
             "suspended_at": now if n % 500 == 7 else None}
            for n, actor_id in enumerate(ids[:local])
        ])
        gen = Generator(rng, ids)
        me = asker.actor_id

        # Follows along a power law, and the asker's connections.
        pairs: set[tuple[int, int]] = set()
        for follower in ids:
            for followee in gen.followees(gen.out_degree()):
                if followee != follower:
                    pairs.add((follower, followee))
        connections = rng.sample(ids, options.connections)
        for index, other in enumerate(connections):
            if index % 5 != 4:
                pairs.add((me, other))
            if index % 5 != 0:
                pairs.add((other, me))
        await _insert(session, Follow, [
            {"follower_id": a, "followee_id": b, "uri": f"https://bench.example/follows/{a}-{b}", "state": "accepted",
             "accepted_at": now}
            for a, b in pairs
        ])

        # Offers, ordinary posts (some tagged alike), replies exchanged with the asker.
        statuses: Rows = []
        tags: Rows = []
        mentions: Rows = []
        offers: Rows = []
        for index, author in enumerate(rng.sample(ids, int(options.members * 0.08))):
            status_id = unique_id(now - timedelta(days=rng.randint(0, 60)))
            visibility = rng.choices(["public", "private", "direct"], weights=[80, 15, 5])[0]
            statuses.append(_status(status_id, author, visibility, now))
            offers.append({"status_id": status_id, "purpose": "offer", "name": f"Offer {index}", "state": "open"})
            tags += [{"status_id": status_id, "name": topic} for topic in gen.topics(3)]
            if visibility == "direct" and index % 2:
                mentions.append({"status_id": status_id, "actor_uri": asker.actor.uri, "name": "@asker"})
        for index in range(100_000):
            status_id = unique_id(now - timedelta(minutes=index))
            statuses.append(_status(status_id, rng.choice(gen.popular), "public", now))
            if index % 5 == 0:
                tags += [{"status_id": status_id, "name": topic} for topic in gen.topics(2)]
        my_posts = []
        for index in range(200):
            status_id = unique_id(now - timedelta(hours=index))
            my_posts.append(f"https://bench.example/users/asker/statuses/{status_id}")
            statuses.append(_status(status_id, me, "public", now, uri=my_posts[-1]))
        for index in range(300):
            other_post = statuses[rng.randrange(len(statuses) - 200)]
            statuses.append(_status(unique_id(now - timedelta(hours=index)), me, "public", now, reply_to=other_post["uri"]))
            statuses.append(_status(unique_id(now - timedelta(hours=index)), rng.choice(connections), "public", now, reply_to=rng.choice(my_posts)))
        await _insert(session, Status, statuses)
        await _insert(session, Proposal, offers)
        await _insert(session, StatusTag, tags)
        await _insert(session, Mention, mentions)

        # Evidence: vouches (half naming topics), acknowledgments; connected introductions.
        evidence: Rows = []
        for n in range(options.members * 2):
            author, subject = rng.choice(ids), rng.choice(gen.popular[: len(ids) // 2])
            topics = gen.topics(2) if n % 2 else []
            evidence.append(_evidence(n, "vouch", author, subject, topics, now - timedelta(days=rng.randint(0, 700))))
        for n in range(int(options.members * 1.5)):
            author, subject = rng.choice(ids), rng.choice(gen.popular[: len(ids) // 3])
            evidence.append(_evidence(10**7 + n, "acknowledgment", author, subject, [], now - timedelta(days=rng.randint(0, 700))))
        for n, other in enumerate(connections[:10]):
            evidence.append(_evidence(10**8 + n, "vouch", me, other, gen.topics(2), now))
        evidence = [row for row in evidence if row["author_id"] != row["subject_id"]]
        await _insert(session, Evidence, evidence)
        stored = await session.execute(select(Evidence.id, Evidence.topics).where(Evidence.kind == "vouch"))
        await _insert(session, EvidenceTopic, [
            {"evidence_id": evidence_id, "topic": topic} for evidence_id, topics in stored for topic in topic_keys(topics)
        ])
        introductions = [
            {"id": unique_id(now), "connector_id": rng.choice(ids), "introduced_id": rng.choice(ids), "target_id": rng.choice(ids),
             "state": "connected", "created_at": now, "updated_at": now - timedelta(days=rng.randint(0, 400))}
            for _ in range(options.members // 10)
        ]
        introductions.append({"id": unique_id(now), "connector_id": ids[1], "introduced_id": me, "target_id": connections[0],
                              "state": "connected", "created_at": now, "updated_at": now})
        await _insert(session, Introduction, introductions)

        # Market profiles, trust scores.
        profiled = rng.sample(ids[:local], int(options.members * 0.15))
        await _insert(session, MarketProfile, [
            {"actor_id": actor_id, "approach": "Message me first.", "audience": rng.choice(["public", "followers", "members"]),
             "updated_at": now}
            for actor_id in profiled
        ])
        await _insert(session, MarketProfileTopic, [
            {"actor_id": actor_id, "kind": kind, "topic": topic, "position": position}
            for actor_id in profiled for kind in ("offer", "seek")
            for position, topic in enumerate(gen.topics(5))
        ])
        scored = rng.sample(ids, int(options.members * 0.75))
        await _insert(session, ReputationScore, [
            {"actor_id": actor_id, "trust": rng.random() / 1000, "percentile": 100 * rank / len(scored),
             "established": rng.random() < 0.6, "balance": 0.0, "connector": 0.0, "computed_at": now}
            for rank, actor_id in enumerate(scored)
        ])
    asks = []
    topic_sets = [[TOPICS[n]] for n in range(0, 60, 3)] + [[TOPICS[n], TOPICS[n + 7]] for n in range(0, 40, 2)]
    for topics in topic_sets[: options.asks]:
        status = await proposals.publish(db, settings, asker, kind="ask", name=f"Help with {' '.join(topics)}", topics=topics)
        asks.append(status.id)
    return asker, asks


_USED_IDS: set[int] = set()


def unique_id(at: datetime) -> int:
    """An id as `fedinet.ids.new_id` makes them, never one given before (bulk fills collide)."""
    found = new_id(at)
    while found in _USED_IDS:
        found += 1
    _USED_IDS.add(found)
    return found


def _status(status_id: int, author: int, visibility: str, now: datetime, uri: str | None = None, reply_to: str | None = None) -> dict[str, Any]:
    uri = uri or f"https://bench.example/statuses/{status_id}"
    return {
        "id": status_id, "uri": uri, "actor_id": author, "is_local": False, "url": uri, "content": "<p>" + "words " * 60 + "</p>",
        "summary": "", "sensitive": False, "visibility": visibility, "in_reply_to_uri": reply_to,
        "addressed_to": [], "published_at": now,
    }


def _evidence(n: int, kind: str, author: int, subject: int, topics: list[str], at: datetime) -> dict[str, Any]:
    uri = f"https://bench.example/evidence/{n}"
    return {
        "uri": uri, "kind": kind, "author_id": author, "subject_id": subject, "activity_uri": f"{uri}/activity",
        "topics": topics, "content": "", "document": json.dumps({"id": uri, "proof": PROOF}), "published_at": at,
        "received_at": at,
    }


def describe(seconds: list[float]) -> str:
    ms = sorted(1000 * s for s in seconds)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return f"{len(ms)} asks: p50 {q[49]:.1f} ms  p90 {q[89]:.1f} ms  p99 {q[98]:.1f} ms  max {ms[-1]:.1f} ms"


async def main(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as directory:
        settings = settings_for(Path(options.data_dir or directory))
        db = Database(settings.database_url)
        started = time.perf_counter()
        if options.data_dir and (Path(options.data_dir) / "asks.json").exists():  # filled before
            asks = json.loads((Path(options.data_dir) / "asks.json").read_text())
            async with db.session() as session:
                asker = await session.scalar(select(Account).where(Account.username == "asker"))
        else:
            asker, asks = await fill(db, settings, options)
            if options.data_dir:
                (Path(options.data_dir) / "asks.json").write_text(json.dumps(asks))
            print(f"filled {options.members} members in {time.perf_counter() - started:.1f} s")
        async with db.session() as session:  # the sizes, for one popular and one rare ask
            me = await session.get(Actor, asker.actor_id)
            for label, topics in (("popular", ("topic0",)), ("rare", ("topic57",))):
                market, _ = await service.gather(session, me, ranking.Ask(me.id, topics, utc_now()))
                first = {t.target if t.source == me.id else t.source for t in market.ties if t.kind == ranking.FOLLOW and me.id in (t.source, t.target)}
                print(f"  #{topics[0]} ({label}): follows touching the asker {len(first)}, offers {len(market.offers)}, "
                      f"profiles {len(market.profiles)}, vouches {len(market.vouches)}, ties {len(market.ties)}, "
                      f"people {len(market.people)}")
        for status_id in asks:  # warm up
            await service.suggest(db, asker, status_id)
        timings: dict[str, float] = {}
        latencies = []
        for _ in range(options.rounds):
            for status_id in asks:
                begun = time.perf_counter()
                result = await service.suggest(db, asker, status_id, timings=timings)
                latencies.append(time.perf_counter() - begun)
                assert result.found, "every ask should find someone"
        print(describe(latencies))
        total = sum(timings.values())
        print("time per phase: " + ", ".join(
            f"{phase} {100 * spent / total:.0f}%" for phase, spent in sorted(timings.items(), key=lambda item: -item[1])
        ))
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--asks", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", help="keep the filled database here, and reuse it next time")
    asyncio.run(main(parser.parse_args()))
