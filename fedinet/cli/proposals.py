"""Asks, offers and the responses to them, from the command line (protocol/spec.md §3–4).

An ask or offer is a status, named by its id on this server or its URI; a response (an
agreement) is named by its id. The running server delivers what these commands queue.
"""

from __future__ import annotations

from datetime import datetime

import click

from fedinet.cli.common import handles_errors, json_option, open_database, print_json, settings_from
from fedinet.cli.market import proposal_kind, proposal_title, timestamp
from fedinet.cli.statuses import status_id
from fedinet.clock import as_utc
from fedinet.federation.addressing import VISIBILITIES
from fedinet.market import vocabulary as vocab
from fedinet.services import accounts, proposals
from fedinet.services.errors import InvalidInput
from fedinet.store import market as market_queries
from fedinet.store.models import Agreement, Status


def _ends(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{value!r} is not a date and time like 2026-12-01T18:00Z") from None
    return as_utc(moment)


def proposal_json(status: Status) -> dict[str, object]:
    proposal = status.proposal
    assert proposal is not None
    return {
        "id": str(status.id),
        "uri": status.uri,
        "url": status.url,
        "kind": proposal_kind(status),
        "title": proposal.name,
        "state": proposal.state,
        "in_return": proposal.reciprocity,
        "amount": proposal.amount,
        "currency": proposal.currency,
        "ends_at": timestamp(proposal.ends_at),
        "topics": [tag.name for tag in status.tags],
        "visibility": status.visibility,
    }


def agreement_json(agreement: Agreement, actor_id: int) -> dict[str, object]:
    proposer = agreement.proposer_id == actor_id
    status = agreement.proposal_status
    return {
        "id": str(agreement.id),
        "state": agreement.state,
        "role": "proposer" if proposer else "responder",
        "proposal": {
            "id": str(status.id),
            "uri": status.uri,
            "kind": proposal_kind(status),
            "title": proposal_title(status),
        },
        "responder": agreement.responder.handle,
        "proposer": agreement.proposer.handle,
        "with": (agreement.responder if proposer else agreement.proposer).handle,
        "message": agreement.message,
        "uri": agreement.uri,
        "created_at": timestamp(agreement.created_at),
        "decided_at": timestamp(agreement.decided_at),
    }


def _proposal_command(kind: str, summary: str) -> click.Command:
    @click.command(name=kind, help=summary)
    @click.argument("member")
    @click.argument("title")
    @click.option("--text", "description", default="", help="More about it, in plain text.")
    @click.option(
        "--topic", "topics", multiple=True, metavar="TOPIC", help="A topic (hashtag); repeat for more (at most 10)."
    )
    @click.option(
        "--in-return", "reciprocity", type=click.Choice(tuple(vocab.RECIPROCITY)),
        help="What is given in return (default: nothing).",
    )
    @click.option("--amount", metavar="AMOUNT", help="With --in-return money: e.g. 25 or 12.50.")
    @click.option("--currency", metavar="CODE", help="With --in-return money: a currency code such as EUR.")
    @click.option("--ends", metavar="DATETIME", help="When it expires, e.g. 2026-12-01T18:00Z (UTC if no zone).")
    @click.option("--visibility", type=click.Choice(VISIBILITIES), default="public", show_default=True)
    @json_option
    @click.pass_context
    @handles_errors
    async def command(
        ctx: click.Context,
        member: str,
        title: str,
        description: str,
        topics: tuple[str, ...],
        reciprocity: str | None,
        amount: str | None,
        currency: str | None,
        ends: str | None,
        visibility: str,
        as_json: bool,
    ) -> None:
        settings = settings_from(ctx)
        async with open_database(settings) as db:
            account = await accounts.get_account(db, member)
            status = await proposals.publish(
                db, settings, account, kind=kind, name=title, description=description, topics=list(topics),
                reciprocity=reciprocity, amount=amount, currency=currency, ends_at=_ends(ends),
                visibility=visibility,
            )
        if as_json:
            print_json(proposal_json(status))
        else:
            click.echo(f"Posted {kind} {status.id}: {status.uri} ({status.visibility})")

    return command


ask = _proposal_command("ask", "Post an ask as MEMBER: TITLE says what they need.")
offer = _proposal_command("offer", "Post an offer as MEMBER: TITLE says what they give.")


@click.command(name="proposal-state")
@click.argument("member")
@click.argument("proposal")
@click.argument("state", type=click.Choice(vocab.PROPOSAL_STATES))
@click.pass_context
@handles_errors
async def proposal_state(ctx: click.Context, member: str, proposal: str, state: str) -> None:
    """Set MEMBER's ask or offer (id or URI) to STATE."""
    settings = settings_from(ctx)
    async with open_database(settings) as db:
        account = await accounts.get_account(db, member)
        status = await proposals.set_state(db, settings, account, await status_id(db, proposal), state)
    click.echo(f"{account.username}'s {proposal_kind(status)} {status.id} is {state}.")


@click.command()
@click.argument("member")
@click.argument("proposal")
@click.option("--message", default="", metavar="TEXT", help="What MEMBER says with the response.")
@json_option
@click.pass_context
@handles_errors
async def respond(ctx: click.Context, member: str, proposal: str, message: str, as_json: bool) -> None:
    """MEMBER responds to an ask or offer (id or URI).

    For an ask they offer help; for an offer they ask for what is offered."""
    async with open_database(settings_from(ctx)) as db:
        account = await accounts.get_account(db, member)
        agreement = await proposals.respond(db, account, await status_id(db, proposal), message)
    if as_json:
        print_json(agreement_json(agreement, account.actor_id))
    else:
        click.echo(
            f"{account.username} responded to {proposal}: response {agreement.id}, "
            f"waiting for @{agreement.proposer.handle}'s answer."
        )


@click.command()
@click.argument("member")
@json_option
@click.pass_context
@handles_errors
async def responses(ctx: click.Context, member: str, as_json: bool) -> None:
    """Responses MEMBER made and received, newest first."""
    async with open_database(settings_from(ctx)) as db:
        account = await accounts.get_account(db, member)
        async with db.session() as session:
            found = [
                agreement_json(agreement, account.actor_id)
                for agreement in await market_queries.agreements_of(session, account.actor_id)
            ]
    if as_json:
        print_json(found)
        return
    if not found:
        click.echo(f"{account.username} has made and received no responses.")
    for row in found:
        what = row["proposal"]
        assert isinstance(what, dict)
        if row["role"] == "proposer":
            line = f"@{row['responder']} responded to your {what['kind']} {what['title']!r} ({what['id']})"
        else:
            line = f"you responded to @{row['proposer']}'s {what['kind']} {what['title']!r} ({what['id']})"
        click.echo(f"{row['id']}  {row['state']:<8}  {line}")
        if row["message"]:
            click.echo(f"    {row['message']}")


async def _answer(
    ctx: click.Context, member: str, response: int, accept: bool, reason: str, as_json: bool
) -> None:
    async with open_database(settings_from(ctx)) as db:
        account = await accounts.get_account(db, member)
        agreement = await proposals.answer(db, account, response, accept=accept, reason=reason)
    if as_json:
        print_json(agreement_json(agreement, account.actor_id))
    elif accept:
        click.echo(f"{account.username} accepted response {agreement.id}: agreement {agreement.uri}")
    else:
        click.echo(f"{account.username} rejected response {agreement.id}.")


@click.command(name="accept-response")
@click.argument("member")
@click.argument("response", type=int)
@json_option
@click.pass_context
@handles_errors
async def accept_response(ctx: click.Context, member: str, response: int, as_json: bool) -> None:
    """Accept RESPONSE (an id) to MEMBER's ask or offer.

    The agreement is made; the responder is told."""
    await _answer(ctx, member, response, True, "", as_json)


@click.command(name="reject-response")
@click.argument("member")
@click.argument("response", type=int)
@click.option("--reason", default="", help="Why; sent to the responder.")
@json_option
@click.pass_context
@handles_errors
async def reject_response(ctx: click.Context, member: str, response: int, reason: str, as_json: bool) -> None:
    """Reject RESPONSE (an id) to MEMBER's ask or offer."""
    await _answer(ctx, member, response, False, reason, as_json)


COMMANDS = (ask, offer, proposal_state, respond, responses, accept_response, reject_response)
