"""A second eddsa-jcs-2022 verifier, sharing no code with `fedinet.federation.signing`.

Written from W3C vc-di-eddsa (3.3 eddsa-jcs-2022) with `rfc8785` for JCS, `hashlib` for SHA-256
and `cryptography` for Ed25519, it checks every proof in every valid vector (embedded ones
too) against the keys in `actors.json`, and is itself checked against the published vectors.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

VECTORS = Path(__file__).resolve().parents[2] / "protocol" / "vectors"
PUBLISHED = Path(__file__).resolve().parent / "published-eddsa-jcs-2022.json"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
Keys = dict[str, tuple[str, Ed25519PublicKey]]  # key id → (controller, key)


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def base58btc(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + BASE58.index(char)  # ValueError outside the alphabet
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def multikey(value: str) -> Ed25519PublicKey:
    assert value.startswith("z")
    raw = base58btc(value[1:])
    assert raw[:2] == b"\xed\x01" and len(raw) == 34, "not an Ed25519 Multikey"
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def verified(secured: dict[str, Any], key: Ed25519PublicKey) -> bool:
    """vc-di-eddsa 3.3.2 Verify Proof (eddsa-jcs-2022), for a document with a single proof."""
    proof = secured["proof"]
    if (proof["type"], proof["cryptosuite"], proof["proofPurpose"]) != (
        "DataIntegrityProof", "eddsa-jcs-2022", "assertionMethod"
    ):
        return False
    document = {name: value for name, value in secured.items() if name != "proof"}
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    if "@context" in options:
        context = options["@context"] if isinstance(options["@context"], list) else [options["@context"]]
        if document["@context"][: len(context)] != context:
            return False
        document["@context"] = options["@context"]
    hash_data = b"".join(hashlib.sha256(rfc8785.dumps(part)).digest() for part in (options, document))
    value = proof["proofValue"]
    try:
        signature = base58btc(value[1:]) if value.startswith("z") else b""
        key.verify(signature, hash_data)  # InvalidSignature unless 64 bytes that verify
    except (ValueError, InvalidSignature):
        return False
    return True


def signed_parts(node: Any) -> Iterator[dict[str, Any]]:
    """Every object with a proof, at any depth (except inside proofs)."""
    if isinstance(node, dict):
        if "proof" in node:
            yield node
        for name, value in node.items():
            if name != "proof":
                yield from signed_parts(value)
    elif isinstance(node, list):
        for item in node:
            yield from signed_parts(item)


@pytest.fixture(scope="module")
def keys() -> Keys:
    return {
        method["id"]: (method["controller"], multikey(method["publicKeyMultibase"]))
        for actor in _load(VECTORS / "actors.json")
        for method in actor["assertionMethod"]
    }


def verify_everything(document: dict[str, Any], keys: Keys) -> int:
    """Verify every proof in `document` by its author's key; the number of proofs."""
    count = 0
    for part in signed_parts(document):
        controller, key = keys[part["proof"]["verificationMethod"]]
        assert controller == part.get("attributedTo", part.get("actor")), part["id"]
        assert verified(part, key), part["id"]
        count += 1
    return count


@pytest.mark.parametrize("path", sorted((VECTORS / "valid").glob("*.json")), ids=lambda p: p.name)
def test_every_proof_in_a_valid_vector_verifies(path: Path, keys: Keys) -> None:
    vector = _load(path)
    verify_everything(vector["document"], keys)
    for introduction in vector.get("given", {}).get("introductions", []):
        verify_everything(introduction, keys)


def test_embedded_proofs_are_found(keys: Keys) -> None:
    # the Offer, the Introduction, its consent (a request) and its vouch
    document = _load(VECTORS / "valid" / "introduction-with-request-consent.json")["document"]
    assert verify_everything(document, keys) == 4


@pytest.mark.parametrize("name", ["proof-tampered", "proof-value-not-base58", "proof-value-wrong-length"])
def test_broken_proofs_are_rejected(name: str, keys: Keys) -> None:
    document = _load(VECTORS / "invalid" / f"{name}.json")["document"]
    vouch = document["object"]
    assert not verified(vouch, keys[vouch["proof"]["verificationMethod"]][1])


@pytest.mark.parametrize("vector", _load(PUBLISHED)["vectors"], ids=lambda v: v["source"].split(",")[0])
def test_published_vectors(vector: dict[str, Any]) -> None:
    key = multikey(vector["publicKeyMultibase"])
    assert verified(vector["document"], key)
    changed = copy.deepcopy(vector["document"])
    changed["type"] = "Tampered"
    assert not verified(changed, key)
