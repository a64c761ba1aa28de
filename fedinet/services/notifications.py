"""Members' notifications: created inside the transaction that caused them, announced on the
change feed once it commits, then listed, dismissed and counted.

Nobody is notified of their own actions, nor by an actor they block or whose
notifications they mute.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.clock import utc_now
from fedinet.ids import new_id
from fedinet.services.errors import NotFound
from fedinet.store import markers as marker_queries
from fedinet.store import notifications as queries
from fedinet.store.database import Database
from fedinet.store.events import Event
from fedinet.store.models import Account, Actor, Notification, Status
from fedinet.store.notifications import NotificationFilter
from fedinet.store.paging import Page


async def notify(
    db: Database, session: AsyncSession, kind: str, recipient: Actor, actor: Actor, status: Status | None = None
) -> None:
    """Tell `recipient` (if a member) that `actor` did `kind`, about `status` if given."""
    if not recipient.is_local or recipient.id == actor.id:
        return
    account_id = (await queries.local_accounts_of(session, [recipient.id])).get(recipient.id)
    if account_id is None or await queries.silences(session, account_id, recipient.id, actor.id, utc_now()):
        return
    await session.flush()  # the status (if new) is written before the row pointing at it
    notification = Notification(
        id=new_id(), account_id=account_id, type=kind, from_actor_id=actor.id,
        status_id=status.id if status is not None else None,
    )
    session.add(notification)
    created = Event("notification.created", notification.id, accounts=frozenset({account_id}))
    _publish_after_commit(db, session, created)


async def notify_mentions(db: Database, session: AsyncSession, author: Actor, status: Status) -> None:
    """A `mention` notification for each member the status mentions."""
    for mentioned in await queries.local_actors_by_uris(session, [m.actor_uri for m in status.mentions]):
        await notify(db, session, "mention", mentioned, author, status)


def _publish_after_commit(db: Database, session: AsyncSession, published: Event) -> None:
    event.listen(session.sync_session, "after_commit", lambda _: db.events.publish(published), once=True)


async def notifications(db: Database, account: Account, page: Page, which: NotificationFilter) -> list[Notification]:
    async with db.session() as session:
        return await queries.notifications_page(session, account.id, page, which)


async def notification(db: Database, account: Account, notification_id: int) -> Notification:
    async with db.session() as session:
        found = await queries.notification_of(session, account.id, notification_id)
    if found is None:
        raise NotFound("Record not found")
    return found


async def dismiss(db: Database, account: Account, notification_id: int) -> None:
    async with db.transaction() as session:
        if not await queries.delete_notifications(session, account.id, notification_id):
            raise NotFound("Record not found")


async def clear(db: Database, account: Account) -> None:
    async with db.transaction() as session:
        await queries.delete_notifications(session, account.id)


async def unread_count(db: Database, account: Account, which: NotificationFilter, limit: int) -> int:
    """Notifications newer than the member's `notifications` marker, counted up to `limit`."""
    async with db.session() as session:
        marker = next(iter(await marker_queries.markers_of(session, account.id, ["notifications"])), None)
        read_up_to = marker.last_read_id if marker is not None else 0
        return await queries.count_after(session, account.id, read_up_to, which, limit)
