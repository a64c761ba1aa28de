"""Signed fetches as the instance actor, and authorized-fetch mode for our own documents."""

from __future__ import annotations

import pytest

from fedinet.federation.transport import FetchError
from fedinet.services import statuses
from fedinet.services.blocks import block_domain
from fedinet.services.remote_actors import resolve_handle

ACCEPT = {"Accept": "application/activity+json"}


async def test_documents_need_a_signed_get(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    guarded = await start_instance(authorized_fetch=True)
    reader = await start_instance()
    bob = await guarded.create_member("bob")
    status = await statuses.post(guarded.db, guarded.settings, bob, "hello")

    for url in (bob.actor.uri, f"{bob.actor.uri}/followers", f"{bob.actor.uri}/outbox", status.uri):
        async with http.get(url, headers=ACCEPT) as response:
            assert response.status == 401, url
            assert "authorized fetch" in (await response.json())["error"]
    # Public all the same: the instance actor, discovery, and pages for browsers.
    for url, headers in (
        (f"{guarded.base_url}/actor", ACCEPT),
        (f"{guarded.base_url}/.well-known/webfinger?resource=acct:bob@{guarded.domain}", {}),
        (f"{guarded.base_url}/@bob", {"Accept": "text/html"}),
    ):
        async with http.get(url, headers=headers) as response:
            assert response.status == 200, url

    # Another fedinet signs its fetches with its instance actor's key, so it gets through.
    remote_bob = await resolve_handle(reader.db, reader.transport, reader.settings, f"bob@{guarded.domain}")
    assert remote_bob.uri == bob.actor.uri
    note = await reader.transport.get_activity_document(status.uri)
    assert note["content"] == "<p>hello</p>"

    # Unless its domain is blocked.
    await block_domain(guarded.db, reader.domain)
    with pytest.raises(FetchError, match="HTTP 403"):
        await reader.transport.get_activity_document(status.uri)
