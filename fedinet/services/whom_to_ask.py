"""Whom to ask (issue #6 item 3): for one of a member's asks, the people of their first and
second degree most likely to help, with reasons and the path to them.

The ranking is pure (`fedinet.market.whom_to_ask`, formula in its docstring and in
docs/whom-to-ask.md); this module gathers its inputs with a fixed number of set-based
queries (about thirty), whatever the size of the network:

1. every tie touching the asker (follows, vouches, connected introductions — the first
   degree — and acknowledgments and replies, which only strengthen ties);
2. everyone with a topical signal for the ask's topics, instance-wide: open offers tagged
   with one (with what decides whether the asker may see them), profiles that can help with
   one, standing vouches naming one;
3. the ties between those people and the first degree (their second degree: follows,
   vouches, introductions, acknowledgments);
4. who is left out (suspended members, blocked domains, blocks either way), how many others
   (not left out) acknowledged each topical person's help, and names and trust scores.

A set of ids travels as one bound parameter (`IdSet`), and the queries say which index to walk
where SQLite would otherwise pick a worse one (see `_follows_between` and `_kind`).
bench/whom_to_ask.py measures it.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from fedinet.clock import utc_now
from fedinet.market import vocabulary as vocab
from fedinet.market import whom_to_ask as ranking
from fedinet.services.errors import NotFound
from fedinet.store import market_profiles as profile_queries
from fedinet.store.database import Database
from fedinet.store.id_sets import IdSet, left_out_for
from fedinet.store.models import (
    Account,
    Actor,
    Evidence,
    EvidenceTopic,
    Follow,
    Introduction,
    Mention,
    Proposal,
    ReputationScore,
    Status,
    StatusTag,
)

MAX_LIMIT = 50
RECENT_REPLIES = 1000  # the asker's most recent replies, each way, that strengthen ties
Timings = dict[str, float]


@dataclass(frozen=True)
class Found:
    suggestion: ranking.Suggestion
    actor: Actor
    via: list[Actor]
    approach: str | None  # their "how I like to be approached", if the asker may see it


@dataclass(frozen=True)
class Result:
    ask: Status
    topics: tuple[str, ...]
    found: list[Found]


async def suggest(
    db: Database, account: Account, status_id: int, limit: int = 20, timings: Timings | None = None
) -> Result:
    """Whom `account` might ask about their ask `status_id` (NotFound unless it is theirs).

    `timings`, if given, adds up the seconds spent per phase (for the benchmark)."""
    clock = _Clock(timings)
    async with db.session() as session:
        status = await session.get(Status, status_id)
        if status is None or status.actor_id != account.actor_id or status.proposal is None or status.proposal.purpose != vocab.ASK:
            raise NotFound("Record not found")
        asker = status.actor
        topics = tuple(sorted({tag.name for tag in status.tags}))
        ask = ranking.Ask(asker.id, topics, utc_now())
        market, follows = await gather(session, asker, ask, clock)
        suggestions = ranking.rank(ask, market, min(max(limit, 1), MAX_LIMIT))
        clock.lap("rank")
        found = await _found(session, suggestions, follows)
        clock.lap("render")
    return Result(status, topics, found)


async def gather(
    session: AsyncSession, asker: Actor, ask: ranking.Ask, clock: _Clock | None = None
) -> tuple[ranking.Market, set[int]]:
    """The ranking's inputs around one ask, and whom the asker follows."""
    clock = clock or _Clock(None)
    ids = IdSet(session.bind.dialect.name)
    me = asker.id
    ties: list[ranking.Tie] = []
    vouches: dict[int, ranking.Vouch] = {}  # by evidence id: several queries may find one
    acknowledgments: dict[int, ranking.Tie] = {}

    # 1. Ties touching the asker.
    for follower, followee in await session.execute(
        select(Follow.follower_id, Follow.followee_id).where(
            Follow.state == "accepted", or_(Follow.follower_id == me, Follow.followee_id == me)
        )
    ):
        ties.append(ranking.Tie(follower, followee, ranking.FOLLOW))
    follows = {tie.target for tie in ties if tie.source == me}
    for by_author, mine in ((True, Evidence.author_id == me), (False, Evidence.subject_id == me)):  # an OR scans
        _add_vouches(vouches, await session.execute(_vouches(by_author).where(mine)))
        _add_acknowledgments(acknowledgments, await session.execute(_acknowledgments(by_author).where(mine)))
    ties += _introduction_ties(await session.execute(
        _introductions().where(or_(Introduction.introduced_id == me, Introduction.target_id == me))
    ))
    ties += await _replies(session, me)
    first = {t.target if t.source == me else t.source for t in ties if t.kind in ranking.NETWORK_KINDS}
    first |= {v.subject if v.author == me else v.author for v in vouches.values()}
    first.discard(me)
    clock.lap("first degree")

    # 2. Topical signals, instance-wide.
    offers: list[ranking.Offer] = []
    profiles: list[ranking.Profile] = []
    if ask.topics:
        offers = await _offers(session, ids, asker, ask)
        profiles = await _profiles(session, ask.topics)
        clock.lap("offers and profiles")
        topical_vouches = _vouches().where(_names_a_topic(ask.topics))
        _add_vouches(vouches, await session.execute(topical_vouches), only=set(ask.topics))
        clock.lap("topical vouches")
    topical = {o.author for o in offers} | {p.owner for p in profiles}
    topical |= {v.subject for v in vouches.values() if set(ask.topics) & v.topics}
    topical.discard(me)

    # 3. Ties between the topical people and the first degree; who acknowledged their help.
    others = topical - first
    if others and first:
        for followers, followees in ((others, first), (first, others)):
            for follower, followee in await session.execute(_follows_between(ids, followers, followees)):
                ties.append(ranking.Tie(follower, followee, ranking.FOLLOW))
        # Evidence and introductions are looked up from the first degree's side (its rows are
        # few) and tested against the others: `+ 0` keeps the database off that column's index.
        for by_others in (True, False):
            authors = ids.among(Evidence.author_id + 0, others) if by_others else ids.among(Evidence.author_id, first)
            subjects = ids.among(Evidence.subject_id, first) if by_others else ids.among(Evidence.subject_id + 0, others)
            _add_vouches(vouches, await session.execute(_vouches(by_author=not by_others).where(authors, subjects)))
            _add_acknowledgments(acknowledgments, await session.execute(
                _acknowledgments(by_author=not by_others).where(authors, subjects)
            ))
            introduced = (
                ids.among(Introduction.introduced_id + 0, others) if by_others else ids.among(Introduction.introduced_id, first)
            )
            targets = ids.among(Introduction.target_id, first) if by_others else ids.among(Introduction.target_id + 0, others)
            ties += _introduction_ties(await session.execute(_introductions().where(introduced, targets)))
    ties += acknowledgments.values()
    clock.lap("second degree")

    # 4. Who is left out; how many others thanked each topical person; names and trust.
    excluded = await left_out_for(session, ids, me)
    helped: dict[int, int] = {}
    if topical:
        query = (
            select(Evidence.subject_id, func.count(Evidence.author_id.distinct()))
            .where(Evidence.kind == "acknowledgment", Evidence.revoked_at.is_(None), ids.among(Evidence.subject_id, topical))
            .group_by(Evidence.subject_id)
        )
        if excluded:
            query = query.where(~ids.among(Evidence.author_id, excluded))
        helped = {helper: count for helper, count in await session.execute(query)}
    clock.lap("acknowledgments")
    people = await _people(session, ids, {me} | first | topical | {v.author for v in vouches.values()})
    clock.lap("people")
    market = ranking.Market(
        people=people,
        ties=ties,
        vouches=list(vouches.values()),
        offers=offers,
        profiles=profiles,
        helped=helped,
        excluded=frozenset(excluded - {me}),
    )
    return market, follows


