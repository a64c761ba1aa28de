"""The one outbound HTTP path: timeouts, a size cap, bounded redirects and an SSRF guard.

Every fetch of a remote document and every delivery goes through `Transport`. The guard
refuses loopback, private, link-local, CGNAT, unique-local and other non-global addresses —
for IP literals before connecting and for host names after DNS resolution, on every redirect
hop — unless `allow_private_addresses` is set (tests, local multi-instance setups).

Requests can be signed with an actor's key: `post_activity` always (RFC 9421 or
draft-cavage, as the caller chooses), `get` when given `signed_by` (authorized fetch).
The URL is normalised once and sent exactly as signed.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from fedinet import __version__
from fedinet.clock import utc_now
from fedinet.federation.signing import http_cavage, http_rfc9421
from fedinet.federation.signing.http_message import HttpMessage
from fedinet.federation.signing.keys import SigningKey

ACTIVITY_ACCEPT = (
    'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
)
ACTIVITY_CONTENT_TYPES = ("application/activity+json", "application/ld+json")
ACTIVITY_CONTENT_TYPE = "application/activity+json"
SignatureScheme = Literal["rfc9421", "cavage"]


class FetchError(Exception):
    """A remote document could not be fetched or is not acceptable; the message says why."""


class UnsafeAddress(FetchError):
    """The target resolves to an address the SSRF guard refuses."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 1024 * 1024
    connect_seconds: float = 5.0
    total_seconds: float = 15.0
    max_redirects: int = 3
    connections: int = 100
    connections_per_host: int = 8


@dataclass(frozen=True)
class PostResult:
    """What an inbox answered: the status, and `Retry-After` as sent (for 429 and 503)."""

    status: int
    retry_after: str | None = None


