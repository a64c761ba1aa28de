"""What hangs on each of the seeds' vouches: the admins' view for catching a fooled seed.

All trust starts at the seeds and reaches everyone else through their vouches, so each vouch from
a seed to an actor other than a seed carries a share of all the trust outside the seeds. A vouch
whose actor no other corroborated actor vouches for is the seed's judgement alone (docs/reputation.md,
"Fooled seeds").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from fedinet.reputation.engine import Reputation


@dataclass(frozen=True)
class SeedVouch:
    seed: str
    actor: str
    share: float  # of the trust that enters through all the seeds' vouches, 0–1
    other_vouchers: int  # corroborated actors other than this seed that vouch for the actor


def seed_vouches(result: Reputation) -> list[SeedVouch]:
    """Every vouch from a seed to an actor who is not a seed, the largest share first."""
    graph, flow = result.graph, result.flow
    is_seed = np.zeros(graph.size, dtype=bool)
    is_seed[graph.seeds] = True
    edges = np.flatnonzero(is_seed[graph.source] & ~is_seed[graph.target])
    if not edges.size:
        return []
    inflow = flow.inflow(graph, edges)
    total = float(inflow.sum())
    corroborated_vouches = np.bincount(
        graph.target[result.corroborated[graph.source]], minlength=graph.size
    )
    rows = [
        SeedVouch(
            graph.actors[graph.source[edge]], graph.actors[graph.target[edge]],
            float(amount / total) if total > 0 else 0.0,
            int(corroborated_vouches[graph.target[edge]]) - 1,
        )
        for edge, amount in zip(edges, inflow, strict=True)
    ]
    return sorted(rows, key=lambda row: (-row.share, row.seed, row.actor))
