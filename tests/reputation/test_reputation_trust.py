"""Trust: exact values on small graphs, the cap, and a sybil region behind one attack edge."""

from __future__ import annotations

import pytest

from fedinet.reputation import Evidence, Kind, Parameters, compute


def vouch(source: str, target: str) -> Evidence:
    return Evidence(Kind.VOUCH, source, target)


def raw(result, actor: str) -> float:  # type: ignore[no-untyped-def]
    return float(result.flow.raw[result.graph.index[actor]])


def test_a_chain_passes_decreasing_trust() -> None:
    result = compute([vouch("seed", "a"), vouch("a", "b"), vouch("b", "c")], ["seed"])
    # the seed holds its restart share (0.3); each link passes on 1 - 0.3 of what it holds
    assert [raw(result, actor) for actor in ("seed", "a", "b", "c")] == pytest.approx([0.3, 0.21, 0.147, 0.1029])
    unit = (0.21 + 0.147 + 0.1029) / 3  # 1.0 = the average reached actor other than the seed
    assert result.score("a").trust == pytest.approx(0.21 / unit)
    assert result.score("c").trust == pytest.approx(0.1029 / unit)
    assert [row.actor for row in result.scores()] == ["seed", "a", "b", "c"]


def test_percentile_and_established() -> None:
    records = [vouch("seed", "a"), vouch("a", "b"), vouch("b", "c"), vouch("x", "y")]
    result = compute(records, ["seed"], Parameters(established=0.9))
    scores = {row.actor: row for row in result.scores()}
    assert scores["seed"].percentile == 100.0
    assert scores["a"].percentile == 80.0  # higher than 4 of the 5 others
    assert scores["x"].percentile == 0.0 and scores["y"].percentile == 0.0
    assert [a for a, row in scores.items() if row.established] == ["seed", "a", "b"]  # c: 0.67 < 0.9
    assert scores["x"].trust == 0.0 and not scores["x"].established


def test_outflow_is_split_among_vouchees_and_repeats_count_once() -> None:
    result = compute([vouch("seed", "a"), vouch("seed", "b"), vouch("seed", "a")], ["seed"])
    assert raw(result, "a") == pytest.approx(0.3 * 0.7 / 2)
    assert raw(result, "b") == pytest.approx(0.3 * 0.7 / 2)


def test_only_vouches_pass_trust() -> None:
    records = [
        Evidence(Kind.ACKNOWLEDGMENT, "seed", "helper"),
        Evidence(Kind.OUTCOME, "seed", "connector", helped=True),
        vouch("stranger", "friend"),
    ]
    result = compute(records, ["seed"])
    assert [result.score(a).trust for a in ("helper", "connector", "stranger", "friend")] == [0, 0, 0, 0]


def test_an_actor_other_than_a_seed_passes_on_at_most_the_cap() -> None:
    # 4 actors reached; cap = 0.4 / 4 = 0.1 raw, below a's 0.21
    result = compute([vouch("seed", "a"), vouch("a", "b"), vouch("b", "c")], ["seed"], Parameters(pass_cap=0.4))
    assert raw(result, "a") == pytest.approx(0.21)
    assert raw(result, "b") == pytest.approx(0.7 * 0.1)
    assert raw(result, "c") == pytest.approx(0.7 * 0.07)


def test_several_seeds_share_the_budget() -> None:
    result = compute([vouch("s1", "a"), vouch("s2", "a")], ["s1", "s2"])
    assert raw(result, "s1") == pytest.approx(0.15)
    assert raw(result, "a") == pytest.approx(0.7 * 0.15 * 2)


def test_a_sybil_region_behind_one_attack_edge_gets_bounded_trust() -> None:
    honest = [vouch("seed", f"h{i}") for i in range(10)] + [vouch(f"h{i}", f"h{(i + 1) % 10}") for i in range(10)]
    sybils = [vouch(f"x{i}", f"x{j}") for i in range(50) for j in range(50) if i != j]
    result = compute([*honest, *sybils, vouch("h3", "x0")], ["seed"])
    index = result.graph.index
    fake = [float(result.flow.raw[index[f"x{i}"]]) for i in range(50)]
    # all the region ever gets is h3's half of what it passes on, kept for 1 / restart rounds
    bound = 0.7 * float(result.flow.passed[index["h3"]]) / 2 / 0.3
    assert sum(fake) == pytest.approx(bound, rel=1e-6)
    assert max(result.score(f"x{i}").trust for i in range(50)) < min(result.score(f"h{i}").trust for i in range(10))
    share = sum(result.score(f"x{i}").trust for i in range(50)) / float(result.trust.sum())
    assert share < 0.035  # 50 sybils against 11 honest actors


def test_sybils_without_an_attack_edge_get_nothing() -> None:
    sybils = [vouch(f"x{i}", f"x{j}") for i in range(20) for j in range(20) if i != j]
    result = compute([vouch("seed", "a"), *sybils], ["seed"])
    assert all(result.score(f"x{i}").trust == 0 for i in range(20))


def test_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="restart"):
        Parameters(restart=1.0)
    with pytest.raises(ValueError, match="not_helped"):
        Parameters(not_helped=0.5)
    with pytest.raises(ValueError, match="seed"):
        compute([vouch("a", "b")], [])
