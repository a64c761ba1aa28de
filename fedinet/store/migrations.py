"""Run Alembic migrations from inside fedinet (async engine, one connection)."""

from __future__ import annotations

from importlib.resources import files
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from fedinet.store import models  # noqa: F401  (registers the tables on Base.metadata)
from fedinet.store.base import Base
from fedinet.store.database import Database


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("fedinet.migrations")))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "fedinet ships at least one migration"
    return head


async def current_revision(db: Database) -> str | None:
    """The revision the database is at; None for an empty database."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with db.write_engine.connect() as connection:
        return await connection.run_sync(read)


async def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to `revision` (transactional DDL where the backend has it)."""

    def run(connection: Connection, config: Config) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    config = alembic_config()
    async with db.write_engine.begin() as connection:
        await connection.run_sync(run, config)


async def drop_schema(db: Database) -> None:
    """Remove every fedinet table (undoing a failed `fedinet init`)."""
    async with db.write_engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
