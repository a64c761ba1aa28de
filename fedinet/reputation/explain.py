"""Why an actor has the trust it has: its top vouchers, the strongest path back to a seed, warnings."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

from fedinet.reputation.graph import VouchGraph
from fedinet.reputation.trust import TrustFlow


@dataclass(frozen=True)
class Contribution:
    """What one voucher passes to the actor: in trust units, and as a share of the actor's trust."""

    voucher: str
    trust: float
    share: float


@dataclass(frozen=True)
class Explanation:
    actor: str
    trust: float
    seed: bool
    seed_share: float  # the part that comes from being a seed
    contributors: list[Contribution]  # the largest first, at most `top`
    vouchers: int  # how many vouch for the actor
    path: list[str]  # from a seed to the actor, through the largest shares; empty if unreached
    dominant: Contribution | None  # set when one voucher provides more than the dominance share
    support: int = 2  # corroborated vouchers (a seed's vouch counts `needed`); ranked by it before the flow
    needed: int = 2  # the support that corroborates

    @property
    def corroborated(self) -> bool:
        return self.support >= self.needed

    @property
    def warnings(self) -> list[str]:
        warnings = []
        if self.dominant is not None:
            warnings.append(
                f"{self.dominant.share:.0%} of this trust comes from one voucher, {self.dominant.voucher}: "
                "if that vouch was a mistake, most of it is unfounded"
            )
        if not self.corroborated and self.path:
            warnings.append(
                f"not corroborated: {self.support} corroborated voucher(s) where {self.needed} are needed, "
                "so this actor ranks below every actor with more"
            )
        return warnings


def explain(
    graph: VouchGraph, flow: TrustFlow, unit: float, actor: str, *, top: int = 5, dominance: float = 0.5,
    trust: float | None = None, support: int = 2, needed: int = 2,
) -> Explanation:
    """Explain `actor` (a name in the graph; KeyError otherwise). `trust` is the published trust
    (the flow's `raw / unit` when not given); contributions are measured in the flow."""
    number = graph.index[actor]
    raw = flow.raw[number]
    is_seed = bool(np.isin(number, graph.seeds))
    seed_part = (1.0 - flow.keep) / len(graph.seeds) if is_seed else 0.0
    edges = graph.vouchers_of(number)
    amounts = flow.inflow(graph, edges)
    order = np.argsort(-amounts, kind="stable")[:top]
    contributors = [
        Contribution(graph.actors[graph.source[edges[i]]], float(amounts[i] / unit), _share(amounts[i], raw))
        for i in order
        if amounts[i] > 0
    ]
    dominant = None
    if not is_seed and contributors and contributors[0].share > dominance:
        dominant = contributors[0]
    return Explanation(
        actor, float(raw / unit) if trust is None else trust, is_seed, _share(seed_part, raw), contributors,
        len(edges), strongest_path(graph, flow, number), dominant, support, needed,
    )


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole > 0 else 0.0


def strongest_path(graph: VouchGraph, flow: TrustFlow, actor: int) -> list[str]:
    """The chain seed → … → actor whose product of shares is largest (Dijkstra on -log share,
    walking vouches backwards). Each share is the part of a link's trust that its voucher brings."""
    if not flow.reached[actor]:
        return []
    order = np.argsort(graph.target, kind="stable")
    starts = np.searchsorted(graph.target[order], np.arange(graph.size + 1))
    seeds = set(graph.seeds.tolist())
    cost, after = {actor: 0.0}, {actor: -1}
    queue = [(0.0, actor)]
    while queue:
        spent, node = heapq.heappop(queue)
        if node in seeds:
            return _names(graph, after, node)
        if spent > cost[node]:
            continue
        edges = order[starts[node] : starts[node + 1]]
        shares = np.minimum(flow.inflow(graph, edges) / flow.raw[node], 1.0)
        for voucher, share in zip(graph.source[edges].tolist(), shares.tolist(), strict=True):
            if share <= 0:
                continue
            total = spent - math.log(share)
            if total < cost.get(voucher, math.inf):
                cost[voucher], after[voucher] = total, node
                heapq.heappush(queue, (total, voucher))
    return []


def _names(graph: VouchGraph, after: dict[int, int], start: int) -> list[str]:
    path, node = [], start
    while node != -1:
        path.append(graph.actors[node])
        node = after[node]
    return path
