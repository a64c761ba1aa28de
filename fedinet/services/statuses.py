"""Posts and interactions: members post, edit, delete, like and boost; remote ones arrive.

Every change and the activity announcing it are written in one transaction; once it commits,
a change to a status is published on the change feed (`_change`). Audiences
(see `fedinet.federation.addressing`): a post, its Update and Delete go to the author's
remote followers (unless direct) and to the remote actors it mentions; a Like to the
status's author; an Announce to the booster's followers and the author; an Undo to the
audience of what it undoes.
"""

from __future__ import annotations

import html
import re

from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.clock import as_utc, utc_now
from fedinet.config import Settings
from fedinet.federation import note_document as documents
from fedinet.federation.activities_out import new_activity_id, undo
from fedinet.federation.addressing import VISIBILITIES, personal_inboxes, post_inboxes
from fedinet.federation.note_parsing import ParsedNote
from fedinet.federation.outbox import enqueue
from fedinet.federation.sanitize import plain_text_to_html
from fedinet.federation.transport import Transport
from fedinet.ids import new_id
from fedinet.services import notifications
from fedinet.services.errors import Conflict, Gone, InvalidInput, NotFound, ServiceError
from fedinet.services.remote_actors import resolve_handle
from fedinet.store import actors as actor_queries
from fedinet.store import follows as follow_queries
from fedinet.store import statuses as queries
from fedinet.store import timelines as timeline_queries
from fedinet.store.database import Database
from fedinet.store.events import Event
from fedinet.store.models import (
    Account,
    Actor,
    Boost,
    Favourite,
    Mention,
    Proposal,
    Status,
    StatusTag,
    Tombstone,
)

MAX_CHARS = 5000
MAX_SUMMARY = 1000
# `@user` (a member here) or `@user@domain`, as Mastodon finds them (plus a port in the domain).
MENTION = re.compile(
    r"(?<![\w/@.])@([a-z0-9_]+(?:[a-z0-9_.-]*[a-z0-9_])?)(?:@([\w.-]*\w(?::\d+)?))?", re.IGNORECASE
)
HASHTAG = re.compile(r"(?<![\w/)&#])#(\w*[^\W\d]\w*)")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


# Members' actions


async def resolve_mentions(db: Database, transport: Transport, settings: Settings, text: str) -> list[Actor]:
    """The remote actors `text` mentions, looked up over WebFinger unless stored already
    (call before `post`/`edit`: those link only known actors); unknown ones are skipped."""
    resolved = []
    for username, domain in {(m[1], m[2].lower()) for m in MENTION.finditer(text) if m[2]}:
        if domain == settings.domain:
            continue
        async with db.session() as session:
            known = await actor_queries.actor_by_handle(session, username, domain)
        try:
            resolved.append(known or await resolve_handle(db, transport, settings, f"{username}@{domain}"))
        except ServiceError:
            continue  # an unknown or unreachable account stays plain text
    return resolved


async def public_status(db: Database, uri: str) -> Status:
    """A public or unlisted status by URI; Gone if it was deleted, else NotFound."""
    async with db.session() as session:
        status = await queries.status_by_uri(session, uri)
        if status is None and await queries.is_tombstoned(session, uri):
            raise Gone("this status was deleted")
        if status is None or not await can_see(session, status, None):
            raise NotFound("no such status")
    return status


async def can_see(session: AsyncSession, status: Status, viewer: Actor | None) -> bool:
    """Whether `viewer` (None: anyone) may see the status, as Mastodon decides."""
    if status.visibility in ("public", "unlisted"):
        return True
    if viewer is None:
        return False
    if viewer.id == status.actor_id or viewer.uri in {m.actor_uri for m in status.mentions}:
        return True
    if status.visibility == "private":
        follow = await follow_queries.follow_between(session, viewer.id, status.actor_id)
        return follow is not None and follow.state == "accepted"
    return False


