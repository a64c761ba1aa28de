"""Trust: personalised PageRank from the seeds along vouches, each voucher's outflow split and capped.

Every round each actor passes on `1 - restart` of the trust it holds, split evenly among the
actors it vouches for; the seeds receive `restart` of the budget (1, split evenly among them).
An actor other than a seed passes on at most `pass_cap` even shares (`pass_cap / corroborated`,
the number of corroborated actors, which fake accounts cannot inflate by numbers), so a highly
trusted member fooled into vouching for a fake account leaks little. Trust that reaches
an actor who vouches for no one stays there. The rounds stop when the total change is below
`tolerance`: the map shrinks errors by `1 - restart` a round, so that takes O(log 1/tolerance) rounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fedinet.reputation.graph import VouchGraph


@dataclass(frozen=True)
class TrustFlow:
    """The fixed point: raw trust (in units of the seeds' budget) and what each actor passes on."""

    raw: np.ndarray
    passed: np.ndarray  # per round, before the split: raw for seeds, min(raw, cap) for the others
    edge_share: np.ndarray  # per vouch: 1 / (the voucher's number of vouches)
    reached: np.ndarray  # reachable from a seed along vouches (the same as raw > 0)
    keep: float  # 1 - restart
    rounds: int

    def inflow(self, graph: VouchGraph, edges: np.ndarray) -> np.ndarray:
        """The raw trust that each of these vouches brings its target every round."""
        return self.keep * self.passed[graph.source[edges]] * self.edge_share[edges]


def propagate(
    graph: VouchGraph, *, restart: float, pass_cap: float, shares: int, tolerance: float, max_rounds: int
) -> TrustFlow:
    """Iterate trust to its fixed point (or `max_rounds`); an even share is 1 / `shares`."""
    size, keep = graph.size, 1.0 - restart
    budget = np.zeros(size)
    budget[graph.seeds] = restart / len(graph.seeds)
    edge_share = 1.0 / graph.out_degree()[graph.source]
    reached = graph.reached()
    cap = pass_cap / max(shares, 1)
    raw, rounds = budget, 0
    for rounds in range(1, max_rounds + 1):
        inflow = np.bincount(graph.target, weights=_passed(raw, graph, cap)[graph.source] * edge_share, minlength=size)
        new = budget + keep * inflow
        change = float(np.abs(new - raw).sum())
        raw = new
        if change < tolerance:
            break
    return TrustFlow(raw, _passed(raw, graph, cap), edge_share, reached, keep, rounds)


def _passed(raw: np.ndarray, graph: VouchGraph, cap: float) -> np.ndarray:
    passed = np.minimum(raw, cap)
    passed[graph.seeds] = raw[graph.seeds]
    return passed
