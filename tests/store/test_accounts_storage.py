"""Members, actors and keys round-trip through both backends."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fedinet.config import load_settings
from fedinet.federation.signing.keys import ed25519_from_multibase, load_private_key
from fedinet.services import accounts
from fedinet.services.errors import Conflict
from fedinet.services.instance import instance_actor, set_up_database, usage
from fedinet.store.database import Database
from fedinet.store.models import Account, Actor, ActorKey


@pytest.fixture
async def db_and_settings(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = load_settings(environ={}, data_dir=tmp_path, database_url=database_url)
    db = Database(settings.database_url)
    await set_up_database(db, settings)
    yield db, settings
    await db.dispose()


async def test_member_with_actor_and_keys(db_and_settings) -> None:  # type: ignore[no-untyped-def]
    db, settings = db_and_settings
    created = await accounts.create_account(db, settings, "Alice", "long enough", display_name="Alice A.")
    account = await accounts.get_account(db, "alice")
    assert account.id == created.id and account.username == "alice"
    assert account.password_hash.startswith("$argon2id$")
    assert account.created_at.tzinfo == timezone.utc
    actor = account.actor
    assert actor.uri == "http://127.0.0.1:8080/users/alice"
    assert actor.is_local and actor.display_name == "Alice A." and actor.handle == "alice@127.0.0.1:8080"
    rsa_key, ed_key = actor.key("rsa"), actor.key("ed25519")
    assert rsa_key is not None and rsa_key.key_id.endswith("/users/alice#main-key")
    assert load_private_key(rsa_key.private_key_pem or "").key_size == 2048  # type: ignore[union-attr]
    assert ed_key is not None and ed_key.public_key.startswith("z6Mk")
    ed25519_from_multibase(ed_key.public_key)

    assert (await usage(db)).users_total == 1
    assert (await instance_actor(db, settings)).actor_type == "Application"


async def test_duplicate_username_leaves_nothing_behind(db_and_settings) -> None:  # type: ignore[no-untyped-def]
    db, settings = db_and_settings
    await accounts.create_account(db, settings, "bob", "long enough")
    with pytest.raises(Conflict, match="already taken"):
        await accounts.create_account(db, settings, "BOB", "long enough")
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Account)) == 1
        assert await session.scalar(select(func.count()).select_from(Actor)) == 2  # bob + instance
        assert await session.scalar(select(func.count()).select_from(ActorKey)) == 4


async def test_roles_and_suspension(db_and_settings) -> None:  # type: ignore[no-untyped-def]
    db, settings = db_and_settings
    await accounts.create_account(db, settings, "carol", "long enough")
    assert (await accounts.set_role(db, "carol", "moderator")).role == "moderator"
    suspended = await accounts.set_suspended(db, "carol", True)
    assert suspended.is_suspended and suspended.suspended_at is not None
    with pytest.raises(Conflict, match="already suspended"):
        await accounts.set_suspended(db, "carol", True)
    assert not (await accounts.set_suspended(db, "carol", False)).is_suspended
    assert (await usage(db)).users_total == 1
