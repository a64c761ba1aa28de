"""Introductions, double opt-in, from the command line (protocol/spec.md §7–8).

Connector B introduces A to target C: A asks B (`request-intro`) or B starts it
(`introduce`, then A consents with `intro-consent`); C accepts or declines (`intro-answer`);
afterwards A and C report how it went (`intro-outcome`). An introduction is named by its id
on this server (see `fedinet introductions`). The running server delivers what these queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from fedinet.cli.common import (
    handles_errors,
    json_option,
    open_database,
    open_transport,
    print_json,
    settings_from,
)
from fedinet.cli.evidence import evidence_json
from fedinet.cli.market import find_person, timestamp
from fedinet.market import vocabulary as vocab
from fedinet.services import accounts, evidence, introductions
from fedinet.services.errors import InvalidInput
from fedinet.store.models import Introduction

F = TypeVar("F", bound=Callable[..., Any])


def introduction_json(row: Introduction, actor_id: int) -> dict[str, object]:
    roles = {row.connector_id: "connector", row.introduced_id: "introduced", row.target_id: "target"}
    return {
        "id": str(row.id),
        "state": row.state,
        "role": roles.get(actor_id),
        "connector": row.connector.handle,
        "introduced": row.introduced.handle,
        "target": row.target.handle,
        "what": row.content,
        "why": row.reason,
        "benefit": row.benefit,
        "uri": row.uri,
        "request_uri": row.request_uri,
        "updated_at": timestamp(row.updated_at),
    }


def _texts(function: F) -> F:
    """The --why and --benefit every request and introduction has (INTRO-1, INTRO-3)."""
    function = click.option("--benefit", required=True, help="What is in it for the other side.")(function)
    return click.option("--why", "reason", required=True, help="Why this introduction makes sense.")(function)


def _done(row: Introduction, account_id: int, as_json: bool, message: str) -> None:
    if as_json:
        print_json(introduction_json(row, account_id))
    else:
        click.echo(f"{message} (introduction {row.id}, {row.state}).")


@click.command(name="introductions")
@click.argument("member")
@json_option
@click.pass_context
@handles_errors
async def list_introductions(ctx: click.Context, member: str, as_json: bool) -> None:
    """Introductions MEMBER takes part in, newest first."""
    async with open_database(settings_from(ctx)) as db:
        account = await accounts.get_account(db, member)
        found = [introduction_json(row, account.actor_id) for row in await introductions.list_for(db, account)]
    if as_json:
        print_json(found)
        return
    if not found:
        click.echo(f"{account.username} takes part in no introductions.")
    for row in found:
        click.echo(
            f"{row['id']}  {row['state']:<16}  @{row['introduced']} → @{row['target']} "
            f"via @{row['connector']} ({row['role']})"
        )
        click.echo(f"    {row['what']}")


@click.command(name="request-intro")
@click.argument("member")
@click.option("--via", "connector", required=True, metavar="PERSON", help="Who is asked to make the introduction.")
@click.option("--to", "target", required=True, metavar="PERSON", help="Whom MEMBER wants to be introduced to.")
@click.option("--what", "content", required=True, help="What MEMBER wants from them.")
@_texts
@json_option
@click.pass_context
@handles_errors
async def request_intro(
    ctx: click.Context, member: str, connector: str, target: str, content: str, reason: str, benefit: str,
    as_json: bool,
) -> None:
    """MEMBER asks a connector for an introduction to someone."""
    settings = settings_from(ctx)
    async with open_database(settings) as db, open_transport(settings, db) as transport:
        account = await accounts.get_account(db, member)
        via = await find_person(db, transport, settings, connector)
        to = await find_person(db, transport, settings, target)
        row = await introductions.request(
            db, account, via, to, content=content, reason=reason, benefit=benefit
        )
    message = f"{account.username} asked @{via.handle} for an introduction to @{to.handle}"
    _done(row, account.actor_id, as_json, message)


@click.command()
@click.argument("member")
@click.argument("person", required=False)
@click.argument("target", required=False)
@click.option("--request", "request_id", type=int, metavar="ID", help="Answer this request (an id) instead.")
@click.option("--who", "content", required=True, help="Who PERSON is, for TARGET.")
@_texts
@json_option
@click.pass_context
@handles_errors
async def introduce(
    ctx: click.Context, member: str, person: str | None, target: str | None, request_id: int | None,
    content: str, reason: str, benefit: str, as_json: bool,
) -> None:
    """MEMBER introduces PERSON to TARGET.

    PERSON is asked first. With --request instead, MEMBER answers that person's request."""
    if (person is None) != (target is None) or (request_id is None) == (person is None):
        raise InvalidInput("give either PERSON and TARGET or --request (the id of a request to you)")
    settings = settings_from(ctx)
    async with open_database(settings) as db, open_transport(settings, db) as transport:
        account = await accounts.get_account(db, member)
        introduced = await find_person(db, transport, settings, person) if person is not None else None
        to = await find_person(db, transport, settings, target) if target is not None else None
        row = await introductions.introduce(
            db, account, introduced, to, content=content, reason=reason, benefit=benefit, request_id=request_id
        )
    if row.state == "offered":
        message = f"{account.username} introduced @{row.introduced.handle} to @{row.target.handle}"
    else:
        message = (
            f"{account.username} asked @{row.introduced.handle} to agree to an introduction to @{row.target.handle}"
        )
    _done(row, account.actor_id, as_json, message)


