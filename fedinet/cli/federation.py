"""Acting on the federation from the command line: look up, follow, block domains, the queue.

Activities these commands cause are queued in the database; the running server delivers them.
"""

from __future__ import annotations

import click

from fedinet.cli.common import (
    handles_errors,
    json_option,
    open_database,
    open_transport,
    print_json,
    settings_from,
)
from fedinet.services import accounts, blocks, follows
from fedinet.services.remote_actors import find_actor
from fedinet.store import deliveries as delivery_queries
from fedinet.store import market as market_queries
from fedinet.store.models import Actor


def actor_json(actor: Actor) -> dict[str, object]:
    return {
        "uri": actor.uri,
        "handle": actor.handle,
        "type": actor.actor_type,
        "display_name": actor.display_name,
        "inbox": actor.inbox_url,
        "shared_inbox": actor.shared_inbox_url,
        "locked": actor.manually_approves_followers,
        "keys": sorted(key.key_id for key in actor.keys),
    }


@click.command()
@click.argument("reference")
@json_option
@click.pass_context
@handles_errors
async def lookup(ctx: click.Context, reference: str, as_json: bool) -> None:
    """Find an account by handle (alice@social.example) or actor URL, over WebFinger if needed."""
    settings = settings_from(ctx)
    async with open_database(settings) as db, open_transport(settings, db) as transport:
        actor = await find_actor(db, transport, settings, reference)
    if as_json:
        print_json(actor_json(actor))
        return
    click.echo(f"@{actor.handle} ({actor.actor_type}) {actor.uri}")
    click.echo(f"  name:  {actor.display_name or '-'}")
    click.echo(f"  inbox: {actor.inbox_url}")
    click.echo(f"  keys:  {', '.join(sorted(key.key_id for key in actor.keys)) or 'none'}")


@click.command()
@click.argument("member")
@click.argument("target")
@click.pass_context
@handles_errors
async def follow(ctx: click.Context, member: str, target: str) -> None:
    """Make MEMBER follow TARGET (a handle or actor URL)."""
    settings = settings_from(ctx)
    async with open_database(settings) as db, open_transport(settings, db) as transport:
        account = await accounts.get_account(db, member)
        actor = await find_actor(db, transport, settings, target)
        row = await follows.follow(db, account, actor)
    state = "following" if row.state == "accepted" else "asked to follow (waiting for acceptance)"
    click.echo(f"{account.username} {state} @{actor.handle}.")


@click.command()
@click.argument("member")
@click.argument("target")
@click.pass_context
@handles_errors
async def unfollow(ctx: click.Context, member: str, target: str) -> None:
    """Make MEMBER stop following TARGET."""
    settings = settings_from(ctx)
    async with open_database(settings) as db, open_transport(settings, db) as transport:
        account = await accounts.get_account(db, member)
        actor = await find_actor(db, transport, settings, target)
        await follows.unfollow(db, account, actor)
    click.echo(f"{account.username} no longer follows @{actor.handle}.")


@click.group()
def domain() -> None:
    """Block and unblock remote domains."""


@domain.command(name="block")
@click.argument("name")
@click.option("--reason", default="", help="Why (shown to admins).")
@click.pass_context
@handles_errors
async def block_domain(ctx: click.Context, name: str, reason: str) -> None:
    """Refuse activities and signed fetches from NAME and its subdomains (403, before any fetch)."""
    async with open_database(settings_from(ctx)) as db:
        block = await blocks.block_domain(db, name, reason)
    click.echo(f"{block.domain} is blocked.")


@domain.command(name="unblock")
@click.argument("name")
@click.pass_context
@handles_errors
async def unblock_domain(ctx: click.Context, name: str) -> None:
    """Lift the block on NAME."""
    async with open_database(settings_from(ctx)) as db:
        await blocks.unblock_domain(db, name)
    click.echo(f"{name} is no longer blocked.")


@domain.command(name="list")
@json_option
@click.pass_context
@handles_errors
async def list_domains(ctx: click.Context, as_json: bool) -> None:
    """List blocked domains."""
    async with open_database(settings_from(ctx)) as db:
        found = await blocks.domain_blocks(db)
    if as_json:
        print_json(
            [{"domain": b.domain, "reason": b.reason, "created_at": b.created_at.isoformat()} for b in found]
        )
        return
    if not found:
        click.echo("No blocked domains.")
    for block in found:
        click.echo(f"{block.domain:<40} {block.reason}")


@click.command()
@json_option
@click.pass_context
@handles_errors
async def queue(ctx: click.Context, as_json: bool) -> None:
    """Show the delivery and inbox queues by state, recent failed deliveries, and how many
    signed protocol objects were refused, by reason."""
    async with open_database(settings_from(ctx)) as db:
        async with db.session() as session:
            counts = await delivery_queries.queue_counts(session)
            failures = await delivery_queries.recent_failures(session)
            dropped = await market_queries.dropped_counts(session)
    if as_json:
        print_json(
            {
                **counts,
                "dropped_evidence": dropped,
                "recent_failures": [
                    {"inbox": f.inbox_url, "status": f.last_status, "error": f.last_error, "attempts": f.attempts}
                    for f in failures
                ],
            }
        )
        return
    for name, by_state in counts.items():
        summary = ", ".join(f"{count} {state}" for state, count in sorted(by_state.items())) or "empty"
        click.echo(f"{name}: {summary}")
    for failure in failures:
        reason = failure.last_error or f"HTTP {failure.last_status}"
        click.echo(f"  failed: {failure.inbox_url} after {failure.attempts} attempt(s): {reason}")
    refused = ", ".join(f"{count} {reason}" for reason, count in sorted(dropped.items())) or "none"
    click.echo(f"refused protocol objects: {refused}")