# Queries


def _kind(kind: str, by_author: bool) -> Any:
    """`kind = …`; by author as `kind || ''`, or SQLite picks the (kind, subject) index and
    walks every row of that kind instead of the author's few."""
    return (Evidence.kind + "" if by_author else Evidence.kind) == kind


def _vouches(by_author: bool = False) -> Select[Any]:
    return select(Evidence.id, Evidence.author_id, Evidence.subject_id, Evidence.topics).where(
        _kind("vouch", by_author), Evidence.revoked_at.is_(None)
    )


def _names_a_topic(topics: Sequence[str]) -> Any:
    """Vouches naming one of the topics: an index lookup in `evidence_topics`."""
    return Evidence.id.in_(select(EvidenceTopic.evidence_id).where(EvidenceTopic.topic.in_(sorted(set(topics)))))


def _add_vouches(found: dict[int, ranking.Vouch], rows: Iterable[Any], only: set[str] | None = None) -> None:
    for evidence_id, author, subject, topics in rows:
        names = frozenset(
            topic.strip().removeprefix("#").lower() for topic in (topics or []) if isinstance(topic, str)
        )
        if only is None or names & only:
            found[evidence_id] = ranking.Vouch(author, subject, names)


def _acknowledgments(by_author: bool = False) -> Select[Any]:
    return select(Evidence.id, Evidence.author_id, Evidence.subject_id, Evidence.published_at).where(
        _kind("acknowledgment", by_author), Evidence.revoked_at.is_(None)
    )


def _add_acknowledgments(found: dict[int, ranking.Tie], rows: Iterable[Any]) -> None:
    for evidence_id, author, subject, at in rows:
        found[evidence_id] = ranking.Tie(author, subject, ranking.ACKNOWLEDGMENT, at)


def _introductions() -> Select[Any]:
    return select(Introduction.introduced_id, Introduction.target_id, Introduction.updated_at).where(
        Introduction.state == "connected"
    )


def _introduction_ties(rows: Iterable[Any]) -> list[ranking.Tie]:
    return [ranking.Tie(introduced, target, ranking.INTRODUCTION, at) for introduced, target, at in rows]


