"""DeliveryJob against stub inboxes over real HTTP, with a real instance's database and keys.

The job runs on an injected clock: tests advance it to make retries due. Signatures are
dated with the real clock by the transport, and the stubs verify them for real.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import count
from typing import Any

import pytest
from support.servers import LoopbackServers
from aiohttp import web
from sqlalchemy import delete, select

from fedinet.clock import utc_now
from fedinet.federation import outbox
from fedinet.federation.delivery import DeliveryJob
from fedinet.federation.signing import http_cavage, http_rfc9421
from fedinet.federation.signing.http_message import HttpMessage, SignatureError
from fedinet.federation.signing.keys import load_public_pem
from fedinet.federation.transport import Transport
from fedinet.store.models import Actor, ActorKey, Delivery, RemoteServer
from support.instances import RunningInstance, bound_loopback_socket

Answer = Callable[["Stub", HttpMessage], Awaitable[web.Response]]


class Clock:
    """The job's clock: moved by hand, and never behind the real time rows are queued at."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Gauge:
    """Requests in flight now, and the most seen at once."""

    current: int = 0
    peak: int = 0


@dataclass
class Stub:
    """An inbox server: verifies every signature with the sender's key, records the scheme."""

    public_pem: str
    answer: Answer
    delay: float = 0.0
    gauge: Gauge = field(default_factory=Gauge)
    total: Gauge = field(default_factory=Gauge)  # may be shared between stubs
    schemes: list[str] = field(default_factory=list)
    base_url: str = ""

    def inbox(self, path: str = "/inbox") -> str:
        return self.base_url + path

    @property
    def domain(self) -> str:
        return self.base_url.removeprefix("http://")

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        message = HttpMessage(request.method, str(request.url), request.headers, body)
        key = load_public_pem(self.public_pem)
        scheme = "rfc9421" if message.header("signature-input") is not None else "cavage"
        try:
            if scheme == "rfc9421":
                http_rfc9421.verify(message, http_rfc9421.parse_signature(message), key, utc_now())
            else:
                http_cavage.verify(message, http_cavage.extract_signature(message), key, utc_now())
        except SignatureError:
            self.schemes.append(f"rejected {scheme}")
            return web.Response(status=401)
        self.schemes.append(scheme)
        for gauge in (self.gauge, self.total):
            gauge.current += 1
            gauge.peak = max(gauge.peak, gauge.current)
        try:
            await asyncio.sleep(self.delay)
            return await self.answer(self, message)
        finally:
            self.gauge.current -= 1
            self.total.current -= 1


async def accept(_stub: Stub, _message: HttpMessage) -> web.Response:
    return web.Response(status=202)


def status(code: int, **headers: str) -> Answer:
    async def answer(_stub: Stub, _message: HttpMessage) -> web.Response:
        return web.Response(status=code, headers=headers)

    return answer


async def cavage_only(_stub: Stub, message: HttpMessage) -> web.Response:
    return web.Response(status=401 if message.header("signature-input") else 202)


@dataclass
class World:
    instance: RunningInstance
    actor: Actor
    clock: Clock
    public_pem: str
    make_stub: Callable[..., Awaitable[Stub]]
    ids: count = field(default_factory=lambda: count(1))

    def job(self, transport: Transport | None = None, **options: Any) -> DeliveryJob:
        return DeliveryJob(
            self.instance.db, transport or self.instance.transport,
            clock=self.clock, rng=random.Random(7), **options,
        )

    async def queue(self, *inboxes: str) -> int:
        activity = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{self.actor.uri}/activities/{next(self.ids)}",
            "type": "Create",
            "actor": self.actor.uri,
            "object": {"type": "Note", "content": "hello"},
        }
        async with self.instance.db.transaction() as session:
            queued = await outbox.enqueue(session, self.actor, activity, inboxes)
        self.clock.now = max(self.clock.now, utc_now())
        return queued.id

    async def deliveries(self) -> list[Delivery]:
        async with self.instance.db.session() as session:
            return list(await session.scalars(select(Delivery).order_by(Delivery.id)))

    async def only_delivery(self) -> Delivery:
        [row] = await self.deliveries()
        return row

    async def schemes(self) -> dict[str, str | None]:
        async with self.instance.db.session() as session:
            servers = await session.scalars(select(RemoteServer))
            return {server.domain: server.signature_scheme for server in servers}


