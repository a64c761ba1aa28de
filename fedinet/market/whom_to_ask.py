"""Whom to ask: rank the people of an asker's first and second degree for one ask (issue #6).

Pure: plain data in, a ranked list out — no database, no clock, no I/O.
`fedinet.services.whom_to_ask` gathers the inputs; docs/whom-to-ask.md explains the same
formula for members.

**Network.** A tie is one interaction between two people (`Tie`). Follows (accepted),
vouches and connected introductions make the network: the asker's *first degree* is everyone
tied to the asker by one of them, the *second degree* everyone tied that way to someone of
the first degree (a *bridge*). Acknowledgments and replies only make a tie stronger.

**Relationship strength** of two people x and y, from every tie between them (either way):

    raw(x, y)  = Σ weight(kind) · decay(tie)
                 weight: follow 1, vouch 2, acknowledgment 2, introduction 1.5, reply 0.5
                 decay  = 0.5 ^ (age in days / 180)  for acknowledgments, introductions, replies;
                          1 for follows and vouches (standing statements)
    s(x, y)    = 1 − e^(−raw / 3)                    (one follow 0.28, mutual follow 0.49)

**Reach** — how well the asker can get to candidate c:

    first degree:        reach = 0.6 + 0.4 · s(asker, c)
    via bridge b:        reach_b = 0.6 · (0.6 + 0.4 · s(asker, b)) · (0.6 + 0.4 · s(b, c))
    reach(c)           = the best of these (a first-degree contact is always "direct")

**Relevance** to the ask's topics T (each signal in [0, 1]; overlap(X) = |X ∩ T| / |T|):

    O(c) = max overlap over c's open offers the asker may see (the rules of
           `services.statuses.can_see`: public or unlisted; followers-only if the asker follows
           c; direct or followers-only if it mentions the asker)
    V(c) = max over standing vouches for c naming a topic of T of  w(voucher) · overlap(topics)
           w = 1 for the asker's own vouch, else 0.2 + 0.4 · s(asker, voucher) + 0.4 · T(voucher)
           (the strongest vouch counts: many vouches by strangers buy no more than one)
    P(c) = overlap of c's profile "can help with" topics, if its audience includes the asker
    relevance(c) = 3·O(c) + 3·V(c) + 1·P(c)

An ask without topics has relevance 1 for every first-degree contact (and finds no one further).
A candidate with relevance 0 is not suggested.

**Standing:**

    H(c) = n / (n + 2)  n = distinct people (not excluded) whose standing acknowledgment
                        names c as helper (`Market.helped`)
    T(c) = percentile / 100 of c's stored trust if established, else 0 (no score: unknown)
    standing(c) = 1 + 0.5·H(c) + 0.5·T(c)

**Score** = relevance(c) · reach(c) · standing(c); highest first, ties by id.

Never suggested, never a bridge, and their vouches and acknowledgments not counted: the
asker and everyone in `excluded` (suspended members, actors of blocked domains, anyone the
asker blocks or who blocks the asker; `helped` comes counted without them).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

FOLLOW, VOUCH, ACKNOWLEDGMENT, INTRODUCTION, REPLY = "follow", "vouch", "acknowledgment", "introduction", "reply"
NETWORK_KINDS = frozenset({FOLLOW, VOUCH, INTRODUCTION})
DECAYING_KINDS = frozenset({ACKNOWLEDGMENT, INTRODUCTION, REPLY})


@dataclass(frozen=True)
class Parameters:
    tie_weights: dict[str, float] = field(
        default_factory=lambda: {FOLLOW: 1.0, VOUCH: 2.0, ACKNOWLEDGMENT: 2.0, INTRODUCTION: 1.5, REPLY: 0.5}
    )
    half_life_days: float = 180.0
    saturation: float = 3.0  # s = 1 − e^(−raw / saturation)
    reach_base: float = 0.6  # reach = base + (1 − base) · s
    second_degree: float = 0.6  # the factor for going through a bridge
    offer_weight: float = 3.0
    vouch_weight: float = 3.0
    profile_weight: float = 1.0
    voucher_floor: float = 0.2  # a stranger's vouch
    voucher_closeness: float = 0.4
    voucher_trust: float = 0.4
    helped_weight: float = 0.5
    trust_weight: float = 0.5
    trusted_reason_percentile: float = 50.0  # "trusted (…th percentile)" from here up
    max_bridges: int = 3


PARAMETERS = Parameters()


@dataclass(frozen=True)
class Tie:
    """`source` did something towards `target`: follows (accepted), vouched for, acknowledged
    help by (source was helped, target helped), was introduced to (connected), replied to."""

    source: int
    target: int
    kind: str
    at: datetime | None = None  # None: a standing state, no decay


@dataclass(frozen=True)
class Person:
    id: int
    name: str  # for reasons: "vouched for #seo by Bob"
    percentile: float | None = None  # of the stored trust; None if not scored
    established: bool = False


@dataclass(frozen=True)
class Offer:
    """An open offer (a status with an `offer` proposal) and what decides who may see it."""

    author: int
    topics: frozenset[str]
    visibility: str = "public"  # public, unlisted, private (followers-only), direct
    mentions_asker: bool = False


@dataclass(frozen=True)
class Vouch:
    """A standing vouch: also a tie between its author and subject."""

    author: int
    subject: int
    topics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Profile:
    owner: int
    can_help_with: frozenset[str]
    audience: str = "public"  # public, followers, members


@dataclass(frozen=True)
class Ask:
    asker: int  # a member of this instance
    topics: tuple[str, ...]  # normalised topic names, in the order reasons name them
    now: datetime


@dataclass
class Market:
    """What the instance knows around one ask. The service supplies every tie touching the
    asker; the offers, vouches and profiles that match the ask's topics, wherever they are; every
    tie between the asker's first degree and the people those name; and `helped` for them."""

    people: dict[int, Person]
    ties: list[Tie] = field(default_factory=list)  # follows, acknowledgments, introductions, replies
    vouches: list[Vouch] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    helped: dict[int, int] = field(default_factory=dict)  # distinct people, not excluded, who acknowledged them
    excluded: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Suggestion:
    person: int
    score: float
    reasons: tuple[str, ...]
    degree: int  # 1: direct, 2: through a bridge
    via: tuple[int, ...] = ()  # the bridges, best first (second degree only)