def _follows_between(ids: IdSet, followers: Collection[int], followees: Collection[int]) -> Select[Any]:
    """Follows from any of `followers` to any of `followees`. `followee_id + 0` keeps SQLite
    from probing the (follower, followee) index once per pair of ids (|followers| × |followees|
    seeks: 150 ms for 2,000 × 500); it walks each follower's entries and tests those instead."""
    return select(Follow.follower_id, Follow.followee_id).where(
        Follow.state == "accepted", ids.among(Follow.follower_id, followers), ids.among(Follow.followee_id + 0, followees)
    )


async def _replies(session: AsyncSession, me: int) -> list[ranking.Tie]:
    """Replies between the asker and others, either way (the most recent ones)."""
    child, parent = aliased(Status), aliased(Status)
    base = select(child.actor_id, parent.actor_id, child.published_at).join(parent, child.in_reply_to_uri == parent.uri)
    ties = []
    for mine in (child.actor_id == me, parent.actor_id == me):
        rows = await session.execute(
            base.where(mine, child.actor_id != parent.actor_id).order_by(child.id.desc()).limit(RECENT_REPLIES)
        )
        ties += [ranking.Tie(source, target, ranking.REPLY, at) for source, target, at in rows]
    return ties


async def _offers(session: AsyncSession, ids: IdSet, asker: Actor, ask: ranking.Ask) -> list[ranking.Offer]:
    """Open offers tagged with one of the ask's topics, with what decides who may see them."""
    rows = await session.execute(
        select(Status.id, Status.actor_id, Status.visibility, StatusTag.name)
        .join(Proposal, Proposal.status_id == Status.id)
        .join(StatusTag, StatusTag.status_id == Status.id)
        .where(
            StatusTag.name.in_(ask.topics),
            Proposal.purpose == vocab.OFFER,
            Proposal.state == "open",
            or_(Proposal.ends_at.is_(None), Proposal.ends_at > ask.now),
        )
    )
    found: dict[int, tuple[int, str, set[str]]] = {}
    for status_id, author, visibility, tag in rows:
        found.setdefault(status_id, (author, visibility, set()))[2].add(tag)
    restricted = {status_id for status_id, (_, visibility, _) in found.items() if visibility not in ("public", "unlisted")}
    mentioning: set[int] = set()
    if restricted:
        mentioning = set(await session.scalars(
            select(Mention.status_id).where(Mention.actor_uri == asker.uri, ids.among(Mention.status_id, restricted))
        ))
    return [
        ranking.Offer(author, frozenset(tags), visibility, status_id in mentioning)
        for status_id, (author, visibility, tags) in found.items()
    ]


async def _profiles(session: AsyncSession, topics: Sequence[str]) -> list[ranking.Profile]:
    found: dict[int, tuple[str, set[str]]] = {}
    for actor_id, topic, audience in await profile_queries.offering(session, topics):
        found.setdefault(actor_id, (audience, set()))[1].add(topic)
    return [ranking.Profile(owner, frozenset(names), audience) for owner, (audience, names) in found.items()]


async def _people(session: AsyncSession, ids: IdSet, involved: set[int]) -> dict[int, ranking.Person]:
    """Names and trust of everyone involved."""
    scores = {
        actor_id: (percentile, established)
        for actor_id, percentile, established in await session.execute(
            select(ReputationScore.actor_id, ReputationScore.percentile, ReputationScore.established).where(
                ids.among(ReputationScore.actor_id, involved)
            )
        )
    }
    people: dict[int, ranking.Person] = {}
    for actor_id, username, domain, display_name, is_local in await session.execute(
        select(Actor.id, Actor.username, Actor.domain, Actor.display_name, Actor.is_local).where(ids.among(Actor.id, involved))
    ):
        percentile, established = scores.get(actor_id, (None, False))
        people[actor_id] = ranking.Person(actor_id, _name(username, domain, display_name, is_local), percentile, established)
    return people


def _name(username: str | None, domain: str, display_name: str, is_local: bool) -> str:
    if display_name.strip():
        return display_name.strip()
    return f"@{username}" if is_local else f"@{username}@{domain}"


async def _found(session: AsyncSession, suggestions: list[ranking.Suggestion], follows: set[int]) -> list[Found]:
    wanted = {s.person for s in suggestions} | {b for s in suggestions for b in s.via}
    actors = {actor.id: actor for actor in await session.scalars(select(Actor).where(Actor.id.in_(wanted)))} if wanted else {}
    profiles = await profile_queries.profiles_of(session, [s.person for s in suggestions])
    found = []
    for suggestion in suggestions:
        profile = profiles.get(suggestion.person)
        approach = None
        if profile is not None and profile.approach and ranking.profile_visible(
            ranking.Profile(profile.actor_id, frozenset(), profile.audience), follows
        ):
            approach = profile.approach
        found.append(Found(suggestion, actors[suggestion.person], [actors[b] for b in suggestion.via], approach))
    return found


class _Clock:
    """Adds the time since the last lap to `timings[phase]` (for bench/whom_to_ask.py)."""

    def __init__(self, timings: Timings | None) -> None:
        self._timings = timings
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        if self._timings is None:
            return
        now = time.perf_counter()
        self._timings[phase] = self._timings.get(phase, 0.0) + now - self._last
        self._last = now
