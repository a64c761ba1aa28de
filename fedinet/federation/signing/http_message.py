"""The HTTP request both signature schemes sign and verify, and its body digests.

Digests: the legacy `Digest: SHA-256=<base64>` (RFC 3230, still required by
draft-cavage peers such as Mastodon) and RFC 9530 `Content-Digest:
sha-256=:<base64>:`. A digest header is checked against the exact body bytes;
unknown algorithms are ignored, but a header with no supported algorithm fails.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import cast
from urllib.parse import urlsplit

from multidict import CIMultiDict, CIMultiDictProxy

from . import structured_fields as sf

_DEFAULT_PORTS = {"http": 80, "https": 443}
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# RFC 9530 algorithms we accept in Content-Digest; Digest (RFC 3230) accepts SHA-256 only.
_CONTENT_DIGEST_ALGORITHMS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


class SignatureError(ValueError):
    """A request signature or digest to reject; `reason` says why in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SignatureMismatch(SignatureError):
    """The signature does not verify with the key: a rotated key may explain it."""


@dataclass(frozen=True)
class HttpMessage:
    """An HTTP request as signed (outbound) or verified (inbound).

    `url` is the absolute URL the client addressed, with the path and query
    exactly as sent on the wire (percent-encoding untouched). For an inbound
    aiohttp request behind a reverse proxy, build it from the server's public
    scheme and host, not the proxy-facing ones. `headers` may be any mapping
    (aiohttp's `CIMultiDictProxy` keeps repeated fields); lookups ignore case.
    `body` is the exact content bytes.
    """

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", CIMultiDictProxy(CIMultiDict(self.headers)))
        parts = urlsplit(self.url)
        # Reading `parts.port` also raises ValueError for a malformed port.
        if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname or parts.port == 0:
            raise ValueError(f"not an absolute http(s) URL: {self.url!r}")

    def header(self, name: str) -> str | None:
        """All values of a header, trimmed and joined with ", " (RFC 9110 5.3), or None."""
        values = cast("CIMultiDictProxy[str]", self.headers).getall(name, [])
        return ", ".join(value.strip() for value in values) if values else None

    def with_headers(self, extra: Mapping[str, str]) -> HttpMessage:
        """A copy with `extra` headers set, replacing any existing values of the same name."""
        headers = CIMultiDict(self.headers)
        headers.update(extra)
        return replace(self, headers=headers)

    @property
    def carries_body(self) -> bool:
        """True when the request has content or a method that normally has one."""
        return bool(self.body) or self.method.upper() in _BODY_METHODS

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme.lower()

    @property
    def authority(self) -> str:
        """Host (lowercase) and port, the port omitted when it is the scheme's default."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        if parts.port is not None and parts.port != _DEFAULT_PORTS[self.scheme]:
            host = f"{host}:{parts.port}"
        return host

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    @property
    def query(self) -> str:
        """The query string without its leading '?', empty when there is none."""
        return urlsplit(self.url).query

    @property
    def request_target(self) -> str:
        """Origin-form request target: path plus '?query' when there is a query."""
        return f"{self.path}?{self.query}" if self.query else self.path

    @property
    def target_uri(self) -> str:
        return f"{self.scheme}://{self.authority}{self.request_target}"


def digest_header(body: bytes) -> str:
    """Value of the legacy `Digest` header for `body`."""
    return "SHA-256=" + _b64(hashlib.sha256(body).digest())


def content_digest_header(body: bytes) -> str:
    """Value of the RFC 9530 `Content-Digest` header for `body`."""
    return f"sha-256=:{_b64(hashlib.sha256(body).digest())}:"


def verify_digest(value: str | None, body: bytes) -> None:
    """Check a legacy `Digest` header against `body`; SignatureError if it does not match."""
    if value is None:
        raise SignatureError("Digest header is missing")
    found = False
    for entry in value.split(","):
        algorithm, sep, encoded = entry.strip().partition("=")
        if not sep:
            raise SignatureError("malformed Digest header")
        if algorithm.lower() != "sha-256":
            continue
        try:
            expected = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise SignatureError("malformed Digest header") from exc
        if expected != hashlib.sha256(body).digest():
            raise SignatureError("Digest does not match the body")
        found = True
    if not found:
        raise SignatureError("Digest header has no SHA-256 value")


def verify_content_digest(value: str | None, body: bytes) -> None:
    """Check an RFC 9530 `Content-Digest` header (sha-256 or sha-512) against `body`."""
    if value is None:
        raise SignatureError("Content-Digest header is missing")
    try:
        members = sf.parse_dictionary(value)
    except sf.StructuredFieldError as exc:
        raise SignatureError(f"malformed Content-Digest header: {exc}") from exc
    found = False
    for algorithm, member in members.items():
        hash_function = _CONTENT_DIGEST_ALGORITHMS.get(algorithm)
        if hash_function is None:
            continue
        if not isinstance(member, sf.Item) or not isinstance(member.value, bytes):
            raise SignatureError("malformed Content-Digest header")
        if member.value != hash_function(body).digest():
            raise SignatureError("Content-Digest does not match the body")
        found = True
    if not found:
        raise SignatureError("Content-Digest header has no supported algorithm")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