def offer_visible(offer: Offer, asker_follows: set[int] | frozenset[int]) -> bool:
    """`services.statuses.can_see` for the asker, on the facts the offer carries."""
    if offer.visibility in ("public", "unlisted") or offer.mentions_asker:
        return True
    return offer.visibility == "private" and offer.author in asker_follows


def profile_visible(profile: Profile, asker_follows: set[int] | frozenset[int]) -> bool:
    """Profiles' audiences: the asker is a member of this instance, so `members` includes them."""
    if profile.audience in ("public", "members"):
        return True
    return profile.audience == "followers" and profile.owner in asker_follows


def decay(kind: str, at: datetime | None, now: datetime, parameters: Parameters = PARAMETERS) -> float:
    """How much one tie still counts: 0.5 ^ (age in days / half-life) for the decaying kinds,
    1 for standing ones (follows, vouches) and for ties without a time."""
    if kind not in DECAYING_KINDS or at is None:
        return 1.0
    age_days = max(0.0, (now - at).total_seconds() / 86400)
    return 0.5 ** (age_days / parameters.half_life_days)


def strength(ties: Iterable[tuple[str, datetime | None]], now: datetime, parameters: Parameters = PARAMETERS) -> float:
    """The relationship strength s(x, y) of the module's docstring, from every tie between x
    and y, either way, as (kind, time): 1 − e^(−Σ weight · decay / saturation). The one
    definition of strength: whom to ask and the member's ties (`services.ties`) use it."""
    weights = parameters.tie_weights
    raw = sum(weights.get(kind, 0.0) * decay(kind, at, now, parameters) for kind, at in ties)
    return 1.0 - math.exp(-raw / parameters.saturation)


