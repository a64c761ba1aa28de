"""Trust: exact values on small graphs, the cap, corroboration, and sybil regions behind attack edges."""

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
    unit = 0.21  # 1.0 = the median corroborated actor other than the seed: a alone
    assert result.score("a").trust == pytest.approx(1.0)
    # a is corroborated (a seed's vouch suffices); b has one corroborated voucher (a), c none (b is not
    # corroborated). Each tier's flow trust t is published as t·f / (t + f) below the lowest published
    # trust f of the tier above: b's below a's, c's below b's.
    assert [result.score(x).corroborated for x in ("seed", "a", "b", "c")] == [True, True, False, False]
    assert [int(result.support[result.graph.index[x]]) for x in ("seed", "a", "b", "c")] == [2, 2, 1, 0]
    b = 0.147 * 0.21 / (0.147 + 0.21)
    assert result.score("b").trust == pytest.approx(b / unit)
    assert result.score("c").trust == pytest.approx(0.1029 * b / (0.1029 + b) / unit)
    assert [row.actor for row in result.scores()] == ["seed", "a", "b", "c"]
    # vouchers_needed=1 publishes the flow trust itself
    flat = compute([vouch("seed", "a"), vouch("a", "b"), vouch("b", "c")], ["seed"], Parameters(vouchers_needed=1))
    # (every reached actor is corroborated, so the unit is the median of a, b and c: b's 0.147)
    assert flat.score("c").trust == pytest.approx(0.1029 / 0.147) and flat.score("c").corroborated


def test_percentile_and_established() -> None:
    records = [vouch("seed", "a"), vouch("a", "b"), vouch("b", "c"), vouch("x", "y")]
    result = compute(records, ["seed"], Parameters(established=0.9, vouchers_needed=1))
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
    # 2 actors corroborated (the seed and a); cap = 0.4 / 2 = 0.2 raw, below a's 0.21
    result = compute([vouch("seed", "a"), vouch("a", "b"), vouch("b", "c")], ["seed"], Parameters(pass_cap=0.4))
    assert raw(result, "a") == pytest.approx(0.21)
    assert raw(result, "b") == pytest.approx(0.7 * 0.2)
    assert raw(result, "c") == pytest.approx(0.7 * 0.14)


def test_an_even_share_counts_the_corroborated_actors_so_fakes_cannot_shrink_it() -> None:
    honest = [vouch("seed", "a"), vouch("a", "b"), vouch("b", "c")]
    chain = [vouch("a", "x0"), *(vouch(f"x{i}", f"x{i + 1}") for i in range(999))]
    alone = compute(honest, ["seed"], Parameters(pass_cap=0.4))
    attacked = compute([*honest, *chain], ["seed"], Parameters(pass_cap=0.4))
    # 1,000 more actors reached, still 2 corroborated: a passes the same 0.2, now split two ways...
    assert float(attacked.flow.passed[attacked.graph.index["a"]]) == pytest.approx(0.2)
    assert raw(attacked, "b") == pytest.approx(0.7 * 0.2 / 2)
    # ... and the published unit (the median corroborated member, a) is unchanged
    assert attacked.unit == alone.unit == pytest.approx(0.21)


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
    # that is what an honest newcomer vouched for by h3 would bring with it: here, among 11 honest
    # actors, 7% of all trust for the 50 fakes together
    share = sum(result.score(f"x{i}").trust for i in range(50)) / float(result.trust.sum())
    assert share < 0.075


def test_sybils_without_an_attack_edge_get_nothing() -> None:
    sybils = [vouch(f"x{i}", f"x{j}") for i in range(20) for j in range(20) if i != j]
    result = compute([vouch("seed", "a"), *sybils], ["seed"])
    assert all(result.score(f"x{i}").trust == 0 for i in range(20))


