"""Following: members follow anyone; remote actors follow members (locked members approve).

Every change and the activity announcing it are written in one transaction (the activity
goes to the outbox, and from there to the delivery queue).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.clock import utc_now
from fedinet.federation import activities_out
from fedinet.federation.outbox import enqueue
from fedinet.services import notifications
from fedinet.services.errors import Conflict, InvalidInput, NotFound
from fedinet.store import actors as actor_queries
from fedinet.store import follows as follow_queries
from fedinet.store.database import Database
from fedinet.store.models import Account, Actor, Follow


async def follow(db: Database, account: Account, target: Actor) -> Follow:
    """`account` follows `target`: at once for unlocked local members, else when accepted."""
    me = account.actor
    if target.id == me.id:
        raise InvalidInput("you cannot follow yourself")
    async with db.transaction() as session:
        if await follow_queries.follow_between(session, me.id, target.id):
            raise Conflict(f"you already follow {target.handle} (or asked to)")
        uri = activities_out.new_activity_id(me.uri)
        row = Follow(follower_id=me.id, followee_id=target.id, uri=uri, state="pending")
        if target.is_local and not target.manually_approves_followers:
            row.state, row.accepted_at = "accepted", utc_now()
        session.add(row)
        kind = "follow" if row.state == "accepted" else "follow_request"
        await notifications.notify(db, session, kind, target, me)
        if not target.is_local:
            await enqueue(session, me, activities_out.follow(me.uri, target.uri, uri), [target.inbox_url])
    return row


async def unfollow(db: Database, account: Account, target: Actor) -> None:
    me = account.actor
    async with db.transaction() as session:
        row = await follow_queries.follow_between(session, me.id, target.id)
        if row is None:
            raise NotFound(f"you do not follow {target.handle}")
        await session.delete(row)
        if not target.is_local:
            undone = activities_out.follow(me.uri, target.uri, row.uri)
            await enqueue(session, me, activities_out.undo(me.uri, undone), [target.inbox_url])


async def answer_follow_request(db: Database, account: Account, follower: Actor, accept: bool) -> None:
    """A locked member accepts or rejects a pending follow request."""
    async with db.transaction() as session:
        row = await follow_queries.follow_between(session, follower.id, account.actor.id)
        if row is None or row.state != "pending":
            raise NotFound(f"no pending follow request from {follower.handle}")
        await _answer(session, row, follower, account.actor, accept)


async def _answer(session: AsyncSession, row: Follow, follower: Actor, followee: Actor, accept: bool) -> None:
    if accept:
        row.state, row.accepted_at = "accepted", utc_now()
    else:
        await session.delete(row)
    if not follower.is_local:
        reference = activities_out.follow_reference(row.uri, follower.uri, followee.uri)
        response = activities_out.respond(
            "Accept" if accept else "Reject", followee.uri, reference, follower.uri
        )
        await enqueue(session, followee, response, [follower.inbox_url])


async def receive_follow(db: Database, follower: Actor, followee: Actor, follow_uri: str) -> Follow:
    """A remote actor asked to follow a local actor; auto-accepted unless the member is locked.

    A repeated Follow (a peer that lost our Accept) is answered again, not stored twice.
    """
    async with db.transaction() as session:
        row = await follow_queries.follow_between(session, follower.id, followee.id)
        if row is None:
            row = Follow(follower_id=follower.id, followee_id=followee.id, uri=follow_uri)
            session.add(row)
            kind = "follow_request" if followee.manually_approves_followers else "follow"
            await notifications.notify(db, session, kind, followee, follower)
        else:
            row.uri = follow_uri
        await session.flush()
        if row.state == "accepted" or not followee.manually_approves_followers:
            await _answer(session, row, follower, followee, accept=True)
    return row


async def receive_follow_response(
    db: Database, followee: Actor, follow_uri: str | None, follower_uri: str | None, accepted: bool
) -> bool:
    """`followee` accepted or rejected one of our members' follows; False if there is none.

    The Follow is found by its id, or (for peers that answer without it) by its author.
    """
    async with db.transaction() as session:
        row = await follow_queries.follow_by_uri(session, follow_uri) if follow_uri else None
        if row is None and follower_uri is not None:
            follower = await actor_queries.actor_by_uri(session, follower_uri)
            if follower is not None and follower.is_local:
                row = await follow_queries.follow_between(session, follower.id, followee.id)
        if row is None or row.followee_id != followee.id:
            return False
        if accepted:
            row.state, row.accepted_at = "accepted", row.accepted_at or utc_now()
        else:
            await session.delete(row)
    return True


async def receive_unfollow(db: Database, follower: Actor, followee: Actor) -> bool:
    async with db.transaction() as session:
        row = await follow_queries.follow_between(session, follower.id, followee.id)
        if row is None:
            return False
        await session.delete(row)
    return True


async def local_actor(db: Database, uri: str) -> Actor | None:
    async with db.session() as session:
        actor = await actor_queries.actor_by_uri(session, uri)
    return actor if actor is not None and actor.is_local else None