class _Graph:
    """Ties by pair (for strengths, computed when first asked) and network adjacency."""

    def __init__(self, ask: Ask, market: Market, parameters: Parameters) -> None:
        self.parameters = parameters
        self.now = ask.now
        self.by_pair: dict[tuple[int, int], list[tuple[str, int, datetime | None]]] = defaultdict(list)
        self.adjacent: dict[int, set[int]] = defaultdict(set)
        self._strengths: dict[tuple[int, int], float] = {}
        by_pair, adjacent = self.by_pair, self.adjacent
        edges = [(t.source, t.target, t.kind, t.at) for t in market.ties]
        edges += [(v.author, v.subject, VOUCH, None) for v in market.vouches]
        asker = ask.asker
        # Only ties of the asker and of their first degree matter (to strengths and paths).
        near = {asker} | {t if s == asker else s for s, t, kind, _ in edges if kind in NETWORK_KINDS and asker in (s, t)}
        for source, target, kind, at in edges:
            if source == target or (source not in near and target not in near):
                continue
            by_pair[(source, target) if source < target else (target, source)].append((kind, source, at))
            if kind in NETWORK_KINDS:
                adjacent[source].add(target)
                adjacent[target].add(source)

    def strength(self, x: int, y: int) -> float:
        pair = (x, y) if x < y else (y, x)
        found = self._strengths.get(pair)
        if found is None:
            ties = ((kind, at) for kind, _, at in self.by_pair.get(pair, ()))
            found = self._strengths[pair] = strength(ties, self.now, self.parameters)
        return found

    def did(self, source: int, target: int, kind: str) -> bool:
        pair = (source, target) if source < target else (target, source)
        return any(k == kind and s == source for k, s, _ in self.by_pair.get(pair, ()))


@dataclass(frozen=True)
class _Scored:
    score: float
    person: int
    degree: int
    via: tuple[int, ...]
    helped: int


def rank(ask: Ask, market: Market, limit: int = 20, parameters: Parameters = PARAMETERS) -> list[Suggestion]:
    """The `limit` best people to ask, best first (the formula is the module's docstring)."""
    p = parameters
    graph = _Graph(ask, market, p)
    asker = ask.asker
    excluded = market.excluded | {asker}
    topics = frozenset(ask.topics)
    first = {x for x in graph.adjacent[asker] if x not in excluded}
    follows = frozenset(t.target for t in market.ties if t.kind == FOLLOW and t.source == asker)

    def trust(person: int) -> float:
        known = market.people.get(person)
        if known is None or known.percentile is None or not known.established:
            return 0.0
        return known.percentile / 100

    def overlap(names: Iterable[str]) -> float:
        return len(topics.intersection(names)) / len(topics) if topics else 0.0

    offered: dict[int, set[str]] = defaultdict(set)
    offer_score: dict[int, float] = defaultdict(float)
    for offer in market.offers:
        if offer.author in excluded or not offer_visible(offer, follows) or not topics & offer.topics:
            continue
        offered[offer.author] |= topics & offer.topics
        offer_score[offer.author] = max(offer_score[offer.author], overlap(offer.topics))

    vouchers: dict[int, list[tuple[float, int]]] = defaultdict(list)  # subject → (weight, voucher)
    vouched_topics: dict[int, set[str]] = defaultdict(set)
    vouch_score: dict[int, float] = defaultdict(float)
    for vouch in market.vouches:
        if vouch.author in market.excluded or vouch.subject in excluded or not topics & vouch.topics:
            continue
        if vouch.author == asker:
            weight = 1.0
        else:
            weight = p.voucher_floor + p.voucher_closeness * graph.strength(asker, vouch.author) + p.voucher_trust * trust(vouch.author)
        vouchers[vouch.subject].append((weight, vouch.author))
        vouched_topics[vouch.subject] |= topics & vouch.topics
        vouch_score[vouch.subject] = max(vouch_score[vouch.subject], weight * overlap(vouch.topics))

    can_help: dict[int, set[str]] = {}
    for profile in market.profiles:
        if profile.owner not in excluded and profile_visible(profile, follows) and topics & profile.can_help_with:
            can_help[profile.owner] = set(topics & profile.can_help_with)

    candidates = (set(offered) | set(vouchers) | set(can_help)) - excluded if topics else set(first)
    first_step = {b: p.second_degree * _step(p, graph.strength(asker, b)) for b in first}  # the asker → bridge part
    scored = []
    for person in candidates:
        if person in first:
            reach, degree, via = _step(p, graph.strength(asker, person)), 1, ()
        else:
            bridges = graph.adjacent.get(person, set()) & first
            if not bridges:
                continue  # not in the second degree
            ranked = sorted(
                ((first_step[b] * _step(p, graph.strength(b, person)), b) for b in bridges),
                key=lambda item: (-item[0], item[1]),
            )
            reach, degree, via = ranked[0][0], 2, tuple(b for _, b in ranked[: p.max_bridges])
        relevance = (
            p.offer_weight * offer_score.get(person, 0.0)
            + p.vouch_weight * vouch_score.get(person, 0.0)
            + p.profile_weight * overlap(can_help.get(person, ()))
        ) if topics else 1.0
        helped = market.helped.get(person, 0)
        standing = 1 + p.helped_weight * helped / (helped + 2) + p.trust_weight * trust(person)
        scored.append(_Scored(relevance * reach * standing, person, degree, via, helped))
    scored.sort(key=lambda entry: (-entry.score, entry.person))
    return [
        Suggestion(
            entry.person,
            entry.score,
            _reasons(
                ask, market, graph, entry.person, entry.degree, entry.via,
                offered=offered.get(entry.person, set()),
                vouched=(vouched_topics.get(entry.person, set()), vouchers.get(entry.person, [])),
                can_help=can_help.get(entry.person, set()),
                helped=entry.helped,
                trusted=trust(entry.person) * 100 if trust(entry.person) * 100 >= p.trusted_reason_percentile else None,
            ),
            entry.degree,
            entry.via,
        )
        for entry in scored[:limit]
    ]


