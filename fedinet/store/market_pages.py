"""Pages of the market's rows as `/api/fedinet/v1/` lists them: proposals a viewer may see,
a member's responses and introductions, evidence by or about an actor. Newest first by id,
paged as Mastodon clients ask (`fedinet.store.paging`).

The proposal list applies `fedinet.services.statuses.can_see` in SQL, as
`fedinet.store.timelines` does for timelines, and lists unlisted proposals only where
Mastodon would show them: to the author's followers, or on the author's own list.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.store.models import (
    Actor,
    ActorBlock,
    Agreement,
    Evidence,
    Follow,
    Introduction,
    Mention,
    Proposal,
    Status,
    StatusTag,
)
from fedinet.store.paging import Page, keyset, newest_first


@dataclass(frozen=True)
class ProposalFilter:
    purpose: str | None = None  # request, offer
    topic: str | None = None
    state: str | None = None  # open, fulfilled, withdrawn, expired
    local: bool = False
    domain: str | None = None
    actor_id: int | None = None
    within: frozenset[int] | None = None  # authors in the viewer's network (`network_of`)


def _follows(viewer_id: int) -> ColumnElement[bool]:
    return exists().where(
        Follow.follower_id == viewer_id, Follow.followee_id == Status.actor_id, Follow.state == "accepted"
    )


def _visible(viewer: Actor | None, *, unlisted: bool) -> ColumnElement[bool]:
    """`can_see` in SQL; unlisted ones only to followers (or with `unlisted`)."""
    listed = Status.visibility.in_(("public", "unlisted") if unlisted else ("public",))
    if viewer is None:
        return listed
    mentioned = exists().where(Mention.status_id == Status.id, Mention.actor_uri == viewer.uri)
    followed = and_(Status.visibility.in_(("unlisted", "private")), _follows(viewer.id))
    return or_(listed, Status.actor_id == viewer.id, mentioned, followed)


def _not_blocked(viewer: Actor) -> ColumnElement[bool]:
    """Not by an actor the viewer blocks, nor by one who blocks the viewer."""
    blocked = union_all(
        select(ActorBlock.blocked_id).where(ActorBlock.blocker_id == viewer.id),
        select(ActorBlock.blocker_id).where(ActorBlock.blocked_id == viewer.id),
    )
    return Status.actor_id.not_in(blocked)


def _state(state: str, now: datetime) -> ColumnElement[bool]:
    if state == "open":
        return and_(Proposal.state == "open", or_(Proposal.ends_at.is_(None), Proposal.ends_at > now))
    if state == "expired":
        return and_(Proposal.state == "open", Proposal.ends_at.is_not(None), Proposal.ends_at <= now)
    return Proposal.state == state


async def proposals(
    session: AsyncSession, viewer: Actor | None, wanted: ProposalFilter, page: Page, now: datetime
) -> list[Status]:
    """Statuses carrying a proposal that `viewer` (None: anyone) may see, newest first."""
    query = select(Status).join(Proposal, Proposal.status_id == Status.id)
    query = query.where(_visible(viewer, unlisted=wanted.actor_id is not None))
    if viewer is not None:
        query = query.where(_not_blocked(viewer))
    if wanted.purpose is not None:
        query = query.where(Proposal.purpose == wanted.purpose)
    if wanted.state is not None:
        query = query.where(_state(wanted.state, now))
    if wanted.topic is not None:
        query = query.where(exists().where(StatusTag.status_id == Status.id, StatusTag.name == wanted.topic))
    if wanted.local:
        query = query.where(Status.is_local.is_(True))
    if wanted.domain is not None:
        query = query.where(Status.actor_id.in_(select(Actor.id).where(func.lower(Actor.domain) == wanted.domain)))
    if wanted.actor_id is not None:
        query = query.where(Status.actor_id == wanted.actor_id)
    if wanted.within is not None:
        query = query.where(Status.actor_id.in_(sorted(wanted.within)))
    rows = list((await session.scalars(keyset(query, Status.id, page))).unique())
    return newest_first(rows, page)


async def response_counts(session: AsyncSession, status_ids: Collection[int]) -> dict[int, dict[str, int]]:
    """Per proposal status: how many responses are offered, accepted, rejected."""
    if not status_ids:
        return {}
    rows = await session.execute(
        select(Agreement.proposal_status_id, Agreement.state, func.count())
        .where(Agreement.proposal_status_id.in_(list(status_ids)))
        .group_by(Agreement.proposal_status_id, Agreement.state)
    )
    counts: dict[int, dict[str, int]] = {}
    for status_id, state, number in rows:
        counts.setdefault(status_id, {})[state] = number
    return counts


async def responses_by(session: AsyncSession, status_ids: Collection[int], actor_id: int) -> dict[int, Agreement]:
    """Per proposal status: the actor's latest response to it."""
    if not status_ids:
        return {}
    rows = await session.scalars(
        select(Agreement)
        .where(Agreement.proposal_status_id.in_(list(status_ids)), Agreement.responder_id == actor_id)
        .order_by(Agreement.id.asc())
    )
    return {row.proposal_status_id: row for row in rows}


