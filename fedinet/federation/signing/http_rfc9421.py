"""RFC 9421 HTTP Message Signatures (`Signature-Input` and `Signature` headers).

Inbox flow: `parsed = parse_signature(msg)`, fetch the key named by
`parsed.key_id`, then `verify(msg, parsed, key, now)`. Supported algorithms:
rsa-v1_5-sha256, rsa-pss-sha512 and ed25519. Without an `alg` parameter the
key decides: Ed25519 keys use ed25519; RSA keys are tried with rsa-v1_5-sha256
(the fediverse default) and then rsa-pss-sha512. Covered components may be
header fields and the derived components @method, @target-uri, @authority,
@scheme, @request-target, @path and @query; component parameters (`sf`, `key`,
`bs`, `req`, `tr`, `name`) are not supported and are rejected.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import algorithms
from . import structured_fields as sf
from .clock import MAX_TIMESTAMP, from_timestamp, require_aware, window_problem
from .http_message import (
    HttpMessage,
    SignatureError,
    SignatureMismatch,
    content_digest_header,
    verify_content_digest,
)

__all__ = [
    "DEFAULT_WINDOW",
    "MessageSignature",
    "SignatureError",
    "create_signature",
    "parse_signature",
    "sign_request",
    "signature_base",
    "signature_key_id",
    "verify",
]

DEFAULT_WINDOW = timedelta(hours=1)
ParamValue = int | str | bool | bytes
_DERIVED: dict[str, Callable[[HttpMessage], str]] = {
    "@method": lambda msg: msg.method,
    "@target-uri": lambda msg: msg.target_uri,
    "@authority": lambda msg: msg.authority,
    "@scheme": lambda msg: msg.scheme,
    "@request-target": lambda msg: msg.request_target,
    "@path": lambda msg: msg.path,
    "@query": lambda msg: "?" + msg.query,
}
_INTEGER_PARAMS = ("created", "expires")
_STRING_PARAMS = ("keyid", "alg", "nonce", "tag")


@dataclass(frozen=True)
class MessageSignature:
    """One labelled signature: covered components, parameters (in order) and signature bytes."""

    label: str
    components: tuple[str, ...]
    params: Mapping[str, ParamValue]
    signature: bytes

    @property
    def key_id(self) -> str:
        return str(self.params["keyid"])

    @property
    def alg(self) -> str | None:
        value = self.params.get("alg")
        return None if value is None else str(value)

    @property
    def created(self) -> int | None:
        return self._integer("created")

    @property
    def expires(self) -> int | None:
        return self._integer("expires")

    def _integer(self, name: str) -> int | None:
        value = self.params.get(name)
        return value if isinstance(value, int) else None


def parse_signature(msg: HttpMessage, label: str | None = None) -> MessageSignature:
    """The signature named `label`, or by default the first label present in both headers."""
    inputs = _parse_header(msg, "Signature-Input")
    signatures = _parse_header(msg, "Signature")
    if label is None:
        label = next((name for name in inputs if name in signatures), None)
        if label is None:
            raise SignatureError("no label appears in both Signature-Input and Signature")
    elif label not in inputs or label not in signatures:
        raise SignatureError(f"signature {label!r} not found")
    member, value = inputs[label], signatures[label]
    if not isinstance(member, sf.InnerList):
        raise SignatureError("Signature-Input member is not an inner list")
    if not isinstance(value, sf.Item) or not isinstance(value.value, bytes):
        raise SignatureError("Signature member is not a byte sequence")
    return MessageSignature(label, _components(member), _params(member.params), value.value)


def signature_key_id(msg: HttpMessage, label: str | None = None) -> str:
    """The keyid of a request's signature, to fetch the key before verifying."""
    return parse_signature(msg, label).key_id


def signature_base(
    msg: HttpMessage, components: tuple[str, ...], params: Mapping[str, ParamValue]
) -> str:
    """The signature base (RFC 9421 section 2.5) of `msg` for these components and params."""
    lines = [f"{_serialize_name(name)}: {_component_value(msg, name)}" for name in components]
    lines.append(f'"@signature-params": {_signature_params(components, params)}')
    base = "\n".join(lines)
    if not base.isascii():
        raise SignatureError("signature base contains non-ASCII characters")
    return base


def create_signature(
    msg: HttpMessage,
    components: tuple[str, ...],
    params: Mapping[str, ParamValue],
    private_key: algorithms.PrivateKey,
    label: str = "sig1",
) -> dict[str, str]:
    """`Signature-Input` and `Signature` headers signing `components` with `params`.

    The algorithm is `params["alg"]` when given, otherwise the key's default.
    """
    alg = params.get("alg")
    algorithm = str(alg) if alg is not None else algorithms.algorithm_for_key(private_key)
    base = signature_base(msg, components, params)
    signature = algorithms.sign(private_key, algorithm, base.encode("ascii"))
    return {
        "Signature-Input": f"{label}={_signature_params(components, params)}",
        "Signature": f"{label}=:{base64.b64encode(signature).decode('ascii')}:",
    }


