"""Nudges: prompts to act at the right moment, each saying why (issue #6 item 4).

Kinds (a member can mute each):

- `ask-matches-you`: an ask by someone in your network (you follow each other either way)
  is about a topic you help with (your open offers, your market profile, the topics you
  were vouched for);
- `offer-matches-your-ask`: an offer is about a topic of one of your open asks;
- `connection-needs-help`: someone you follow posted that they need something (a post
  tagged #ask, #help, #hiring, #lookingfor, #needhelp — from any server, Mastodon too);
- `introduction-waiting`: an introduction waits for your decision;
- `did-it-help`: an introduction you were part of was accepted a while ago, and you have
  not said how it went;
- `going-cold`: a strong tie (`services/ties.py`) has had no interaction for a while; checked
  once a day.

Posts tagged #offer from others count like offers, and needs-posts like asks, for the
matching. Every nudge is a row members read through the API; who opted in also gets it as a
direct message from the instance's account, which any Mastodon client shows. Nobody is
nudged about a post they may not see.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.clock import as_utc, utc_now
from fedinet.config import Settings
from fedinet.federation.sanitize import html_to_plain_text
from fedinet.ids import new_id
from fedinet.services import statuses
from fedinet.services.errors import InvalidInput, NotFound
from fedinet.services.instance import instance_actor
from fedinet.services.ties import COLD_AFTER, cooling_ties
from fedinet.store.database import Database
from fedinet.store.models import (
    Account,
    Evidence,
    Follow,
    InstanceSetting,
    Introduction,
    MarketProfileTopic,
    Nudge,
    NudgePreference,
    Proposal,
    Status,
    StatusTag,
)

KINDS = {
    "ask-matches-you": "an ask in your network matches what you help with",
    "offer-matches-your-ask": "an offer matches one of your open asks",
    "connection-needs-help": "someone you follow may need help",
    "introduction-waiting": "an introduction waits for your decision",
    "did-it-help": "did an introduction help?",
    "going-cold": "a relationship is going cold",
}
NEED_TAGS = frozenset({"ask", "help", "hiring", "lookingfor", "needhelp"})
OFFER_TAGS = frozenset({"offer"})
_ROLE_WAITING = {"requested": "connector", "awaiting-consent": "introduced", "offered": "target"}
CURSOR_KEY = "nudges.cursor"
COLD_CHECK_KEY = "nudges.cold_checked_at"
BATCH = 200


@dataclass(frozen=True)
class Want:
    """A post read for matching: an ask or offer, or a post tagged as a need or an offer."""

    status: Status
    needs: bool  # an ask, or a need-post; else an offer
    topics: frozenset[str]
    title: str


def want_of(status: Status) -> Want | None:
    """What a post asks or offers, if anything (proposals, and posts tagged as signals)."""
    tags = frozenset(tag.name for tag in status.tags)
    if status.proposal is not None:
        if status.proposal.state != "open":
            return None
        return Want(status, status.proposal.purpose == "request", tags, status.proposal.name)
    if status.in_reply_to_uri is not None:
        return None
    if tags & NEED_TAGS:
        return Want(status, True, tags - NEED_TAGS - OFFER_TAGS, _first_words(status))
    if tags & OFFER_TAGS:
        return Want(status, False, tags - NEED_TAGS - OFFER_TAGS, _first_words(status))
    return None


def _first_words(status: Status) -> str:
    text = html_to_plain_text(status.content)
    return text if len(text) <= 80 else text[:79] + "…"


class NudgeJob:
    """Background job: nudges from new posts (in id order, from a cursor) and from the state of
    introductions. Runs again cheaply: each nudge exists once per member, kind and subject."""

    name = "nudges"
    idle_seconds = 15.0

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        outcome_delay: timedelta = timedelta(days=7),
        cold_after: timedelta = COLD_AFTER,
        cold_check_every: timedelta = timedelta(days=1),
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._settings = settings
        self._outcome_delay = outcome_delay
        self._cold_after = cold_after
        self._cold_check_every = cold_check_every
        self._clock = clock

    async def run_once(self) -> int:
        handled = await self._new_posts()
        handled += await self._introductions()
        handled += await self._going_cold()
        return handled

    async def _going_cold(self) -> int:
        """Once per `cold_check_every`: each member's strong ties without a recent interaction."""
        now = self._clock()
        async with self._db.session() as session:
            checked = await session.get(InstanceSetting, COLD_CHECK_KEY)
            if checked is not None and now - datetime.fromisoformat(checked.value["at"]) < self._cold_check_every:
                return 0
            members = list((await _members(session)).values())
        created = 0
        for account in members:
            for cold in await cooling_ties(self._db, account, now, cold_after=self._cold_after):
                last = cold.tie.last_interaction_at
                subject = f"{cold.tie.actor.uri}#since-{as_utc(last).date().isoformat() if last else 'ever'}"
                link = cold.tie.actor.profile_url or cold.tie.actor.uri
                created += await self.nudge(account, "going-cold", subject, cold.reason, link)
        async with self._db.transaction() as session:
            row = await session.get(InstanceSetting, COLD_CHECK_KEY)
            if row is None:
                session.add(InstanceSetting(key=COLD_CHECK_KEY, value={"at": now.isoformat()}))
            else:
                row.value = {"at": now.isoformat()}
        return created

    async def _new_posts(self) -> int:
        async with self._db.session() as session:
            cursor = await session.get(InstanceSetting, CURSOR_KEY)
            after = int(cursor.value["status_id"]) if cursor is not None else 0
            posts = list(await session.scalars(select(Status).where(Status.id > after).order_by(Status.id).limit(BATCH)))
        if not posts:
            return 0
        for post in posts:
            want = want_of(post)
            if want is not None:
                await self._match(want)
        async with self._db.transaction() as session:
            row = await session.get(InstanceSetting, CURSOR_KEY)
            value = {"status_id": str(posts[-1].id)}
            if row is None:
                session.add(InstanceSetting(key=CURSOR_KEY, value=value))
            else:
                row.value = value
        return len(posts)

    async def _match(self, want: Want) -> None:
        author, status = want.status.actor, want.status
        link = status.url or status.uri
        async with self._db.session() as session:
            members = await _members(session)
            audience = {
                actor_id: account for actor_id, account in members.items()
                if actor_id != author.id and await statuses.can_see(session, status, account.actor)
            }
            followers = await _followers_among(session, author.id, set(audience))
            network = followers | await _followees_among(session, author.id, set(audience))
            if want.needs:
                helping = await _helping_topics(session, set(network))
                matches = {actor_id: helping.get(actor_id, set()) & want.topics for actor_id in network}
            else:
                asking = await _asking_topics(session, set(audience))
                matches = {actor_id: topics & want.topics for actor_id, topics in asking.items()}
        for actor_id, topics in matches.items():
            if not topics:
                continue
            tags = " ".join(f"#{topic}" for topic in sorted(topics))
            if want.needs:
                reason = f"{author.handle} asks: “{want.title}” — you help with {tags}"
                await self.nudge(audience[actor_id], "ask-matches-you", status.uri, reason, link)
            else:
                reason = f"{author.handle} offers “{want.title}”, which matches your ask about {tags}"
                await self.nudge(audience[actor_id], "offer-matches-your-ask", status.uri, reason, link)
        if want.needs and status.proposal is None:
            for actor_id in followers:
                if not matches.get(actor_id):
                    reason = f"{author.handle}, whom you follow, may need help: “{want.title}”"
                    await self.nudge(audience[actor_id], "connection-needs-help", status.uri, reason, link)

    async def _introductions(self) -> int:
        created = 0
        now = self._clock()
        async with self._db.session() as session:
            members = await _members(session)
            waiting = list(
                await session.scalars(
                    select(Introduction).where(Introduction.state.in_(("requested", "awaiting-consent", "offered")))
                )
            )
            connected = list(await session.scalars(select(Introduction).where(Introduction.state == "connected")))
            reported = {
                (author_id, uri)
                for author_id, uri in await session.execute(
                    select(Evidence.author_id, Evidence.context_uri).where(Evidence.kind == "outcome")
                )
            }
        for row in waiting:
            role, verb = {
                "requested": (row.connector_id, "asks you to introduce them to"),
                "awaiting-consent": (row.introduced_id, "would like to introduce you to"),
                "offered": (row.target_id, "introduces to you"),
            }[row.state]
            account = members.get(role)
            if account is None:
                continue
            who, whom = _waiting_parties(row)
            subject = f"{row.uri or row.request_uri}#{row.state}"
            link = _intro_link(self._settings, _ROLE_WAITING[row.state], row.state)
            created += await self.nudge(account, "introduction-waiting", subject, f"{who} {verb} {whom}", link)
        for row in connected:
            if now - as_utc(row.updated_at) < self._outcome_delay or row.uri is None:
                continue
            for party_id, other in ((row.introduced_id, row.target), (row.target_id, row.introduced)):
                account = members.get(party_id)
                if account is not None and (party_id, row.uri) not in reported:
                    reason = f"Did your introduction to {other.handle} by {row.connector.handle} help? Tell them."
                    role = "introduced" if party_id == row.introduced_id else "target"
                    link = _intro_link(self._settings, role, "connected")
                    created += await self.nudge(account, "did-it-help", row.uri, reason, link)
        return created

    async def nudge(self, account: Account, kind: str, subject_uri: str, reason: str, link: str) -> int:
        """Record a nudge (and send it as a direct message if the member opted in); 1 if new."""
        async with self._db.transaction() as session:
            preference = await session.get(NudgePreference, account.id)
            if preference is not None and kind in preference.muted:
                return 0
            dialect: Any = sqlite if session.bind.dialect.name == "sqlite" else postgresql
            inserted = await session.execute(
                dialect.insert(Nudge)
                .values(
                    id=new_id(), account_id=account.id, kind=kind, subject_uri=subject_uri,
                    reason=reason, link=link, created_at=self._clock(),
                )
                .on_conflict_do_nothing(index_elements=["account_id", "kind", "subject_uri"])
            )
            wants_message = preference is not None and preference.direct_messages
        if not inserted.rowcount:
            return 0
        if wants_message:
            sender = await instance_actor(self._db, self._settings)
            body = f'<p>{html.escape(reason)}</p><p><a href="{html.escape(link)}">{html.escape(link)}</a></p>'
            await statuses.direct_message(self._db, sender, account.actor, body)
        return 1


