"""`fedinet init` and `fedinet migrate`: create an instance, upgrade its database."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import click

from fedinet.cli.common import handles_errors, json_option, open_database, print_json, settings_from
from fedinet.config import REGISTRATION_MODES, write_config_file
from fedinet.services import accounts as account_service
from fedinet.services.errors import Conflict
from fedinet.services.instance import NotInitialised, set_up_database
from fedinet.services.passwords import check_password_rules
from fedinet.store import migrations
from fedinet.store.database import Database


@click.command()
@click.option("--admin-username", default="admin", show_default=True, help="The first admin's username.")
@click.option(
    "--admin-password",
    help="The first admin's password (at least 8 characters). Default: a random one, printed once.",
)
@click.option("--base-url", help="Public base URL, e.g. https://social.example (default: $FEDINET_BASE_URL or http://127.0.0.1:8080).")
@click.option("--database-url", help="Default: a SQLite file in the data directory.")
@click.option("--registration-mode", type=click.Choice(REGISTRATION_MODES), help="Who may sign up (default: closed).")
@json_option
@click.pass_context
@handles_errors
async def init(
    ctx: click.Context,
    admin_username: str,
    admin_password: str | None,
    base_url: str | None,
    database_url: str | None,
    registration_mode: str | None,
    as_json: bool,
) -> None:
    """Create the data directory, configuration, database and first admin account."""
    settings = settings_from(
        ctx, base_url=base_url, database_url=database_url, registration_mode=registration_mode
    )
    _refuse_existing(settings.data_dir)
    username = account_service.normalise_username(admin_username)
    password = admin_password or secrets.token_urlsafe(15)
    check_password_rules(password)

    created_dir = not settings.data_dir.exists()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    schema_created = False
    try:
        await db.check_connection()
        await set_up_database(db, settings)
        schema_created = True
        await account_service.create_account(db, settings, username, password, role="admin")
        write_config_file(settings)
    except BaseException:
        if schema_created:
            await migrations.drop_schema(db)
        await db.dispose()
        _remove_partial(settings.data_dir, created_dir)
        raise
    await db.dispose()

    if as_json:
        print_json(
            {
                "data_dir": str(settings.data_dir),
                "base_url": settings.base_url,
                "database": db.safe_url,
                "admin": {"username": username, "password": password},
            }
        )
        return
    click.echo(f"fedinet instance created in {settings.data_dir}")
    click.echo(f"  base URL:  {settings.base_url}")
    click.echo(f"  database:  {db.safe_url}")
    click.echo(f"  admin:     {username}")
    click.echo(f"  password:  {password}")
    click.echo("The password is shown only now; change it with `fedinet user set-password`.")
    click.echo("Start the server with: fedinet serve")


def _refuse_existing(data_dir: Path) -> None:
    if data_dir.exists() and not data_dir.is_dir():
        raise Conflict(f"{data_dir} exists and is not a directory")
    if data_dir.exists() and any(data_dir.iterdir()):
        raise Conflict(
            f"{data_dir} is not empty; an instance may already live there. "
            "Start it with `fedinet serve`, or choose another directory with FEDINET_DATA_DIR"
        )


def _remove_partial(data_dir: Path, created: bool) -> None:
    if created:
        shutil.rmtree(data_dir, ignore_errors=True)
    else:
        for child in data_dir.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()


@click.command()
@json_option
@click.pass_context
@handles_errors
async def migrate(ctx: click.Context, as_json: bool) -> None:
    """Upgrade the database schema to this version of fedinet."""
    settings = settings_from(ctx)
    async with open_database(settings, require_schema=False) as db:
        before = await migrations.current_revision(db)
        if before is None:
            raise NotInitialised(f"{db.safe_url} has no fedinet schema: run `fedinet init` first")
        head = migrations.head_revision()
        if before != head:
            click.echo(f"Upgrading the database from {before} to {head}…", err=True)
            await migrations.upgrade(db)
    if as_json:
        print_json({"from": before, "to": head, "changed": before != head})
    elif before == head:
        click.echo(f"The database is up to date (revision {head}).")
    else:
        click.echo(f"The database was upgraded from revision {before} to {head}.")