def sign_request(
    msg: HttpMessage,
    key_id: str,
    private_key: algorithms.PrivateKey,
    now: datetime,
    label: str = "sig1",
) -> dict[str, str]:
    """Headers to add to `msg`: `Content-Digest` on requests with a body, plus the signature.

    Covers ("@method" "@target-uri" "content-digest" "content-type") on requests with a
    body (content-type when present) and ("@method" "@target-uri") otherwise, with the
    `created`, `keyid` and `alg` parameters (rsa-v1_5-sha256 for RSA, ed25519 for Ed25519).
    """
    now = require_aware(now)
    added: dict[str, str] = {}
    components: tuple[str, ...] = ("@method", "@target-uri")
    if msg.carries_body:
        added["Content-Digest"] = content_digest_header(msg.body)
        components += ("content-digest",)
        if msg.header("content-type") is not None:
            components += ("content-type",)
    params: dict[str, ParamValue] = {
        "created": int(now.timestamp()),
        "keyid": key_id,
        "alg": algorithms.algorithm_for_key(private_key),
    }
    added.update(create_signature(msg.with_headers(added), components, params, private_key, label))
    return added


def verify(
    msg: HttpMessage,
    parsed: MessageSignature,
    public_key: algorithms.PublicKey,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
) -> None:
    """Verify a parsed signature against `msg`; SignatureError with the reason on any failure.

    Requires @method, @target-uri (or @authority and @path), a `created` parameter
    within ±`window` of `now`, an unexpired `expires` if present, and content-digest
    (matching the body) on requests with a body; then checks the signature.
    """
    now = require_aware(now)
    covered = set(parsed.components)
    if "@method" not in covered:
        raise SignatureError("signature does not cover @method")
    if "@target-uri" not in covered and not {"@authority", "@path"} <= covered:
        raise SignatureError("signature covers neither @target-uri nor @authority and @path")
    if msg.carries_body and "content-digest" not in covered:
        raise SignatureError("signature does not cover content-digest")
    if parsed.created is None:
        raise SignatureError("signature has no created parameter")
    problem = window_problem(from_timestamp(parsed.created), now, window)
    if problem:
        raise SignatureError(f"signature created time is {problem}")
    if parsed.expires is not None and now >= from_timestamp(parsed.expires):
        raise SignatureError("signature expired")
    candidates = _candidate_algorithms(parsed.alg, public_key)
    data = signature_base(msg, parsed.components, parsed.params).encode("ascii")
    if "content-digest" in covered:
        verify_content_digest(msg.header("content-digest"), msg.body)
    if not any(algorithms.verify(public_key, alg, data, parsed.signature) for alg in candidates):
        raise SignatureMismatch("signature does not match the request and key")


def _parse_header(msg: HttpMessage, name: str) -> dict[str, sf.Member]:
    value = msg.header(name)
    if value is None:
        raise SignatureError(f"request has no {name} header")
    try:
        return sf.parse_dictionary(value)
    except sf.StructuredFieldError as exc:
        raise SignatureError(f"malformed {name} header: {exc}") from exc


def _components(member: sf.InnerList) -> tuple[str, ...]:
    names: list[str] = []
    for item in member.items:
        name = item.value
        if not isinstance(name, str) or isinstance(name, sf.Token):
            raise SignatureError("covered components must be strings")
        if item.params:
            raise SignatureError(f"component parameters are not supported ({name})")
        if name in names or name == "@signature-params":
            raise SignatureError(f"component {name!r} may not be covered here")
        names.append(name)
    return tuple(names)


def _params(params: sf.Params) -> dict[str, ParamValue]:
    for name in _INTEGER_PARAMS:
        value = params.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TIMESTAMP:
            raise SignatureError(f"signature parameter {name} must be a UNIX timestamp")
    for name in _STRING_PARAMS:
        value = params.get(name)
        if value is not None and (isinstance(value, sf.Token) or not isinstance(value, str)):
            raise SignatureError(f"signature parameter {name} must be a string")
    if not params.get("keyid"):
        raise SignatureError("signature has no keyid")
    return dict(params)


def _component_value(msg: HttpMessage, name: str) -> str:
    if name.startswith("@"):
        derive = _DERIVED.get(name)
        if derive is None:
            raise SignatureError(f"unsupported derived component {name}")
        value = derive(msg)
    else:
        header = msg.header(name)
        if header is None:
            raise SignatureError(f"covered header {name!r} is missing from the request")
        value = header
    if "\n" in value or "\r" in value:
        raise SignatureError(f"component {name!r} contains a line break")
    return value


def _serialize_name(name: str) -> str:
    try:
        return sf.serialize_item(sf.Item(name))
    except sf.StructuredFieldError as exc:
        raise SignatureError(f"invalid component name {name!r}") from exc


def _signature_params(components: tuple[str, ...], params: Mapping[str, ParamValue]) -> str:
    inner = sf.InnerList(tuple(sf.Item(name) for name in components), dict(params))
    try:
        return sf.serialize_inner_list(inner)
    except sf.StructuredFieldError as exc:
        raise SignatureError(f"invalid signature parameters: {exc}") from exc


def _candidate_algorithms(alg: str | None, public_key: algorithms.PublicKey) -> tuple[str, ...]:
    default = algorithms.algorithm_for_key(public_key)
    if alg is not None:
        return (alg,)
    return algorithms.RSA_ALGORITHMS if default in algorithms.RSA_ALGORITHMS else (default,)
