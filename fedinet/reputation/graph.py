"""The vouch graph: every actor numbered once, vouch edges as arrays (repeats counted once)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from fedinet.reputation.evidence import Evidence, Kind


@dataclass(frozen=True)
class VouchGraph:
    """Actors (every actor named by a record, and the seeds) and the distinct vouch edges between them."""

    actors: list[str]
    index: dict[str, int]
    seeds: np.ndarray  # actor numbers of the seeds
    source: np.ndarray  # vouch i: actors[source[i]] vouches for actors[target[i]]; sorted by source
    target: np.ndarray

    @property
    def size(self) -> int:
        return len(self.actors)

    def out_degree(self) -> np.ndarray:
        return np.bincount(self.source, minlength=self.size)

    def vouchers_of(self, actor: int) -> np.ndarray:
        """The edge numbers of the vouches for `actor`."""
        return np.flatnonzero(self.target == actor)

    def reached(self) -> np.ndarray:
        """Whether each actor can be reached from a seed along vouches (breadth-first, level by level)."""
        starts = np.searchsorted(self.source, np.arange(self.size + 1))
        seen = np.zeros(self.size, dtype=bool)
        seen[self.seeds] = True
        frontier = self.seeds
        while frontier.size:
            lengths = starts[frontier + 1] - starts[frontier]
            offsets = np.repeat(starts[frontier] - np.cumsum(lengths) + lengths, lengths)
            found = np.unique(self.target[offsets + np.arange(lengths.sum())])
            frontier = found[~seen[found]]
            seen[frontier] = True
        return seen


def build_graph(records: Iterable[Evidence], seeds: Iterable[str]) -> VouchGraph:
    """Number the actors in order of appearance (seeds first) and collect the distinct vouches."""
    index = {seed: number for number, seed in enumerate(dict.fromkeys(seeds))}
    seed_numbers = np.arange(len(index), dtype=np.int64)
    pairs: list[int] = []
    for record in records:
        source = index.setdefault(record.source, len(index))
        target = index.setdefault(record.target, len(index))
        if record.kind is Kind.VOUCH and source != target:
            pairs.append(source)
            pairs.append(target)
    size = len(index)
    edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    codes = np.unique(edges[:, 0] * size + edges[:, 1])  # distinct, sorted by source then target
    return VouchGraph(list(index), index, seed_numbers, codes // size, codes % size)
