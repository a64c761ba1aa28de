"""Two instances find each other's members over real HTTP: WebFinger, then the actor."""

from __future__ import annotations

import pytest

from fedinet.services.errors import InvalidInput, NotFound
from fedinet.services.remote_actors import resolve_handle
from fedinet.store import actors as actor_queries


async def test_members_look_each_other_up(start_instance) -> None:
    one = await start_instance()
    two = await start_instance()
    await one.create_member("alice")
    await two.create_member("bob", display_name="Bob <b>B</b>")

    bob = await resolve_handle(one.db, one.transport, one.settings, f"bob@{two.domain}")
    assert bob.uri == f"{two.base_url}/users/bob"
    assert not bob.is_local and bob.domain == two.domain
    assert bob.inbox_url == f"{two.base_url}/users/bob/inbox"
    assert bob.shared_inbox_url == f"{two.base_url}/inbox"
    assert bob.display_name == "Bob <b>B</b>"
    assert {key.algorithm for key in bob.keys} == {"rsa", "ed25519"}
    assert all(key.private_key_pem is None for key in bob.keys)

    alice = await resolve_handle(two.db, two.transport, two.settings, f"@alice@{one.domain}")
    assert alice.uri == f"{one.base_url}/users/alice"

    # Looking up again refreshes the same row rather than adding another.
    again = await resolve_handle(one.db, one.transport, one.settings, f"bob@{two.domain}")
    assert again.id == bob.id
    async with one.db.session() as session:
        stored = await actor_queries.actor_by_uri(session, bob.uri)
    assert stored is not None and len(stored.keys) == 2


async def test_unknown_member_and_bad_handles(start_instance) -> None:
    one = await start_instance()
    two = await start_instance()
    with pytest.raises(NotFound, match="WebFinger lookup of nobody@"):
        await resolve_handle(one.db, one.transport, one.settings, f"nobody@{two.domain}")
    with pytest.raises(InvalidInput):
        await resolve_handle(one.db, one.transport, one.settings, "no-domain")
