"""Members: create, look up, change password and role, suspend."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from fedinet import urls
from fedinet.config import Settings
from fedinet.services.errors import Conflict, InvalidInput, NotFound
from fedinet.services.local_actors import new_local_actor
from fedinet.services.passwords import hash_password
from fedinet.store import accounts as account_queries
from fedinet.clock import utc_now
from fedinet.store.database import Database
from fedinet.store.models import Account

ROLES = ("member", "moderator", "admin")
_USERNAME = re.compile(r"[a-z0-9_]{1,30}")


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive: 1–30 of a–z, 0–9 and _, stored in lower case."""
    name = username.strip().lstrip("@").lower()
    if not _USERNAME.fullmatch(name):
        raise InvalidInput(
            f"invalid username {username!r}: use 1 to 30 letters, digits or underscores"
        )
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"invalid role {role!r}: choose one of {', '.join(ROLES)}")
    return role


async def create_account(
    db: Database,
    settings: Settings,
    username: str,
    password: str,
    *,
    role: str = "member",
    display_name: str = "",
) -> Account:
    """A new member with its actor and keys, all written in one transaction."""
    name = normalise_username(username)
    _check_role(role)
    password_hash = await hash_password(password)
    async with db.transaction() as session:
        if await account_queries.account_by_username(session, name):
            raise Conflict(f"the username {name!r} is already taken")
        uri = urls.actor_uri(settings, name)
        actor = await new_local_actor(
            session,
            settings,
            uri=uri,
            actor_type="Person",
            username=name,
            display_name=display_name or name,
            profile_url=urls.profile_url(settings, name),
        )
        account = Account(actor=actor, username=name, password_hash=password_hash, role=role)
        session.add(account)
    return account


async def get_account(db: Database, username: str) -> Account:
    async with db.session() as session:
        account = await account_queries.account_by_username(session, normalise_username(username))
    if account is None:
        raise NotFound(f"no member named {username!r}")
    return account


async def list_accounts(db: Database) -> list[Account]:
    async with db.session() as session:
        return await account_queries.all_accounts(session)


async def set_password(db: Database, username: str, password: str) -> None:
    password_hash = await hash_password(password)
    async with db.transaction() as session:
        account = await _existing(session, username)
        account.password_hash = password_hash


async def set_role(db: Database, username: str, role: str) -> Account:
    _check_role(role)
    async with db.transaction() as session:
        account = await _existing(session, username)
        account.role = role
    return account


async def set_suspended(db: Database, username: str, suspended: bool) -> Account:
    """Suspend (or lift the suspension of) a member; suspending twice is an error."""
    async with db.transaction() as session:
        account = await _existing(session, username)
        if suspended == account.is_suspended:
            state = "already suspended" if suspended else "not suspended"
            raise Conflict(f"{account.username} is {state}")
        account.suspended_at = utc_now() if suspended else None
    return account


async def _existing(session: AsyncSession, username: str) -> Account:
    account = await account_queries.account_by_username(session, normalise_username(username))
    if account is None:
        raise NotFound(f"no member named {username!r}")
    return account
