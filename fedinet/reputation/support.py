"""Corroboration: which actors are vouched for by enough independently corroborated actors.

The seeds are corroborated. Another actor is corroborated once `needed` corroborated actors
vouch for it; a seed's vouch counts `needed` on its own. This is bootstrap percolation: it
spreads from the seeds, generation by generation, and each vouch is looked at once (when its
voucher becomes corroborated), so it takes linear time. The engine ranks every corroborated
actor above every other one (docs/reputation.md, "Corroboration").
"""

from __future__ import annotations

import numpy as np

from fedinet.reputation.graph import VouchGraph


def corroborated(graph: VouchGraph, needed: int) -> np.ndarray:
    """Whether each actor is corroborated. `needed` = 1: everyone a seed reaches along vouches."""
    size = graph.size
    starts = np.searchsorted(graph.source, np.arange(size + 1))
    support = np.zeros(size, dtype=np.int64)
    done = np.zeros(size, dtype=bool)
    done[graph.seeds] = True
    frontier, weight = graph.seeds, needed  # a seed's vouch suffices on its own
    while frontier.size:
        lengths = starts[frontier + 1] - starts[frontier]
        offsets = np.repeat(starts[frontier] - np.cumsum(lengths) + lengths, lengths)
        targets = graph.target[offsets + np.arange(lengths.sum())]
        support += weight * np.bincount(targets, minlength=size)
        weight = 1
        frontier = np.flatnonzero((support >= needed) & ~done)
        done[frontier] = True
    return done


def published(trust: np.ndarray, corroborated: np.ndarray) -> np.ndarray:
    """The trust to publish: unchanged for corroborated actors; for the others, squeezed below
    the lowest corroborated trust `f` by t·f / (t + f), which keeps their order among themselves
    and never exceeds t."""
    floor = float(trust[corroborated].min())
    out = trust.copy()
    rest = ~corroborated
    out[rest] = trust[rest] * floor / (trust[rest] + floor) if floor > 0 else 0.0
    return out
