"""The trust engine under sybil attack, and its speed on a million vouches.

Usage: python bench/reputation.py [--quick] [--members N] [--edges E]

Honest communities of `--members` members (default 5,000; `--quick` 1,000) with 5 seeds, built
two ways, each member joining with 2–4 vouches (and, as a sensitivity check, 1–4):
- power law: each newcomer is vouched for by members chosen in proportion to the vouches they
  gave, vouches back each of them with probability 0.3, and vouches for up to 4 members chosen in
  proportion to the vouches they received;
- clustered: communities of about 100; a newcomer is vouched for by members of its community,
  vouches back with probability 0.3, vouches for up to 5 of them and 1 member elsewhere; each new
  community's first member is vouched for by a member of an older one.
A sybil region as large as the community is attached by k attack edges (1, 10, 100): honest
members who vouch for a sybil, chosen at random ("random"), the k most trusted members other than
the seeds ("top"), the k most trusted actors with the seeds among them, each fooled once ("top+seeds"),
or the seeds alone, round robin ("seeds"); random attacks are averaged over 10 draws for k=1, 3 for k=10
and 2 for k=100. Layouts of the region:
- dense: each sybil vouches for 20 random sybils;
- sparse: a random tree of vouches, closed into a ring;
- leaves: no vouches among sybils; every attack edge ends at its own sybil;
- cliques: groups of 5 sybils all vouching for each other; every attack edge ends in its own group
  (the layout that best concentrates what an attack edge brings);
- mimic: the sybils copy the power-law community among themselves and each vouches for one random
  honest member, as newcomers do;
- corroborated: aimed at the engine's corroboration rule: groups of 20 sybils; attack edges come in
  threes per group, two on the group's first sybil and one on its second, and those two vouch for
  every other sybil of the group (which all vouch back), so 3 attack edges corroborate 20 sybils.
Printed per community and attack: the worst over layouts of the sybils' share of all trust (and of
the trust held by actors other than the seeds, which hold much of it) and of
the number of sybils ranked at or above the 10th-percentile honest member per attack edge (also
the worst over the first five layouts alone), the share of honest members reached (trust > 0),
established and corroborated, and what one more vouch from the
fooled members brings (before any sybil exists) as a multiple of the 10th-percentile honest
member's trust (the median over the fooled members): that ratio decides the per-edge count
(docs/reputation.md). Then: a ring of 1,000 fake accounts thanking each other; a chain of 100,000
fakes behind one attack edge, which must not move honest trust (volume); and the engine's time and
peak memory on a power-law graph of `--edges` vouches (default 1,000,000; `--quick` 200,000),
apart from the cost of reading them from a file.
Everything uses fixed random seeds.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fedinet.reputation import Evidence, Kind, Parameters, Reputation, compute, parse_evidence

SEEDS = 5
Edges = list[tuple[int, int]]
VOUCH, ACK = Kind.VOUCH, Kind.ACKNOWLEDGMENT
PARAMETERS = Parameters()
DRAWS = {1: 10, 10: 3, 100: 2}  # random attacks: the mean over this many draws


def power_law(members: int, rng: random.Random, vouchers: tuple[int, int], gives: int = 4) -> Edges:
    edges = [(a, b) for a in range(SEEDS) for b in range(SEEDS) if a != b]
    givers, takers = list(range(SEEDS)), list(range(SEEDS))
    for member in range(SEEDS, members):
        chosen = {givers[rng.randrange(len(givers))] for _ in range(rng.randint(*vouchers))}
        for voucher in chosen:
            edges.append((voucher, member))
            givers.append(voucher)
            takers.append(member)
            if rng.random() < 0.3:
                edges.append((member, voucher))
                givers.append(member)
                takers.append(voucher)
        for other in {takers[rng.randrange(len(takers))] for _ in range(rng.randint(0, gives))} - chosen - {member}:
            edges.append((member, other))
            givers.append(member)
            takers.append(other)
        givers.append(member)
        takers.append(member)
    return edges


def clustered(members: int, rng: random.Random, vouchers: tuple[int, int], size: int = 100) -> Edges:
    edges = [(a, b) for a in range(SEEDS) for b in range(SEEDS) if a != b]
    groups: list[list[int]] = [[seed] for seed in range(SEEDS)]
    wanted = max(SEEDS, members // size)
    for member in range(SEEDS, members):
        if len(groups) < wanted and rng.random() < 1.2 * wanted / members:
            group: list[int] = []
            chosen = {rng.choice(rng.choice(groups))}
            groups.append(group)
        else:
            group = rng.choice(groups)
            chosen = {rng.choice(group) for _ in range(rng.randint(*vouchers))}
        for voucher in chosen:
            edges.append((voucher, member))
            if rng.random() < 0.3:
                edges.append((member, voucher))
        others = {rng.choice(group) for _ in range(rng.randint(0, 5))} if group else set()
        others |= {rng.choice(other)} if (other := rng.choice(groups)) else set()
        edges.extend((member, o) for o in others - chosen - {member})
        group.append(member)
    return edges


@dataclass(frozen=True)
class Layout:
    name: str
    edges: Callable[[int, random.Random], Edges]  # among sybils 0..n-1
    entry: Callable[[int, int, random.Random], int]  # where attack edge i of k lands
    to_honest: bool = False  # each sybil also vouches for one random honest member


LAYOUTS = [
    Layout("dense", lambda n, r: [(s, r.randrange(n)) for s in range(n) for _ in range(20)],
           lambda i, n, r: r.randrange(n)),
    Layout("sparse", lambda n, r: [(r.randrange(s), s) for s in range(1, n)] + [(n - 1, 0)],
           lambda i, n, r: r.randrange(n)),
    Layout("leaves", lambda n, r: [], lambda i, n, r: i),
    Layout("cliques", lambda n, r: [(g + a, g + b) for g in range(0, n - 4, 5) for a in range(5) for b in range(5)],
           lambda i, n, r: 5 * i),
    Layout("mimic", lambda n, r: power_law(n, r, (2, 4)), lambda i, n, r: r.randrange(n), to_honest=True),
    Layout("corroborated",
           lambda n, r: [(g + a, g + b) for g in range(0, n - 19, 20) for a in (0, 1) for b in range(20) if a != b]
           + [(g + b, g + a) for g in range(0, n - 19, 20) for a in (0, 1) for b in range(2, 20)],
           lambda i, n, r: 20 * (i // 3) + (i % 3 == 2)),
]
ADAPTIVE = "corroborated"  # the layout aimed at corroboration; the per-edge column also shows the worst without it


def vouches(edges: Edges, prefix_from: str, prefix_to: str) -> list[Evidence]:
    return [Evidence(VOUCH, f"{prefix_from}{a}", f"{prefix_to}{b}") for a, b in edges if a != b]


@dataclass
class Outcome:
    share: float  # of all trust
    above_per_edge: float
    reached: float
    established: float
    corroborated: float = 1.0
    share_outside_seeds: float = 0.0  # of the trust held by actors other than the seeds


def measure(result: Reputation, members: int, sybils: int, k: int) -> Outcome:
    index = result.graph.index
    numbers = [index[f"h{i}"] for i in range(members)]
    honest = result.trust[numbers]
    fake = np.array([result.trust[index[f"s{i}"]] for i in range(sybils) if f"s{i}" in index])
    floor = np.percentile(honest, 10)
    total = float(result.trust.sum())
    outside_seeds = total - float(result.trust[result.graph.seeds].sum())
    return Outcome(
        float(fake.sum() / total) if fake.size else 0.0,
        float((fake >= floor).sum() / k) if k else 0.0,
        float((honest > 0).mean()),
        float(result.established[numbers].mean()),
        float(result.corroborated[numbers].mean()),
        float(fake.sum() / outside_seeds) if fake.size else 0.0,
    )


def attack_rows(name: str, honest_edges: Edges, members: int, ks: list[int]) -> list[str]:
    seeds = [f"h{i}" for i in range(SEEDS)]
    honest = vouches(honest_edges, "h", "h")
    base = compute(honest, seeds, PARAMETERS)
    trust = np.array([base.trust[base.graph.index[f"h{i}"]] for i in range(members)])
    alone = measure(base, members, 0, 0)
    rows = [
        (
            f"{name}: {len(honest):,} vouches; alone: reached {alone.reached:.2%}, "
            f"established {alone.established:.2%}, corroborated {alone.corroborated:.2%}"
        )
    ]
    by_trust = [int(i) for i in np.argsort(-trust, kind="stable")]
    members_by_trust = [i for i in by_trust if i >= SEEDS]
    numbers = np.array([base.graph.index[f"h{i}"] for i in range(members)])
    bring = vouch_worth(base, numbers)
    regions = {}
    for layout in LAYOUTS:
        rng = random.Random(3)
        region = vouches(layout.edges(members, rng), "s", "s")
        if layout.to_honest:
            region += [Evidence(VOUCH, f"s{s}", f"h{rng.randrange(members)}") for s in range(members)]
        regions[layout.name] = region
    for k in ks:
        for aim in ("random", "top", "top+seeds", "seeds"):
            worst = Outcome(0.0, 0.0, 1.0, 1.0)
            worst_layout = ["", ""]
            worst_standard = 0.0  # per edge, over the layouts other than the adaptive one
            draws = DRAWS.get(k, 1) if aim == "random" else 1
            all_fooled: list[int] = []
            for layout in LAYOUTS:
                got = Outcome(0.0, 0.0, 1.0, 1.0)
                for draw in range(draws):
                    rng = random.Random(1000 * draw + k)
                    fooled = {
                        "random": rng.sample(range(members), k),
                        "top": members_by_trust[:k],
                        "top+seeds": by_trust[:k],
                        "seeds": [i % SEEDS for i in range(k)],
                    }[aim]
                    if layout is LAYOUTS[0]:
                        all_fooled += fooled
                    attack = [
                        Evidence(VOUCH, f"h{f}", f"s{layout.entry(i, members, rng)}") for i, f in enumerate(fooled)
                    ]
                    result = compute(honest + regions[layout.name] + attack, seeds, PARAMETERS)
                    one = measure(result, members, members, k)
                    got.share += one.share / draws
                    got.share_outside_seeds += one.share_outside_seeds / draws
                    got.above_per_edge += one.above_per_edge / draws
                    got.reached = min(got.reached, one.reached)
                    got.established = min(got.established, one.established)
                    got.corroborated = min(got.corroborated, one.corroborated)
                if layout.name != ADAPTIVE:
                    worst_standard = max(worst_standard, got.above_per_edge)
                if got.share >= worst.share:
                    worst.share, worst_layout[0] = got.share, layout.name
                worst.share_outside_seeds = max(worst.share_outside_seeds, got.share_outside_seeds)
                if got.above_per_edge >= worst.above_per_edge:
                    worst.above_per_edge, worst_layout[1] = got.above_per_edge, layout.name
                worst.reached = min(worst.reached, got.reached)
                worst.established = min(worst.established, got.established)
                worst.corroborated = min(worst.corroborated, got.corroborated)
            rows.append(
                f"  k={k:<4} {aim:<9} sybil share {worst.share:8.3%} ({worst_layout[0]:<12}; "
                f"outside the seeds {worst.share_outside_seeds:8.3%})  "
                f"sybils >= p10 honest per edge {worst.above_per_edge:6.2f} ({worst_layout[1] or '-':<12}; "
                f"without {ADAPTIVE} {worst_standard:6.2f})  "
                f"honest reached {worst.reached:7.2%}  established {worst.established:7.2%}  "
                f"corroborated {worst.corroborated:7.2%}  "
                f"a vouch brings {float(np.median(bring[all_fooled])):8.2f} x p10"
            )
    return rows


def vouch_worth(result: Reputation, honest: np.ndarray) -> np.ndarray:
    """For each honest member: the raw trust that one more vouch from it would bring each round
    (keep · passed / (vouches + 1)), over the 10th-percentile honest member's raw trust."""
    flow, degree = result.flow, result.graph.out_degree()
    floor = float(np.percentile(flow.raw[honest], 10))
    return flow.keep * flow.passed[honest] / (degree[honest] + 1) / floor