def _waiting_parties(row: Introduction) -> tuple[str, str]:
    if row.state == "requested":
        return row.introduced.handle, row.target.handle
    if row.state == "awaiting-consent":
        return row.connector.handle, row.target.handle
    return row.connector.handle, row.introduced.handle


def _intro_link(settings: Settings, role: str, state: str) -> str:
    """Where the member acts: their introductions in this role and state (fedinet API)."""
    return settings.url(f"/api/fedinet/v1/introductions?role={role}&state={state}")


async def _members(session: AsyncSession) -> dict[int, Account]:
    """Accounts by actor id, suspended ones left out."""
    accounts = await session.scalars(select(Account).where(Account.suspended_at.is_(None)))
    return {account.actor_id: account for account in accounts}


async def _followers_among(session: AsyncSession, actor_id: int, among: set[int]) -> set[int]:
    rows = await session.scalars(
        select(Follow.follower_id).where(Follow.followee_id == actor_id, Follow.state == "accepted")
    )
    return set(rows) & among


async def _followees_among(session: AsyncSession, actor_id: int, among: set[int]) -> set[int]:
    rows = await session.scalars(
        select(Follow.followee_id).where(Follow.follower_id == actor_id, Follow.state == "accepted")
    )
    return set(rows) & among


async def _helping_topics(session: AsyncSession, actor_ids: set[int]) -> dict[int, set[str]]:
    """Topics each actor helps with: their open offers', their market profile's, and those
    they were vouched for."""
    topics: dict[int, set[str]] = {actor_id: set() for actor_id in actor_ids}
    for actor_id, names in (await _open_proposal_topics(session, actor_ids, "offer")).items():
        topics[actor_id] |= names
    vouches = await session.execute(
        select(Evidence.subject_id, Evidence.topics).where(
            Evidence.subject_id.in_(actor_ids), Evidence.kind == "vouch", Evidence.revoked_at.is_(None)
        )
    )
    for actor_id, names in vouches:
        topics[actor_id].update(names or [])
    profiles = await session.execute(
        select(MarketProfileTopic.actor_id, MarketProfileTopic.topic).where(
            MarketProfileTopic.actor_id.in_(actor_ids), MarketProfileTopic.kind == "offer"
        )
    )
    for actor_id, name in profiles:
        topics[actor_id].add(name)
    return topics


