"""The injectable clock: signing code never reads the time, callers pass `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second datetime can hold


def require_aware(moment: datetime) -> datetime:
    """`moment` converted to UTC; ValueError if it is naive (an unknown zone)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(UTC)


def from_timestamp(seconds: int) -> datetime:
    """A UNIX timestamp in [0, MAX_TIMESTAMP] as an aware UTC datetime."""
    return datetime.fromtimestamp(seconds, UTC)


def window_problem(moment: datetime, now: datetime, window: timedelta) -> str | None:
    """Why `moment` is outside `now` ± `window` ("too far in the future", "too old"), or None."""
    if moment > now + window:
        return "too far in the future"
    if moment < now - window:
        return "too old"
    return None
