"""Explanations: the top vouchers with their shares, the strongest path, the dominance warning."""

from __future__ import annotations

import pytest

from fedinet.reputation import Evidence, Kind, compute


def vouch(source: str, target: str) -> Evidence:
    return Evidence(Kind.VOUCH, source, target)


def test_names_the_top_voucher_the_path_and_warns_when_one_dominates() -> None:
    records = [vouch("founder", "bob"), vouch("founder", "alice"), vouch("alice", "bob"),
               vouch("bob", "carol"), vouch("alice", "carol")]
    why = compute(records, ["founder"]).explain("carol")
    # bob holds 0.105 + 0.7 * 0.105 / 2 and passes all of it to carol; alice passes half of her 0.105
    bob, alice = 0.7 * 0.14175, 0.7 * 0.105 / 2
    assert [c.voucher for c in why.contributors] == ["bob", "alice"]
    assert [c.share for c in why.contributors] == pytest.approx([bob / (bob + alice), alice / (bob + alice)])
    assert why.vouchers == 2
    assert why.path == ["founder", "bob", "carol"]
    assert why.dominant is not None and why.dominant.voucher == "bob"
    assert why.warnings == [
        "73% of this trust comes from one voucher, bob: if that vouch was a mistake, most of it is unfounded"
    ]


def test_no_warning_when_the_trust_is_spread() -> None:
    records = [vouch("founder", "ann"), vouch("founder", "ben"), vouch("ann", "dave"), vouch("ben", "dave")]
    why = compute(records, ["founder"]).explain("dave")
    assert [c.share for c in why.contributors] == pytest.approx([0.5, 0.5])
    assert why.dominant is None and why.warnings == []
    assert why.path in (["founder", "ann", "dave"], ["founder", "ben", "dave"])


def test_a_long_path_back_to_the_seed() -> None:
    records = [vouch("founder", "a"), vouch("a", "b"), vouch("b", "c"), vouch("c", "d"), vouch("x", "d")]
    why = compute(records, ["founder"]).explain("d")
    assert why.path == ["founder", "a", "b", "c", "d"]
    assert [c.voucher for c in why.contributors] == ["c"]  # x has no trust to pass on
    assert why.vouchers == 2


def test_seeds_and_unreached_actors() -> None:
    result = compute([vouch("founder", "a"), vouch("a", "founder"), vouch("x", "y")], ["founder"])
    seed = result.explain("founder")
    assert seed.seed and seed.path == ["founder"] and seed.dominant is None
    # founder = 0.3 + 0.7 a and a = 0.7 founder, so founder = 0.3 / 0.51
    assert seed.seed_share == pytest.approx(0.51)
    stranger = result.explain("y")
    assert stranger.trust == 0 and stranger.path == [] and stranger.contributors == []
    with pytest.raises(KeyError):
        result.explain("nobody")