def test_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="restart"):
        Parameters(restart=1.0)
    with pytest.raises(ValueError, match="not_helped"):
        Parameters(not_helped=0.5)
    with pytest.raises(ValueError, match="vouchers_needed"):
        Parameters(vouchers_needed=0)
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
    # h0 holds less than one even share (1 / 21: the 50 fakes are not corroborated, so they do not
    # count), so it passes all it holds, and the region gets a quarter of that
    index = result.graph.index
    held = raw(result, "h0")
    assert held < 1 / 21 and float(result.flow.passed[index["h0"]]) == pytest.approx(held)
    assert sum(raw(result, fake) for fake in fakes) == pytest.approx(0.7 * held / 4 / 0.3)
    assert max(result.score(fake).trust for fake in fakes) == pytest.approx(result.score("x0").trust)
    assert result.score("x0").trust < 0.2 * min(result.score(f"h{i}").trust for i in range(20))


def test_the_limit_a_vouch_worth_more_than_twice_the_p10_member_lifts_a_whole_clique() -> None:
    # The known limit (docs/reputation.md, "the per-edge ranking target"): a member near the seed with
    # few vouches, in a community whose poorest members sit at the end of a long chain. Its one vouch
    # brings 15.7 times what the 10th-percentile member holds, so the whole 5-clique behind it (entry 1.35 I, the
    # others 0.50 I) ranks above the 10th-percentile member, exactly as an honest group of 5 would.
    # Corroboration does not help here: the chain's members have one voucher each, so they are not
    # corroborated either, and among the uncorroborated the flow decides.
    chain = [f"c{i}" for i in range(12)]
    honest = [vouch("seed", "a"), vouch("a", "c0"), *(vouch(chain[i], chain[i + 1]) for i in range(11))]
    result = compute([*honest, *clique_of(5), vouch("a", "x0")], ["seed"])
    assert at_or_above_p10(result, ["seed", "a", *chain], [f"x{i}" for i in range(5)]) == 5


def test_corroboration_needs_two_corroborated_vouchers_or_a_seed() -> None:
    records = [
        vouch("seed", "a"), vouch("seed", "c"),  # a seed's vouch suffices
        vouch("a", "b"), vouch("c", "b"),  # two corroborated vouchers
        vouch("a", "d"),  # one
        vouch("b", "e"), vouch("d", "e"),  # one corroborated, one not
        vouch("b", "f"), vouch("e", "f"), vouch("d", "f"),  # one corroborated and two that are not
        vouch("x", "y"),  # unreached
    ]
    result = compute(records, ["seed"])
    assert {a for a in result.actors if result.score(a).corroborated} == {"seed", "a", "b", "c"}
    assert int(result.corroborated.sum()) == 4
    # published trust ranks every corroborated actor above every other one
    lowest = min(result.score(a).trust for a in ("seed", "a", "b", "c"))
    assert max(result.score(a).trust for a in ("d", "e", "f", "x", "y")) < lowest
    assert result.score("x").trust == 0.0 and result.score("y").trust == 0.0


def test_corroboration_cascades_generation_by_generation() -> None:
    # a ladder: each rung is vouched for by the two rungs before it
    rungs = [f"r{i}" for i in range(10)]
    records = [vouch("seed", "r0"), vouch("seed", "r1"), vouch("r0", "r1")]
    records += [vouch(rungs[i - j], rungs[i]) for i in range(2, 10) for j in (1, 2)]
    result = compute(records, ["seed"])
    assert all(result.score(r).corroborated for r in rungs)
    # with 3 needed, a seed's vouch still suffices but r2 has only r0 and r1
    strict = compute(records, ["seed"], Parameters(vouchers_needed=3))
    assert [strict.score(r).corroborated for r in rungs] == [True, True] + [False] * 8


def corroborated_community() -> list[Evidence]:
    """The seed vouches for h0 and h1; member i is vouched for by members i - 1 and i - 2: every one of
    the 30 members is corroborated, and the last ones hold little trust."""
    records = [vouch("seed", "h0"), vouch("seed", "h1"), vouch("h0", "h1")]
    records += [vouch(f"h{i - j}", f"h{i}") for i in range(2, 30) for j in (1, 2)]
    return records


