"""Vouches and acknowledgments from the command line (protocol/spec.md §5–6, 8).

Evidence is named by its id on this server. The running server delivers what these queue.
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
from fedinet.cli.market import find_person, object_uri, timestamp
from fedinet.market import vocabulary as vocab
from fedinet.services import accounts, evidence
from fedinet.store import market as market_queries
from fedinet.store.models import Evidence


def evidence_json(row: Evidence) -> dict[str, object]:
    return {
        "id": row.id,
        "uri": row.uri,
        "kind": row.kind,
        "author": row.author.handle,
        "subject": row.subject.handle,
        "relationship": row.relationship_kind,
        "topics": list(row.topics or []),
        "context": row.context_uri,
        "outcome": row.outcome,
        "note": row.content,
        "published_at": timestamp(row.published_at),
        "revoked": row.revoked_at is not None,
        "revoked_at": timestamp(row.revoked_at),
    }


@click.command()
@click.argument("member")
@click.argument("person")
@click.option(
    "--how", "relationship", required=True, type=click.Choice(vocab.RELATIONSHIPS), metavar="RELATIONSHIP",
    help=f"How MEMBER knows them: {', '.join(vocab.RELATIONSHIPS)}.",
)
@click.option(
    "--topic", "topics", multiple=True, metavar="TOPIC", help="What they are good at; repeat for more (at most 10)."
)
@click.option("--note", default="", help="A few words about them.")
@json_option
@click.pass_context
@handles_errors
async def vouch(
    ctx: click.Context, member: str, person: str, relationship: str, topics: tuple[str, ...], note: str,
    as_json: bool,
) -> None:
    """MEMBER vouches for PERSON, publicly.

    PERSON is a member's username, a handle or an actor URL."""
    settings = settings_from(ctx)
    async with open_database(settings) as db, open_transport(settings, db) as transport:
        account = await accounts.get_account(db, member)
        subject = await find_person(db, transport, settings, person)
        row = await evidence.vouch(db, account, subject, relationship, topics=list(topics), note=note)
    if as_json:
        print_json(evidence_json(row))
    else:
        click.echo(f"{account.username} vouches for @{subject.handle} ({relationship}): evidence {row.id}.")


@click.command()
@click.argument("member")
@click.argument("person")
@click.option(
    "--for", "about", required=True, metavar="URI", help="The URI of the ask, offer, response or introduction."
)
@click.option("--note", default="", help="Thanks, in a few words.")
@json_option
@click.pass_context
@handles_errors
async def acknowledge(ctx: click.Context, member: str, person: str, about: str, note: str, as_json: bool) -> None:
    """MEMBER thanks PERSON for their help, publicly."""
    settings = settings_from(ctx)
    async with open_database(settings) as db, open_transport(settings, db) as transport:
        account = await accounts.get_account(db, member)
        uri = object_uri(about)
        helper = await find_person(db, transport, settings, person)
        row = await evidence.acknowledge(db, account, helper, uri, note=note)
    if as_json:
        print_json(evidence_json(row))
    else:
        click.echo(f"{account.username} acknowledges @{helper.handle}'s help: evidence {row.id}.")


@click.command()
@click.argument("member")
@click.argument("evidence_id", metavar="EVIDENCE", type=int)
@click.pass_context
@handles_errors
async def revoke(ctx: click.Context, member: str, evidence_id: int) -> None:
    """Withdraw a vouch or acknowledgment by MEMBER (an id)."""
    async with open_database(settings_from(ctx)) as db:
        account = await accounts.get_account(db, member)
        row = await evidence.revoke(db, account, evidence_id)
    click.echo(f"{account.username} revoked {row.kind} {row.id}.")


@click.command(name="evidence")
@click.argument("member")
@json_option
@click.pass_context
@handles_errors
async def list_evidence(ctx: click.Context, member: str, as_json: bool) -> None:
    """Vouches, acknowledgments, outcomes of MEMBER.

    Those MEMBER gave and those about them, revoked ones too, newest first."""
    async with open_database(settings_from(ctx)) as db:
        account = await accounts.get_account(db, member)
        async with db.session() as session:
            found = [evidence_json(row) for row in await market_queries.evidence_about(session, account.actor_id, include_revoked=True)]
    if as_json:
        print_json(found)
        return
    if not found:
        click.echo(f"No vouches, acknowledgments or outcomes by or about {account.username}.")
    for row in found:
        if row["kind"] == "vouch":
            topics = row["topics"]
            assert isinstance(topics, list)
            detail = " ".join([str(row["relationship"]), *(f"#{topic}" for topic in topics)])
        elif row["kind"] == "outcome":
            detail = f"{row['outcome']} for {row['context']}"
        else:
            detail = f"for {row['context']}"
        revoked = ("  (replaced)" if row["kind"] == "outcome" else "  (revoked)") if row["revoked"] else ""
        click.echo(f"{row['id']:>4}  {row['kind']:<14}  @{row['author']} → @{row['subject']}  {detail}{revoked}")


COMMANDS = (vouch, acknowledge, revoke, list_evidence)