def ring_of_fakes(members: int) -> list[str]:
    """1,000 fake accounts vouching for and thanking the next one around a ring."""
    honest = vouches(power_law(members, random.Random(5), (2, 4)), "h", "h")
    ring = [Evidence(kind, f"s{i}", f"s{(i + 1) % 1000}") for i in range(1000) for kind in (VOUCH, ACK)]
    rows = []
    attacked = [Evidence(VOUCH, "h42", "s0")]
    for label, extra in (("no attack edge", []), ("one attack edge from a random member", attacked)):
        result = compute(honest + ring + extra, [f"h{i}" for i in range(SEEDS)], PARAMETERS)
        balances = [result.score(f"s{i}").balance for i in range(1000)]
        rows.append(
            f"  ring, {label}: best fake balance {max(balances):.6f}, sum over the ring {sum(balances):.6f}, "
            f"fakes with positive balance {sum(b > 0 for b in balances)}"
        )
    return rows


def volume(members: int, fakes: int = 100_000) -> list[str]:
    """A huge region of fakes (a chain, so every one is reached) behind one attack edge: trust is
    published in units of the median corroborated member, so honest trust should not move."""
    honest = vouches(power_law(members, random.Random(5), (2, 4)), "h", "h")
    seeds = [f"h{i}" for i in range(SEEDS)]
    region = [Evidence(VOUCH, "h42", "s0")] + [Evidence(VOUCH, f"s{i}", f"s{i + 1}") for i in range(fakes - 1)]
    before, after = compute(honest, seeds, PARAMETERS), compute(honest + region, seeds, PARAMETERS)
    names = [f"h{i}" for i in range(members)]
    old = np.array([before.score(n).trust for n in names])
    new = np.array([after.score(n).trust for n in names])
    fakes_established = sum(after.score(f"s{i}").established for i in range(fakes))
    return [
        f"  {fakes:,} fakes in a chain behind one attack edge: largest change of an honest member's trust "
        f"{float(np.max(np.abs(new - old) / old)):.2%}, honest established "
        f"{np.mean([before.score(n).established for n in names]):.2%} -> "
        f"{np.mean([after.score(n).established for n in names]):.2%}, fakes established {fakes_established}"
    ]


