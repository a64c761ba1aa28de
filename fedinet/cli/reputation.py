"""`fedinet reputation …`: local reputation (docs/reputation.md).

`score` is the offline what-if tool over an evidence file; `show`, `explain`, `seeds`,
`recompute` and `export-evidence` work on the instance's own verified evidence.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

from fedinet.cli.common import fail, handles_errors, json_option, open_database, print_json, settings_from
from fedinet.clock import as_utc
from fedinet.config import Settings
from fedinet.reputation import (
    EvidenceError,
    EvidenceFile,
    Explanation,
    Reputation,
    compute,
    parse_evidence,
    parse_seeds,
    seed_vouches,
)
from fedinet.services import reputation as reputation_service
from fedinet.services.errors import NotFound
from fedinet.store import actors as actor_queries
from fedinet.store.database import Database
from fedinet.store.models import Actor

PROGRESS_EVERY = 20_000  # lines between progress-bar updates

input_file = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def reputation() -> None:
    """Trust, giver/taker balance and connector scores (docs/reputation.md)."""


@reputation.command()
@click.option("--evidence", "evidence_path", required=True, type=input_file,
              help="JSON Lines: one {kind, from, to[, helped]} record per line.")
@click.option("--seeds", "seeds_path", required=True, type=input_file,
              help="The trust seeds (founders, admins): one actor per line, # for comments.")
@click.option("--explain", "actor", metavar="ACTOR", help="Explain ACTOR's trust instead of listing everyone.")
@json_option
def score(evidence_path: Path, seeds_path: Path, actor: str | None, as_json: bool) -> None:
    """Score every actor in an evidence file, offline: what the trust engine would say."""
    try:
        seeds = parse_seeds(_read_lines(seeds_path), str(seeds_path))
        evidence = _read_evidence(evidence_path)
    except EvidenceError as error:
        fail(str(error), exit_code=2)
    if evidence.skipped_self:
        click.echo(
            f"Skipped {evidence.skipped_self} self-referencing record(s) in {evidence_path} "
            "(an actor vouching for, thanking or reporting to itself).",
            err=True,
        )
    result = compute(evidence.records, seeds)
    vouches = result.graph.out_degree()
    idle = [seed for seed in seeds if not vouches[result.graph.index[seed]]]
    if idle:
        click.echo(f"Warning: {len(idle)} seed(s) vouch for no one: {', '.join(idle[:5])}", err=True)
    if actor is not None:
        _print_explanation(result, actor, as_json)
    elif as_json:
        for row in result.scores():
            click.echo(json.dumps(row.as_json()))
    else:
        _print_table(result)


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise EvidenceError(str(path), None, f"not UTF-8 text (byte {error.start})") from None


def _read_evidence(path: Path) -> EvidenceFile:
    """Parse the file, with a progress bar on standard error when that is a terminal."""
    with path.open(encoding="utf-8") as file:
        try:
            if not sys.stderr.isatty():
                return parse_evidence(file, str(path))
            with click.progressbar(length=path.stat().st_size, label=f"Reading {path.name}", file=sys.stderr) as bar:
                return parse_evidence(_advancing(file, bar), str(path))
        except UnicodeDecodeError as error:
            raise EvidenceError(str(path), None, f"not UTF-8 text (byte {error.start})") from None


def _advancing(file: IO[str], bar: Any) -> Iterator[str]:
    done = 0
    for number, line in enumerate(file, start=1):
        done += len(line)
        if number % PROGRESS_EVERY == 0:
            bar.update(done)
            done = 0
        yield line
    bar.update(done)


def _print_table(result: Reputation) -> None:
    rows = result.scores()
    width = min(max((len(row.actor) for row in rows), default=5), 60)
    click.echo(f"{'ACTOR':<{width}}  {'TRUST':>9}  {'PCTL':>6}  {'EST':<3}  {'BALANCE':>9}  {'CONNECTOR':>9}")
    for row in rows:
        click.echo(
            f"{row.actor:<{width}}  {row.trust:9.3f}  {row.percentile:6.1f}  {'yes' if row.established else 'no':<3}  "
            f"{row.balance:9.3f}  {row.connector:9.3f}"
        )
    reached = int(result.flow.reached.sum())
    click.echo(
        f"{len(rows)} actors, {result.graph.source.size} vouches; {reached} reached from "
        f"{result.graph.seeds.size} seed(s); trust 1.0 = the median corroborated actor other than a seed."
    )


def _print_explanation(result: Reputation, actor: str, as_json: bool) -> None:
    try:
        why: Explanation = result.explain(actor)
    except KeyError:
        fail(f"{actor} is neither a seed nor named in the evidence")
    row = result.score(actor)
    if as_json:
        click.echo(json.dumps({
            **row.as_json(),
            "seed": why.seed,
            "seed_share": round(why.seed_share, 6),
            "vouchers": why.vouchers,
            "contributors": [
                {"voucher": c.voucher, "trust": round(c.trust, 6), "share": round(c.share, 6)} for c in why.contributors
            ],
            "path": why.path,
            "warnings": why.warnings,
        }))
        return
    status = "established" if row.established else "not established"
    click.echo(f"{actor}: trust {row.trust:.3f}, percentile {row.percentile:.1f}, {status}")
    if why.seed:
        click.echo(f"  a seed: {why.seed_share:.0%} of this trust is the seeds' own budget")
    largest = "; the largest contributions:" if why.contributors else ""
    click.echo(f"  vouched for by {why.vouchers} actor(s){largest}")
    for part in why.contributors:
        click.echo(f"    {part.voucher}  {part.trust:.3f} ({part.share:.0%})")
    path = " → ".join(why.path) if why.path else "none (not reached from any seed)"
    click.echo(f"  strongest path from a seed: {path}")
    for warning in why.warnings:
        click.secho(f"  warning: {warning}", fg="yellow")
    click.echo(f"  balance {row.balance:.3f}, connector {row.connector:.3f}")


# The live instance: scores from its verified evidence.


async def _known_actor(db: Database, settings: Settings, reference: str) -> Actor:
    """An actor this instance knows, by member name, handle or URL (never looked up remotely)."""
    reference = reference.strip().lstrip("@")
    async with db.session() as session:
        if reference.startswith(("http://", "https://")):
            actor = await actor_queries.actor_by_uri(session, reference)
        else:
            username, _, domain = reference.partition("@")
            actor = await actor_queries.actor_by_handle(session, username.lower(), (domain or settings.domain).lower())
    if actor is None:
        raise NotFound(f"{reference} is not known here: give a member's name, a handle or an actor URL")
    return actor


@reputation.command()
@click.argument("account")
@json_option
@click.pass_context
@handles_errors
async def show(ctx: click.Context, account: str, as_json: bool) -> None:
    """ACCOUNT's scores from the last computation (a member, handle or actor URL)."""
    settings = settings_from(ctx)
    async with open_database(settings) as db:
        actor = await _known_actor(db, settings, account)
        row = await reputation_service.stored_score(db, actor)
    scores = {
        "actor": actor.uri, "trust": round(row.trust, 6), "percentile": round(row.percentile, 2),
        "established": row.established, "corroborated": row.corroborated,
        "balance": round(row.balance, 6), "connector": round(row.connector, 6),
        "computed_at": as_utc(row.computed_at).isoformat(),
    }
    if as_json:
        print_json(scores)
        return
    status = "established" if row.established else "not established"
    support = "corroborated" if row.corroborated else "not corroborated (fewer than two corroborated vouchers)"
    click.echo(f"{actor.handle}: trust {row.trust:.3f}, percentile {row.percentile:.1f}, {status}, {support}")
    click.echo(f"  balance {row.balance:.3f} (help given minus received), connector {row.connector:.3f}")
    click.echo(f"  computed {scores['computed_at']}; `fedinet reputation explain {account}` says why")


