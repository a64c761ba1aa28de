"""The one source of the current time; code that needs `now` to be exact takes it as an argument."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite returns naive datetimes; all stored times are UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