async def post(
    db: Database,
    settings: Settings,
    account: Account,
    text: str,
    *,
    visibility: str = "public",
    in_reply_to: Status | None = None,
    summary: str = "",
    sensitive: bool = False,
    language: str | None = None,
    proposal: Proposal | None = None,
) -> Status:
    """Publish a status; mentions of known actors and hashtags become links.

    With `proposal` the status is an ask or offer, and ends with a link to its page (ASK-4)."""
    if visibility not in VISIBILITIES:
        raise InvalidInput(f"visibility must be one of {', '.join(VISIBILITIES)}")
    _check_text(text, summary, language)
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        if in_reply_to is not None and not await can_see(session, in_reply_to, me):
            raise NotFound(f"no status {in_reply_to.id}")
        content, mentioned, tags = await _compose(session, settings, text)
        status_id = new_id()
        uri = f"{me.uri}/statuses/{status_id}"
        url = f"{me.profile_url}/{status_id}" if me.profile_url else uri
        if proposal is not None:
            content += proposal_link(url, proposal)
        status = Status(
            id=status_id,
            uri=uri,
            actor=me,
            is_local=True,
            url=url,
            content=content,
            summary=summary.strip(),
            sensitive=sensitive or bool(summary.strip()),
            language=language,
            visibility=visibility,
            in_reply_to_uri=in_reply_to.uri if in_reply_to is not None else None,
            published_at=utc_now(),
            mentions=[Mention(actor_uri=a.uri, name=f"@{a.handle}") for a in mentioned],
            tags=[StatusTag(name=name) for name in tags],
            proposal=proposal,
        )
        to, cc = documents.status_audience(status)
        status.addressed_to = to + cc
        session.add(status)
        await notifications.notify_mentions(db, session, me, status)
        replied_to = [in_reply_to.actor] if in_reply_to is not None and visibility != "direct" else []
        inboxes = await post_inboxes(session, me, visibility, [*mentioned, *replied_to])
        await enqueue(session, me, documents.create_activity(status, settings), inboxes)
        change = await _change(session, "status.created", status)
    db.events.publish(change)
    return status


async def direct_message(db: Database, sender: Actor, recipient: Actor, content_html: str) -> Status:
    """A direct status from a local actor without an account (the instance actor) to a member:
    how the instance speaks to members in any Mastodon client (a mention notification)."""
    assert sender.is_local and recipient.is_local
    async with db.transaction() as session:
        author = await session.get(Actor, sender.id)
        status_id = new_id()
        uri = f"{sender.uri}/statuses/{status_id}"
        mention = (
            f'<span class="h-card" translate="no"><a href="{recipient.profile_url or recipient.uri}" '
            f'class="u-url mention">@<span>{recipient.username}</span></a></span>'
        )
        status = Status(
            id=status_id, uri=uri, actor=author, is_local=True, url=uri,
            content=f"<p>{mention}</p>{content_html}", visibility="direct", addressed_to=[recipient.uri],
            published_at=utc_now(), mentions=[Mention(actor_uri=recipient.uri, name=f"@{recipient.handle}")],
            tags=[], proposal=None,
        )
        session.add(status)
        await notifications.notify_mentions(db, session, author, status)
        change = await _change(session, "status.created", status)
    db.events.publish(change)
    return status


async def edit(
    db: Database,
    settings: Settings,
    account: Account,
    status_id: int,
    text: str,
    *,
    summary: str | None = None,
    sensitive: bool | None = None,
    language: str | None = None,
) -> Status:
    """Change a status's text (and content warning); visibility stays as posted."""
    _check_text(text, summary or "", language)
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        status = await _own_status(session, me, status_id)
        before = await queries.actors_by_uris(session, [m.actor_uri for m in status.mentions])
        status.content, mentioned, tags = await _compose(session, settings, text)
        _sync(status, {a.uri: f"@{a.handle}" for a in mentioned}, tags)
        if summary is not None:
            status.summary = summary.strip()
        if sensitive is not None:
            status.sensitive = sensitive
        status.sensitive = status.sensitive or bool(status.summary)
        status.language = language or status.language
        status.edited_at = utc_now()
        inboxes = await post_inboxes(session, me, status.visibility, [*before, *mentioned])
        await enqueue(session, me, documents.update_activity(status, settings), inboxes)
        change = await _change(session, "status.updated", status)
    db.events.publish(change)
    return status