async def _asking_topics(session: AsyncSession, actor_ids: set[int]) -> dict[int, set[str]]:
    """Topics of each actor's open asks."""
    return await _open_proposal_topics(session, actor_ids, "request")


async def _open_proposal_topics(session: AsyncSession, actor_ids: set[int], purpose: str) -> dict[int, set[str]]:
    """Topics of each actor's open proposals with this purpose (`offer` or `request`)."""
    topics: dict[int, set[str]] = {}
    rows = await session.execute(
        select(Status.actor_id, StatusTag.name)
        .join(Proposal, Proposal.status_id == Status.id)
        .join(StatusTag, StatusTag.status_id == Status.id)
        .where(Status.actor_id.in_(actor_ids), Proposal.purpose == purpose, Proposal.state == "open")
    )
    for actor_id, name in rows:
        topics.setdefault(actor_id, set()).add(name)
    return topics


# Members' side


async def list_for(db: Database, account: Account, *, unread_only: bool = False, limit: int = 40) -> list[Nudge]:
    async with db.session() as session:
        query = select(Nudge).where(Nudge.account_id == account.id)
        if unread_only:
            query = query.where(Nudge.read_at.is_(None))
        return list(await session.scalars(query.order_by(Nudge.id.desc()).limit(min(limit, 200))))


async def mark_read(db: Database, account: Account, nudge_id: int) -> Nudge:
    async with db.transaction() as session:
        row = await session.get(Nudge, nudge_id)
        if row is None or row.account_id != account.id:
            raise NotFound(f"no nudge {nudge_id}")
        row.read_at = row.read_at or utc_now()
    return row


async def preferences(db: Database, account: Account) -> NudgePreference:
    async with db.session() as session:
        row = await session.get(NudgePreference, account.id)
    return row or NudgePreference(account_id=account.id, muted=[], direct_messages=False)


async def set_preferences(
    db: Database, account: Account, *, muted: list[str] | None = None, direct_messages: bool | None = None
) -> NudgePreference:
    unknown = sorted(set(muted or []) - set(KINDS))
    if unknown:
        raise InvalidInput(f"unknown nudge kinds {', '.join(unknown)}: choose from {', '.join(KINDS)}")
    async with db.transaction() as session:
        row = await session.get(NudgePreference, account.id)
        if row is None:
            row = NudgePreference(account_id=account.id, muted=[], direct_messages=False)
            session.add(row)
        if muted is not None:
            row.muted = sorted(set(muted))
        if direct_messages is not None:
            row.direct_messages = direct_messages
    return row