@asynccontextmanager
async def world_on(instance: RunningInstance) -> AsyncIterator[World]:
    """A member "alice" on `instance`, and a factory of stub inboxes stopped afterwards."""
    actor = (await instance.create_member("alice")).actor
    rsa_key = actor.key("rsa")
    assert rsa_key is not None
    servers = LoopbackServers()

    async def make_stub(answer: Answer = accept, **options: Any) -> Stub:
        stub = Stub(rsa_key.public_key, answer, **options)
        app = web.Application()
        app.router.add_post("/{tail:.*}", stub.handle)
        stub.base_url = await servers.start(app)
        return stub

    try:
        yield World(instance, actor, Clock(), rsa_key.public_key, make_stub)
    finally:
        await servers.close()


@pytest.fixture
async def world(start_instance: Callable[..., Awaitable[RunningInstance]]) -> AsyncIterator[World]:
    async with world_on(await start_instance()) as world:
        yield world


async def test_queue_queries_on_each_database(
    start_instance: Callable[..., Awaitable[RunningInstance]], database_url: str
) -> None:
    """Claim, bulk outcome update and scheme upsert (insert and update) on SQLite and PostgreSQL."""
    async with world_on(await start_instance(database_url=database_url)) as world:
        upgraded, cavage, broken, gone = (
            await world.make_stub(), await world.make_stub(cavage_only),
            await world.make_stub(status(500)), await world.make_stub(status(410)),
        )
        async with world.instance.db.transaction() as session:
            session.add(RemoteServer(domain=upgraded.domain, signature_scheme="cavage",
                                     updated_at=world.clock.now - timedelta(days=40)))
        await world.queue(upgraded.inbox(), cavage.inbox(), broken.inbox(), gone.inbox())
        assert await world.job().run_once() == 4
        states = [(row.state, row.attempts, row.last_status) for row in await world.deliveries()]
        assert states == [
            ("delivered", 1, 202), ("delivered", 1, 202), ("pending", 1, 500), ("failed", 1, 410)
        ]
        assert await world.schemes() == {upgraded.domain: "rfc9421", cavage.domain: "cavage"}
        assert await world.job().run_once() == 0


async def test_delivers_signed_with_rfc9421_first(world: World) -> None:
    stub = await world.make_stub()
    await world.queue(stub.inbox())
    assert await world.job().run_once() == 1
    row = await world.only_delivery()
    assert (row.state, row.attempts, row.last_status) == ("delivered", 1, 202)
    assert row.finished_at == world.clock.now
    assert stub.schemes == ["rfc9421"]
    assert await world.schemes() == {stub.domain: "rfc9421"}
    assert await world.job().run_once() == 0


async def test_double_knock_falls_back_to_cavage_and_remembers(world: World) -> None:
    stub = await world.make_stub(cavage_only)
    # Five inboxes on one unknown server: the first knocks twice, the rest wait and use cavage.
    await world.queue(*(stub.inbox(f"/users/u{n}/inbox") for n in range(5)))
    assert await world.job().run_once() == 5
    assert stub.schemes == ["rfc9421"] + ["cavage"] * 5
    assert {row.state for row in await world.deliveries()} == {"delivered"}
    assert await world.schemes() == {stub.domain: "cavage"}

    await world.queue(stub.inbox())
    assert await world.job().run_once() == 1
    assert stub.schemes[6:] == ["cavage"]


async def test_cavage_servers_are_knocked_again_after_30_days(world: World) -> None:
    stub = await world.make_stub()
    async with world.instance.db.transaction() as session:
        session.add(RemoteServer(domain=stub.domain, signature_scheme="cavage",
                                 updated_at=world.clock.now - timedelta(days=31)))
    await world.queue(stub.inbox())
    await world.job().run_once()
    assert stub.schemes == ["rfc9421"]
    assert await world.schemes() == {stub.domain: "rfc9421"}