async def delete(db: Database, account: Account, status_id: int) -> None:
    """Delete a status: its row goes, a tombstone stays (its URI answers 410)."""
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        status = await _own_status(session, me, status_id)
        mentioned = await queries.actors_by_uris(session, [m.actor_uri for m in status.mentions])
        inboxes = await post_inboxes(session, me, status.visibility, mentioned)
        await enqueue(session, me, documents.delete_activity(status), inboxes)
        change = await _change(session, "status.deleted", status)
        session.add(Tombstone(uri=status.uri))
        await session.delete(status)
    db.events.publish(change)


async def like(db: Database, account: Account, status_id: int) -> Favourite:
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        status = await _visible_status(session, me, status_id)
        if await queries.favourite_of(session, me.id, status.id):
            raise Conflict("you already like this status")
        row = Favourite(actor_id=me.id, status_id=status.id, uri=new_activity_id(me.uri))
        session.add(row)
        await notifications.notify(db, session, "favourite", status.actor, me, status)
        activity = documents.like_activity(me, status, row.uri)
        await enqueue(session, me, activity, personal_inboxes([status.actor]))
    return row


async def unlike(db: Database, account: Account, status_id: int) -> None:
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        status = await _visible_status(session, me, status_id)
        row = await queries.favourite_of(session, me.id, status.id)
        if row is None:
            raise NotFound("you do not like this status")
        await session.delete(row)
        liked = documents.like_activity(me, status, row.uri)
        await enqueue(session, me, undo(me.uri, liked), personal_inboxes([status.actor]))


async def boost(db: Database, account: Account, status_id: int) -> Boost:
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        status = await _visible_status(session, me, status_id)
        if status.visibility not in ("public", "unlisted"):
            raise InvalidInput("only public and unlisted statuses can be boosted")
        if await queries.boost_of(session, me.id, status.id):
            raise Conflict("you already boosted this status")
        row = Boost(actor_id=me.id, status_id=status.id, uri=new_activity_id(me.uri), created_at=utc_now())
        session.add(row)
        await notifications.notify(db, session, "reblog", status.actor, me, status)
        activity = documents.announce_activity(me, status, row.uri, row.created_at)
        await enqueue(session, me, activity, await post_inboxes(session, me, "public", [status.actor]))
    return row


async def unboost(db: Database, account: Account, status_id: int) -> None:
    async with db.transaction() as session:
        me = await actor_queries.member_actor(session, account)
        status = await _visible_status(session, me, status_id)
        row = await queries.boost_of(session, me.id, status.id)
        if row is None:
            raise NotFound("you have not boosted this status")
        await session.delete(row)
        announced = documents.announce_activity(me, status, row.uri, row.created_at)
        inboxes = await post_inboxes(session, me, "public", [status.actor])
        await enqueue(session, me, undo(me.uri, announced), inboxes)


def proposal_link(url: str, proposal: Proposal) -> str:
    """The closing paragraph of an ask or offer: where to respond (ASK-4)."""
    kind = "ask" if proposal.purpose == "request" else "offer"
    return f'<p><a href="{html.escape(url)}">Respond to this {kind} on fedinet</a></p>'


def _check_text(text: str, summary: str, language: str | None) -> None:
    if not text.strip():
        raise InvalidInput("a status needs some text")
    if len(text) > MAX_CHARS or len(summary) > MAX_SUMMARY:
        raise InvalidInput(f"a status has at most {MAX_CHARS} characters and a warning {MAX_SUMMARY}")
    if language is not None and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})?", language):
        raise InvalidInput(f"{language!r} is not a language code like 'en' or 'pt-BR'")



async def _own_status(session: AsyncSession, me: Actor, status_id: int) -> Status:
    status = await queries.status_by_id(session, status_id)
    if status is None or status.actor_id != me.id:
        raise NotFound(f"you have no status {status_id}")
    return status


