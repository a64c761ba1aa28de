"""The streaming API over a real WebSocket and server-sent events."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from fedinet.services import follows, statuses
from support.federation import follow_across, settle
from support.instances import TEST_PASSWORD


async def token_for(http, instance, username: str, scope: str = "read write follow") -> str:  # type: ignore[no-untyped-def]
    async with http.post(f"{instance.base_url}/api/v1/apps", data={
        "client_name": "stream test", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scope,
    }) as response:
        app = await response.json()
    async with http.post(f"{instance.base_url}/oauth/token", data={
        "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
        "username": username, "password": TEST_PASSWORD, "scope": scope,
    }) as response:
        return (await response.json())["access_token"]


async def next_message(socket: aiohttp.ClientWebSocketResponse) -> dict:
    message = await asyncio.wait_for(socket.receive_json(), timeout=10)
    return message


async def test_websocket_user_and_public_streams(start_instance, http) -> None:  # type: ignore[no-untyped-def]
    one, two = await start_instance(), await start_instance()
    alice = await one.create_member("alice")
    bob = await two.create_member("bob")
    carol = await one.create_member("carol")
    await follows.follow(one.db, alice, carol.actor)  # local follow
    await follow_across(one, alice, two, "bob")
    token = await token_for(http, one, "alice")

    url = f"{one.base_url.replace('http', 'ws')}/api/v1/streaming?stream=user&access_token={token}"
    async with http.ws_connect(url) as socket:
        await socket.send_json({"type": "subscribe", "stream": "hashtag", "tag": "seo"})
        await asyncio.sleep(0.1)
        status = await statuses.post(one.db, one.settings, carol, "Who knows #SEO?")
        seen = [await next_message(socket), await next_message(socket)]
        assert sorted(message["stream"][0] for message in seen) == ["hashtag", "user"]
        for message in seen:
            assert message["event"] == "update"
            assert json.loads(message["payload"])["uri"] == status.uri

        remote = await statuses.post(two.db, two.settings, bob, "Hello from the other side")
        await settle(one, two)
        message = await next_message(socket)
        assert message["event"] == "update" and json.loads(message["payload"])["uri"] == remote.uri

        await statuses.delete(one.db, carol, status.id)
        deleted = [await next_message(socket), await next_message(socket)]  # once per stream
        assert sorted(m["stream"][0] for m in deleted) == ["hashtag", "user"]
        assert {(m["event"], m["payload"]) for m in deleted} == {("delete", str(status.id))}

        # A follow of alice arrives as a notification on her user stream.
        await follows.follow(one.db, carol, alice.actor)
        notification = await next_message(socket)
        assert notification["event"] == "notification"
        assert json.loads(notification["payload"])["type"] == "follow"


async def test_private_posts_do_not_leak_to_public_streams(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice = await instance.create_member("alice")
    async with http.ws_connect(f"{instance.base_url.replace('http', 'ws')}/api/v1/streaming?stream=public") as socket:
        await statuses.post(instance.db, instance.settings, alice, "followers only", visibility="private")
        public = await statuses.post(instance.db, instance.settings, alice, "for everyone")
        message = await next_message(socket)
        assert json.loads(message["payload"])["uri"] == public.uri


async def test_server_sent_events_and_errors(instance, http) -> None:  # type: ignore[no-untyped-def]
    alice = await instance.create_member("alice")
    token = await token_for(http, instance, "alice")
    async with http.get(f"{instance.base_url}/api/v1/streaming/health") as response:
        assert (response.status, await response.text()) == (200, "OK")
    async with http.get(f"{instance.base_url}/api/v1/streaming/user") as response:
        assert response.status == 401
    async with http.get(f"{instance.base_url}/api/v1/streaming/hashtag") as response:
        assert response.status == 400
    async with http.get(f"{instance.base_url}/api/v1/streaming/user",
                        headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        await response.content.readuntil(b"\n\n")  # the opening comment
        status = await statuses.post(instance.db, instance.settings, alice, "streamed")
        event = await asyncio.wait_for(response.content.readuntil(b"\n\n"), timeout=10)
    lines = event.decode().strip().split("\n")
    assert lines[0] == "event: update"
    assert json.loads(lines[1].removeprefix("data: "))["uri"] == status.uri