async def test_recent_cavage_servers_get_cavage_directly(world: World) -> None:
    stub = await world.make_stub(status(500))
    async with world.instance.db.transaction() as session:
        session.add(RemoteServer(domain=stub.domain, signature_scheme="cavage",
                                 updated_at=world.clock.now - timedelta(days=1)))
    await world.queue(stub.inbox())
    await world.job().run_once()
    assert stub.schemes == ["cavage"]  # and no knock on failure


@pytest.mark.parametrize("code", [404, 410])
async def test_gone_fails_at_once(world: World, code: int) -> None:
    stub = await world.make_stub(status(code))
    await world.queue(stub.inbox())
    await world.job().run_once()
    row = await world.only_delivery()
    assert (row.state, row.attempts, row.last_status) == ("failed", 1, code)
    assert stub.schemes == ["rfc9421"]  # not a signature problem: no knock
    assert await world.schemes() == {}


async def test_server_errors_back_off_then_deliver(world: World) -> None:
    failing = True

    async def flaky(_stub: Stub, _message: HttpMessage) -> web.Response:
        return web.Response(status=500 if failing else 202)

    stub = await world.make_stub(flaky)
    await world.queue(stub.inbox())
    job = world.job()
    waits = []
    for attempt in (1, 2, 3):
        assert await job.run_once() == 1
        row = await world.only_delivery()
        assert (row.state, row.attempts, row.last_status) == ("pending", attempt, 500)
        wait = row.next_attempt_at - world.clock.now
        nominal = timedelta(minutes=3 ** (attempt - 1))
        assert 0.8 * nominal <= wait <= 1.2 * nominal
        waits.append(wait)
        world.clock.now += wait - timedelta(seconds=1)
        assert await job.run_once() == 0  # not due yet
        world.clock.now += timedelta(seconds=1)
    assert waits == sorted(waits)
    assert stub.schemes == ["rfc9421", "cavage"] * 3  # a 5xx from an unknown server knocks
    failing = False
    assert await job.run_once() == 1
    row = await world.only_delivery()
    assert (row.state, row.attempts, row.last_status) == ("delivered", 4, 202)
    assert await world.schemes() == {stub.domain: "rfc9421"}


@pytest.mark.parametrize(
    ("code", "retry_after", "expected"),
    [
        (429, "3600", timedelta(hours=1)),
        (503, "HTTP-DATE", timedelta(hours=2)),
        (429, "999999999999", timedelta(hours=12)),  # bounded
    ],
)
async def test_retry_after_lengthens_the_wait(
    world: World, code: int, retry_after: str, expected: timedelta
) -> None:
    if retry_after == "HTTP-DATE":
        retry_after = format_datetime(world.clock.now.astimezone(UTC) + expected, usegmt=True)
    stub = await world.make_stub(status(code, **{"Retry-After": retry_after}))
    await world.queue(stub.inbox())
    await world.job().run_once()
    row = await world.only_delivery()
    assert (row.state, row.last_status) == ("pending", code)
    assert abs(row.next_attempt_at - world.clock.now - expected) < timedelta(seconds=1)


async def test_gives_up_after_ten_attempts_over_about_two_days(world: World) -> None:
    stub = await world.make_stub(status(503))
    await world.queue(stub.inbox())
    job = world.job()
    start = world.clock.now
    for _ in range(9):
        await job.run_once()
        world.clock.now = (await world.only_delivery()).next_attempt_at
    await job.run_once()
    row = await world.only_delivery()
    assert (row.state, row.attempts, row.last_status) == ("failed", 10, 503)
    assert timedelta(hours=34) < world.clock.now - start < timedelta(hours=51)
    world.clock.now += timedelta(days=7)
    assert await job.run_once() == 0


