"""The one source of the current time; code that needs `now` to be exact takes it as an argument."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite returns naive datetimes; all stored times are UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_utc(value: object) -> datetime | None:
    """An ISO 8601 time from a document as aware UTC (naive ones read as UTC); None if unusable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
