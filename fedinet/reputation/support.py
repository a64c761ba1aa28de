"""Corroboration: how many corroborated actors vouch for each actor, and the tiers that makes.

The seeds are corroborated. Another actor is corroborated once `needed` corroborated actors
vouch for it; a seed's vouch counts `needed` on its own. This is bootstrap percolation: it
spreads from the seeds, generation by generation, and each vouch is looked at once (when its
voucher becomes corroborated), so it takes linear time. An actor that stays short of `needed`
keeps the count it reached, its **support**. The engine ranks actors by support first (a
corroborated actor above one with one corroborated voucher, above one with none) and by flow
within each tier (docs/reputation.md, "Corroboration").
"""

from __future__ import annotations

import numpy as np

from fedinet.reputation.graph import VouchGraph


def support(graph: VouchGraph, needed: int) -> np.ndarray:
    """Each actor's support, 0..`needed`: `needed` for a corroborated actor (seeds included),
    otherwise the number of corroborated actors that vouch for it. `needed` = 1: every actor a
    seed reaches along vouches has 1."""
    size = graph.size
    starts = np.searchsorted(graph.source, np.arange(size + 1))
    count = np.zeros(size, dtype=np.int64)
    done = np.zeros(size, dtype=bool)
    done[graph.seeds] = True
    frontier, weight = graph.seeds, needed  # a seed's vouch suffices on its own
    while frontier.size:
        lengths = starts[frontier + 1] - starts[frontier]
        offsets = np.repeat(starts[frontier] - np.cumsum(lengths) + lengths, lengths)
        targets = graph.target[offsets + np.arange(lengths.sum())]
        count += weight * np.bincount(targets, minlength=size)
        weight = 1
        frontier = np.flatnonzero((count >= needed) & ~done)
        done[frontier] = True
    return np.where(done, needed, np.minimum(count, needed - 1))


def published(trust: np.ndarray, tiers: np.ndarray) -> np.ndarray:
    """The trust to publish: unchanged in the top tier (the seeds' tier); in each lower tier,
    squeezed below the lowest published trust `f` of the tier above by t·f / (t + f), which keeps
    the order within the tier and never exceeds t."""
    out = trust.copy()
    levels = np.unique(tiers)[::-1]
    floor = float(trust[tiers == levels[0]].min())
    for level in levels[1:]:
        members = tiers == level
        values = trust[members]
        out[members] = values * floor / (values + floor) if floor > 0 else 0.0
        floor = float(out[members].min())
    return out
