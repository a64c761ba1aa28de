"""FEP-8b32 Object Integrity Proofs with the eddsa-jcs-2022 cryptosuite (W3C vc-di-eddsa).

hashData = SHA-256(JCS(proof config)) || SHA-256(JCS(document without `proof`)),
signed with Ed25519; `proofValue` is multibase base58btc ('z'). The proof config
is the proof without `proofValue`; on creation it carries the document's
`@context`.

Proof sets: `proof` may be one object or a list. `verify_proof` succeeds if any
eddsa-jcs-2022 proof in the set verifies with the given key, so the caller must
fetch that key from the verification method it trusts (see
`proof_verification_method`) and check that the method's controller owns the
document. Proof chains (`previousProof`) are not supported.

Embedded objects: only the top-level `proof` is removed before hashing, so an
activity's proof also covers an embedded object together with that object's own
proof. The embedded object is verified separately: `verify_proof(activity["object"], key)`.

Legacy Linked Data signatures: per FEP-8b32 a `signature` property is removed
before verification, and proofs must be created before such a signature is added.
"""

from __future__ import annotations

import copy
import hashlib
import re
from datetime import datetime
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from .clock import require_aware
from .keys import base58btc_decode, base58btc_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
ASSERTION_METHOD = "assertionMethod"
_XSD_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


class ProofError(ValueError):
    """An integrity proof to reject (or that cannot be created); `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def create_proof(
    document: dict[str, Any],
    private_key: ed25519.Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """A copy of `document` with an eddsa-jcs-2022 proof added (to a proof set if it has one)."""
    if "signature" in document:
        raise ProofError("create the integrity proof before the Linked Data signature")
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
        "created": require_aware(created).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if "@context" in unsecured:
        proof["@context"] = copy.deepcopy(unsecured["@context"])
    signature = private_key.sign(_hash_data(proof, unsecured))
    proof["proofValue"] = "z" + base58btc_encode(signature)
    secured = copy.deepcopy(document)
    existing = secured.get("proof")
    if existing is None:
        secured["proof"] = proof
    else:
        secured["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return secured


def verify_proof(
    document: dict[str, Any],
    public_key: ed25519.Ed25519PublicKey,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """The verified document without `proof` (and `signature`); ProofError with the reason.

    With a proof set, succeeds when any proof verifies with `public_key`.
    """
    if not isinstance(public_key, ed25519.Ed25519PublicKey):
        raise ProofError("eddsa-jcs-2022 needs an Ed25519 public key")
    unsecured = {k: v for k, v in document.items() if k not in ("proof", "signature")}
    reasons = []
    for proof in _proofs(document):
        try:
            return copy.deepcopy(_verify_one(unsecured, proof, public_key, proof_purpose))
        except ProofError as exc:
            reasons.append(exc.reason)
    raise ProofError(
        reasons[0] if len(reasons) == 1 else "no proof verified: " + "; ".join(reasons)
    )


def proof_verification_method(document: dict[str, Any]) -> str:
    """The verificationMethod (key id) of the document's first eddsa-jcs-2022 proof."""
    for proof in _proofs(document):
        method = proof.get("verificationMethod")
        if _is_supported(proof) and isinstance(method, str):
            return method
    raise ProofError("document has no eddsa-jcs-2022 proof with a verificationMethod")


def _proofs(document: dict[str, Any]) -> list[dict[str, Any]]:
    value = document.get("proof")
    if value is None:
        raise ProofError("document has no proof")
    proofs = value if isinstance(value, list) else [value]
    if not proofs or not all(isinstance(proof, dict) for proof in proofs):
        raise ProofError("proof must be an object or a list of objects")
    return proofs


def _is_supported(proof: dict[str, Any]) -> bool:
    return proof.get("type") == PROOF_TYPE and proof.get("cryptosuite") == CRYPTOSUITE


def _verify_one(
    unsecured: dict[str, Any],
    proof: dict[str, Any],
    public_key: ed25519.Ed25519PublicKey,
    proof_purpose: str,
) -> dict[str, Any]:
    if not _is_supported(proof):
        raise ProofError(f"unsupported proof {proof.get('type')!r}/{proof.get('cryptosuite')!r}")
    if "previousProof" in proof:
        raise ProofError("proof chains (previousProof) are not supported")
    if proof.get("proofPurpose") != proof_purpose:
        raise ProofError(f"proofPurpose is not {proof_purpose!r}")
    if not isinstance(proof.get("verificationMethod"), str):
        raise ProofError("proof has no verificationMethod")
    created = proof.get("created")
    if created is not None and not _is_datetime(created):
        raise ProofError("proof created is not a valid datetime")
    signature = _decode_proof_value(proof.get("proofValue"))
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if "@context" in options:
        # vc-di-eddsa: the document's @context must start with the proof's, which is then used.
        proof_context = _as_list(options["@context"])
        if _as_list(unsecured.get("@context"))[: len(proof_context)] != proof_context:
            raise ProofError("proof @context does not match the document @context")
        unsecured = {**unsecured, "@context": options["@context"]}
    try:
        public_key.verify(signature, _hash_data(options, unsecured))
    except InvalidSignature as exc:
        raise ProofError("proof signature does not match the document and key") from exc
    return unsecured


def _hash_data(proof_config: dict[str, Any], unsecured: dict[str, Any]) -> bytes:
    try:
        config_bytes, document_bytes = rfc8785.dumps(proof_config), rfc8785.dumps(unsecured)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise ProofError(f"document cannot be canonicalized with JCS: {exc}") from exc
    return hashlib.sha256(config_bytes).digest() + hashlib.sha256(document_bytes).digest()


def _decode_proof_value(value: object) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("proofValue must be a base58btc multibase string")
    try:
        signature = base58btc_decode(value[1:])
    except ValueError as exc:
        raise ProofError("proofValue is not valid base58btc") from exc
    if len(signature) != 64:
        raise ProofError("proofValue is not a 64-byte Ed25519 signature")
    return signature


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str) or not _XSD_DATETIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
