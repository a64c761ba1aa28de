"""The database handle: engines, sessions, and SQLite tuned for one writer.

SQLite allows one writer at a time; several writer connections only pile up on its lock.
So on SQLite every write goes through a single dedicated connection (`transaction()`), while
reads use a small pool (`session()`). On PostgreSQL both share one pool.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from fedinet.store.events import EventFeed

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",  # readers never block the writer
    "PRAGMA synchronous=NORMAL",  # durable across process crashes in WAL mode
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA cache_size=-16000",  # 16 MiB page cache per connection
)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened; the message says what to check."""


class Database:
    """One per process: owns the engines; hand out sessions with `session()`/`transaction()`."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = _sqlite_engine(url, pool_size=4, **engine_options)
            self.write_engine = _sqlite_engine(url, pool_size=1, **engine_options)
        else:
            self.engine = create_async_engine(url, pool_pre_ping=True, **engine_options)
            self.write_engine = self.engine
        self.events = EventFeed()
        self._reader = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writer = async_sessionmaker(self.write_engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session for reading."""
        async with self._reader() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits together when the block ends, or not at all."""
        async with self._writer() as session, session.begin():
            yield session

    async def check_connection(self) -> None:
        """Raise DatabaseUnavailable with a helpful message if the database cannot be used."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:  # driver errors differ per backend; all mean "unreachable"
            raise DatabaseUnavailable(
                f"cannot open the database {self.safe_url}: {error.__class__.__name__}: {error}. "
                "Check FEDINET_DATABASE_URL and that the database server is running."
            ) from error

    def missing_sqlite_file(self) -> str | None:
        """The path of a SQLite database file that does not exist yet (opening would create it)."""
        path = self.engine.url.database
        if not self.is_sqlite or not path or path == ":memory:" or os.path.exists(path):
            return None
        return path

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for messages and logs."""
        return self.engine.url.render_as_string(hide_password=True)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.write_engine is not self.engine:
            await self.write_engine.dispose()


def _sqlite_engine(url: str, pool_size: int, **engine_options: Any) -> AsyncEngine:
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=0, **engine_options)

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    return engine
