"""draft-cavage-http-signatures-12: the `Signature` header most fediverse servers use.

Inbox flow: `parsed = extract_signature(msg)`, fetch the key named by
`parsed.key_id`, then `verify(msg, parsed, key, now)`. Labels: `rsa-sha256`
(RSA PKCS#1 v1.5 with SHA-256) and `hs2019` (the algorithm comes from the key:
RSA PKCS#1 v1.5 SHA-256 as Mastodon does, or Ed25519). A missing `algorithm`
is treated like hs2019.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from cryptography.hazmat.primitives.asymmetric import rsa

from . import algorithms
from .clock import MAX_TIMESTAMP, from_timestamp, require_aware, window_problem
from .http_message import (
    HttpMessage,
    SignatureError,
    SignatureMismatch,
    digest_header,
    verify_digest,
)

__all__ = [
    "DEFAULT_WINDOW",
    "CavageSignature",
    "SignatureError",
    "extract_signature",
    "parse_signature_header",
    "sign_request",
    "signature_key_id",
    "signing_string",
    "verify",
]

DEFAULT_WINDOW = timedelta(hours=1)
RSA_SHA256 = "rsa-sha256"
HS2019 = "hs2019"
_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|(\d+))\s*(?:,|$)')


@dataclass(frozen=True)
class CavageSignature:
    """The parameters of a parsed `Signature` header."""

    key_id: str
    algorithm: str | None
    headers: tuple[str, ...]
    signature: bytes
    created: int | None = None
    expires: int | None = None


def parse_signature_header(value: str) -> CavageSignature:
    """Parse a `Signature` header value (or the part of `Authorization` after "Signature ")."""
    params: dict[str, str] = {}
    pos = 0
    while pos < len(value.rstrip()):
        match = _PARAM.match(value, pos)
        if match is None or match.end() == pos:
            raise SignatureError("malformed Signature header")
        name = match.group(1)
        if name in params:
            raise SignatureError(f"duplicate {name!r} in Signature header")
        params[name] = match.group(2) if match.group(2) is not None else match.group(3)
        pos = match.end()
    if "keyId" not in params or not params["keyId"]:
        raise SignatureError("Signature header has no keyId")
    if "signature" not in params:
        raise SignatureError("Signature header has no signature")
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except binascii.Error as exc:
        raise SignatureError("signature is not valid base64") from exc
    # Draft 12, section 2.1.6: without `headers` only `(created)` is covered.
    headers = tuple(params.get("headers", "(created)").lower().split())
    return CavageSignature(
        key_id=params["keyId"],
        algorithm=params.get("algorithm"),
        headers=headers,
        signature=signature,
        created=_integer_param(params, "created"),
        expires=_integer_param(params, "expires"),
    )


def extract_signature(msg: HttpMessage) -> CavageSignature:
    """The parsed signature of a request, from `Signature` or `Authorization: Signature …`."""
    value = msg.header("signature")
    if value is None:
        scheme, _, rest = (msg.header("authorization") or "").partition(" ")
        if scheme.lower() != "signature":
            raise SignatureError("request has no Signature header")
        value = rest
    return parse_signature_header(value)


def signature_key_id(msg: HttpMessage) -> str:
    """The keyId of a request's signature, to fetch the key before verifying."""
    return extract_signature(msg).key_id


def signing_string(
    msg: HttpMessage,
    headers: tuple[str, ...],
    *,
    created: int | None = None,
    expires: int | None = None,
) -> str:
    """The string the signature covers: one `name: value` line per covered header."""
    lines = []
    for name in headers:
        if name == "(request-target)":
            value = f"{msg.method.lower()} {msg.request_target}"
        elif name in ("(created)", "(expires)"):
            number = created if name == "(created)" else expires
            if number is None:
                raise SignatureError(f"{name} is covered but its parameter is missing")
            value = str(number)
        elif name.startswith("("):
            raise SignatureError(f"unknown pseudo-header {name}")
        else:
            header = msg.header(name)
            if header is None:
                raise SignatureError(f"signed header {name!r} is missing from the request")
            value = header
        lines.append(f"{name}: {value}")
    return "\n".join(lines)


