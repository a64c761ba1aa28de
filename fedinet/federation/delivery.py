"""Sending queued activities: a database-backed queue with leases, backoff and double-knock.

`outbox.enqueue` writes one `Delivery` row per inbox; `DeliveryJob.run_once()` sends a batch.

Claim: one write transaction takes up to `batch_size` pending rows whose `next_attempt_at`
has come and moves it to now + `lease`. If the process dies before recording outcomes the
rows are due again when the lease ends and are sent again (at least once; receivers dedupe
by activity id). The lease must outlast a batch: at most two requests per row, each bounded
by the transport's timeout (15 s), so the default 10 minutes is ample.

Send: concurrently, at most `concurrency` requests in all and `per_host_limit` per domain,
each signed with the activity actor's RSA key.

Outcomes (one write transaction per batch, exactly one outcome per claimed row):
- 2xx: delivered.
- 4xx other than 401, 408 and 429 (404 and 410 included): failed at once. Also failed at
  once: a target the SSRF guard refuses (a private address does not become public later)
  and an actor without an RSA key.
- Anything else — no answer, timeouts, 3xx (redirects are not followed), 5xx, 401, 408,
  429, unexpected exceptions (logged with their traceback) — is retried.

Backoff: after the n-th failed attempt wait 1 min × 3^(n−1), capped at 12 h, then ×U(0.8,
1.2): 1, 3, 9, 27, 81 min, ~4 h, then 12 h. The 10th failed attempt gives up (state
"failed"), about 42 h after the first. On 429 and 503 a `Retry-After` (seconds or an HTTP
date) lengthens the wait, to at most 12 h; it never shortens our own schedule.

Double-knock (Fedify's rule, narrowed): a server we know nothing about gets RFC 9421 first.
If it answers a 4xx other than 404, 408, 410 and 429 (those are not about signatures) or a
5xx (some Mastodon versions answered RFC 9421 signatures with 500), the same request is
sent again at once signed with draft-cavage. The scheme that got a 2xx is stored per domain
in `remote_servers` and used directly afterwards: a server known for cavage is not knocked
with RFC 9421 again until 30 days after we learned it (then we knock once more, in case it
upgraded). Within a batch, the first send to an unknown server goes alone; the others to
that server wait for its answer so that they do not all knock twice.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from fedinet.clock import utc_now
from fedinet.federation.signing.keys import SigningKey
from fedinet.federation.transport import (
    FetchError,
    PostResult,
    SignatureScheme,
    Transport,
    UnsafeAddress,
)
from fedinet.store import deliveries as queries
from fedinet.store.database import Database

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=12)
JITTER = 0.2
RECHECK_CAVAGE_AFTER = timedelta(days=30)
RETRYABLE_4XX = frozenset({401, 408, 429})
NOT_ABOUT_SIGNATURES = frozenset({404, 408, 410, 429})


def backoff(failed_attempts: int, rng: random.Random) -> timedelta:
    """How long to wait after the `failed_attempts`-th failure (1-based), with jitter."""
    base = min(FIRST_DELAY * 3 ** min(failed_attempts - 1, 20), MAX_DELAY)
    return base * rng.uniform(1 - JITTER, 1 + JITTER)


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A `Retry-After` value (delay in seconds or an HTTP date) as a wait of at most 12 h."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(timedelta(seconds=min(int(value), 10**9)), MAX_DELAY)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return min(max(moment - now, timedelta(0)), MAX_DELAY)


def should_knock(status: int) -> bool:
    """Whether an answer to an RFC 9421 signed request may mean "sign with cavage instead"."""
    return (400 <= status < 500 and status not in NOT_ABOUT_SIGNATURES) or status >= 500


@dataclass(frozen=True)
class Attempt:
    """What one send came to: an HTTP answer, or an error and whether it is final."""

    answer: PostResult | None = None
    error: str | None = None
    permanent: bool = False


@dataclass
class _Batch:
    """Per-batch state: schemes in use per domain, what was learned, and the limits."""

    settled: dict[str, SignatureScheme]
    per_host_limit: int
    concurrency: int
    learned: dict[str, SignatureScheme] = field(default_factory=dict)
    probes: dict[str, asyncio.Event] = field(default_factory=dict)

    def __post_init__(self) -> None:
        limit = self.per_host_limit
        self.hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(limit)
        )
        self.slots = asyncio.Semaphore(self.concurrency)


class DeliveryJob:
    """The background job that sends due deliveries (see the module docstring)."""

    name = "delivery"
    idle_seconds = 1.0

    def __init__(
        self,
        db: Database,
        transport: Transport,
        *,
        batch_size: int = 200,
        concurrency: int = 50,
        per_host_limit: int = 8,
        lease: timedelta = timedelta(minutes=10),
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
    ) -> None:
        self._db = db
        self._transport = transport
        self._batch_size = batch_size
        self._concurrency = concurrency
        self._per_host_limit = per_host_limit
        self._lease = lease
        self._clock = clock
        self._rng = rng or random.Random()

    async def run_once(self) -> int:
        """Claim a batch of due deliveries, send them, record every outcome; the batch size."""
        now = self._clock()
        async with self._db.transaction() as session:
            due = await queries.claim_due(session, now, now + self._lease, self._batch_size)
            if not due:
                return 0
            known = await queries.known_schemes(session, {row.domain for row in due})
        settled: dict[str, SignatureScheme] = {
            domain: "rfc9421" if entry.scheme == "rfc9421" else "cavage"
            for domain, entry in known.items()
            if entry.scheme == "rfc9421" or now - entry.updated_at < RECHECK_CAVAGE_AFTER
        }
        batch = _Batch(settled, self._per_host_limit, self._concurrency)
        attempts = await asyncio.gather(*(self._deliver(row, batch) for row in due))
        finished = self._clock()
        async with self._db.transaction() as session:
            outcomes = [self._outcome(row, result, finished) for row, result in zip(due, attempts)]
            await queries.record_outcomes(session, outcomes)
            await queries.remember_schemes(session, batch.learned, finished)
        return len(due)

    async def _deliver(self, row: queries.DueDelivery, batch: _Batch) -> Attempt:
        """Send one delivery; never raises (but cancellation), every failure is an Attempt."""
        try:
            if row.key_id is None or row.private_key_pem is None:
                return Attempt(error="the actor has no RSA key to sign with", permanent=True)
            key = SigningKey.from_pem(row.key_id, row.private_key_pem)
            if row.domain in batch.settled:
                return Attempt(await self._knock(row, key, batch))
            probe = batch.probes.get(row.domain)
            if probe is None:  # the first send to a server of unknown scheme goes alone
                batch.probes[row.domain] = probe = asyncio.Event()
                try:
                    return Attempt(await self._knock(row, key, batch))
                finally:
                    probe.set()
            await probe.wait()
            return Attempt(await self._knock(row, key, batch))
        except UnsafeAddress as error:
            return Attempt(error=str(error), permanent=True)
        except FetchError as error:
            return Attempt(error=str(error))
        except Exception as error:
            log.exception("delivery %d to %s failed unexpectedly", row.id, row.inbox_url)
            return Attempt(error=f"internal error: {error.__class__.__name__}: {error}")

    async def _knock(
        self, row: queries.DueDelivery, key: SigningKey, batch: _Batch
    ) -> PostResult:
        """POST with the domain's scheme; RFC 9421 refused → once more with cavage."""
        known = batch.settled.get(row.domain)
        scheme: SignatureScheme = known or "rfc9421"
        body = row.body.encode("utf-8")
        async with batch.hosts[row.domain], batch.slots:
            answer = await self._transport.post_activity(row.inbox_url, body, key, scheme)
            if scheme == "rfc9421" and should_knock(answer.status):
                scheme = "cavage"
                answer = await self._transport.post_activity(row.inbox_url, body, key, scheme)
        if 200 <= answer.status < 300 and scheme != known:
            batch.settled[row.domain] = batch.learned[row.domain] = scheme
        return answer

    def _outcome(self, row: queries.DueDelivery, attempt: Attempt, now: datetime) -> dict[str, Any]:
        """The row's new column values after this attempt: delivered, failed or retried."""
        status = attempt.answer.status if attempt.answer else None
        count = row.attempts + 1
        values: dict[str, Any] = {
            "id": row.id, "attempts": count, "last_status": status, "last_error": attempt.error,
            "state": queries.DELIVERED, "next_attempt_at": now, "finished_at": now,
        }
        refused = status is not None and 400 <= status < 500 and status not in RETRYABLE_4XX
        if status is not None and 200 <= status < 300:
            return values
        if attempt.permanent or refused or count >= MAX_ATTEMPTS:
            reason = attempt.error or f"HTTP {status}"
            log.info("delivery to %s failed after %d attempts: %s", row.inbox_url, count, reason)
            values["state"] = queries.FAILED
            return values
        wait = backoff(count, self._rng)
        if attempt.answer is not None and status in (429, 503):
            wait = max(wait, retry_after(attempt.answer.retry_after, now) or wait)
        values.update(state=queries.PENDING, next_attempt_at=now + wait, finished_at=None)
        return values