async def agreements(
    session: AsyncSession,
    actor_id: int,
    page: Page,
    *,
    state: str | None = None,
    role: str | None = None,
    status_id: int | None = None,
) -> list[Agreement]:
    """Responses the actor made (`role` responder) or received (proposer), newest first."""
    if role == "responder":
        query = select(Agreement).where(Agreement.responder_id == actor_id)
    elif role == "proposer":
        query = select(Agreement).where(Agreement.proposer_id == actor_id)
    else:
        query = select(Agreement).where(or_(Agreement.responder_id == actor_id, Agreement.proposer_id == actor_id))
    if state is not None:
        query = query.where(Agreement.state == state)
    if status_id is not None:
        query = query.where(Agreement.proposal_status_id == status_id)
    return newest_first(list((await session.scalars(keyset(query, Agreement.id, page))).unique()), page)


_ROLES = {
    "connector": Introduction.connector_id,
    "introduced": Introduction.introduced_id,
    "target": Introduction.target_id,
}


# The target (C) hears of an introduction only once it is offered to them (INTRO-1, INTRO-5);
# on a server where A, B and C are all members, one row serves the three.
SHOWN_TO_TARGET = ("offered", "connected", "rejected")


def _party(role: str, actor_id: int) -> ColumnElement[bool]:
    if role == "target":
        return and_(Introduction.target_id == actor_id, Introduction.state.in_(SHOWN_TO_TARGET))
    return _ROLES[role] == actor_id


async def introductions(
    session: AsyncSession, actor_id: int, page: Page, *, state: str | None = None, role: str | None = None
) -> list[Introduction]:
    """Introductions the actor takes part in (in `role`, if given), newest first; as target,
    only those offered to them."""
    if role is not None:
        query = select(Introduction).where(_party(role, actor_id))
    else:
        query = select(Introduction).where(or_(*(_party(name, actor_id) for name in _ROLES)))
    if state is not None:
        query = query.where(Introduction.state == state)
    return newest_first(list((await session.scalars(keyset(query, Introduction.id, page))).unique()), page)


def shown_to(introduction: Introduction, actor_id: int) -> bool:
    """Whether the actor may see the introduction: a party, the target only once offered."""
    if actor_id in (introduction.connector_id, introduction.introduced_id):
        return True
    return introduction.target_id == actor_id and introduction.state in SHOWN_TO_TARGET


async def evidence(
    session: AsyncSession,
    actor_id: int,
    viewer_id: int | None,
    page: Page,
    *,
    kind: str | None = None,
    role: str | None = None,
    include_revoked: bool = False,
) -> list[Evidence]:
    """Evidence by (`role` author) or about (subject) the actor, newest first. Outcomes are
    the parties' only: listed when the viewer wrote or received them."""
    if role == "author":
        query = select(Evidence).where(Evidence.author_id == actor_id)
    elif role == "subject":
        query = select(Evidence).where(Evidence.subject_id == actor_id)
    else:
        query = select(Evidence).where(or_(Evidence.author_id == actor_id, Evidence.subject_id == actor_id))
    if viewer_id is None:
        query = query.where(Evidence.kind != "outcome")
    else:
        query = query.where(
            or_(Evidence.kind != "outcome", Evidence.author_id == viewer_id, Evidence.subject_id == viewer_id)
        )
    if kind is not None:
        query = query.where(Evidence.kind == kind)
    if not include_revoked:
        query = query.where(Evidence.revoked_at.is_(None))
    return newest_first(list((await session.scalars(keyset(query, Evidence.id, page))).unique()), page)


async def statuses_by_uris(session: AsyncSession, uris: Collection[str]) -> dict[str, Status]:
    if not uris:
        return {}
    return {status.uri: status for status in await session.scalars(select(Status).where(Status.uri.in_(list(uris))))}


async def agreements_by_uris(session: AsyncSession, uris: Collection[str]) -> dict[str, Agreement]:
    if not uris:
        return {}
    rows = await session.scalars(select(Agreement).where(Agreement.uri.in_(list(uris))))
    return {row.uri: row for row in rows if row.uri is not None}


async def introductions_by_uris(session: AsyncSession, uris: Collection[str]) -> dict[str, Introduction]:
    if not uris:
        return {}
    rows = await session.scalars(
        select(Introduction).where(or_(Introduction.uri.in_(list(uris)), Introduction.request_uri.in_(list(uris))))
    )
    found: dict[str, Introduction] = {}
    for row in rows:
        for uri in (row.uri, row.request_uri):
            if uri is not None:
                found[uri] = row
    return found


async def network_of(session: AsyncSession, actor_id: int, distance: int) -> frozenset[int]:
    """Actors within `distance` (1 or 2) follow steps of `actor_id`, either way (accepted)."""
    found: set[int] = set()
    frontier = {actor_id}
    for _ in range(distance):
        rows = await session.execute(
            select(Follow.follower_id, Follow.followee_id).where(
                Follow.state == "accepted",
                or_(Follow.follower_id.in_(sorted(frontier)), Follow.followee_id.in_(sorted(frontier))),
            )
        )
        reached = {other for pair in rows for other in pair} - found - {actor_id}
        found |= reached
        frontier = reached
    return frozenset(found)
