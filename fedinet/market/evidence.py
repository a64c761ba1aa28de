"""Signed fedinet objects as evidence: whose key made the proof, and does it verify
(SIG-1, SIG-2, SIG-3, EVID-1). Key lookup is the caller's, passed in as a `KeyResolver`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fedinet.federation.signing.proofs import ProofError, proof_verification_method, verify_proof
from fedinet.market.validation import ProtocolViolation, author_of, same_host, signed_objects, validate

# key id → (controller actor URI, public key), as the key's actor document on its own host
# says; raises LookupError when that document does not list the key.
KeyResolver = Callable[[str], Awaitable[tuple[str, Ed25519PublicKey]]]


async def verify_signed(document: dict[str, Any], resolve_key: KeyResolver) -> None:
    """Raise `ProtocolViolation` unless `document` carries a valid proof by its author's key.

    The key is looked up only if it is on the author's host, so a forged document never makes
    the caller fetch from a host of the forger's choosing.
    """
    author, object_id = author_of(document), document.get("id")
    if author is None or not isinstance(object_id, str):
        raise ProtocolViolation("schema", "a signed object needs an id and an author")
    if "proof" not in document:
        raise ProtocolViolation("proof-missing", f"{object_id} has no proof (SIG-1)")
    if not same_host(object_id, author):
        raise ProtocolViolation("origin-mismatch", f"{object_id} is not on {author}'s host (EVID-1)")
    try:
        method = proof_verification_method(document)
    except ProofError as exc:
        raise ProtocolViolation("proof-invalid", f"{object_id}: {exc.reason}") from exc
    if not same_host(method, author):
        raise ProtocolViolation("key-not-owned", f"{object_id}: {method} is not on {author}'s host (SIG-2)")
    try:
        controller, key = await resolve_key(method)
    except LookupError as exc:
        raise ProtocolViolation("key-not-owned", f"{object_id}: {method} is not {author}'s (SIG-2)") from exc
    if controller != author:
        raise ProtocolViolation("key-not-owned", f"{object_id}: {method} is {controller}'s (SIG-2)")
    try:
        verify_proof(document, key)
    except ProofError as exc:
        raise ProtocolViolation("proof-invalid", f"{object_id}: {exc.reason}") from exc


async def verify_all(document: dict[str, Any], resolve_key: KeyResolver) -> None:
    """`validate` the document, then verify every object in it that must be signed (SIG-3)."""
    validate(document)
    for signed in signed_objects(document):
        await verify_signed(signed, resolve_key)
