"""The injectable clock: signing code never reads the time, callers pass `now`."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current time as an aware UTC datetime; the default callers pass as `now`."""
    return datetime.now(UTC)


def require_aware(moment: datetime) -> datetime:
    """`moment` converted to UTC; ValueError if it is naive (an unknown zone)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(UTC)
