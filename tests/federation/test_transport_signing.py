"""Signed requests from the transport, verified by a stub server with fedinet's own verifiers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from fedinet.clock import utc_now
from fedinet.federation.signing import http_cavage, http_rfc9421
from fedinet.federation.signing.http_message import HttpMessage
from fedinet.federation.signing.keys import SigningKey, generate_rsa_keypair, load_public_pem
from fedinet.federation.transport import FetchError, Transport, UnsafeAddress
from support.servers import LoopbackServers
from support.instances import bound_loopback_socket

KEY_ID = "https://a.example/users/alice#main-key"
Handler = Callable[[web.Request, HttpMessage], Awaitable[web.StreamResponse]]


@dataclass
class Stub:
    """A server that records each request as the `HttpMessage` a verifier would see."""

    base_url: str
    seen: list[HttpMessage] = field(default_factory=list)


@pytest.fixture(scope="module")
def keypair() -> tuple[SigningKey, str]:
    pair = generate_rsa_keypair()
    return SigningKey.from_pem(KEY_ID, pair.private_pem), pair.public


@pytest.fixture
async def serve(loopback_servers: LoopbackServers) -> AsyncIterator[Callable[[Handler], Awaitable[Stub]]]:
    async def start(handler: Handler) -> Stub:
        stub = Stub("")

        async def record(request: web.Request) -> web.StreamResponse:
            message = HttpMessage(
                request.method, str(request.url), request.headers, await request.read()
            )
            stub.seen.append(message)
            return await handler(request, message)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", record)
        stub.base_url = await loopback_servers.start(app)
        return stub

    yield start


@pytest.fixture
async def transport() -> AsyncIterator[Transport]:
    transport = Transport(allow_private_addresses=True)
    yield transport
    await transport.close()


def verify(message: HttpMessage, public_pem: str) -> str:
    """The scheme the request is signed with, after verifying it (SignatureError if not)."""
    key = load_public_pem(public_pem)
    if message.header("signature-input") is not None:
        http_rfc9421.verify(message, http_rfc9421.parse_signature(message), key, utc_now())
        return "rfc9421"
    http_cavage.verify(message, http_cavage.extract_signature(message), key, utc_now())
    return "cavage"


async def accepted(_request: web.Request, _message: HttpMessage) -> web.Response:
    return web.Response(status=202)


@pytest.mark.parametrize("scheme", ["rfc9421", "cavage"])
async def test_post_activity_is_signed(
    serve: Callable[[Handler], Awaitable[Stub]],
    transport: Transport,
    keypair: tuple[SigningKey, str],
    scheme: str,
) -> None:
    key, public_pem = keypair
    stub = await serve(accepted)
    body = b'{"id":"https://a.example/activities/1","type":"Create"}'
    inbox = f"{stub.base_url}/users/bob/inbox?x=1"
    result = await transport.post_activity(inbox, body, key, scheme)  # type: ignore[arg-type]
    assert result.status == 202
    [message] = stub.seen
    assert verify(message, public_pem) == scheme
    assert message.body == body
    assert message.header("content-type") == "application/activity+json"
    if scheme == "rfc9421":
        parsed = http_rfc9421.parse_signature(message)
        assert parsed.key_id == KEY_ID
        assert set(parsed.components) >= {"@method", "@target-uri", "content-digest"}
    else:
        parsed_cavage = http_cavage.extract_signature(message)
        assert parsed_cavage.key_id == KEY_ID
        assert parsed_cavage.headers[:4] == ("(request-target)", "host", "date", "digest")


async def test_post_reports_status_and_retry_after_without_following_redirects(
    serve: Callable[[Handler], Awaitable[Stub]], transport: Transport, keypair: tuple[SigningKey, str]
) -> None:
    async def answer(request: web.Request, _message: HttpMessage) -> web.Response:
        if request.path == "/moved":
            return web.Response(status=307, headers={"Location": "/elsewhere"})
        if request.path == "/busy":
            return web.Response(status=429, headers={"Retry-After": "120"})
        return web.Response(status=202, body=b"x" * 3_000_000)  # over the cap: dropped

    stub = await serve(answer)
    key = keypair[0]
    assert (await transport.post_activity(f"{stub.base_url}/moved", b"{}", key, "cavage")).status == 307
    busy = await transport.post_activity(f"{stub.base_url}/busy", b"{}", key, "cavage")
    assert (busy.status, busy.retry_after) == (429, "120")
    assert (await transport.post_activity(f"{stub.base_url}/big", b"{}", key, "cavage")).status == 202
    assert [message.path for message in stub.seen] == ["/moved", "/busy", "/big"]


async def test_post_network_failures(
    serve: Callable[[Handler], Awaitable[Stub]], keypair: tuple[SigningKey, str]
) -> None:
    stub = await serve(accepted)
    guarded = Transport(allow_private_addresses=False)
    open_transport = Transport(allow_private_addresses=True)
    with bound_loopback_socket() as sock:
        closed_port = sock.getsockname()[1]
    try:
        with pytest.raises(UnsafeAddress):
            await guarded.post_activity(f"{stub.base_url}/inbox", b"{}", keypair[0], "rfc9421")
        with pytest.raises(FetchError, match="cannot post"):
            await open_transport.post_activity(
                f"http://127.0.0.1:{closed_port}/inbox", b"{}", keypair[0], "rfc9421"
            )
    finally:
        await guarded.close()
        await open_transport.close()
    assert stub.seen == []


@pytest.mark.parametrize("scheme", ["rfc9421", "cavage"])
async def test_signed_get_is_signed_on_every_hop(
    serve: Callable[[Handler], Awaitable[Stub]],
    transport: Transport,
    keypair: tuple[SigningKey, str],
    scheme: str,
) -> None:
    key, public_pem = keypair

    async def answer(request: web.Request, message: HttpMessage) -> web.Response:
        verify(message, public_pem)
        if request.path == "/start":
            raise web.HTTPFound("/note")
        return web.json_response(
            {"id": str(request.url)}, content_type="application/activity+json"
        )

    stub = await serve(answer)
    document = await transport.get_activity_document(
        f"{stub.base_url}/start", signed_by=key, scheme=scheme  # type: ignore[arg-type]
    )
    assert document == {"id": f"{stub.base_url}/note"}
    assert [m.path for m in stub.seen] == ["/start", "/note"]
    if scheme == "cavage":
        covered = http_cavage.extract_signature(stub.seen[1]).headers
        assert covered == ("(request-target)", "host", "date", "accept")


async def test_unsigned_get_stays_unsigned(
    serve: Callable[[Handler], Awaitable[Stub]], transport: Transport
) -> None:
    async def answer(request: web.Request, _message: HttpMessage) -> web.Response:
        return web.json_response({"id": str(request.url)}, content_type="application/activity+json")

    stub = await serve(answer)
    await transport.get_activity_document(f"{stub.base_url}/note")
    [message] = stub.seen
    assert message.header("signature") is None and message.header("signature-input") is None
