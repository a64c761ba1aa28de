"""Queries behind timelines and the Status entity: pages of the statuses a member may see,
newest first by id (ids sort by time, see `fedinet.ids`), and what a page of them shows,
fetched for the whole page at once.

Pages walk the statuses' primary key (or `ix_statuses_actor_id_id` for one account) and stop
at `limit`; each filter is an index lookup: follows (follower_id, followee_id), mentions
(status_id, actor_uri), statuses.uri, status_tags. `_visible` is
`fedinet.services.statuses.can_see` in SQL.

Statements are built once per shape (`functools.cache`) with the viewer, cursors and ids as
bound parameters: building one costs SQLAlchemy more than SQLite takes to run it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload, lazyload

from fedinet.clock import utc_now
from fedinet.store.models import (
    Account,
    Actor,
    ActorBlock,
    Boost,
    Favourite,
    Follow,
    Mention,
    Mute,
    Status,
    StatusTag,
)
from fedinet.store.paging import Page, keyset, newest_first

LISTED = ("public", "unlisted")
ANCESTORS_LIMIT = 40
DESCENDANTS_LIMIT = 4096
THREAD_DEPTH_LIMIT = 256  # also ends reply cycles a remote server may have made up
NEWEST = 2**63 - 1
# The viewer (actor id, actor URI, account id), the time (for mutes), and the page window.
ME, MY_URI, MY_ACCOUNT, NOW = bindparam("me"), bindparam("my_uri"), bindparam("my_account"), bindparam("now")
BEFORE, AFTER, LIMIT = bindparam("before"), bindparam("after"), bindparam("limit")

Build = Callable[[bool], Select[tuple[Status]]]  # ascending? → statement


def _statuses() -> Select[tuple[Status]]:
    """Statuses with their authors (not the authors' keys), mentions and tags, in one query
    (one round trip, not three: that halves the time of a page). Run with `_all`."""
    return select(Status).options(
        joinedload(Status.actor).lazyload(Actor.keys), joinedload(Status.mentions), joinedload(Status.tags)
    )


async def _all(session: AsyncSession, statement: Select[tuple[Status]], values: dict[str, Any]) -> list[Status]:
    return list((await session.scalars(statement, values)).unique())


def _windowed(query: Select[tuple[Status]], ascending: bool) -> Select[tuple[Status]]:
    query = query.where(Status.id < BEFORE, Status.id > AFTER)
    return query.order_by(Status.id.asc() if ascending else Status.id.desc()).limit(LIMIT)


async def _page(session: AsyncSession, build: Build, page: Page, values: dict[str, Any]) -> list[Status]:
    """Newest first; a `min_id` page is read oldest first (the ones just above it), then turned."""
    ascending = page.min_id is not None
    after = page.min_id if ascending else page.since_id
    window = {"before": NEWEST if page.max_id is None else page.max_id, "after": after or 0, "limit": page.limit}
    return newest_first(await _all(session, build(ascending), {**window, **values}), page)


def _viewer(viewer: Account | None) -> dict[str, Any]:
    if viewer is None:
        return {}
    return {"me": viewer.actor_id, "my_uri": viewer.actor.uri, "my_account": viewer.id, "now": utc_now()}


def _follows(follower_id: ColumnElement[int], followee_id: ColumnElement[int]) -> ColumnElement[bool]:
    """An EXISTS, not an IN: timelines then walk the statuses by id and stop at `limit` (an IN
    on actor_id makes SQLite gather every status of the followed actors, then sort them)."""
    return exists().where(
        Follow.follower_id == follower_id, Follow.followee_id == followee_id, Follow.state == "accepted"
    )


# Per-row lookups are written as scalar subqueries, not EXISTS: PostgreSQL would hash an
# EXISTS under OR, reading the whole table, as it does not see that `limit` stops the scan early.


def _mentions_me() -> ColumnElement[bool]:
    mention = select(Mention.status_id).where(Mention.status_id == Status.id, Mention.actor_uri == MY_URI)
    return mention.scalar_subquery().is_not(None)


def _parent_author() -> ColumnElement[int]:
    """The actor id of the author of the status this one answers (NULL if none is known)."""
    parent = aliased(Status)
    return select(parent.actor_id).where(parent.uri == Status.in_reply_to_uri).correlate_except(parent).scalar_subquery()


def _tagged(name: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(StatusTag.status_id == Status.id, StatusTag.name == name)


def _not_a_reply_to_others() -> ColumnElement[bool]:
    """Not a reply, or a reply to the author's own status (a thread)."""
    return or_(Status.in_reply_to_uri.is_(None), _parent_author() == Status.actor_id)


def _visible(has_viewer: bool) -> ColumnElement[bool]:
    """Whether the viewer (`me`) may see the status: `services.statuses.can_see` in SQL."""
    listed = Status.visibility.in_(LISTED)
    if not has_viewer:
        return listed
    private_to_me = and_(Status.visibility == "private", _follows(ME, Status.actor_id))
    return or_(listed, Status.actor_id == ME, private_to_me, _mentions_me())


def _not_hidden() -> ColumnElement[bool]:
    """Not by an actor the viewer blocks or mutes, nor by one who blocks the viewer."""
    hidden = union_all(
        select(ActorBlock.blocked_id).where(ActorBlock.blocker_id == ME),
        select(ActorBlock.blocker_id).where(ActorBlock.blocked_id == ME),
        select(Mute.target_id).where(Mute.account_id == MY_ACCOUNT, or_(Mute.expires_at.is_(None), Mute.expires_at > NOW)),
    )
    return Status.actor_id.not_in(hidden)


# Timelines


@functools.cache
def _home(ascending: bool) -> Select[tuple[Status]]:
    parent_author = _parent_author()
    replies_to_known = or_(parent_author == ME, parent_author == Status.actor_id, _follows(ME, parent_author))
    followed = and_(
        _follows(ME, Status.actor_id),
        or_(Status.visibility != "direct", _mentions_me()),
        or_(Status.in_reply_to_uri.is_(None), replies_to_known),
        _not_hidden(),
    )
    return _windowed(_statuses().where(or_(Status.actor_id == ME, followed)), ascending)


async def home(session: AsyncSession, viewer: Account, page: Page) -> list[Status]:
    """The member's own statuses and those of the actors they follow, as Mastodon fills a home
    feed: direct ones only where they mention the member, replies only to someone the member
    follows (or to the member, or the author's own threads)."""
    return await _page(session, _home, page, _viewer(viewer))


def _public_statuses(has_viewer: bool, local: bool, remote: bool) -> Select[tuple[Status]]:
    query = _statuses().where(Status.visibility == "public")
    if local:
        query = query.where(Status.is_local)
    if remote:
        query = query.where(~Status.is_local)
    return query.where(_not_hidden()) if has_viewer else query


@functools.cache
def _public(ascending: bool, has_viewer: bool, local: bool, remote: bool) -> Select[tuple[Status]]:
    return _windowed(_public_statuses(has_viewer, local, remote).where(_not_a_reply_to_others()), ascending)


async def public(
    session: AsyncSession, page: Page, viewer: Account | None, *, local: bool = False, remote: bool = False
) -> list[Status]:
    """Public statuses known here, without replies to others (Mastodon's public feed)."""
    return await _page(session, lambda ascending: _public(ascending, viewer is not None, local, remote), page, _viewer(viewer))


@dataclass(frozen=True)
class TagQuery:
    """Statuses with any of `any_of`, all of `all_of` and none of `none_of` (lower-case names)."""

    any_of: Collection[str]
    all_of: Collection[str] = ()
    none_of: Collection[str] = ()


@functools.cache
def _tagged_with(
    ascending: bool, has_viewer: bool, local: bool, remote: bool, all_count: int, none_count: int
) -> Select[tuple[Status]]:
    with_any = select(StatusTag.status_id).where(StatusTag.name.in_(bindparam("any", expanding=True)))
    query = _public_statuses(has_viewer, local, remote).where(Status.id.in_(with_any))
    for n in range(all_count):
        query = query.where(_tagged(bindparam(f"all_{n}")))
    for n in range(none_count):
        query = query.where(~_tagged(bindparam(f"none_{n}")))
    return _windowed(query, ascending)


async def tagged(
    session: AsyncSession, tags: TagQuery, page: Page, viewer: Account | None, *, local: bool = False,
    remote: bool = False,
) -> list[Status]:
    """Public statuses with the tags asked for (each list short: statements are cached per length)."""
    names = {"any": list(tags.any_of)}
    names |= {f"all_{n}": name for n, name in enumerate(tags.all_of)}
    names |= {f"none_{n}": name for n, name in enumerate(tags.none_of)}
    shape = (viewer is not None, local, remote, len(tags.all_of), len(tags.none_of))
    return await _page(session, lambda ascending: _tagged_with(ascending, *shape), page, {**names, **_viewer(viewer)})


@functools.cache
def _by_account(ascending: bool, has_viewer: bool, exclude_replies: bool, with_tag: bool) -> Select[tuple[Status]]:
    query = _statuses().where(Status.actor_id == bindparam("author"), _visible(has_viewer))
    if exclude_replies:
        query = query.where(_not_a_reply_to_others())
    if with_tag:
        query = query.where(_tagged(bindparam("tag")))
    return _windowed(query, ascending)


async def by_account(
    session: AsyncSession, actor_id: int, page: Page, viewer: Account | None, *,
    exclude_replies: bool = False, tag: str | None = None,
) -> list[Status]:
    """An actor's statuses the viewer may see (their profile)."""
    shape = (viewer is not None, exclude_replies, tag is not None)
    values = {"author": actor_id, "tag": tag, **_viewer(viewer)}
    return await _page(session, lambda ascending: _by_account(ascending, *shape), page, values)


# Single statuses and threads


@functools.cache
def _by_ids(has_viewer: bool) -> Select[tuple[Status]]:
    return _statuses().where(Status.id.in_(bindparam("ids", expanding=True)), _visible(has_viewer))


async def visible_statuses(session: AsyncSession, ids: list[int], viewer: Account | None) -> list[Status]:
    """Those of the statuses the viewer may see, in the order of `ids`."""
    if not ids:
        return []
    found = {s.id: s for s in await _all(session, _by_ids(viewer is not None), {"ids": ids, **_viewer(viewer)})}
    return [found[i] for i in ids if i in found]


async def visible_status(session: AsyncSession, status_id: int, viewer: Account | None) -> Status | None:
    found = await visible_statuses(session, [status_id], viewer)
    return found[0] if found else None


async def ancestors(session: AsyncSession, status: Status, viewer: Account | None) -> list[Status]:
    """The statuses `status` answers, known here and visible to the viewer, oldest first."""
    if status.in_reply_to_uri is None:
        return []
    up = (
        select(Status.id, Status.in_reply_to_uri, literal(1).label("depth"))
        .where(Status.uri == status.in_reply_to_uri)
        .cte("ancestors", recursive=True)
    )
    parent = aliased(Status)
    up = up.union_all(
        select(parent.id, parent.in_reply_to_uri, up.c.depth + 1)
        .join(up, parent.uri == up.c.in_reply_to_uri)
        .where(up.c.depth < ANCESTORS_LIMIT)
    )
    rows = await session.execute(select(up.c.id).order_by(up.c.depth.desc()))
    return await visible_statuses(session, list(dict.fromkeys(row[0] for row in rows)), viewer)


async def descendants(session: AsyncSession, status: Status, viewer: Account | None) -> list[Status]:
    """The replies to `status` and theirs, visible to the viewer, depth first, oldest first."""
    down = (
        select(Status.id, Status.uri, Status.in_reply_to_uri, literal(1).label("depth"))
        .where(Status.in_reply_to_uri == status.uri)
        .cte("descendants", recursive=True)
    )
    child = aliased(Status)
    down = down.union_all(
        select(child.id, child.uri, child.in_reply_to_uri, down.c.depth + 1)
        .join(down, child.in_reply_to_uri == down.c.uri)
        .where(down.c.depth < THREAD_DEPTH_LIMIT)
    )
    rows = await session.execute(select(down.c.id, down.c.uri, down.c.in_reply_to_uri).limit(DESCENDANTS_LIMIT))
    children: dict[str, list[tuple[int, str]]] = {}
    for status_id, uri, parent_uri in sorted({(row[0], row[1], row[2]) for row in rows}):
        children.setdefault(parent_uri, []).append((status_id, uri))
    ordered: list[int] = []
    pending = list(reversed(children.get(status.uri, [])))
    while pending:
        status_id, uri = pending.pop()
        if status_id not in ordered:
            ordered.append(status_id)
            pending.extend(reversed(children.get(uri, [])))
    return await visible_statuses(session, ordered, viewer)


# What a page of statuses shows


@dataclass(frozen=True)
class StatusFacts:
    replies: int
    reblogs: int
    favourites: int
    in_reply_to_id: int | None
    in_reply_to_actor_id: int | None
    favourited: bool
    reblogged: bool


@functools.cache
def _facts() -> Select[Any]:
    reply, parent = aliased(Status), aliased(Status)

    def count(model: type[Favourite | Boost]) -> ColumnElement[int]:
        return select(func.count()).where(model.status_id == Status.id).scalar_subquery()

    def by_viewer(model: type[Favourite | Boost]) -> ColumnElement[bool]:
        return exists().where(model.status_id == Status.id, model.actor_id == ME)  # none when `me` is NULL

    def of_parent(column: ColumnElement[int]) -> ColumnElement[int]:
        return select(column).where(parent.uri == Status.in_reply_to_uri).scalar_subquery()

    replies = select(func.count()).where(reply.in_reply_to_uri == Status.uri, reply.visibility != "direct")
    return select(
        Status.id,
        replies.scalar_subquery(),
        count(Boost),
        count(Favourite),
        of_parent(parent.id),
        of_parent(parent.actor_id),
        by_viewer(Favourite),
        by_viewer(Boost),
    ).where(Status.id.in_(bindparam("ids", expanding=True)))


async def status_facts(
    session: AsyncSession, status_ids: Collection[int], viewer_actor_id: int | None
) -> dict[int, StatusFacts]:
    """Counts, parent and the viewer's favourite and boost of each status, in one query."""
    if not status_ids:
        return {}
    rows = await session.execute(_facts(), {"ids": list(status_ids), "me": viewer_actor_id})
    return {row[0]: StatusFacts(*row[1:6], bool(row[6]), bool(row[7])) for row in rows}


@functools.cache
def _actor_counts() -> Select[Any]:
    def follows(column: ColumnElement[int]) -> ColumnElement[int]:
        return select(func.count()).where(column == Actor.id, Follow.state == "accepted").scalar_subquery()

    statuses = select(func.count()).where(Status.actor_id == Actor.id, Status.visibility.in_(LISTED))
    return select(Actor.id, follows(Follow.followee_id), follows(Follow.follower_id), statuses.scalar_subquery()).where(
        Actor.id.in_(bindparam("ids", expanding=True))
    )


async def actor_counts(session: AsyncSession, actor_ids: Collection[int]) -> dict[int, tuple[int, int, int]]:
    """(followers, following, listed statuses) of each actor, in one query.

    The statuses count reads every status of the actor (`visibility` is in no index): the
    costliest query of a timeline page. A counter, or an index on (actor_id, visibility),
    would make it cheap."""
    if not actor_ids:
        return {}
    rows = await session.execute(_actor_counts(), {"ids": list(actor_ids)})
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


async def actors_by_uris(session: AsyncSession, uris: Collection[str]) -> dict[str, Actor]:
    if not uris:
        return {}
    actors = await session.scalars(select(Actor).where(Actor.uri.in_(uris)).options(lazyload(Actor.keys)))
    return {actor.uri: actor for actor in actors}


async def _reactors(
    session: AsyncSession, model: type[Favourite | Boost], status_id: int, page: Page
) -> list[tuple[int, Actor]]:
    query = (
        select(model.id, Actor)
        .join(Actor, Actor.id == model.actor_id)
        .where(model.status_id == status_id)
        .options(lazyload(Actor.keys))
    )
    rows = [(row_id, actor) for row_id, actor in await session.execute(keyset(query, model.id, page))]
    return newest_first(rows, page)


async def favouriters(session: AsyncSession, status_id: int, page: Page) -> list[tuple[int, Actor]]:
    """(favourite id, actor) of who liked the status, newest first."""
    return await _reactors(session, Favourite, status_id, page)


async def boosters(session: AsyncSession, status_id: int, page: Page) -> list[tuple[int, Actor]]:
    """(boost id, actor) of who boosted the status, newest first."""
    return await _reactors(session, Boost, status_id, page)


# Who sees a change (for the change feed)


async def parent_author(session: AsyncSession, status: Status) -> int | None:
    """The actor id of the author of the status this one answers, if it is known here."""
    if status.in_reply_to_uri is None:
        return None
    return await session.scalar(select(Status.actor_id).where(Status.uri == status.in_reply_to_uri))


async def home_audience(session: AsyncSession, status: Status, parent_author_id: int | None) -> frozenset[int]:
    """Ids of the members whose home timeline shows `status` (the rules of `home`)."""
    author = select(Account.id).where(Account.actor_id == status.actor_id)
    followers = (
        select(Account.id)
        .join(Follow, Follow.follower_id == Account.actor_id)
        .where(Follow.followee_id == status.actor_id, Follow.state == "accepted")
    )
    if status.visibility == "direct":
        mentioned = select(Actor.id).where(Actor.uri.in_([m.actor_uri for m in status.mentions]))
        followers = followers.where(Account.actor_id.in_(mentioned))
    if status.in_reply_to_uri is not None and parent_author_id != status.actor_id:
        if parent_author_id is None:
            return frozenset(await session.scalars(author))
        other = aliased(Follow)
        follows_parent_author = exists().where(
            other.follower_id == Account.actor_id, other.followee_id == parent_author_id, other.state == "accepted"
        )
        followers = followers.where(or_(Account.actor_id == parent_author_id, follows_parent_author))
    muted = exists().where(
        Mute.account_id == Account.id,
        Mute.target_id == status.actor_id,
        or_(Mute.expires_at.is_(None), Mute.expires_at > utc_now()),
    )
    return frozenset(await session.scalars(union_all(author, followers.where(~muted))))
