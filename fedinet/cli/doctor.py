"""`fedinet doctor`: check configuration, database, keys and base URL; say what to fix."""

from __future__ import annotations

import asyncio
import ipaddress
import os
from dataclasses import asdict, dataclass

import click

from fedinet.cli.common import json_option, print_json
from fedinet.config import ConfigError, Settings, load_settings
from fedinet.federation.signing.keys import (
    ed25519_to_multibase,
    load_private_key,
    public_pem,
)
from fedinet.services.errors import ServiceError
from fedinet.services.instance import check_schema_current, instance_actor
from fedinet.store import actors as actor_queries
from fedinet.store.database import Database, DatabaseUnavailable
from fedinet.store.models import ActorKey



@dataclass
class Finding:
    status: str  # "ok", "warn" or "fail"
    check: str
    message: str


def _key_matches(key: ActorKey) -> bool:
    """Whether a stored private key is the partner of the public key the actor publishes."""
    if key.private_key_pem is None:
        return False
    private = load_private_key(key.private_key_pem)
    public = private.public_key()
    if key.algorithm == "rsa":
        return public_pem(public).strip() == key.public_key.strip()
    return ed25519_to_multibase(public) == key.public_key  # type: ignore[arg-type]


def _base_url_findings(settings: Settings) -> list[Finding]:
    host = settings.base_url.split("://", 1)[1].split(":")[0].strip("[]")
    try:
        is_local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        is_local = False
    if settings.scheme == "https":
        return [Finding("ok", "base_url", f"{settings.base_url} (https)")]
    if is_local:
        return [Finding("ok", "base_url", f"{settings.base_url} (loopback: for local use only)")]
    return [
        Finding(
            "warn",
            "base_url",
            f"{settings.base_url} is plain http on a public host; other servers expect https. "
            "Put fedinet behind a TLS reverse proxy (docs/install.md) and set FEDINET_BASE_URL "
            "to the https URL before `fedinet init`.",
        )
    ]


async def _database_findings(settings: Settings) -> list[Finding]:
    db = Database(settings.database_url)
    missing = db.missing_sqlite_file()
    if missing:
        await db.dispose()
        return [Finding("fail", "database", f"no database at {missing}: run `fedinet init`")]
    try:
        await db.check_connection()
    except DatabaseUnavailable as error:
        await db.dispose()
        return [Finding("fail", "database", str(error))]
    findings = [Finding("ok", "database", f"reachable: {db.safe_url}")]
    try:
        await check_schema_current(db)
        findings.append(Finding("ok", "schema", "migrated to the current revision"))
        actor = await instance_actor(db, settings)
        findings.append(Finding("ok", "instance actor", actor.uri))
        async with db.session() as session:
            actors = await actor_queries.local_actors(session)
        bad = [
            actor.uri
            for actor in actors
            if {key.algorithm for key in actor.keys if _key_matches(key)} != {"rsa", "ed25519"}
        ]
        if bad:
            findings.append(
                Finding("fail", "keys", f"missing or mismatched keys for {', '.join(bad[:5])}")
            )
        else:
            findings.append(
                Finding("ok", "keys", f"{len(actors)} local actor(s), RSA and Ed25519 keys present")
            )
    except ServiceError as error:
        findings.append(Finding("fail", "schema", str(error)))
    finally:
        await db.dispose()
    return findings


async def diagnose(ctx_data_dir: str | None) -> list[Finding]:
    try:
        settings = load_settings(data_dir=ctx_data_dir)
    except ConfigError as error:
        return [Finding("fail", "configuration", f"{error}")]
    findings = [Finding("ok", "configuration", f"loaded (data directory {settings.data_dir})")]
    if not settings.config_file.exists():
        findings.append(
            Finding(
                "fail",
                "data directory",
                f"{settings.config_file} not found: run `fedinet init`, or set FEDINET_DATA_DIR "
                "to the instance's data directory",
            )
        )
    elif not os.access(settings.data_dir, os.W_OK):
        findings.append(Finding("fail", "data directory", f"{settings.data_dir} is not writable"))
    findings += _base_url_findings(settings)
    findings += await _database_findings(settings)
    return findings


@click.command()
@json_option
@click.pass_context
def doctor(ctx: click.Context, as_json: bool) -> None:
    """Check the instance's configuration, database, keys and base URL."""
    findings = asyncio.run(diagnose(ctx.obj.get("data_dir")))
    if as_json:
        print_json([asdict(finding) for finding in findings])
    else:
        colours = {"ok": "green", "warn": "yellow", "fail": "red"}
        for finding in findings:
            label = click.style(f"[{finding.status}]", fg=colours[finding.status])
            click.echo(f"{label:>6} {finding.check}: {finding.message}")
    if any(finding.status == "fail" for finding in findings):
        raise SystemExit(1)