async def test_per_host_and_overall_limits(world: World) -> None:
    total = Gauge()
    stubs = [await world.make_stub(delay=0.05, total=total) for _ in range(3)]
    for stub in stubs:  # make them known servers: no first-contact probe
        await world.queue(stub.inbox())
        await world.job().run_once()
    await world.queue(*(stub.inbox(f"/users/u{n}/inbox") for stub in stubs for n in range(12)))
    assert await world.job(per_host_limit=3, concurrency=5).run_once() == 36
    assert stubs[0].gauge.peak == 3  # the first server's rows start first
    assert max(stub.gauge.peak for stub in stubs) == 3
    assert total.peak == 5
    assert {row.state for row in await world.deliveries()} == {"delivered"}


async def test_unreachable_inbox_is_retried(world: World) -> None:
    with bound_loopback_socket() as sock:
        port = sock.getsockname()[1]
    await world.queue(f"http://127.0.0.1:{port}/inbox")
    await world.job().run_once()
    row = await world.only_delivery()
    assert (row.state, row.attempts, row.last_status) == ("pending", 1, None)
    assert "cannot post" in (row.last_error or "")


async def test_private_targets_fail_for_good_with_the_guard_on(world: World) -> None:
    stub = await world.make_stub()
    await world.queue(stub.inbox())
    guarded = Transport(allow_private_addresses=False)
    try:
        await world.job(guarded).run_once()
    finally:
        await guarded.close()
    row = await world.only_delivery()
    assert (row.state, row.attempts) == ("failed", 1)
    assert "not a public address" in (row.last_error or "")
    assert stub.schemes == []


async def test_actor_without_rsa_key_fails_for_good(world: World) -> None:
    stub = await world.make_stub()
    await world.queue(stub.inbox())
    async with world.instance.db.transaction() as session:
        await session.execute(delete(ActorKey).where(ActorKey.actor_id == world.actor.id))
    await world.job().run_once()
    row = await world.only_delivery()
    assert (row.state, row.last_error) == ("failed", "the actor has no RSA key to sign with")


async def test_unexpected_errors_are_logged_and_retried(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        async def post_activity(self, *_args: object) -> None:
            raise RuntimeError("bug")

    await world.queue("http://remote.example/inbox", "http://other.example/inbox")
    with caplog.at_level(logging.ERROR, logger="fedinet.federation.delivery"):
        assert await world.job(Broken()).run_once() == 2  # type: ignore[arg-type]
    rows = await world.deliveries()
    assert [(r.state, r.attempts, r.last_error) for r in rows] == [
        ("pending", 1, "internal error: RuntimeError: bug")
    ] * 2
    assert "Traceback" in caplog.text and "RuntimeError: bug" in caplog.text


async def test_a_crash_mid_send_resends_after_the_lease(world: World) -> None:
    release = asyncio.Event()

    async def hang(_stub: Stub, _message: HttpMessage) -> web.Response:
        await release.wait()
        return web.Response(status=202)

    stub = await world.make_stub(hang)
    await world.queue(stub.inbox())
    job = world.job(lease=timedelta(minutes=10))
    sending = asyncio.create_task(job.run_once())
    while not stub.schemes:
        await asyncio.sleep(0.01)
    sending.cancel()  # the process dies: no outcome is recorded
    with pytest.raises(asyncio.CancelledError):
        await sending
    row = await world.only_delivery()
    assert (row.state, row.attempts) == ("pending", 0)
    assert row.next_attempt_at == world.clock.now + timedelta(minutes=10)
    assert await job.run_once() == 0  # leased
    world.clock.now += timedelta(minutes=10)
    release.set()
    assert await job.run_once() == 1
    assert (await world.only_delivery()).state == "delivered"
    assert len(stub.schemes) == 2  # sent twice: at least once


async def test_signatures_that_do_not_verify_are_retried(world: World) -> None:
    """The stubs really verify: with another actor's key on file both knocks are refused."""
    bob = (await world.instance.create_member("bob")).actor.key("rsa")
    assert bob is not None
    stub = await world.make_stub()
    stub.public_pem = bob.public_key
    await world.queue(stub.inbox())
    await world.job().run_once()
    row = await world.only_delivery()
    assert (row.state, row.attempts, row.last_status) == ("pending", 1, 401)
    assert stub.schemes == ["rejected rfc9421", "rejected cavage"]
    assert await world.schemes() == {}
