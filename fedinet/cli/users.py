"""`fedinet user …`: create and manage members."""

from __future__ import annotations

import secrets

import click

from fedinet.cli.common import handles_errors, json_option, open_database, print_json, settings_from
from fedinet.services import accounts as account_service
from fedinet.store.models import Account


def account_json(account: Account) -> dict[str, object]:
    return {
        "id": account.id,
        "username": account.username,
        "handle": account.actor.handle,
        "actor": account.actor.uri,
        "display_name": account.actor.display_name,
        "role": account.role,
        "created_at": account.created_at.isoformat(),
        "suspended": account.is_suspended,
    }


@click.group()
def user() -> None:
    """Create, list and manage members."""


@user.command()
@click.argument("username")
@click.option("--password", help="At least 8 characters. Default: a random one, printed once.")
@click.option("--role", type=click.Choice(account_service.ROLES), default="member", show_default=True)
@click.option("--display-name", default="", help="Shown on the profile (default: the username).")
@json_option
@click.pass_context
@handles_errors
async def create(
    ctx: click.Context, username: str, password: str | None, role: str, display_name: str, as_json: bool
) -> None:
    """Create a member account."""
    chosen_password = password or secrets.token_urlsafe(15)
    settings = settings_from(ctx)
    async with open_database(settings) as db:
        account = await account_service.create_account(
            db, settings, username, chosen_password, role=role, display_name=display_name
        )
    if as_json:
        print_json({**account_json(account), **({} if password else {"password": chosen_password})})
        return
    click.echo(f"Created {account.role} @{account.actor.handle} ({account.actor.uri})")
    if not password:
        click.echo(f"Password (shown only now): {chosen_password}")


@user.command(name="list")
@json_option
@click.pass_context
@handles_errors
async def list_users(ctx: click.Context, as_json: bool) -> None:
    """List members."""
    async with open_database(settings_from(ctx)) as db:
        accounts = await account_service.list_accounts(db)
    if as_json:
        print_json([account_json(account) for account in accounts])
        return
    if not accounts:
        click.echo("No members yet. Add one with `fedinet user create NAME`.")
        return
    click.echo(f"{'USERNAME':<30} {'ROLE':<10} {'STATUS':<10} CREATED")
    for account in accounts:
        status = "suspended" if account.is_suspended else "active"
        click.echo(
            f"{account.username:<30} {account.role:<10} {status:<10} "
            f"{account.created_at:%Y-%m-%d %H:%M}"
        )


@user.command(name="set-password")
@click.argument("username")
@click.option(
    "--password", prompt=True, hide_input=True, confirmation_prompt=True, help="The new password."
)
@click.pass_context
@handles_errors
async def set_password(ctx: click.Context, username: str, password: str) -> None:
    """Set a member's password."""
    async with open_database(settings_from(ctx)) as db:
        await account_service.set_password(db, username, password)
    click.echo(f"Password changed for {username}.")


@user.command()
@click.argument("username")
@click.option("--role", type=click.Choice(["moderator", "admin"]), default="admin", show_default=True)
@click.pass_context
@handles_errors
async def promote(ctx: click.Context, username: str, role: str) -> None:
    """Make a member an admin (or a moderator)."""
    async with open_database(settings_from(ctx)) as db:
        account = await account_service.set_role(db, username, role)
    click.echo(f"{account.username} is now {account.role}.")


@user.command()
@click.argument("username")
@click.pass_context
@handles_errors
async def demote(ctx: click.Context, username: str) -> None:
    """Make an admin or moderator a plain member again."""
    async with open_database(settings_from(ctx)) as db:
        account = await account_service.set_role(db, username, "member")
    click.echo(f"{account.username} is now a member.")


@user.command()
@click.argument("username")
@click.pass_context
@handles_errors
async def suspend(ctx: click.Context, username: str) -> None:
    """Suspend a member: their actor, profile and WebFinger answer 410 Gone."""
    async with open_database(settings_from(ctx)) as db:
        account = await account_service.set_suspended(db, username, True)
    click.echo(f"{account.username} is suspended.")


@user.command()
@click.argument("username")
@click.pass_context
@handles_errors
async def unsuspend(ctx: click.Context, username: str) -> None:
    """Lift a member's suspension."""
    async with open_database(settings_from(ctx)) as db:
        account = await account_service.set_suspended(db, username, False)
    click.echo(f"{account.username} is active again.")
