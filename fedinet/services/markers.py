"""Timeline markers: where a member stopped reading `home` and `notifications`, shared
between their apps. Each save of a timeline bumps its version."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from fedinet.clock import utc_now
from fedinet.services.errors import InvalidInput
from fedinet.store import markers as queries
from fedinet.store.database import Database
from fedinet.store.models import Account, Marker

TIMELINES = ("home", "notifications")


async def markers(db: Database, account: Account, timelines: Collection[str]) -> list[Marker]:
    async with db.session() as session:
        return await queries.markers_of(session, account.id, [t for t in timelines if t in TIMELINES])


async def save_markers(db: Database, account: Account, positions: Mapping[str, int]) -> list[Marker]:
    """Set `last_read_id` per timeline; the saved markers."""
    unknown = sorted(set(positions) - set(TIMELINES))
    if unknown:
        raise InvalidInput(f"unknown timeline(s): {', '.join(unknown)}")
    async with db.transaction() as session:
        stored = {m.timeline: m for m in await queries.markers_of(session, account.id, positions)}
        for timeline, last_read_id in positions.items():
            marker = stored.get(timeline)
            if marker is None:
                marker = stored[timeline] = Marker(account_id=account.id, timeline=timeline, version=0)
                session.add(marker)
            marker.last_read_id, marker.version, marker.updated_at = last_read_id, marker.version + 1, utc_now()
    return [stored[timeline] for timeline in positions]
