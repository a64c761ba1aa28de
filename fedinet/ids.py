"""Time-sortable 64-bit ids for rows whose URL is public before they are stored (statuses).

Like Mastodon's: milliseconds since the epoch in the high bits, 16 random bits below, so
ids sort by creation time (clients page timelines by id) and need no database round trip.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from fedinet.clock import utc_now


def new_id(at: datetime | None = None) -> int:
    milliseconds = int((at or utc_now()).timestamp() * 1000)
    return (milliseconds << 16) | secrets.randbits(16)
