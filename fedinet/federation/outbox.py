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

from fedinet.store.models import Actor, Delivery, OutboxActivity

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
