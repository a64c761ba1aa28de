"""A member's relationships (issue #6 item 7, docs/relationships.md): everyone they have a tie
with, how strong it is, which circle it falls in, which strong ties are going cold, and
connection requests that say why they are worth it to the other side.

("Relationships" in the Mastodon sense — who follows or blocks whom — are
`fedinet.services.relationships`; these are ties in the sense of the vision: relationships,
not connections.)

**Strength** is whom to ask's (`fedinet.market.whom_to_ask.strength`, one definition): from
every tie between the two, either way — follows, vouches, acknowledgments, connected
introductions, replies — with acknowledgments, introductions and replies fading with a half-life
of 180 days.

**Groups**, strongest first (ties among equals: the most recent interaction, then the id):

    inner         strength ≥ 0.5, and among the 150 strongest of those (Dunbar; `inner_cap`)
    close         strength ≥ 0.3, and the strong ones beyond the inner circle's cap
    acquaintance  strength ≥ 0.1
    dormant       below 0.1 (what is left of faded interactions)

**Going cold**: a tie in the inner circle, or with strength ≥ `min_strength` (0.5), whose last
interaction is more than `cold_after` (60 days) ago.

Pure functions (`standings`, `cooling`, `reason`) do the arithmetic on plain data; the rest
loads it with a fixed number of set-based queries per member (`fedinet.store.ties`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.clock import as_utc, utc_now
from fedinet.config import Settings
from fedinet.market import whom_to_ask as ranking
from fedinet.services import follows, statuses
from fedinet.services.errors import Conflict, InvalidInput
from fedinet.store import follows as follow_queries
from fedinet.store.id_sets import IdSet, left_out_for
from fedinet.store import relationships as relationship_queries
from fedinet.store import ties as queries
from fedinet.store.database import Database
from fedinet.store.models import Account, Actor, Follow, Status

INNER, CLOSE, ACQUAINTANCE, DORMANT = "inner", "close", "acquaintance", "dormant"
GROUPS = (INNER, CLOSE, ACQUAINTANCE, DORMANT)
KINDS = (ranking.FOLLOW, ranking.VOUCH, ranking.ACKNOWLEDGMENT, ranking.INTRODUCTION, ranking.REPLY)
INNER_CAP = 150  # Dunbar
COLD_AFTER = timedelta(days=60)
TALKED_OFTEN = 5  # interactions (other than follows) that make "used to talk often"
NOTE_MIN, NOTE_MAX = 10, 1000
NOT_TIES = frozenset({"Application"})  # instance and relay actors: the instance's nudges are no tie


@dataclass(frozen=True)
class Bands:
    """The lowest strength of each group (dormant: anything below `acquaintance`)."""

    inner: float = 0.5
    close: float = 0.3
    acquaintance: float = 0.1


BANDS = Bands()


@dataclass(frozen=True)
class Standing:
    """Where the member stands with one other person."""

    other: int
    strength: float
    group: str
    last_interaction_at: datetime | None
    interactions: dict[str, int]  # by kind (every kind of KINDS, zeros included)
    you_follow: bool = False
    follows_you: bool = False

    @property
    def exchanges(self) -> int:
        """Interactions other than follows: vouches, acknowledgments, introductions, replies."""
        return sum(count for kind, count in self.interactions.items() if kind != ranking.FOLLOW)


@dataclass(frozen=True)
class Tie:
    """A `Standing` with the other person's actor (what the API and nudges show)."""

    actor: Actor
    strength: float
    group: str
    last_interaction_at: datetime | None
    interactions: dict[str, int]


@dataclass(frozen=True)
class Cooling:
    """A strong tie going cold: `days` since the last interaction, and why it is named."""

    tie: Tie
    days: int
    reason: str


@dataclass(frozen=True)
class Connection:
    follow: Follow
    note: Status  # the direct message carrying the note


# Pure: the arithmetic