def test_a_clique_behind_one_vouch_from_the_most_trusted_member_ranks_below_every_corroborated_member() -> None:
    honest = corroborated_community()
    members = ["seed", *(f"h{i}" for i in range(30))]
    fakes = [f"x{i}" for i in range(5)]
    result = compute([*honest, *clique_of(5), vouch("h0", "x0")], ["seed"])
    assert all(result.score(m).corroborated for m in members)
    assert not any(result.score(f).corroborated for f in fakes)
    # in the flow, the entry holds far more than the poorest members ...
    flow = compute([*honest, *clique_of(5), vouch("h0", "x0")], ["seed"], Parameters(vouchers_needed=1))
    assert at_or_above_p10(flow, members, fakes) == 5
    # ... but none of the fakes is published above the poorest corroborated member
    assert at_or_above_p10(result, members, fakes) == 0
    assert max(result.score(f).trust for f in fakes) < min(result.score(m).trust for m in members)
    # the explanation says why
    why = result.explain("x0")
    assert why.warnings[-1].startswith("not corroborated") and not why.corroborated
    assert why.trust == result.score("x0").trust  # the published trust
    assert not any(w.startswith("not corroborated") for w in result.explain("h29").warnings)


def test_behind_one_attack_edge_only_the_entry_ranks_with_the_newcomers_who_have_one_voucher() -> None:
    # Newcomers n0..n9 each have one voucher, a corroborated member: support 1, not corroborated. A
    # 5-clique behind one vouch from the most trusted member: its entry has support 1 too, the other
    # fakes none, so they rank below every newcomer whatever the flow brings them.
    honest = corroborated_community() + [vouch(f"h{20 + i}", f"n{i}") for i in range(10)]
    newcomers = [f"n{i}" for i in range(10)]
    fakes = [f"x{i}" for i in range(5)]
    result = compute([*honest, *clique_of(5), vouch("h0", "x0")], ["seed"])
    support = {actor: int(result.support[result.graph.index[actor]]) for actor in [*newcomers, *fakes]}
    assert [support[n] for n in newcomers] == [1] * 10 and [support[f] for f in fakes] == [1, 0, 0, 0, 0]
    lowest_newcomer = min(result.score(n).trust for n in newcomers)
    assert max(result.score(f).trust for f in fakes[1:]) < lowest_newcomer
    # in the flow alone, every fake holds more than the poorest newcomer
    flow = compute([*honest, *clique_of(5), vouch("h0", "x0")], ["seed"], Parameters(vouchers_needed=1))
    assert min(flow.score(f).trust for f in fakes) > min(flow.score(n).trust for n in newcomers)
    assert result.explain("x0").warnings[-1].startswith("not corroborated: 1 corroborated voucher(s) where 2")
    assert result.explain("x1").warnings[-1].startswith("not corroborated: 0 corroborated voucher(s) where 2")


def test_two_fooled_members_vouching_for_the_same_fake_corroborate_it() -> None:
    # The limit of corroboration: two attack edges on one fake corroborate it, and corroborated fakes
    # corroborate others. Here x0 and x1 vouch for a whole group: 2 attack edges on x0 corroborate x0
    # alone, a third on x1 corroborates x1 (x0 and h2) and then everyone in the group.
    honest = corroborated_community()
    group = [f"x{i}" for i in range(8)]
    inside = [vouch(e, g) for e in ("x0", "x1") for g in group if g != e]
    attack = [vouch("h0", "x0"), vouch("h1", "x0"), vouch("h2", "x1")]
    two = compute([*honest, *inside, *attack[:2]], ["seed"])
    assert [two.score(g).corroborated for g in group] == [True] + [False] * 7
    three = compute([*honest, *inside, *attack], ["seed"])
    assert all(three.score(g).corroborated for g in group)
