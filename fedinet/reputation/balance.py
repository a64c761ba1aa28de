"""Giver/taker balance from acknowledgments and the connector score from introduction outcomes.

Each record counts with the trust of the other party, capped at 1 (an average member), so
records from accounts without trust count zero. The k-th record of the same kind from the same
source about the same target counts 1/k: thanking the same helper ten times is worth about three
thanks (1 + 1/2 + … + 1/10 ≈ 2.9), not ten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from fedinet.reputation.evidence import Evidence, Kind


@dataclass(frozen=True)
class Ledger:
    """Per actor: weighted help given and received, and the connector score."""

    given: np.ndarray
    received: np.ndarray
    connector: np.ndarray

    @property
    def balance(self) -> np.ndarray:
        return self.given - self.received


def ledger(
    records: Iterable[Evidence], index: dict[str, int], weight: np.ndarray, *, not_helped: float
) -> Ledger:
    """Sum acknowledgments and outcomes. `weight` is each actor's weight in [0, 1];
    an outcome that did not help counts `not_helped` (a negative number, or 0)."""
    given, received, connector = (np.zeros(len(index)) for _ in range(3))
    repeats: dict[tuple[Kind, int, int], int] = {}
    for record in records:
        if record.kind is Kind.VOUCH:
            continue
        source, target = index[record.source], index[record.target]
        key = (record.kind, source, target)
        repeats[key] = count = repeats.get(key, 0) + 1
        if record.kind is Kind.ACKNOWLEDGMENT:
            # source was helped by target: target gave, source received
            given[target] += weight[source] / count
            received[source] += weight[target] / count
        else:
            connector[target] += weight[source] * (1.0 if record.helped else not_helped) / count
    return Ledger(given, received, connector)