def sign_request(
    msg: HttpMessage,
    key_id: str,
    private_key: algorithms.PrivateKey,
    now: datetime,
    *,
    algorithm: str | None = None,
) -> dict[str, str]:
    """Headers to add to `msg`: `Host` and `Date` if missing, `Digest` on requests with a body,
    and `Signature`. Covers `(request-target) host date digest content-type` on requests with a
    body and `(request-target) host date accept` otherwise (content-type/accept when present).
    `algorithm` defaults to rsa-sha256 for RSA keys and hs2019 for Ed25519 keys.
    """
    now = require_aware(now)
    label = algorithm or (RSA_SHA256 if isinstance(private_key, rsa.RSAPrivateKey) else HS2019)
    primitive = _primitive_algorithm(label, private_key)
    if '"' in key_id:
        raise ValueError("keyId must not contain a double quote")
    added: dict[str, str] = {}
    if msg.header("host") is None:
        added["Host"] = msg.authority
    if msg.header("date") is None:
        added["Date"] = format_datetime(now, usegmt=True)
    if msg.carries_body:
        added["Digest"] = digest_header(msg.body)
    signed = msg.with_headers(added)
    covered = ["(request-target)", "host", "date"]
    optional = ("digest", "content-type") if msg.carries_body else ("accept",)
    covered += [name for name in optional if signed.header(name) is not None]
    data = signing_string(signed, tuple(covered)).encode("utf-8")
    signature = base64.b64encode(algorithms.sign(private_key, primitive, data)).decode("ascii")
    added["Signature"] = (
        f'keyId="{key_id}",algorithm="{label}",'
        f'headers="{" ".join(covered)}",signature="{signature}"'
    )
    return added


def verify(
    msg: HttpMessage,
    parsed: CavageSignature,
    public_key: algorithms.PublicKey,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
) -> None:
    """Verify a parsed signature against `msg`; SignatureError with the reason on any failure.

    Requires `(request-target)` and `host` to be covered, `date` (or `(created)` with hs2019),
    and `digest` on requests with a body. The Host header must name the request URL's
    authority; Date and `created` must lie within ±`window` of `now`; `expires` must not
    have passed; the Digest must match the body; the signature must match the key.
    """
    now = require_aware(now)
    primitive = _primitive_algorithm(parsed.algorithm, public_key)
    covered = set(parsed.headers)
    for required in ("(request-target)", "host"):
        if required not in covered:
            raise SignatureError(f"signature does not cover {required}")
    uses_created = "(created)" in covered or "(expires)" in covered
    if uses_created and parsed.algorithm not in (None, HS2019):
        raise SignatureError("(created) and (expires) are only allowed with hs2019")
    if "date" not in covered and "(created)" not in covered:
        raise SignatureError("signature covers neither date nor (created)")
    if msg.carries_body and "digest" not in covered:
        raise SignatureError("signature does not cover digest")
    data = signing_string(msg, parsed.headers, created=parsed.created, expires=parsed.expires)
    _check_host(msg)
    if "date" in covered:
        problem = window_problem(_parse_date(msg.header("date") or ""), now, window)
        if problem:
            raise SignatureError(f"Date header is {problem}")
    if parsed.created is not None:
        problem = window_problem(from_timestamp(parsed.created), now, window)
        if problem:
            raise SignatureError(f"signature created time is {problem}")
    if parsed.expires is not None and now >= from_timestamp(parsed.expires):
        raise SignatureError("signature expired")
    if "digest" in covered:
        verify_digest(msg.header("digest"), msg.body)
    if not algorithms.verify(public_key, primitive, data.encode("utf-8"), parsed.signature):
        raise SignatureMismatch("signature does not match the request and key")


def _primitive_algorithm(
    label: str | None, key: algorithms.PrivateKey | algorithms.PublicKey
) -> str:
    if label in (None, HS2019):
        return algorithms.algorithm_for_key(key)
    if label == RSA_SHA256:
        if algorithms.algorithm_for_key(key) != algorithms.RSA_V1_5_SHA256:
            raise SignatureMismatch("rsa-sha256 needs an RSA key")
        return algorithms.RSA_V1_5_SHA256
    raise SignatureError(f"unsupported algorithm {label!r}")


def _integer_param(params: dict[str, str], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or int(value) > MAX_TIMESTAMP:
        raise SignatureError(f"{name} is not a valid timestamp")
    return int(value)


def _check_host(msg: HttpMessage) -> None:
    host = (msg.header("host") or "").lower()
    default_port = ":443" if msg.scheme == "https" else ":80"
    if host.removesuffix(default_port) != msg.authority:
        raise SignatureError("Host header does not match the request URL")


def _parse_date(value: str) -> datetime:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise SignatureError("malformed Date header") from exc
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
