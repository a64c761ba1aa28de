"""Records in, scores out: trust, percentile, established, balance and connector score per actor."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from fedinet.reputation.balance import Ledger, ledger
from fedinet.reputation.evidence import Evidence
from fedinet.reputation.explain import Explanation, explain
from fedinet.reputation.graph import VouchGraph, build_graph
from fedinet.reputation.support import published, support
from fedinet.reputation.trust import TrustFlow, propagate


ENGINE_VERSION = 3  # raised whenever the same evidence and seeds give other scores; stored scores are then recomputed


@dataclass(frozen=True)
class Parameters:
    """The engine's knobs; docs/reputation.md explains each default."""

    restart: float = 0.3  # share of the seeds' budget injected each round; 1 - restart is passed on
    pass_cap: float = 1.0  # an actor other than a seed passes on at most this many even shares
    vouchers_needed: int = 2  # corroborated vouchers that corroborate an actor; fewer rank lower (1: no tiers)
    established: float = 0.1  # trust (1.0 = the median corroborated member) from which a corroborated actor is established
    not_helped: float = -0.5  # what an introduction outcome with "helped": false counts
    dominance: float = 0.5  # warn when one voucher provides more than this share of an actor's trust
    tolerance: float = 1e-10  # stop when the total change of raw trust in a round is below this
    max_rounds: int = 1000

    def __post_init__(self) -> None:
        if not 0 < self.restart < 1:
            raise ValueError("restart must be between 0 and 1")
        if self.pass_cap <= 0 or self.established < 0 or not 0 < self.dominance <= 1:
            raise ValueError("pass_cap must be positive, established non-negative, dominance in (0, 1]")
        if self.vouchers_needed < 1:
            raise ValueError("vouchers_needed must be at least 1")
        if self.not_helped > 0:
            raise ValueError("not_helped must be negative or zero")


@dataclass(frozen=True)
class ActorScore:
    actor: str
    trust: float
    percentile: float  # share of the other actors with lower trust, 0–100
    established: bool
    balance: float  # help given minus help received, weighted
    connector: float
    corroborated: bool = True  # vouched for by enough corroborated actors (or a seed); ranks above the rest

    def as_json(self) -> dict[str, object]:
        return {
            "actor": self.actor,
            "trust": round(self.trust, 6),
            "percentile": round(self.percentile, 2),
            "established": self.established,
            "balance": round(self.balance, 6),
            "connector": round(self.connector, 6),
        }


@dataclass(frozen=True)
class Reputation:
    """The scores of every actor named in the evidence or the seeds; arrays are by actor number."""

    graph: VouchGraph
    flow: TrustFlow
    unit: float  # the raw trust worth 1.0: the median corroborated actor other than the seeds
    trust: np.ndarray  # published: flow trust, each support tier squeezed below the tier above
    percentile: np.ndarray
    ledger: Ledger
    parameters: Parameters
    support: np.ndarray  # corroborated vouchers, 0..vouchers_needed; vouchers_needed = corroborated

    @cached_property
    def corroborated(self) -> np.ndarray:
        return self.support == self.parameters.vouchers_needed

    @cached_property
    def established(self) -> np.ndarray:
        """Corroborated, with trust above 0 and at least `parameters.established`."""
        return self.corroborated & (self.trust > 0) & (self.trust >= self.parameters.established)

    @property
    def actors(self) -> list[str]:
        return self.graph.actors

    def score(self, actor: str) -> ActorScore:
        """KeyError for an actor the evidence does not name."""
        return self._score(self.graph.index[actor])

    def scores(self) -> list[ActorScore]:
        """Every actor, the most trusted first (ties by name)."""
        order = sorted(range(self.graph.size), key=lambda n: (-self.trust[n], self.graph.actors[n]))
        return [self._score(n) for n in order]

    def explain(self, actor: str, top: int = 5) -> Explanation:
        """KeyError for an actor the evidence does not name."""
        number = self.graph.index[actor]
        return explain(
            self.graph, self.flow, self.unit, actor, top=top, dominance=self.parameters.dominance,
            trust=float(self.trust[number]), support=int(self.support[number]),
            needed=self.parameters.vouchers_needed,
        )

    def _score(self, n: int) -> ActorScore:
        return ActorScore(
            self.graph.actors[n], float(self.trust[n]), float(self.percentile[n]), bool(self.established[n]),
            float(self.ledger.balance[n]), float(self.ledger.connector[n]), bool(self.corroborated[n]),
        )


def compute(records: Sequence[Evidence], seeds: Iterable[str], parameters: Parameters | None = None) -> Reputation:
    """Score every actor from verified evidence and the instance's seeds (at least one)."""
    parameters = parameters or Parameters()
    graph = build_graph(records, seeds)
    if not graph.seeds.size:
        raise ValueError("at least one seed is needed")
    tiers = support(graph, parameters.vouchers_needed)
    corroborated = tiers == parameters.vouchers_needed
    flow = propagate(
        graph, restart=parameters.restart, pass_cap=parameters.pass_cap, shares=int(corroborated.sum()),
        tolerance=parameters.tolerance, max_rounds=parameters.max_rounds,
    )
    unit = trust_unit(graph, flow, corroborated)
    trust = published(flow.raw / unit, tiers)
    book = ledger(records, graph.index, np.minimum(trust, 1.0), not_helped=parameters.not_helped)
    return Reputation(graph, flow, unit, trust, percentiles(trust), book, parameters, tiers)


def trust_unit(graph: VouchGraph, flow: TrustFlow, corroborated: np.ndarray) -> float:
    """Raw trust worth 1.0: the median over corroborated actors other than the seeds (or the seeds'
    average). Fakes cannot move it by numbers, as they could an average over every reached actor:
    only corroborated actors count, and a median does not follow the few richest (the seeds' vouchees)."""
    members = corroborated & flow.reached
    members[graph.seeds] = False
    return float(np.median(flow.raw[members])) if members.any() else float(flow.raw[graph.seeds].mean())


def percentiles(values: np.ndarray) -> np.ndarray:
    """For each value, the percentage of the other values that are strictly lower."""
    if values.size < 2:
        return np.full(values.size, 100.0)
    below = np.searchsorted(np.sort(values), values, side="left")
    return 100.0 * below / (values.size - 1)
