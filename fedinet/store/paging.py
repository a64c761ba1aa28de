"""Keyset pages as Mastodon clients ask for them: `max_id`, `since_id`, `min_id` and `limit`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """Ids below `max_id` and above `since_id`; `min_id` pages forward from just above it."""

    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = 40


def keyset(query: Select[Any], column: InstrumentedAttribute[int], page: Page) -> Select[Any]:
    """Restrict and order `query` by `column`; run it, then pass the rows to `newest_first`."""
    if page.max_id is not None:
        query = query.where(column < page.max_id)
    if page.since_id is not None:
        query = query.where(column > page.since_id)
    if page.min_id is not None:
        return query.where(column > page.min_id).order_by(column.asc()).limit(page.limit)
    return query.order_by(column.desc()).limit(page.limit)


def newest_first(rows: Sequence[T], page: Page) -> list[T]:
    """A `min_id` page was read oldest first; every page is returned newest first."""
    return list(reversed(rows)) if page.min_id is not None else list(rows)
