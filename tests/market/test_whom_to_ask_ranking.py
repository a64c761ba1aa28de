"""The pure whom-to-ask ranking: the formula of fedinet.market.whom_to_ask, with exact numbers."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from fedinet.market.whom_to_ask import (
    ACKNOWLEDGMENT,
    FOLLOW,
    INTRODUCTION,
    REPLY,
    Ask,
    Market,
    Offer,
    Person,
    Profile,
    Tie,
    Vouch,
    rank,
)

NOW = datetime(2026, 11, 24, tzinfo=UTC)
ANN, CARL, CONSULTANT, FRED = 1, 2, 3, 4  # the asker, a shared contact, a consultant, a friend
SEO = frozenset({"seo"})


def s(raw: float) -> float:
    """Relationship strength from the raw sum of tie weights."""
    return 1 - math.exp(-raw / 3)


def step(strength: float) -> float:
    return 0.6 + 0.4 * strength


def follow(a: int, b: int) -> Tie:
    return Tie(a, b, FOLLOW)


def people(*entries: tuple[int, str] | Person) -> dict[int, Person]:
    found = {}
    for entry in entries:
        person = entry if isinstance(entry, Person) else Person(*entry)
        found[person.id] = person
    return found


def seo_ask(*topics: str) -> Ask:
    return Ask(ANN, topics or ("seo",), NOW)


def the_story() -> Market:
    """Ann follows Carl; Carl follows a consultant (open #seo offer) and vouches for her #seo;
    Ann and Fred follow each other, and Fred's profile says he can help with #seo."""
    return Market(
        people=people(
            (ANN, "Ann"), (CARL, "Carl"), Person(CONSULTANT, "Connie", 87.4, True), (FRED, "Fred"),
        ),
        ties=[
            follow(ANN, CARL), follow(CARL, CONSULTANT), follow(ANN, FRED), follow(FRED, ANN),
        ],
        helped={CONSULTANT: 3},  # three people acknowledged her help
        vouches=[Vouch(CARL, CONSULTANT, frozenset({"seo", "content"}))],
        offers=[Offer(CONSULTANT, frozenset({"seo", "ads"}))],
        profiles=[Profile(FRED, frozenset({"seo"}))],
    )


def test_a_second_degree_consultant_with_an_offer_and_a_vouch_ranks_above_a_friend() -> None:
    consultant, fred = rank(seo_ask(), the_story())

    assert consultant.person == CONSULTANT and consultant.degree == 2 and consultant.via == (CARL,)
    assert consultant.reasons == (
        "offers #seo",
        "vouched for #seo by Carl",
        "helped 3 people",
        "trusted (87th percentile)",
        "Carl follows them",
    )
    voucher = 0.2 + 0.4 * s(1)  # Carl: one follow from Ann, no trust score
    relevance = 3 * 1 + 3 * voucher
    reach = 0.6 * step(s(1)) * step(s(1 + 2))  # Ann→Carl follow; Carl→consultant follow and vouch
    standing = 1 + 0.5 * 3 / 5 + 0.5 * 0.874
    assert consultant.score == pytest.approx(relevance * reach * standing)

    assert fred.person == FRED and fred.degree == 1 and fred.via == ()
    assert fred.reasons == ("can help with #seo", "you follow each other")
    assert fred.score == pytest.approx(1 * step(s(2)) * 1)
    assert consultant.score > fred.score
    # Carl has nothing to do with SEO: a bridge, not a suggestion.


def test_overlap_counts_the_share_of_the_asks_topics() -> None:
    suggestions = rank(seo_ask("ads", "seo"), the_story())
    consultant = next(s_ for s_ in suggestions if s_.person == CONSULTANT)
    assert consultant.reasons[:2] == ("offers #ads #seo", "vouched for #seo by Carl")
    relevance = 3 * 1 + 3 * (0.2 + 0.4 * s(1)) * 0.5  # the offer names both, the vouch one of two
    assert consultant.score == pytest.approx(relevance * 0.6 * step(s(1)) * step(s(3)) * (1 + 0.3 + 0.437))


def test_excluded_people_are_neither_suggested_nor_bridges_nor_vouchers() -> None:
    market = the_story()
    market.excluded = frozenset({FRED})
    assert [s_.person for s_ in rank(seo_ask(), market)] == [CONSULTANT]

    market.excluded = frozenset({CARL})  # the only bridge to the consultant, and her voucher
    assert [s_.person for s_ in rank(seo_ask(), market)] == [FRED]

    market = the_story()
    market.ties.append(follow(ANN, CONSULTANT))
    market.excluded = frozenset({CONSULTANT})  # e.g. suspended, or blocks Ann
    assert [s_.person for s_ in rank(seo_ask(), market)] == [FRED]


def test_a_vouch_by_an_excluded_author_does_not_count() -> None:
    market = the_story()
    market.vouches.append(Vouch(99, CONSULTANT, SEO))
    market.people[99] = Person(99, "Sybil", 99.0, True)
    with_sybil = rank(seo_ask(), market)[0]
    assert with_sybil.reasons[1] == "vouched for #seo by Sybil and Carl"
    market.excluded = frozenset({99})
    assert rank(seo_ask(), market)[0] == rank(seo_ask(), the_story())[0]


def test_offers_and_profiles_the_asker_may_not_see_are_ignored() -> None:
    market = Market(
        people=people((ANN, "Ann"), (CARL, "Carl"), (5, "Pia"), (6, "Dee"), (7, "Mo"), (8, "Flo"), (9, "Vic")),
        ties=[
            follow(ANN, CARL), follow(CARL, 5),  # Pia: second degree, followers-only offer
            follow(6, ANN),  # Dee follows Ann, Ann does not follow Dee: followers-only offer
            follow(ANN, 7),  # Ann follows Mo: Mo's followers-only offer is visible
            follow(ANN, 8), follow(8, ANN),  # Flo: direct offers, one mentioning Ann
            follow(9, ANN),  # Vic: a profile for followers only
        ],
        offers=[
            Offer(5, SEO, "private"),
            Offer(6, SEO, "private"),
            Offer(7, SEO, "private"),
            Offer(8, frozenset({"seo", "ads"}), "direct", mentions_asker=False),
            Offer(8, SEO, "direct", mentions_asker=True),
        ],
        profiles=[Profile(9, SEO, "followers"), Profile(6, frozenset({"ads"}), "public")],
    )
    suggestions = rank(seo_ask("ads", "seo"), market)
    assert [(s_.person, s_.reasons[0]) for s_ in suggestions] == [
        (8, "offers #seo"),  # the direct offer that mentions Ann; not the other one
        (7, "offers #seo"),
        (6, "can help with #ads"),  # Dee's public profile; her followers-only offer is not Ann's to see
    ]

    market.ties.append(follow(ANN, 9))  # now Ann follows Vic: his profile is hers to see
    assert (9, "can help with #seo") in [(s_.person, s_.reasons[0]) for s_ in rank(seo_ask(), market)]
    market.offers.append(Offer(5, SEO, "unlisted"))
    pia = next(s_ for s_ in rank(seo_ask(), market) if s_.person == 5)
    assert pia.degree == 2 and pia.via == (CARL,) and pia.reasons == ("offers #seo", "Carl follows them")


def test_the_asker_is_never_suggested_and_the_best_bridges_come_first() -> None:
    market = Market(
        people=people((ANN, "Ann"), (2, "Bo"), (3, "Cy"), (4, "Di"), (5, "Ed")),
        ties=[
            follow(ANN, 2), follow(ANN, 3), follow(3, ANN), follow(ANN, 4),
            follow(2, 5), follow(3, 5), Tie(5, 4, INTRODUCTION, NOW), follow(5, 3),
        ],
        offers=[Offer(5, SEO), Offer(ANN, SEO)],
    )
    (ed,) = rank(seo_ask(), market)
    # Cy: mutual follow with Ann and with Ed; Di: a fresh introduction; Bo: one follow each way.
    assert ed.via == (3, 4, 2)
    assert ed.reasons == ("offers #seo", "they and Cy follow each other")
    assert ed.score == pytest.approx(3 * 0.6 * step(s(2)) * step(s(2)))


def test_old_interactions_weigh_less_and_replies_strengthen_ties() -> None:
    def friend_score(*ties: Tie) -> float:
        market = Market(people=people((ANN, "Ann"), (2, "Bo")), ties=[follow(ANN, 2), *ties], profiles=[Profile(2, SEO)])
        return rank(seo_ask(), market)[0].score

    assert friend_score() == pytest.approx(step(s(1)))
    assert friend_score(Tie(ANN, 2, ACKNOWLEDGMENT, NOW)) == pytest.approx(step(s(1 + 2)))
    assert friend_score(Tie(ANN, 2, ACKNOWLEDGMENT, NOW - timedelta(days=180))) == pytest.approx(step(s(1 + 1)))
    assert friend_score(Tie(2, ANN, REPLY, NOW - timedelta(days=360))) == pytest.approx(step(s(1 + 0.125)))


def test_reasons_name_the_vouchers_strongest_first() -> None:
    market = the_story()
    market.people.update(people((20, "Zed"), (21, "Yan")))
    market.vouches += [Vouch(ANN, CONSULTANT, SEO), Vouch(20, CONSULTANT, SEO), Vouch(21, CONSULTANT, SEO)]
    consultant = rank(seo_ask(), market)[0]
    assert consultant.reasons[1] == "vouched for #seo by you, Carl and 2 others"
    # Ann's own vouch weighs 1, and also makes the consultant her first degree.
    assert consultant.degree == 1
    assert consultant.reasons[-1] == "trusted (87th percentile)"


def test_an_ask_without_topics_ranks_the_first_degree_only() -> None:
    market = the_story()
    suggestions = rank(Ask(ANN, (), NOW), market)
    assert [(s_.person, s_.degree) for s_ in suggestions] == [(FRED, 1), (CARL, 1)]
    assert suggestions[0].score == pytest.approx(step(s(2))) and suggestions[1].score == pytest.approx(step(s(1)))
    assert suggestions[0].reasons == ("you follow each other",) and suggestions[1].reasons == ("you follow them",)


def test_limit_and_ties_in_score_by_id() -> None:
    market = Market(
        people=people((ANN, "Ann"), *((n, f"P{n}") for n in range(2, 8))),
        ties=[follow(ANN, n) for n in range(2, 8)],
        offers=[Offer(n, SEO) for n in range(2, 8)],
    )
    assert [s_.person for s_ in rank(seo_ask(), market, limit=3)] == [2, 3, 4]