def standings(
    me: int,
    ties: Iterable[ranking.Tie],
    now: datetime,
    *,
    inner_cap: int = INNER_CAP,
    bands: Bands = BANDS,
    parameters: ranking.Parameters = ranking.PARAMETERS,
) -> list[Standing]:
    """Everyone `me` has a tie with (either way), strongest first, with their group."""
    by_other: dict[int, list[ranking.Tie]] = defaultdict(list)
    for tie in ties:
        if me in (tie.source, tie.target) and tie.source != tie.target:
            by_other[tie.target if tie.source == me else tie.source].append(tie)
    found = []
    for other, mine in by_other.items():
        times = [tie.at for tie in mine if tie.at is not None]
        counts = Counter(tie.kind for tie in mine)
        found.append(
            Standing(
                other=other,
                strength=ranking.strength(((tie.kind, tie.at) for tie in mine), now, parameters),
                group=DORMANT,
                last_interaction_at=max(times) if times else None,
                interactions={kind: counts.get(kind, 0) for kind in KINDS},
                you_follow=any(t.kind == ranking.FOLLOW and t.source == me for t in mine),
                follows_you=any(t.kind == ranking.FOLLOW and t.target == me for t in mine),
            )
        )
    found.sort(key=lambda s: (-s.strength, -(s.last_interaction_at.timestamp() if s.last_interaction_at else 0), s.other))
    grouped, inner = [], 0
    for standing in found:
        if standing.strength >= bands.inner and inner < inner_cap:
            group, inner = INNER, inner + 1
        elif standing.strength >= min(bands.close, bands.inner):  # beyond the cap: close
            group = CLOSE
        elif standing.strength >= bands.acquaintance:
            group = ACQUAINTANCE
        else:
            group = DORMANT
        grouped.append(_with_group(standing, group))
    return grouped


def _with_group(standing: Standing, group: str) -> Standing:
    return Standing(
        standing.other, standing.strength, group, standing.last_interaction_at, standing.interactions,
        standing.you_follow, standing.follows_you,
    )


