"""Mastodon.py, a real client library, against a live fedinet server.

Mastodon.py is synchronous: it runs in a worker thread while the event loop serves.
`version_check_mode="created"` makes it gate features on the version fedinet reports.
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from mastodon import Mastodon, MastodonIllegalArgumentError

from support.instances import TEST_PASSWORD


def logged_in_client(base_url: str, username: str) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(
        "fedinet tests", api_base_url=base_url, scopes=["read", "write", "follow"]
    )
    client = Mastodon(
        client_id=client_id, client_secret=client_secret, api_base_url=base_url,
        version_check_mode="created",
    )
    # Loopback test servers speak plain http; Mastodon.py needs to be told that is fine.
    client.log_in(username, TEST_PASSWORD, scopes=["read", "write", "follow"], allow_http=True)
    return client


async def test_register_log_in_and_read_the_instance(instance) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice", display_name="Alice")

    def session() -> tuple[dict, dict, str]:
        client = logged_in_client(instance.base_url, "alice")
        return client.instance(), client.account_verify_credentials(), client.retrieve_mastodon_version()

    info, me, version = await asyncio.to_thread(session)
    assert info["domain"] == instance.domain  # Mastodon.py reads /api/v2/instance for 4.x
    assert version == "4.3.0"
    assert me["username"] == "alice" and me["acct"] == "alice" and me["display_name"] == "Alice"
    assert me["avatar"].endswith("/static/avatar.png")


async def test_bad_credentials(instance) -> None:  # type: ignore[no-untyped-def]
    await instance.create_member("alice")

    def wrong_password() -> None:
        client_id, client_secret = Mastodon.create_app("t", api_base_url=instance.base_url)
        client = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=instance.base_url,
                          version_check_mode="none")
        client.log_in("alice", "not the password", allow_http=True)

    with pytest.raises(MastodonIllegalArgumentError, match="invalid_grant"):
        await asyncio.to_thread(wrong_password)


async def test_mastodon_py_streams_an_update(instance) -> None:  # type: ignore[no-untyped-def]
    """Mastodon.py's streaming (server-sent events) sees a new post of the member."""
    from mastodon import StreamListener

    from fedinet.services import statuses

    alice = await instance.create_member("alice")
    received: list[dict] = []

    class Listener(StreamListener):
        def on_update(self, status: dict) -> None:
            received.append(status)

    client = await asyncio.to_thread(logged_in_client, instance.base_url, "alice")
    handle = await asyncio.to_thread(client.stream_user, Listener(), run_async=True)
    try:
        for _ in range(50):  # until the stream is connected
            if await asyncio.to_thread(handle.is_receiving):
                break
            await asyncio.sleep(0.1)
        status = await statuses.post(instance.db, instance.settings, alice, "hello stream")
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.1)
    finally:
        # close() waits for the blocked read; the server ends the stream when it stops.
        threading.Thread(target=handle.close, daemon=True).start()
    assert [update["uri"] for update in received] == [status.uri]