def _step(p: Parameters, strength: float) -> float:
    return p.reach_base + (1 - p.reach_base) * strength


def _tags(ask: Ask, names: set[str]) -> str:
    return " ".join(f"#{topic}" for topic in ask.topics if topic in names)


def _reasons(
    ask: Ask,
    market: Market,
    graph: _Graph,
    person: int,
    degree: int,
    via: tuple[int, ...],
    *,
    offered: set[str],
    vouched: tuple[set[str], list[tuple[float, int]]],
    can_help: set[str],
    helped: int,
    trusted: float | None,
) -> tuple[str, ...]:
    def name(actor: int) -> str:
        if actor == ask.asker:
            return "you"
        known = market.people.get(actor)
        return known.name if known is not None else "someone"

    reasons = []
    if offered:
        reasons.append(f"offers {_tags(ask, offered)}")
    vouched_topics, vouchers = vouched
    if vouchers:
        ranked = [v for _, v in sorted(vouchers, key=lambda item: (-item[0], item[1]))]
        names = [name(v) for v in ranked[:2]]
        others = len(ranked) - len(names)
        who = " and ".join(names) if others == 0 else f"{', '.join(names)} and {others} other{'s' if others > 1 else ''}"
        reasons.append(f"vouched for {_tags(ask, vouched_topics)} by {who}")
    if can_help:
        reasons.append(f"can help with {_tags(ask, can_help)}")
    if helped:
        reasons.append(f"helped {helped} {'person' if helped == 1 else 'people'}")
    if trusted is not None:
        reasons.append(f"trusted ({_ordinal(int(trusted))} percentile)")
    vouchers_named = {v for _, v in vouchers}
    if degree == 1:
        reasons.extend(_relation(graph, ask.asker, person, "you", vouchers_named))
    else:
        reasons.extend(_relation(graph, via[0], person, name(via[0]), vouchers_named)[:1] or [f"via {name(via[0])}"])
    return tuple(reasons)


def _relation(graph: _Graph, bridge: int, person: int, bridge_name: str, vouchers_named: set[int]) -> list[str]:
    """How `bridge` (the asker, "you", or a bridge by name) and `person` are tied, strongest first."""
    you = bridge_name == "you"
    phrases = []
    if graph.did(bridge, person, VOUCH) and bridge not in vouchers_named:
        phrases.append(f"{bridge_name} vouched for them")
    if graph.did(person, bridge, VOUCH):
        phrases.append(f"vouched for {bridge_name}")
    if graph.did(bridge, person, ACKNOWLEDGMENT):
        phrases.append(f"helped {bridge_name} before")
    if graph.did(person, bridge, ACKNOWLEDGMENT):
        phrases.append(f"{bridge_name} helped them before")
    if graph.did(bridge, person, INTRODUCTION) or graph.did(person, bridge, INTRODUCTION):
        phrases.append(f"introduced to {bridge_name}")
    forward, backward = graph.did(bridge, person, FOLLOW), graph.did(person, bridge, FOLLOW)
    if forward and backward:
        phrases.append("you follow each other" if you else f"they and {bridge_name} follow each other")
    elif forward:
        phrases.append(f"{bridge_name} follow{'' if you else 's'} them")
    elif backward:
        phrases.append(f"follows {bridge_name}")
    return phrases[:2]


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
