"""The instance itself: setting up its database, its actor, and the figures it publishes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect

from fedinet import urls
from fedinet.config import Settings
from fedinet.federation.signing.keys import SigningKey
from fedinet.services.errors import Conflict, NotFound
from fedinet.services.local_actors import new_instance_actor
from fedinet.store import accounts as account_queries
from fedinet.store import actors as actor_queries
from fedinet.store import statuses as status_queries
from fedinet.store import migrations
from fedinet.store.database import Database
from fedinet.store.models import Actor


class NotInitialised(Conflict):
    """The database has no fedinet schema or is behind the code's migrations."""


async def set_up_database(db: Database, settings: Settings) -> Actor:
    """Create the schema in an empty database and the instance actor."""
    async with db.write_engine.connect() as connection:
        existing = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    if existing:
        raise Conflict(
            f"the database {db.safe_url} already holds tables ({', '.join(sorted(existing)[:5])}); "
            "point FEDINET_DATABASE_URL at an empty database, or use `fedinet migrate` to upgrade it"
        )
    await migrations.upgrade(db)
    async with db.transaction() as session:
        return await new_instance_actor(session, settings)


async def check_schema_current(db: Database) -> None:
    """Raise NotInitialised with what to run when the schema is missing or old."""
    current = await migrations.current_revision(db)
    if current is None:
        raise NotInitialised(
            f"the database {db.safe_url} has no fedinet schema: run `fedinet init` first"
        )
    if current != migrations.head_revision():
        raise NotInitialised(
            f"the database schema is at revision {current}, this fedinet needs "
            f"{migrations.head_revision()}: run `fedinet migrate`"
        )


async def instance_actor(db: Database, settings: Settings) -> Actor:
    async with db.session() as session:
        actor = await actor_queries.actor_by_uri(session, urls.instance_actor_uri(settings))
    if actor is None:
        raise NotFound(
            f"no instance actor at {urls.instance_actor_uri(settings)}: was base_url changed "
            "after `fedinet init`? URLs of an instance cannot change once it has federated"
        )
    return actor


@dataclass(frozen=True)
class Usage:
    """What NodeInfo and the instance API publish about activity."""

    users_total: int
    local_posts: int


async def usage(db: Database) -> Usage:
    async with db.session() as session:
        users = await account_queries.count_accounts(session)
        posts = await status_queries.count_local_statuses(session)
    return Usage(users_total=users, local_posts=posts)


async def instance_fetch_key(db: Database, settings: Settings) -> SigningKey:
    """The instance actor's RSA key: signs the server's own fetches (authorized fetch)."""
    actor = await instance_actor(db, settings)
    key = actor.key("rsa")
    if key is None or key.private_key_pem is None:
        raise NotFound(f"the instance actor {actor.uri} has no RSA key: run `fedinet doctor`")
    return SigningKey.from_pem(key.key_id, key.private_key_pem)
