"""Alembic environment: run by `fedinet migrate` (with an open connection) or by `alembic`."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from fedinet.config import load_settings
from fedinet.store import models  # noqa: F401  (registers the tables)
from fedinet.store.base import Base

config = context.config
target_metadata = Base.metadata


def run_with_connection(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER TABLE needs batches
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_standalone() -> None:
    """For `alembic` on the command line: the database comes from fedinet's settings."""
    engine = create_async_engine(load_settings().database_url)
    async with engine.connect() as connection:
        await connection.run_sync(run_with_connection)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("fedinet migrations run online only: use `fedinet migrate`")
connection = config.attributes.get("connection")
if connection is not None:
    run_with_connection(connection)
else:
    asyncio.run(run_standalone())
