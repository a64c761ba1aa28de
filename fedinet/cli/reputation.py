"""`fedinet reputation …`: local reputation (issue #7).

For now the offline what-if tool, `score`, over an evidence file; the commands that read the
live database (show, explain, recompute, export-evidence) join this group as further commands.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

from fedinet.cli.common import fail, json_option
from fedinet.reputation import (
    EvidenceError,
    EvidenceFile,
    Explanation,
    Reputation,
    compute,
    parse_evidence,
    parse_seeds,
)

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
        f"{result.graph.seeds.size} seed(s); trust 1.0 = the average reached actor other than a seed."
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
