"""Rate limits like Mastodon's, with its X-RateLimit-* headers and 429 answers.

Fixed windows counted in memory per process (a restart forgets them; several processes
would each count separately — fine for one process, to move to Redis or PostgreSQL when
fedinet runs several web processes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web
from aiohttp.typedefs import Handler

from fedinet.web.context import settings_of
from fedinet.web.mastodon.auth import bearer_token
from fedinet.web.middleware import error_response


@dataclass(frozen=True)
class Limit:
    name: str
    requests: int
    seconds: int
    applies: Callable[[web.Request], bool]


def _is_login(request: web.Request) -> bool:
    return request.method == "POST" and request.path in ("/oauth/token", "/oauth/authorize")


LIMITS = (
    Limit("api", 300, 300, lambda request: request.path.startswith("/api/")),
    Limit("login", 25, 300, _is_login),
    Limit("apps", 5, 600, lambda request: request.method == "POST" and request.path == "/api/v1/apps"),
)


class RateLimiter:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._windows: dict[tuple[str, str], tuple[int, int]] = {}  # → (window start, count)

    def hit(self, limit: Limit, key: str) -> tuple[int, int]:
        """Count one request; (requests left, when the window resets as a UNIX time)."""
        now = int(self._clock())
        start = now - now % limit.seconds
        window_start, count = self._windows.get((limit.name, key), (start, 0))
        if window_start != start:
            window_start, count = start, 0
            self._forget_old(now)
        count += 1
        self._windows[(limit.name, key)] = (window_start, count)
        return limit.requests - count, window_start + limit.seconds

    def _forget_old(self, now: int) -> None:
        longest = max(limit.seconds for limit in LIMITS)
        for key, (start, _) in list(self._windows.items()):
            if start + longest < now:
                del self._windows[key]


def _caller(request: web.Request, limit: Limit) -> str:
    """Per token for the API when one is given, else per client address."""
    token = bearer_token(request) if limit.name == "api" else None
    return f"token:{token}" if token else f"ip:{request.remote}"


@web.middleware
async def rate_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not settings_of(request).rate_limits:
        return await handler(request)
    headers: dict[str, str] = {}
    for limit in LIMITS:
        if not limit.applies(request):
            continue
        remaining, reset = request.app[LIMITER].hit(limit, _caller(request, limit))
        headers = {
            "X-RateLimit-Limit": str(limit.requests),
            "X-RateLimit-Remaining": str(max(remaining, 0)),
            "X-RateLimit-Reset": datetime.fromtimestamp(reset, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        if remaining < 0:
            response = error_response(request, 429, "Too many requests")
            response.headers.update(headers)
            return response
    response = await handler(request)
    response.headers.update(headers)
    return response


LIMITER = web.AppKey("rate_limiter", RateLimiter)