def cooling(
    found: Iterable[Standing],
    now: datetime,
    *,
    cold_after: timedelta = COLD_AFTER,
    min_strength: float = BANDS.inner,
) -> list[tuple[Standing, int]]:
    """The strong ties (inner, or strength ≥ `min_strength`) whose last interaction is more
    than `cold_after` ago, with the days since; strongest first."""
    cold = []
    for standing in found:
        last = standing.last_interaction_at
        if last is None or (standing.group != INNER and standing.strength < min_strength):
            continue
        if now - last > cold_after:
            cold.append((standing, int((now - last).total_seconds() // 86400)))
    return cold


def reason(standing: Standing, name: str, days: int) -> str:
    """Why a tie is named as going cold, for people: "You and Bob used to talk often (12
    interactions); the last was 74 days ago"."""
    ago = f"{days} day{'' if days == 1 else 's'} ago"
    if standing.exchanges >= TALKED_OFTEN:
        return f"You and {name} used to talk often ({standing.exchanges} interactions); the last was {ago}"
    return f"You and {name} are close ({what_ties(standing)}); the last interaction was {ago}"


def what_ties(standing: Standing) -> str:
    """"you follow each other, a vouch, 2 replies": the ties between the two, in words."""
    parts = []
    if standing.you_follow and standing.follows_you:
        parts.append("you follow each other")
    elif standing.you_follow:
        parts.append("you follow them")
    elif standing.follows_you:
        parts.append("they follow you")
    for kind, one, many in (
        (ranking.VOUCH, "a vouch", "vouches"),
        (ranking.ACKNOWLEDGMENT, "an acknowledgment", "acknowledgments"),
        (ranking.INTRODUCTION, "an introduction", "introductions"),
        (ranking.REPLY, "a reply", "replies"),
    ):
        count = standing.interactions.get(kind, 0)
        if count:
            parts.append(one if count == 1 else f"{count} {many}")
    return ", ".join(parts)


def display_name(actor: Actor) -> str:
    if actor.display_name.strip():
        return actor.display_name.strip()
    return f"@{actor.username}" if actor.is_local else f"@{actor.username}@{actor.domain}"


# Loading from the database


async def _standings(session: AsyncSession, account: Account, now: datetime, inner_cap: int) -> list[Standing]:
    """The member's standings, leaving out whom whom-to-ask leaves out (suspended members,
    blocked domains, blocks either way) and instance actors: about a dozen queries, however
    many ties."""
    me = account.actor_id
    ties = await queries.ties_of(session, me)
    ids = IdSet(session.bind.dialect.name)
    others = {tie.target if tie.source == me else tie.source for tie in ties}
    left_out = await left_out_for(session, ids, me) if others else set()
    if others - left_out:
        left_out |= set(await session.scalars(
            select(Actor.id).where(ids.among(Actor.id, others - left_out), Actor.actor_type.in_(NOT_TIES))
        ))
    kept = [tie for tie in ties if (tie.target if tie.source == me else tie.source) not in left_out]
    return standings(me, kept, now, inner_cap=inner_cap)


def _tie(standing: Standing, actor: Actor) -> Tie:
    return Tie(actor, standing.strength, standing.group, standing.last_interaction_at, standing.interactions)


async def ties(
    db: Database,
    account: Account,
    *,
    group: str | None = None,
    limit: int | None = None,
    now: datetime | None = None,
    inner_cap: int = INNER_CAP,
) -> list[Tie]:
    """The member's ties, strongest first; only those of `group` if given; the first `limit`."""
    if group is not None and group not in GROUPS:
        raise InvalidInput(f"group must be one of {', '.join(GROUPS)}")
    now = now or utc_now()
    async with db.session() as session:
        found = [s for s in await _standings(session, account, now, inner_cap) if group is None or s.group == group]
        found = found[:limit] if limit is not None else found
        actors = await queries.actors_by_ids(session, [s.other for s in found])
    return [_tie(standing, actors[standing.other]) for standing in found if standing.other in actors]


async def cooling_ties(
    session_or_db: AsyncSession | Database,
    account: Account,
    now: datetime,
    *,
    cold_after: timedelta = COLD_AFTER,
    min_strength: float = BANDS.inner,
    inner_cap: int = INNER_CAP,
) -> list[Cooling]:
    """The member's strong ties going cold (inner circle, or strength ≥ `min_strength`, with
    the last interaction more than `cold_after` before `now`), strongest first, each with a
    reason for people. About a dozen set-based queries per member, whatever the number of ties."""
    if isinstance(session_or_db, Database):
        async with session_or_db.session() as session:
            return await cooling_ties(
                session, account, now, cold_after=cold_after, min_strength=min_strength, inner_cap=inner_cap
            )
    session = session_or_db
    now = as_utc(now)
    cold = cooling(await _standings(session, account, now, inner_cap), now, cold_after=cold_after, min_strength=min_strength)
    actors = await queries.actors_by_ids(session, [standing.other for standing, _ in cold])
    return [
        Cooling(_tie(standing, actors[standing.other]), days, reason(standing, display_name(actors[standing.other]), days))
        for standing, days in cold
        if standing.other in actors
    ]


# Connection requests


def check_note(note: str | None) -> str:
    """The note of a connection request: why it is worth it to the other side."""
    text = (note or "").strip()
    if not text:
        raise InvalidInput("note is missing: say why connecting is worth it to them")
    if len(text) < NOTE_MIN or len(text) > NOTE_MAX:
        raise InvalidInput(f"note must have {NOTE_MIN} to {NOTE_MAX} characters (it has {len(text)})")
    return text


async def request_connection(db: Database, settings: Settings, account: Account, target: Actor, note: str) -> Connection:
    """Follow `target` and send them `note` as a direct message mentioning them.

    InvalidInput for oneself, a bad note, across a block, or someone who cannot be mentioned;
    Conflict if the member follows them already (or asked to). Nothing is changed then."""
    text = check_note(note)
    me = account.actor
    if target.id == me.id:
        raise InvalidInput("you cannot connect with yourself")
    mention = f"@{target.username}@{target.domain}"
    if not target.username or statuses.MENTION.fullmatch(mention) is None:
        raise InvalidInput(f"{target.uri} cannot be mentioned")
    async with db.session() as session:
        if await relationship_queries.blocked_either_way(session, me.id, target.id):
            raise InvalidInput(f"{target.handle} cannot be followed")
        if await follow_queries.follow_between(session, me.id, target.id) is not None:
            raise Conflict(f"you already follow {target.handle} (or asked to)")
    row = await follows.follow(db, account, target)
    status = await statuses.post(db, settings, account, f"{mention} {text}", visibility="direct")
    return Connection(row, status)