async def _visible_status(session: AsyncSession, me: Actor, status_id: int) -> Status:
    status = await queries.status_by_id(session, status_id)
    if status is None or not await can_see(session, status, me):
        raise NotFound(f"no status {status_id}")
    return status


async def _compose(
    session: AsyncSession, settings: Settings, text: str
) -> tuple[str, list[Actor], list[str]]:
    """(HTML, mentioned known actors, hashtags) of a member's plain text, linked as Mastodon does."""

    def handle(match: re.Match[str]) -> tuple[str, str]:
        return match[1].lower(), (match[2] or settings.domain).lower()

    known: dict[tuple[str, str], Actor] = {}
    for match in MENTION.finditer(text):
        actor = await actor_queries.actor_by_handle(session, match[1], handle(match)[1])
        if actor is not None:
            known[handle(match)] = actor
    mentioned: dict[str, Actor] = {}
    tags: list[str] = []

    def mention(match: re.Match[str]) -> str:
        actor = known.get(handle(match))
        if actor is None:
            return match[0]
        mentioned.setdefault(actor.uri, actor)
        return (
            f'<span class="h-card" translate="no"><a href="{actor.profile_url or actor.uri}" '
            f'class="u-url mention">@<span>{actor.username}</span></a></span>'
        )

    def hashtag(match: re.Match[str]) -> str:
        name = match[1].lower()
        if len(name) > 255:
            return match[0]
        if name not in tags:
            tags.append(name)
        href = documents.tag_url(settings, name)
        return f'<a href="{href}" class="mention hashtag" rel="tag">#<span>{match[1]}</span></a>'

    parts, in_link = [], 0
    for part in _TAG_OR_TEXT.split(plain_text_to_html(text)):
        if part.startswith("<"):
            in_link += 1 if re.match(r"<a[\s>]", part) else -1 if part.startswith("</a") else 0
        elif not in_link:
            part = MENTION.sub(mention, HASHTAG.sub(hashtag, part))
        parts.append(part)
    return "".join(parts), list(mentioned.values()), tags


def _sync(status: Status, mentions: dict[str, str], tags: list[str]) -> None:
    """Make the status's mention and tag rows match (rows are kept where unchanged)."""
    kept = {m.actor_uri: m for m in status.mentions if m.actor_uri in mentions}
    status.mentions = [kept.get(uri) or Mention(actor_uri=uri, name=name) for uri, name in mentions.items()]
    kept_tags = {t.name: t for t in status.tags if t.name in tags}
    status.tags = [kept_tags.get(name) or StatusTag(name=name) for name in tags]


async def _change(session: AsyncSession, kind: str, status: Status) -> Event:
    """The change-feed event for `status`, to publish once the transaction commits: to the
    members whose home timeline shows it and, if public, to the streams Mastodon gives it
    ("public" and "public:local"/"public:remote" unless it answers someone else,
    "hashtag:NAME" and, if local, "hashtag:local:NAME")."""
    await session.flush()
    parent_author = await timeline_queries.parent_author(session, status)
    streams: set[str] = set()
    if status.visibility == "public":
        names = [tag.name for tag in status.tags]
        streams = {f"hashtag:{name}" for name in names}
        if status.is_local:
            streams |= {f"hashtag:local:{name}" for name in names}
        if status.in_reply_to_uri is None or parent_author == status.actor_id:
            streams |= {"public", "public:local" if status.is_local else "public:remote"}
    accounts = await timeline_queries.home_audience(session, status, parent_author)
    return Event(kind, status.id, accounts=accounts, streams=frozenset(streams))


# Remote activities (called by fedinet.federation.handlers)


async def status_by_uri(db: Database, uri: str) -> Status | None:
    async with db.session() as session:
        return await queries.status_by_uri(session, uri)


async def is_known_or_deleted(db: Database, uri: str) -> bool:
    async with db.session() as session:
        if await queries.is_tombstoned(session, uri):
            return True
        return await queries.status_by_uri(session, uri) is not None


