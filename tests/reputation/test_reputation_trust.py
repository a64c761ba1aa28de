"""Trust: exact values on small graphs, the cap, and a sybil region behind one attack edge."""

from __future__ import annotations

import numpy as np
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


def clique_of(size: int, prefix: str = "x") -> list[Evidence]:
    return [vouch(f"{prefix}{i}", f"{prefix}{j}") for i in range(size) for j in range(size) if i != j]


def test_a_clique_behind_one_vouch_holds_its_inflow_over_restart_mostly_on_the_entry() -> None:
    # seed -> a; a vouches for b and for x0, the entry of a 5-clique; nothing is capped here
    # (pass_cap high), so everything follows from the inflow I = keep · passed(a) / 2:
    # entry = I (4 - 3 keep) / (4 - 3 keep - keep²) = 1.3475 I, each other member
    # keep · entry / (4 - 3 keep) = 0.4965 I, and the clique as a whole I / restart (keep = 0.7)
    records = [vouch("seed", "a"), vouch("a", "b"), vouch("a", "x0"), *clique_of(5)]
    result = compute(records, ["seed"], Parameters(pass_cap=100.0))
    inflow = 0.7 * raw(result, "a") / 2
    assert raw(result, "x0") == pytest.approx(inflow * 1.9 / 1.41)
    assert [raw(result, f"x{i}") for i in range(1, 5)] == pytest.approx([inflow * 0.7 / 1.41] * 4)
    assert sum(raw(result, f"x{i}") for i in range(5)) == pytest.approx(inflow / 0.3)


def at_or_above_p10(result, honest: list[str], fakes: list[str]) -> int:  # type: ignore[no-untyped-def]
    """How many fakes rank at or above the 10th-percentile honest actor."""
    floor = np.percentile([result.score(actor).trust for actor in honest], 10)
    return sum(result.score(fake).trust >= floor for fake in fakes)


def test_a_trusted_member_fooled_into_vouching_for_50_sybils_lifts_none_above_the_p10_member() -> None:
    # 20 members vouched for by the seed, each vouching for the next 3: an even community, where one
    # more vouch from a member brings under a fifth (0.175) of what the 10th-percentile member holds
    honest = [vouch("seed", f"h{i}") for i in range(20)]
    honest += [vouch(f"h{i}", f"h{(i + j) % 20}") for i in range(20) for j in (1, 2, 3)]
    result = compute([*honest, *clique_of(50), vouch("h0", "x0")], ["seed"])
    members = ["seed", *(f"h{i}" for i in range(20))]
    fakes = [f"x{i}" for i in range(50)]
    assert at_or_above_p10(result, members, fakes) == 0
    # with the 50 fakes reached, h0 holds more than one even share (1 / 71), so it is capped, and the
    # region gets a quarter of that cap
    index = result.graph.index
    assert float(result.flow.passed[index["h0"]]) == pytest.approx(1 / 71)
    assert sum(raw(result, fake) for fake in fakes) == pytest.approx(0.7 * (1 / 71) / 4 / 0.3)
    assert max(result.score(fake).trust for fake in fakes) == pytest.approx(result.score("x0").trust)
    assert result.score("x0").trust < 0.15 * min(result.score(f"h{i}").trust for i in range(20))


def test_the_limit_a_vouch_worth_more_than_twice_the_p10_member_lifts_a_whole_clique() -> None:
    # The known limit (docs/reputation.md, "the per-edge ranking target"): a member near the seed with
    # few vouches, in a community whose poorest members sit at the end of a long chain. Its one vouch
    # brings 15.7 times what the 10th-percentile member holds, so the whole 5-clique behind it (entry 1.35 I, the
    # others 0.50 I) ranks above the 10th-percentile member, exactly as an honest group of 5 would.
    chain = [f"c{i}" for i in range(12)]
    honest = [vouch("seed", "a"), vouch("a", "c0"), *(vouch(chain[i], chain[i + 1]) for i in range(11))]
    result = compute([*honest, *clique_of(5), vouch("a", "x0")], ["seed"])
    assert at_or_above_p10(result, ["seed", "a", *chain], [f"x{i}" for i in range(5)]) == 5
