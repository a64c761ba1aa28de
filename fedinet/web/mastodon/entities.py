"""Mastodon API entities (internal → frontend), one function per entity."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedinet.config import Settings
from fedinet.federation.sanitize import html_to_plain_text, plain_text_to_html
from fedinet.store import follows as follow_queries
from fedinet.store import statuses as status_queries
from fedinet.store.models import Account, Actor


def timestamp(moment: datetime | None) -> str | None:
    """Mastodon's format: 2026-01-01T00:00:00.000Z."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class AccountCounts:
    followers: int
    following: int
    statuses: int


async def account_counts(session: AsyncSession, actor: Actor) -> AccountCounts:
    return AccountCounts(
        followers=await follow_queries.count_followers(session, actor.id),
        following=await follow_queries.count_following(session, actor.id),
        statuses=await status_queries.count_listed_statuses(session, actor.id),
    )


def account_entity(actor: Actor, settings: Settings, counts: AccountCounts) -> dict[str, Any]:
    avatar, header = settings.url("/static/avatar.png"), settings.url("/static/header.png")
    return {
        "id": str(actor.id),
        "username": actor.username or "",
        "acct": actor.username if actor.is_local else actor.handle,
        "display_name": actor.display_name,
        "locked": actor.manually_approves_followers,
        "bot": actor.actor_type in ("Service", "Application"),
        "discoverable": True,
        "group": actor.actor_type == "Group",
        "created_at": timestamp(actor.created_at.replace(hour=0, minute=0, second=0, microsecond=0)),
        "note": plain_text_to_html(actor.summary) if actor.is_local else actor.summary,
        "url": actor.profile_url or actor.uri,
        "uri": actor.uri,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": counts.followers,
        "following_count": counts.following,
        "statuses_count": counts.statuses,
        "last_status_at": None,
        "emojis": [],
        "fields": [field_entity(field) for field in actor.fields],
    }


def field_entity(field: dict[str, str]) -> dict[str, Any]:
    """A profile field; its value as HTML (escaped, a lone http(s) URL linked)."""
    value = html.escape(field["value"])
    if re.fullmatch(r"https?://\S+", field["value"]):
        value = f'<a href="{value}" target="_blank" rel="nofollow noopener me" translate="no">{value}</a>'
    return {"name": field["name"], "value": value, "verified_at": None}


def credential_account_entity(account: Account, settings: Settings, counts: AccountCounts) -> dict[str, Any]:
    """The caller's own account, with `source` (what the edit-profile form shows)."""
    entity = account_entity(account.actor, settings, counts)
    entity["source"] = {
        "privacy": "public",
        "sensitive": False,
        "language": None,
        "note": account.actor.summary if account.actor.is_local else html_to_plain_text(account.actor.summary),
        "fields": [{**field, "verified_at": None} for field in account.actor.fields],
        "follow_requests_count": 0,
    }
    entity["role"] = {"id": "0", "name": account.role, "permissions": "0", "color": "", "highlighted": False}
    return entity