def is_public_address(address: str) -> bool:
    """Whether an IP address is globally routable unicast (the only kind we connect to)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


AddressPolicy = Callable[[str], bool]


class GuardedResolver(AbstractResolver):
    """Resolves names, then drops every address the policy refuses; none left means refusal."""

    def __init__(self, is_allowed: AddressPolicy = is_public_address) -> None:
        self._inner = DefaultResolver()
        self._is_allowed = is_allowed

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        allowed = [result for result in results if self._is_allowed(result["host"])]
        if not allowed:
            raise UnsafeAddress(f"{host} resolves only to private or reserved addresses")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


class Transport:
    """Outbound HTTP for federation. Create one per process; close it on shutdown."""

    def __init__(
        self,
        *,
        allow_private_addresses: bool,
        limits: Limits = Limits(),
        address_policy: AddressPolicy = is_public_address,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """`address_policy` decides which IP addresses the guard lets through (tests narrow it);
        `clock` dates signatures."""
        self.allow_private_addresses = allow_private_addresses
        self.limits = limits
        # Signs document fetches by default once set (the instance actor's key, at startup).
        self.fetch_key: SigningKey | None = None
        self._is_allowed = address_policy
        self._clock = clock
        connector = aiohttp.TCPConnector(
            resolver=None if allow_private_addresses else GuardedResolver(address_policy),
            limit=limits.connections,
            limit_per_host=limits.connections_per_host,
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(
                total=limits.total_seconds, sock_connect=limits.connect_seconds
            ),
            headers={"User-Agent": f"fedinet/{__version__}"},
            auto_decompress=True,
        )

    async def close(self) -> None:
        await self._session.close()

    def check_url(self, url: str) -> None:
        """Refuse non-HTTP schemes, credentials in URLs and, with the guard on, unsafe literals."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"refusing to fetch {url!r}: only http and https URLs are allowed")
        if parts.username or parts.password:
            raise FetchError(f"refusing to fetch {url!r}: credentials in URLs are not allowed")
        if self.allow_private_addresses:
            return
        host = parts.hostname
        if host == "localhost" or host.endswith(".localhost"):
            raise UnsafeAddress(f"refusing to fetch {url}: localhost is not a public address")
        try:
            literal = self._is_allowed(host)
        except ValueError:
            return  # a name: the resolver checks what it resolves to
        if not literal:
            raise UnsafeAddress(f"refusing to fetch {url}: {host} is not a public address")

    async def get(
        self,
        url: str,
        *,
        accept: str,
        signed_by: SigningKey | None = None,
        scheme: SignatureScheme = "cavage",
    ) -> tuple[str, str, bytes]:
        """GET with the guard on every hop, signed on each hop when `signed_by` is given;
        (final URL, content type, body)."""
        current = url
        for _ in range(self.limits.max_redirects + 1):
            self.check_url(current)
            target = str(URL(current))
            headers = {"Accept": accept}
            if signed_by is not None:
                headers.update(self._sign(HttpMessage("GET", target, headers), signed_by, scheme))
            try:
                async with self._session.get(
                    URL(target, encoded=True), headers=headers, allow_redirects=False
                ) as response:
                    if response.status in (301, 302, 303, 307, 308):
                        location = response.headers.get("Location")
                        if not location:
                            raise FetchError(f"{current} redirected without a Location")
                        current = urljoin(current, location)
                        continue
                    if response.status != 200:
                        raise FetchError(f"{current} answered HTTP {response.status}")
                    body = await self._read_capped(response)
                    return current, response.content_type, body
            except UnsafeAddress:
                raise
            except (aiohttp.ClientError, TimeoutError, OSError) as error:
                raise FetchError(f"cannot fetch {current}: {error.__class__.__name__}: {error}") from error
        raise FetchError(f"{url} redirected more than {self.limits.max_redirects} times")

    async def post_activity(
        self, inbox_url: str, body: bytes, key: SigningKey, scheme: SignatureScheme
    ) -> PostResult:
        """POST a signed activity to an inbox; redirects are not followed (3xx is the answer).

        The answer's body is read (up to the size cap, to reuse the connection) and dropped.
        Raises UnsafeAddress when the guard refuses the target, FetchError when no answer came.
        """
        self.check_url(inbox_url)
        target = str(URL(inbox_url))
        message = HttpMessage("POST", target, {"Content-Type": ACTIVITY_CONTENT_TYPE}, body)
        headers = {"Content-Type": ACTIVITY_CONTENT_TYPE, **self._sign(message, key, scheme)}
        try:
            async with self._session.post(
                URL(target, encoded=True), data=body, headers=headers, allow_redirects=False
            ) as response:
                await self._drain(response)
                return PostResult(response.status, response.headers.get("Retry-After"))
        except UnsafeAddress:
            raise
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            problem = f"{error.__class__.__name__}: {error}"
            raise FetchError(f"cannot post to {inbox_url}: {problem}") from error

    def _sign(
        self, message: HttpMessage, key: SigningKey, scheme: SignatureScheme
    ) -> dict[str, str]:
        """Signature headers (and Host, Date, digests as the scheme needs) for `message`."""
        now = self._clock()
        if scheme == "rfc9421":
            return http_rfc9421.sign_request(message, key.key_id, key.private_key, now)
        if scheme == "cavage":
            return http_cavage.sign_request(message, key.key_id, key.private_key, now)
        raise ValueError(f"unknown signature scheme {scheme!r}")

    async def _drain(self, response: aiohttp.ClientResponse) -> None:
        """Read and drop an answer's body; past the size cap, stop (the connection closes)."""
        size = 0
        async for chunk in response.content.iter_chunked(65536):
            size += len(chunk)
            if size > self.limits.max_bytes:
                response.close()
                return

    async def _read_capped(self, response: aiohttp.ClientResponse) -> bytes:
        limit = self.limits.max_bytes
        if response.content_length is not None and response.content_length > limit:
            raise FetchError(f"{response.url} is larger than {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(65536):
            size += len(chunk)
            if size > limit:
                raise FetchError(f"{response.url} is larger than {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    async def get_json(self, url: str, *, accept: str = "application/json") -> tuple[str, Any]:
        """GET and parse JSON; (final URL, parsed document)."""
        final_url, _content_type, body = await self.get(url, accept=accept)
        return final_url, parse_json(body, final_url)

    async def get_activity_document(
        self,
        url: str,
        *,
        signed_by: SigningKey | None = None,
        scheme: SignatureScheme = "cavage",
    ) -> dict[str, Any]:
        """Fetch an ActivityPub object, trusting it only as served by its own origin.

        The response must have an ActivityPub content type and an `id` equal to the URL
        it was finally served from (Mastodon's fix for CVE-2024-23832). The GET is signed
        with `signed_by`, else with `fetch_key` (servers in authorized-fetch mode need it).
        """
        final_url, content_type, body = await self.get(
            url, accept=ACTIVITY_ACCEPT, signed_by=signed_by or self.fetch_key, scheme=scheme
        )
        if content_type not in ACTIVITY_CONTENT_TYPES:
            raise FetchError(
                f"{final_url} is served as {content_type or 'no content type'}, "
                "not as an ActivityPub document"
            )
        document = parse_json(body, final_url)
        if not isinstance(document, dict) or document.get("id") != final_url:
            raise FetchError(f"the document at {final_url} does not have that URL as its id")
        return document


def parse_json(body: bytes, source: str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        raise FetchError(f"{source} did not return valid JSON") from error