@click.command(name="decline-intro")
@click.argument("member")
@click.argument("introduction", type=int)
@click.option("--reason", default="", help="Why; sent to the requester.")
@json_option
@click.pass_context
@handles_errors
async def decline_intro(ctx: click.Context, member: str, introduction: int, reason: str, as_json: bool) -> None:
    """As connector, MEMBER declines an intro request."""
    async with open_database(settings_from(ctx)) as db:
        account = await accounts.get_account(db, member)
        row = await introductions.decline_request(db, account, introduction, reason=reason)
    _done(row, account.actor_id, as_json, f"{account.username} declined @{row.introduced.handle}'s request")


@click.command(name="intro-consent")
@click.argument("member")
@click.argument("introduction", type=int)
@click.option("--yes/--no", "accept", default=None, help="Agree to be introduced, or not.")
@json_option
@click.pass_context
@handles_errors
async def intro_consent(
    ctx: click.Context, member: str, introduction: int, accept: bool | None, as_json: bool
) -> None:
    """MEMBER agrees (or not) to be introduced.

    For introductions the connector started; say --yes or --no."""
    if accept is None:
        raise click.UsageError("say --yes or --no", ctx)
    async with open_database(settings_from(ctx)) as db:
        account = await accounts.get_account(db, member)
        row = await introductions.consent(db, account, introduction, accept=accept)
    answer = "agreed to" if accept else "declined"
    _done(row, account.actor_id, as_json, f"{account.username} {answer} the introduction to @{row.target.handle}")


@click.command(name="intro-answer")
@click.argument("member")
@click.argument("introduction", type=int)
@click.option("--accept/--decline", "accept", default=None, help="Connect with the person introduced, or not.")
@json_option
@click.pass_context
@handles_errors
async def intro_answer(
    ctx: click.Context, member: str, introduction: int, accept: bool | None, as_json: bool
) -> None:
    """As target, MEMBER accepts or declines an intro."""
    if accept is None:
        raise click.UsageError("say --accept or --decline", ctx)
    settings = settings_from(ctx)
    async with open_database(settings) as db:
        account = await accounts.get_account(db, member)
        row = await introductions.answer(db, account, introduction, accept=accept, settings=settings)
    answer = "accepted" if accept else "declined"
    message = f"{account.username} {answer} the introduction of @{row.introduced.handle}"
    _done(row, account.actor_id, as_json, message)


@click.command(name="intro-outcome")
@click.argument("member")
@click.argument("introduction", type=int)
@click.argument("outcome", type=click.Choice(vocab.OUTCOMES))
@click.option("--note", default="", help="A few words on how it went.")
@json_option
@click.pass_context
@handles_errors
async def intro_outcome(
    ctx: click.Context, member: str, introduction: int, outcome: str, note: str, as_json: bool
) -> None:
    """MEMBER reports how an introduction went.

    The connector receives it; a later report replaces an earlier one."""
    async with open_database(settings_from(ctx)) as db:
        account = await accounts.get_account(db, member)
        row = await evidence.report_outcome(db, account, introduction, outcome, note=note)
    if as_json:
        print_json(evidence_json(row))
    else:
        click.echo(f"{account.username} reported {outcome} to @{row.subject.handle}: evidence {row.id}.")


COMMANDS = (
    list_introductions,
    request_intro,
    introduce,
    decline_intro,
    intro_consent,
    intro_answer,
    intro_outcome,
)
