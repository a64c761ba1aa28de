"""Posting and reacting from the command line: post, delete-post, like, boost and their undos.

A status is named by its id on this server or by its URI. The running server delivers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import click

from fedinet.cli.common import (
    handles_errors,
    json_option,
    open_database,
    open_transport,
    print_json,
    settings_from,
)
from fedinet.federation.addressing import VISIBILITIES
from fedinet.services import accounts, client_bridge, statuses
from fedinet.services.errors import NotFound
from fedinet.store import statuses as status_queries
from fedinet.store.database import Database


async def status_id(db: Database, reference: str) -> int:
    if reference.isdigit():
        return int(reference)
    found = await statuses.status_by_uri(db, reference)
    if found is None:
        raise NotFound(
            f"no status {reference} on this server: a post arrives here when a member follows its author"
        )
    return found.id


@click.command()
@click.argument("member")
@click.argument("text")
@click.option("--visibility", type=click.Choice(VISIBILITIES), default="public", show_default=True)
@click.option("--reply-to", help="The id or URI of the status this answers.")
@click.option("--cw", "summary", default="", help="A content warning shown before the text.")
@click.option("--language", help="ISO 639-1 code, e.g. en.")
@json_option
@click.pass_context
@handles_errors
async def post(
    ctx: click.Context,
    member: str,
    text: str,
    visibility: str,
    reply_to: str | None,
    summary: str,
    language: str | None,
    as_json: bool,
) -> None:
    """Publish TEXT as MEMBER; @user@domain mentions are looked up first."""
    settings = settings_from(ctx)
    async with open_database(settings) as db, open_transport(settings, db) as transport:
        account = await accounts.get_account(db, member)
        await statuses.resolve_mentions(db, transport, settings, text)
        replied = None
        if reply_to is not None:
            async with db.session() as session:
                replied = await status_queries.status_by_id(session, await status_id(db, reply_to))
            if replied is None:
                raise NotFound(f"no status {reply_to} to reply to")
        status = await client_bridge.post(
            db, settings, account, text, visibility=visibility, in_reply_to=replied,
            summary=summary, language=language,
        )
    if as_json:
        print_json({"id": str(status.id), "uri": status.uri, "url": status.url, "visibility": status.visibility})
    else:
        click.echo(f"Posted {status.uri} ({status.visibility})")


def _reaction(name: str, action: Callable[..., Awaitable[object]], done: str, summary: str) -> click.Command:
    @click.command(name=name, help=summary)
    @click.argument("member")
    @click.argument("status")
    @click.pass_context
    @handles_errors
    async def command(ctx: click.Context, member: str, status: str) -> None:
        async with open_database(settings_from(ctx)) as db:
            account = await accounts.get_account(db, member)
            await action(db, account, await status_id(db, status))
        click.echo(f"{account.username} {done} {status}.")

    return command


delete_post = _reaction("delete-post", statuses.delete, "deleted", "Delete MEMBER's STATUS (id or URI).")
like = _reaction("like", statuses.like, "likes", "MEMBER likes STATUS (id or URI).")
unlike = _reaction("unlike", statuses.unlike, "no longer likes", "Withdraw MEMBER's like of STATUS.")
boost = _reaction("boost", statuses.boost, "boosted", "MEMBER boosts (announces) STATUS.")
unboost = _reaction("unboost", statuses.unboost, "no longer boosts", "Withdraw MEMBER's boost of STATUS.")
COMMANDS = (post, delete_post, like, unlike, boost, unboost)
