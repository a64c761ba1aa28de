"""Queries for a member's ties (docs/relationships.md): every interaction between one actor and
anyone else, either way, with its time — a fixed number of set-based queries (seven), however
many people the member knows.

The sources are those of whom to ask's strength (`fedinet.services.whom_to_ask.gather`):
accepted follows, standing vouches and acknowledgments, connected introductions, and the most
recent replies each way (`RECENT_REPLIES`); here each also carries its time, for "last
interaction" (a follow's time is when it was accepted, or asked for).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from fedinet.clock import as_utc
from fedinet.market import whom_to_ask as ranking
from fedinet.store.models import Actor, Evidence, Follow, Introduction, Status

RECENT_REPLIES = 1000  # each way, as whom to ask counts them


async def ties_of(session: AsyncSession, me: int, recent_replies: int = RECENT_REPLIES) -> list[ranking.Tie]:
    """Every tie between `me` and someone else, either way, each with its time."""
    ties: list[ranking.Tie] = []
    for follower, followee, accepted_at, created_at in await session.execute(
        select(Follow.follower_id, Follow.followee_id, Follow.accepted_at, Follow.created_at).where(
            Follow.state == "accepted", or_(Follow.follower_id == me, Follow.followee_id == me)
        )
    ):
        ties.append(ranking.Tie(follower, followee, ranking.FOLLOW, as_utc(accepted_at or created_at)))
    evidence = select(Evidence.author_id, Evidence.subject_id, Evidence.kind, Evidence.published_at).where(
        Evidence.kind.in_((ranking.VOUCH, ranking.ACKNOWLEDGMENT)), Evidence.revoked_at.is_(None)
    )
    for mine in (Evidence.author_id == me, Evidence.subject_id == me):  # each walks its own index
        for author, subject, kind, at in await session.execute(evidence.where(mine)):
            ties.append(ranking.Tie(author, subject, kind, as_utc(at)))
    for introduced, target, at in await session.execute(
        select(Introduction.introduced_id, Introduction.target_id, Introduction.updated_at).where(
            Introduction.state == "connected", or_(Introduction.introduced_id == me, Introduction.target_id == me)
        )
    ):
        ties.append(ranking.Tie(introduced, target, ranking.INTRODUCTION, as_utc(at)))
    child, parent = aliased(Status), aliased(Status)
    replies = select(child.actor_id, parent.actor_id, child.published_at).join(parent, child.in_reply_to_uri == parent.uri)
    for mine in (child.actor_id == me, parent.actor_id == me):
        rows = await session.execute(
            replies.where(mine, child.actor_id != parent.actor_id).order_by(child.id.desc()).limit(recent_replies)
        )
        ties += [ranking.Tie(source, target, ranking.REPLY, as_utc(at)) for source, target, at in rows]
    return [tie for tie in ties if tie.source != tie.target]


async def actors_by_ids(session: AsyncSession, ids: Collection[int]) -> dict[int, Actor]:
    if not ids:
        return {}
    return {actor.id: actor for actor in await session.scalars(select(Actor).where(Actor.id.in_(sorted(ids))))}