async def receive_status(db: Database, author: Actor, note: ParsedNote) -> Status | None:
    """Store a remote post; None if it is known already or was deleted before it arrived."""
    async with db.transaction() as session:
        if await queries.is_tombstoned(session, note.uri) or await queries.status_by_uri(session, note.uri):
            return None
        status = Status(
            id=new_id(),
            actor_id=author.id,
            is_local=False,
            **note.row_fields(),
            mentions=[Mention(actor_uri=uri, name=name) for uri, name in note.mentions.items()],
            tags=[StatusTag(name=name) for name in note.tags],
            proposal=Proposal(**note.proposal) if note.proposal else None,
        )
        session.add(status)
        await notifications.notify_mentions(db, session, author, status)
        change = await _change(session, "status.created", status)
    db.events.publish(change)
    return status


async def receive_edit(db: Database, author: Actor, note: ParsedNote) -> bool:
    """Apply an author's edit of their post; False if unknown, not theirs, or stale."""
    async with db.transaction() as session:
        status = await queries.status_by_uri(session, note.uri)
        if status is None or status.actor_id != author.id:
            return False
        edited_at = note.edited_at or utc_now()
        if status.edited_at is not None and edited_at <= as_utc(status.edited_at):
            return False
        status.content, status.summary, status.sensitive = note.content, note.summary, note.sensitive
        status.language, status.edited_at = note.language, edited_at
        _sync(status, note.mentions, note.tags)
        if note.proposal is not None and status.proposal is not None:
            for name, value in note.proposal.items():
                setattr(status.proposal, name, value)
        change = await _change(session, "status.updated", status)
    db.events.publish(change)
    return True


async def receive_delete(db: Database, author: Actor, uri: str) -> bool:
    """The author deleted `uri`: remove it and keep a tombstone (even if it has not arrived)."""
    async with db.transaction() as session:
        status = await queries.status_by_uri(session, uri)
        if status is not None and status.actor_id != author.id:
            return False
        change = await _change(session, "status.deleted", status) if status is not None else None
        if status is not None:
            await session.delete(status)
        if not await queries.is_tombstoned(session, uri):
            session.add(Tombstone(uri=uri))
    if change is not None:
        db.events.publish(change)
    return True


async def receive_like(db: Database, actor: Actor, status_uri: str, like_uri: str) -> bool:
    """A remote actor liked a local status; False if there is no such visible status."""
    async with db.transaction() as session:
        status = await queries.status_by_uri(session, status_uri)
        if status is None or not status.is_local or not await can_see(session, status, actor):
            return False
        if not await queries.favourite_of(session, actor.id, status.id):
            session.add(Favourite(actor_id=actor.id, status_id=status.id, uri=like_uri))
            await notifications.notify(db, session, "favourite", status.actor, actor, status)
    return True


async def receive_unlike(db: Database, actor: Actor, like_uri: str | None, status_uri: str | None) -> bool:
    async with db.transaction() as session:
        row = await queries.favourite_by_uri(session, like_uri) if like_uri else None
        if row is None and status_uri is not None:
            status = await queries.status_by_uri(session, status_uri)
            row = await queries.favourite_of(session, actor.id, status.id) if status else None
        if row is None or row.actor_id != actor.id:
            return False
        await session.delete(row)
    return True


async def receive_boost(db: Database, actor: Actor, status_uri: str, announce_uri: str) -> bool:
    """A remote actor boosted a stored status; False if it may not be boosted."""
    async with db.transaction() as session:
        status = await queries.status_by_uri(session, status_uri)
        if status is None:
            return False
        if status.visibility not in ("public", "unlisted") and status.actor_id != actor.id:
            return False
        if not await queries.boost_of(session, actor.id, status.id):
            session.add(Boost(actor_id=actor.id, status_id=status.id, uri=announce_uri))
            await notifications.notify(db, session, "reblog", status.actor, actor, status)
    return True


async def receive_unboost(db: Database, actor: Actor, announce_uri: str) -> bool:
    async with db.transaction() as session:
        row = await queries.boost_by_uri(session, announce_uri)
        if row is None or row.actor_id != actor.id:
            return False
        await session.delete(row)
    return True
