"""Giver/taker balance and connector score: weighted by trust, diminishing per pair."""

from __future__ import annotations

import pytest

from fedinet.reputation import Evidence, Kind, compute

VOUCH, ACK, OUTCOME = Kind.VOUCH, Kind.ACKNOWLEDGMENT, Kind.OUTCOME


def test_repeated_acknowledgments_from_one_pair_diminish() -> None:
    # seed -> h only: h is the one reached member, so h's trust is exactly 1.0; the seed's is above 1
    records = [Evidence(VOUCH, "seed", "h"), *[Evidence(ACK, "seed", "h")] * 3]
    result = compute(records, ["seed"])
    assert result.score("h").trust == pytest.approx(1.0)
    assert result.score("h").balance == pytest.approx(1 + 1 / 2 + 1 / 3)
    assert result.score("seed").balance == pytest.approx(-(1 + 1 / 2 + 1 / 3))


def test_each_pair_diminishes_separately_and_weighs_by_the_other_partys_trust() -> None:
    records = [
        Evidence(VOUCH, "seed", "h"),
        Evidence(VOUCH, "seed", "k"),
        Evidence(ACK, "seed", "h"),
        Evidence(ACK, "k", "h"),
        Evidence(ACK, "k", "h"),
    ]
    result = compute(records, ["seed"])
    weight_k = min(1.0, result.score("k").trust)
    assert result.score("h").balance == pytest.approx(1 + weight_k * 1.5)


def test_a_ring_of_fake_accounts_thanking_each_other_earns_nothing() -> None:
    ring = [Evidence(kind, f"x{i}", f"x{(i + 1) % 30}") for i in range(30) for kind in (VOUCH, ACK)]
    result = compute([Evidence(VOUCH, "seed", "h"), Evidence(ACK, "h", "seed"), *ring], ["seed"])
    assert [result.score(f"x{i}").balance for i in range(30)] == [0.0] * 30
    assert result.score("seed").balance > 0


def test_thanks_from_an_account_without_trust_count_zero() -> None:
    result = compute([Evidence(VOUCH, "seed", "h"), Evidence(ACK, "stranger", "h")], ["seed"])
    assert result.score("h").balance == 0.0


def test_connector_score_counts_helped_and_not_helped() -> None:
    records = [
        Evidence(VOUCH, "seed", "c"),
        Evidence(OUTCOME, "seed", "c", helped=True),
        Evidence(OUTCOME, "seed", "c", helped=True),
        Evidence(OUTCOME, "seed", "c", helped=False),
        Evidence(OUTCOME, "stranger", "c", helped=True),
    ]
    result = compute(records, ["seed"])
    assert result.score("c").connector == pytest.approx(1 + 1 / 2 - 0.5 / 3)
    assert result.score("c").balance == 0.0


def test_a_ring_behind_an_attack_edge_creates_no_balance_in_total() -> None:
    # one honest member vouches for a fake: the ring gains some trust, so thanks inside it weigh
    # something, but each thanks adds to one fake's "given" what it adds to another's "received"
    ring = [Evidence(kind, f"x{i}", f"x{(i + 1) % 30}") for i in range(30) for kind in (VOUCH, ACK)]
    records = [Evidence(VOUCH, "seed", "h"), Evidence(VOUCH, "h", "x0"), *ring]
    result = compute(records, ["seed"])
    balances = [result.score(f"x{i}").balance for i in range(30)]
    assert result.score("x0").trust > 0
    assert sum(balances) == pytest.approx(0.0, abs=1e-12)
    assert max(balances) <= 1.0
