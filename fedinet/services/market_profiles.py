"""Market profiles (issue #6 item 1): what a member can help with, what they are looking for,
how they like to be approached, and who may see it.

A profile belongs to a member's actor. Its audience is `public` (anyone), `followers` (the
member's accepted followers) or `members` (members of this instance, the default); to anyone
outside it, the profile does not exist. Whom-to-ask reads the "can help with" topics under the
same rule (`fedinet.market.whom_to_ask.profile_visible`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.clock import utc_now
from fedinet.services.errors import InvalidInput, NotFound
from fedinet.services.proposals import normalise_topics
from fedinet.store import market_profiles as queries
from fedinet.store.database import Database
from fedinet.store.models import Account, MarketProfile, MarketProfileTopic

AUDIENCES = ("public", "followers", "members")
DEFAULT_AUDIENCE = "members"
MAX_TOPICS = 20  # per list
MAX_APPROACH = 1000  # characters of "how I like to be approached"
OFFER, SEEK = "offer", "seek"  # MarketProfileTopic.kind


@dataclass(frozen=True)
class ProfileView:
    actor_id: int
    can_help_with: list[str]
    looking_for: list[str]
    approach: str
    audience: str
    updated_at: datetime | None  # None: never saved


def normalise_profile_topics(topics: Iterable[object], name: str) -> list[str]:
    """Topics as hashtags (ASK-7's rules: no '#', lower case, letters, digits and _, at most
    64 characters), unique, at most `MAX_TOPICS`."""
    names: list[str] = []
    for topic in topics:
        if not isinstance(topic, str):
            raise InvalidInput(f"{name} must be a list of topics")
        for normalised in normalise_topics([topic]):
            if normalised not in names:
                names.append(normalised)
    if len(names) > MAX_TOPICS:
        raise InvalidInput(f"{name}: at most {MAX_TOPICS} topics")
    return names


def _view(actor_id: int, row: MarketProfile | None) -> ProfileView:
    if row is None:
        return ProfileView(actor_id, [], [], "", DEFAULT_AUDIENCE, None)
    return ProfileView(
        actor_id,
        [topic.topic for topic in row.topics if topic.kind == OFFER],
        [topic.topic for topic in row.topics if topic.kind == SEEK],
        row.approach,
        row.audience,
        row.updated_at,
    )


async def own_profile(db: Database, account: Account) -> ProfileView:
    """The member's profile (an empty one, for the members, if they never saved one)."""
    async with db.session() as session:
        return _view(account.actor_id, await queries.profile_of(session, account.actor_id))


async def update_profile(
    db: Database,
    account: Account,
    *,
    can_help_with: Iterable[object] | None = None,
    looking_for: Iterable[object] | None = None,
    approach: str | None = None,
    audience: str | None = None,
) -> ProfileView:
    """Change the member's profile; what is not given (None) stays as it was."""
    offers = None if can_help_with is None else normalise_profile_topics(can_help_with, "can_help_with")
    seeks = None if looking_for is None else normalise_profile_topics(looking_for, "looking_for")
    if approach is not None and len(approach) > MAX_APPROACH:
        raise InvalidInput(f"approach has at most {MAX_APPROACH} characters")
    if audience is not None and audience not in AUDIENCES:
        raise InvalidInput(f"audience must be one of {', '.join(AUDIENCES)}")
    async with db.transaction() as session:
        row = await queries.profile_of(session, account.actor_id)
        if row is None:
            row = MarketProfile(actor_id=account.actor_id, approach="", audience=DEFAULT_AUDIENCE, topics=[])
            session.add(row)
        if approach is not None:
            row.approach = approach.strip()
        if audience is not None:
            row.audience = audience
        if offers is not None or seeks is not None:
            current = {OFFER: [t.topic for t in row.topics if t.kind == OFFER], SEEK: [t.topic for t in row.topics if t.kind == SEEK]}
            wanted = {OFFER: offers if offers is not None else current[OFFER], SEEK: seeks if seeks is not None else current[SEEK]}
            row.topics = [
                MarketProfileTopic(actor_id=account.actor_id, kind=kind, topic=topic, position=position)
                for kind in (OFFER, SEEK)
                for position, topic in enumerate(wanted[kind])
            ]
        row.updated_at = utc_now()
    return _view(account.actor_id, row)


async def profile_for(db: Database, actor_id: int, viewer: Account | None) -> ProfileView:
    """A member's profile as `viewer` (None: anonymous) may see it; NotFound outside its audience."""
    async with db.session() as session:
        row = await queries.profile_of(session, actor_id)
        if row is None or not await _may_see(session, row, viewer):
            raise NotFound("Record not found")
        return _view(actor_id, row)


async def _may_see(session: AsyncSession, row: MarketProfile, viewer: Account | None) -> bool:
    if row.audience == "public":
        return True
    if viewer is None:
        return False
    if viewer.actor_id == row.actor_id or row.audience == "members":
        return True
    return row.audience == "followers" and await queries.follows_accepted(session, viewer.actor_id, row.actor_id)
