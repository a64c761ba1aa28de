"""Rate limits: Mastodon's numbers and headers, a 429 past them, a fresh window after."""

from __future__ import annotations

from fedinet.web.rate_limits import LIMITS, RateLimiter


async def test_app_registrations_are_limited(instance, http) -> None:  # type: ignore[no-untyped-def]
    statuses = []
    for index in range(6):
        async with http.post(f"{instance.base_url}/api/v1/apps", data={
            "client_name": f"app {index}", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
        }) as response:
            statuses.append(response.status)
            remaining = response.headers["X-RateLimit-Remaining"]
            reset = response.headers["X-RateLimit-Reset"]
    assert statuses == [200] * 5 + [429]
    assert remaining == "0" and reset.endswith("Z")


async def test_api_limit_headers(instance, http) -> None:  # type: ignore[no-untyped-def]
    async with http.get(f"{instance.base_url}/api/v1/instance") as response:
        assert response.headers["X-RateLimit-Limit"] == "300"
        assert response.headers["X-RateLimit-Remaining"] == "299"
    async with http.get(f"{instance.base_url}/.well-known/nodeinfo") as response:
        assert "X-RateLimit-Limit" not in response.headers  # federation is not rate limited here


def test_windows_reset() -> None:
    now = [1_000_000.0]
    limiter = RateLimiter(clock=lambda: now[0])
    login = next(limit for limit in LIMITS if limit.name == "login")
    results = [limiter.hit(login, "ip:1")[0] for _ in range(26)]
    assert results[0] == 24 and results[-1] == -1
    now[0] += 300
    assert limiter.hit(login, "ip:1")[0] == 24
    assert limiter.hit(login, "ip:2")[0] == 24  # per client