@reputation.command()
@click.argument("account")
@json_option
@click.pass_context
@handles_errors
async def explain(ctx: click.Context, account: str, as_json: bool) -> None:
    """Why ACCOUNT has its trust: top vouchers, the strongest path from a seed, warnings."""
    settings = settings_from(ctx)
    async with open_database(settings) as db:
        actor = await _known_actor(db, settings, account)
        result = await reputation_service.compute_now(db, settings)
    if actor.uri not in result.graph.index:
        raise NotFound(f"no verified evidence names {actor.handle}, and it is not a seed")
    _print_explanation(result, actor.uri, as_json)


@reputation.command(name="seeds")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="How many vouches to list.")
@json_option
@click.pass_context
@handles_errors
async def seed_audit(ctx: click.Context, limit: int, as_json: bool) -> None:
    """The seeds' vouches that carry the most trust, and whom only a seed vouches for."""
    settings = settings_from(ctx)
    async with open_database(settings) as db:
        result = await reputation_service.compute_now(db, settings)
    rows = seed_vouches(result)
    if as_json:
        for row in rows[:limit]:
            click.echo(json.dumps({
                "seed": row.seed, "actor": row.actor, "share": round(row.share, 6), "other_vouchers": row.other_vouchers,
            }))
        return
    alone = sum(row.other_vouchers == 0 for row in rows)
    click.echo(
        f"Trust enters through {len(rows)} vouch(es) from {len(result.graph.seeds)} seed(s); "
        f"{alone} of them vouch for someone no other corroborated actor vouches for."
    )
    for row in rows[:limit]:
        support = "only this seed vouches for it" if row.other_vouchers == 0 else (
            f"also vouched for by {row.other_vouchers} corroborated actor(s)"
        )
        click.echo(f"  {row.seed} -> {row.actor}  {row.share:6.1%}  {support}")


@reputation.command()
@click.pass_context
@handles_errors
async def recompute(ctx: click.Context) -> None:
    """Compute every score now from the verified evidence, and store them."""
    settings = settings_from(ctx)
    with click.progressbar(length=3, label="Reading evidence, computing, storing", file=sys.stderr) as bar:

        def progress(_phase: str, done: int, total: int) -> None:
            if done == total:
                bar.update(1)

        async with open_database(settings) as db:
            run = await reputation_service.recompute(db, settings, progress)
    click.echo(
        f"Scored {run.actors} actor(s) from {run.records} piece(s) of evidence and {len(run.seeds)} seed(s) "
        f"at {run.computed_at.isoformat()}."
    )


@reputation.command(name="export-evidence")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.pass_context
@handles_errors
async def export_evidence(ctx: click.Context, file: Path) -> None:
    """Write the evidence that counts to FILE (JSON Lines), for `fedinet reputation score`."""
    settings = settings_from(ctx)
    async with open_database(settings) as db:
        lines = list(await reputation_service.export_lines(db))
        seeds = await reputation_service.seeds(db, settings)
    temporary = file.with_name(file.name + ".partial")
    with temporary.open("w", encoding="utf-8") as out, click.progressbar(
        lines, label=f"Writing {file.name}", file=sys.stderr
    ) as bar:
        for line in bar:
            out.write(line + "\n")
    temporary.replace(file)  # never a half-written file under the name asked for
    click.echo(f"Wrote {len(lines)} record(s) to {file}. The seeds are: {' '.join(seeds) or '(none)'}")
