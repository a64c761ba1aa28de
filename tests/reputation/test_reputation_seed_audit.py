"""What hangs on each seed vouch: shares of the trust entering the community, and who has no
other corroborated voucher."""

from __future__ import annotations

import pytest

from fedinet.reputation import Evidence, Kind, compute, seed_vouches


def vouch(source: str, target: str) -> Evidence:
    return Evidence(Kind.VOUCH, source, target)


def test_each_seed_vouch_carries_its_share_and_says_who_else_vouches() -> None:
    records = [
        vouch("s1", "s2"),  # between seeds: not listed
        vouch("s1", "a"), vouch("s1", "b"), vouch("s2", "a"), vouch("s2", "fake"),
        vouch("a", "b"), vouch("b", "c"), vouch("fake", "x"),
    ]
    rows = seed_vouches(compute(records, ["s1", "s2"]))
    by_pair = {(row.seed, row.actor): row for row in rows}
    assert set(by_pair) == {("s1", "a"), ("s1", "b"), ("s2", "a"), ("s2", "fake")}
    # s1 splits its outflow three ways (s2, a, b), s2 two ways (a, fake), and s2 holds more (s1's
    # vouch): so each of s2's vouches carries more than each of s1's; together they are all of it
    assert sum(row.share for row in rows) == pytest.approx(1.0)
    assert by_pair[("s2", "fake")].share == pytest.approx(by_pair[("s2", "a")].share)
    assert by_pair[("s2", "fake")].share > by_pair[("s1", "a")].share == pytest.approx(by_pair[("s1", "b")].share)
    assert [row.actor for row in rows[:2]] == ["a", "fake"]  # the largest first (ties by seed, actor)
    # a: the other seed; b: a (corroborated by the seeds); fake: nobody else
    assert (by_pair[("s1", "a")].other_vouchers, by_pair[("s1", "b")].other_vouchers) == (1, 1)
    assert by_pair[("s2", "fake")].other_vouchers == 0


def test_no_seed_vouches_no_rows() -> None:
    assert seed_vouches(compute([vouch("a", "b")], ["seed"])) == []
