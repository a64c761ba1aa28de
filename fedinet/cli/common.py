"""What every CLI command shares: settings, the database, output and error handling."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, ParamSpec, TypeVar

import click

from fedinet.config import ConfigError, Settings, load_settings
from fedinet.federation.transport import Transport
from fedinet.services.errors import InvalidInput, ServiceError
from fedinet.services.instance import NotInitialised, check_schema_current, instance_fetch_key
from fedinet.store.database import Database, DatabaseUnavailable

P = ParamSpec("P")
T = TypeVar("T")

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def settings_from(ctx: click.Context, **overrides: Any) -> Settings:
    """Settings from the data directory and environment, with command-line overrides."""
    return load_settings(data_dir=ctx.obj.get("data_dir"), **overrides)


@asynccontextmanager
async def open_database(settings: Settings, *, require_schema: bool = True) -> AsyncIterator[Database]:
    """A database handle that is reachable and (unless told otherwise) fully migrated."""
    db = Database(settings.database_url)
    try:
        missing = db.missing_sqlite_file()
        if missing:
            raise NotInitialised(f"there is no fedinet database at {missing}: run `fedinet init` first")
        await db.check_connection()
        if require_schema:
            await check_schema_current(db)
        yield db
    finally:
        await db.dispose()


def fail(message: str, exit_code: int = 1) -> None:
    click.secho(f"Error: {message}", fg="red", err=True)
    raise SystemExit(exit_code)


def handles_errors(command: Callable[P, Awaitable[T]]) -> Callable[P, T]:
    """Run an async command; turn known errors into a message and a non-zero exit code.

    Exit codes: 2 for input that cannot be used (bad option or setting), 1 for anything else
    that stopped the command (missing member, unreachable database, …).
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return asyncio.run(command(*args, **kwargs))  # type: ignore[arg-type]
        except (ConfigError, InvalidInput) as error:
            fail(str(error), exit_code=2)
        except (ServiceError, DatabaseUnavailable) as error:
            fail(str(error))
        raise AssertionError("unreachable")

    return wrapper


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


@asynccontextmanager
async def open_transport(settings: Settings, db: Database) -> AsyncIterator[Transport]:
    """The guarded outbound client, signing fetches as the instance actor (as the server does)."""
    transport = Transport(allow_private_addresses=settings.allow_private_addresses)
    try:
        transport.fetch_key = await instance_fetch_key(db, settings)
        yield transport
    finally:
        await transport.close()
