"""Queueing an activity for delivery: the outbox row and one delivery row per remote inbox.

Callers address the activity and pick the inboxes (shared inboxes first) in their own
transaction; `enqueue` writes in that same transaction, so an activity is queued exactly
when the change it announces is committed. `fedinet.federation.delivery` sends the rows.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.clock import utc_now
from fedinet.federation.addressing import personal_inboxes
from fedinet.store import follows as follow_queries
from fedinet.store import inbox as inbox_queries
from fedinet.store.models import Actor, Delivery, OutboxActivity

LOCAL_KEY_ID = "local:"  # the key id recorded for activities handed over inside this server

log = logging.getLogger(__name__)


async def enqueue(
    session: AsyncSession, actor: Actor, activity: dict[str, Any], inbox_urls: Iterable[str]
) -> OutboxActivity:
    """Add the activity and a pending delivery to each distinct remote inbox.

    Inboxes on the actor's own domain are skipped (local delivery happens elsewhere), and so
    are URLs that are not http(s) — no attempt could ever succeed.
    """
    outbox_activity = OutboxActivity(
        uri=activity["id"],
        actor_id=actor.id,
        activity_type=activity["type"],
        body=json.dumps(activity, ensure_ascii=False, separators=(",", ":")),
    )
    session.add(outbox_activity)
    await session.flush()
    for url in dict.fromkeys(inbox_urls):
        parts = urlsplit(url)
        domain = parts.netloc.lower()
        if parts.scheme not in ("http", "https") or not parts.hostname:
            log.warning("not delivering %s to %r: not an http(s) URL", activity["id"], url)
        elif domain != actor.domain:
            session.add(Delivery(activity_id=outbox_activity.id, inbox_url=url, domain=domain))
    await session.flush()
    return outbox_activity


async def deliver_to(
    session: AsyncSession,
    actor: Actor,
    activity: dict[str, Any],
    recipients: Iterable[Actor],
    *,
    followers: bool = False,
) -> None:
    """Send a protocol activity to these actors (and the sender's followers if asked): queued
    for remote ones, put in this server's inbox queue for local ones, so that the same
    handlers process it either way."""
    recipients = [recipient for recipient in recipients if recipient.id != actor.id]
    inboxes = await follow_queries.remote_follower_inboxes(session, actor.id) if followers else []
    await enqueue(session, actor, activity, inboxes + personal_inboxes(recipients, already=inboxes))
    if any(recipient.is_local for recipient in recipients):
        now = utc_now()
        await inbox_queries.insert_if_new(
            session,
            activity_uri=activity["id"],
            activity_type=activity["type"],
            actor_uri=actor.uri,
            key_id=LOCAL_KEY_ID,
            body=json.dumps(activity, ensure_ascii=False, separators=(",", ":")),
            received_at=now,
            process_after=now,
        )
