"""What the `/api/fedinet/v1/` handlers share: ids in paths and parameters, choices, times,
accounts rendered as Mastodon Account entities, and the short form of a proposal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.clock import as_utc, utc_now
from fedinet.config import Settings
from fedinet.market import vocabulary as vocab
from fedinet.services.errors import InvalidInput, NotFound
from fedinet.store.models import Account, Actor, Proposal, Status
from fedinet.web.context import database_of
from fedinet.web.mastodon import entities
from fedinet.web.mastodon.accounts import MAX_ACTOR_ID
from fedinet.web.mastodon.params import Params
from fedinet.web.mastodon.status_entities import render_accounts

BASE = "/api/fedinet/v1"
NOT_FOUND = "Record not found"
MAX_BIGINT = 2**63 - 1  # statuses, agreements, introductions
MAX_INT = MAX_ACTOR_ID  # actors, evidence (32-bit on PostgreSQL)


def path_id(request: web.Request, maximum: int = MAX_BIGINT) -> int:
    """The `{id}` of the path; an id no row can have is 404, as an unknown one."""
    number = int(request.match_info["id"])
    if number > maximum:
        raise NotFound(NOT_FOUND)
    return number


def number(value: Any, name: str, maximum: int = MAX_BIGINT) -> int:
    """A numeric id given as a parameter (a string, as Mastodon sends ids, or a number)."""
    text = str(value).strip()
    if not text.isdigit():
        raise InvalidInput(f"{name} must be an id, not {str(value)[:40]!r}")
    found = int(text)
    if found > maximum:
        raise NotFound(f"nothing has the id {text} ({name})")
    return found


async def accounts_by_ids(request: web.Request, values: Iterable[Any], name: str) -> list[Actor]:
    """The accounts (actors known here) named by ids; 404 for one that is not known."""
    ids = list(dict.fromkeys(number(value, name, MAX_INT) for value in values))
    async with database_of(request).session() as session:
        found = []
        for actor_id in ids:
            actor = await session.get(Actor, actor_id)
            if actor is None:
                raise NotFound(f"no account {actor_id}")
            found.append(actor)
    return found


async def account_by_id(request: web.Request, given: Params, name: str) -> Actor:
    value = given.get(name)
    if value is None or value == "":
        raise InvalidInput(f"{name} is missing: say which account")
    return (await accounts_by_ids(request, [value], name))[0]


def choice(given: Params, name: str, allowed: Sequence[str]) -> str | None:
    """An optional parameter that must be one of `allowed`."""
    value = given.text(name)
    if value is None or value == "":
        return None
    if value not in allowed:
        raise InvalidInput(f"{name} must be one of {', '.join(allowed)}")
    return value


def required_flag(given: Params, name: str) -> bool:
    if given.get(name) is None or given.get(name) == "":
        raise InvalidInput(f"{name} is missing: say true or false")
    return given.flag(name)


def timestamp(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC, as Mastodon writes times (2026-01-01T00:00:00.000Z)."""
    return None if moment is None else entities.timestamp(as_utc(moment).astimezone(UTC))


def viewer_actor(account: Account | None) -> Actor | None:
    return None if account is None else account.actor


async def account_entities(
    session: AsyncSession, settings: Settings, actors: Iterable[Actor]
) -> dict[int, dict[str, Any]]:
    """Mastodon Account entities of the actors, by actor id."""
    unique = list({actor.id: actor for actor in actors}.values())
    rendered = await render_accounts(session, settings, unique)
    return {actor.id: entity for actor, entity in zip(unique, rendered, strict=True)}


def kind_of(proposal: Proposal) -> str:
    return "ask" if proposal.purpose == vocab.ASK else "offer"


def state_of(proposal: Proposal) -> str:
    """open, fulfilled, withdrawn, or expired (open with its end time past)."""
    if proposal.state == "open" and proposal.ends_at is not None and as_utc(proposal.ends_at) <= utc_now():
        return "expired"
    return proposal.state


def proposal_summary(status: Status) -> dict[str, Any]:
    """The short form of a proposal: enough to name it and fetch the rest."""
    proposal = status.proposal
    return {
        "id": str(status.id),
        "uri": status.uri,
        "url": status.url or status.uri,
        "kind": kind_of(proposal) if proposal is not None else None,
        "title": proposal.name if proposal is not None else None,
        "state": state_of(proposal) if proposal is not None else None,
        "account_id": str(status.actor_id),
    }