def speed(edges_wanted: int) -> list[str]:
    rng = random.Random(11)
    members = int(edges_wanted / 5.1)
    edges = power_law(members, rng, (2, 4))[:edges_wanted]
    records = vouches(edges, "h", "h")
    seeds = [f"h{i}" for i in range(SEEDS)]
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = compute(records, seeds, PARAMETERS)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    compute(records, seeds, PARAMETERS)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    engine = (
        f"  engine: {len(records):,} vouches among {result.graph.size:,} actors, {result.flow.rounds} rounds: "
        f"{min(times):.2f} s (median of 3: {statistics.median(times):.2f} s), peak memory {peak / 2**20:.0f} MiB"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    rows = [engine, f"  whole process so far, with the {len(records):,} records in memory: peak RSS {rss:.0f} MiB"]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "evidence.jsonl"
        with path.open("w", encoding="utf-8") as file:
            for record in records:
                file.write(json.dumps({"kind": record.kind.value, "from": record.source, "to": record.target}) + "\n")
        start = time.perf_counter()
        with path.open(encoding="utf-8") as file:
            parsed = parse_evidence(file, str(path))
        elapsed = time.perf_counter() - start
        rows.append(
            f"  reading the same as an evidence file ({path.stat().st_size / 2**20:.0f} MiB of JSON Lines): "
            f"{elapsed:.2f} s for {len(parsed.records):,} records"
        )
    return rows


def main() -> None:
    global PARAMETERS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 members, 200,000 vouches for the speed test")
    parser.add_argument("--members", type=int)
    parser.add_argument("--edges", type=int)
    parser.add_argument("--vouchers", choices=["2-4", "1-4"], action="append", help="join with this many vouches")
    parser.add_argument("--restart", type=float, default=PARAMETERS.restart)
    parser.add_argument("--pass-cap", type=float, default=PARAMETERS.pass_cap)
    parser.add_argument("--vouchers-needed", type=int, default=PARAMETERS.vouchers_needed,
                        help="corroborated vouchers needed to rank with the corroborated (1: flow trust only)")
    parser.add_argument("--attacks-only", action="store_true", help="skip the ring and the speed test")
    options = parser.parse_args()
    PARAMETERS = Parameters(restart=options.restart, pass_cap=options.pass_cap, vouchers_needed=options.vouchers_needed)
    members = options.members or (1000 if options.quick else 5000)
    edges = options.edges or (200_000 if options.quick else 1_000_000)
    ks = [1, 10, 100]
    start = time.perf_counter()
    print(f"restart {PARAMETERS.restart}, pass cap {PARAMETERS.pass_cap}, established from {PARAMETERS.established}, "
          f"vouchers needed {PARAMETERS.vouchers_needed}")
    for vouchers in [tuple(map(int, v.split("-"))) for v in options.vouchers or ["2-4", "1-4"]]:
        print(f"== {members:,} honest members joining with {vouchers[0]}–{vouchers[1]} vouches, "
              f"sybil regions of {members:,}, worst over {len(LAYOUTS)} layouts")
        for name, make in (("power law", power_law), ("clustered", clustered)):
            for row in attack_rows(name, make(members, random.Random(1), vouchers), members, ks):
                print(row, flush=True)
    if options.attacks_only:
        return
    print("== giver/taker balance")
    for row in ring_of_fakes(members):
        print(row)
    print("== volume")
    for row in volume(members):
        print(row, flush=True)
    print("== speed (one core)")
    for row in speed(edges):
        print(row, flush=True)
    print(f"(whole run {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
