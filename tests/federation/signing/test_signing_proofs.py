"""FEP-8b32 integrity proofs (eddsa-jcs-2022): published vectors, round trips, rejections."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from fedinet.federation.signing.keys import base58btc_decode, ed25519_from_multibase
from fedinet.federation.signing.proofs import (
    ProofError,
    create_proof,
    proof_verification_method,
    verify_proof,
)

# W3C vc-di-eddsa test vectors (TestVectors/keyPair.json): a Multikey pair.
VECTOR_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
VECTOR_PRIVATE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
VECTOR_CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)

# vc-di-eddsa TestVectors/unsigned.json and eddsa-jcs-2022/signedJCS.json (section B.2).
W3C_UNSIGNED: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
W3C_METHOD = f"did:key:{VECTOR_PUBLIC}#{VECTOR_PUBLIC}"
W3C_SIGNED: dict[str, Any] = {
    **W3C_UNSIGNED,
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": W3C_METHOD,
        "proofPurpose": "assertionMethod",
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "proofValue": "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX",
    },
}

# FEP-8b32 fep-8b32.feature, "Verifying a signature" (its proof predates the proof @context).
FEP_SIGNED: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/data-integrity/v1",
    ],
    "type": "Create",
    "actor": "https://server.example/users/alice",
    "object": {"type": "Note", "content": "Hello world"},
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "verificationMethod": "https://server.example/users/alice#ed25519-key",
        "proofPurpose": "assertionMethod",
        "proofValue": "z3sXaxjKs4M3BRicwWA9peyNPJvJqxtGsDmpt1jjoHCjgeUf71TRFz56osPSfDErszyLp5Ks1EhYSgpDaNM977Rg2",
        "created": "2023-02-24T23:36:38Z",
    },
}

ALICE_KEY = "https://server.example/users/alice#ed25519-key"
NOTE: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/data-integrity/v2",
    ],
    "id": "https://server.example/objects/1",
    "type": "Note",
    "attributedTo": "https://server.example/users/alice",
    "content": "Hello world",
}


def _vector_private_key() -> ed25519.Ed25519PrivateKey:
    decoded = base58btc_decode(VECTOR_PRIVATE[1:])
    assert decoded[:2] == b"\x80\x26"  # multicodec ed25519-priv
    return ed25519.Ed25519PrivateKey.from_private_bytes(decoded[2:])


# --- published vectors ----------------------------------------------------------------------


def test_w3c_eddsa_jcs_2022_vector_verifies() -> None:
    assert verify_proof(W3C_SIGNED, ed25519_from_multibase(VECTOR_PUBLIC)) == W3C_UNSIGNED
    assert proof_verification_method(W3C_SIGNED) == W3C_METHOD


def test_w3c_eddsa_jcs_2022_vector_is_reproduced_exactly() -> None:
    secured = create_proof(W3C_UNSIGNED, _vector_private_key(), W3C_METHOD, VECTOR_CREATED)
    assert secured == W3C_SIGNED


def test_fep_8b32_feature_vector_verifies() -> None:
    public = ed25519_from_multibase(VECTOR_PUBLIC)
    assert proof_verification_method(FEP_SIGNED) == ALICE_KEY
    assert verify_proof(FEP_SIGNED, public) == {k: v for k, v in FEP_SIGNED.items() if k != "proof"}
    tampered = copy.deepcopy(FEP_SIGNED)
    tampered["object"]["content"] = "Goodbye world"
    with pytest.raises(ProofError, match="proof signature does not match"):
        verify_proof(tampered, public)


# --- round trips ----------------------------------------------------------------------------


def test_round_trip(ed_key: ed25519.Ed25519PrivateKey, now: datetime) -> None:
    secured = create_proof(NOTE, ed_key, ALICE_KEY, now)
    proof = secured["proof"]
    assert proof["@context"] == NOTE["@context"]
    assert proof["created"] == "2024-05-01T12:00:00Z"
    assert proof["proofValue"].startswith("z")
    assert "proof" not in NOTE
    assert proof_verification_method(secured) == ALICE_KEY
    verified = verify_proof(secured, ed_key.public_key())
    assert verified == NOTE
    verified["content"] = "changed"
    assert secured["content"] == "Hello world"


def test_document_without_context(ed_key: ed25519.Ed25519PrivateKey, now: datetime) -> None:
    bare = {k: v for k, v in NOTE.items() if k != "@context"}
    secured = create_proof(bare, ed_key, ALICE_KEY, now)
    assert "@context" not in secured["proof"]
    assert verify_proof(secured, ed_key.public_key()) == bare


def test_context_appended_after_signing_is_tolerated(
    ed_key: ed25519.Ed25519PrivateKey, now: datetime
) -> None:
    """vc-di-eddsa: the document's @context need only start with the proof's, which is used."""
    secured = create_proof(NOTE, ed_key, ALICE_KEY, now)
    secured["@context"] = [*NOTE["@context"], "https://example.org/extra"]
    assert verify_proof(secured, ed_key.public_key())["@context"] == NOTE["@context"]


def test_proof_sets(
    ed_key: ed25519.Ed25519PrivateKey, other_ed_key: ed25519.Ed25519PrivateKey, now: datetime
) -> None:
    once = create_proof(NOTE, ed_key, ALICE_KEY, now)
    twice = create_proof(once, other_ed_key, "https://server.example/users/bob#key", now)
    assert isinstance(twice["proof"], list) and len(twice["proof"]) == 2
    assert proof_verification_method(twice) == ALICE_KEY
    assert verify_proof(twice, ed_key.public_key()) == NOTE
    assert verify_proof(twice, other_ed_key.public_key()) == NOTE
    assert once["proof"] is not twice["proof"][0]  # the input document is left alone
    with pytest.raises(
        ProofError, match=r"no proof verified: proof signature does not match.*; proof"
    ):
        verify_proof(twice, ed25519.Ed25519PrivateKey.generate().public_key())


def test_embedded_object_with_its_own_proof(
    ed_key: ed25519.Ed25519PrivateKey, other_ed_key: ed25519.Ed25519PrivateKey, now: datetime
) -> None:
    signed_note = create_proof(NOTE, other_ed_key, "https://server.example/users/bob#key", now)
    activity = {
        "@context": NOTE["@context"],
        "id": "https://server.example/activities/1",
        "type": "Create",
        "actor": "https://server.example/users/alice",
        "object": signed_note,
    }
    secured = create_proof(activity, ed_key, ALICE_KEY, now)
    verified = verify_proof(secured, ed_key.public_key())
    assert verified["object"] == signed_note  # the embedded proof is kept, and was covered
    assert verify_proof(verified["object"], other_ed_key.public_key()) == NOTE
    with pytest.raises(ProofError, match="does not match"):
        verify_proof(verified["object"], ed_key.public_key())
    tampered = copy.deepcopy(secured)
    tampered["object"]["proof"]["created"] = "2030-01-01T00:00:00Z"
    with pytest.raises(ProofError, match="proof signature does not match"):
        verify_proof(tampered, ed_key.public_key())


def test_linked_data_signature_is_ignored_but_must_come_after(
    ed_key: ed25519.Ed25519PrivateKey, now: datetime
) -> None:
    secured = create_proof(NOTE, ed_key, ALICE_KEY, now)
    with_ld = {**secured, "signature": {"type": "RsaSignature2017", "signatureValue": "…"}}
    assert verify_proof(with_ld, ed_key.public_key()) == NOTE
    with pytest.raises(ProofError, match="before the Linked Data signature"):
        create_proof(with_ld, ed_key, ALICE_KEY, now)


# --- rejections -----------------------------------------------------------------------------


@pytest.fixture
def secured(ed_key: ed25519.Ed25519PrivateKey, now: datetime) -> dict[str, Any]:
    return create_proof(NOTE, ed_key, ALICE_KEY, now)


def _mutated(document: dict[str, Any], path: tuple[str, ...], value: object) -> dict[str, Any]:
    """A copy with `value` at `path` (None deletes the key)."""
    result = copy.deepcopy(document)
    target = result
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return result


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (("content",), "Goodbye world", "proof signature does not match"),
        (("proof", "created"), "2024-05-01T12:00:01Z", "proof signature does not match"),
        (
            ("proof", "verificationMethod"),
            "https://evil.example/key",
            "proof signature does not match",
        ),
        (("proof", "@context"), None, "proof signature does not match"),
        (("@context",), None, "proof @context does not match the document @context"),
        (("@context",), ["https://www.w3.org/ns/activitystreams"], "proof @context does not match"),
        (
            ("proof", "cryptosuite"),
            "eddsa-rdfc-2022",
            "unsupported proof 'DataIntegrityProof'/'eddsa-rdfc-2022'",
        ),
        (("proof", "type"), "Ed25519Signature2020", "unsupported proof"),
        (("proof", "proofPurpose"), "authentication", "proofPurpose is not 'assertionMethod'"),
        (("proof", "previousProof"), "urn:uuid:1", "proof chains"),
        (("proof", "verificationMethod"), None, "proof has no verificationMethod"),
        (("proof", "created"), "yesterday", "created is not a valid datetime"),
        (("proof", "proofValue"), None, "must be a base58btc multibase string"),
        (("proof", "proofValue"), "uAAAA", "must be a base58btc multibase string"),
        (("proof", "proofValue"), "z0OIl", "not valid base58btc"),
        (
            ("proof", "proofValue"),
            "z3yMApqCuCjXDWPrbjfR5mjCPTHqFG8Pux1TxQrEM35jj",
            "not a 64-byte Ed25519 signature",
        ),
        (("proof",), None, "document has no proof"),
        (("proof",), "z3sXax", "proof must be an object or a list of objects"),
        (("proof",), [], "proof must be an object or a list of objects"),
    ],
)
def test_rejections(
    secured: dict[str, Any],
    ed_key: ed25519.Ed25519PrivateKey,
    path: tuple[str, ...],
    value: object,
    reason: str,
) -> None:
    with pytest.raises(ProofError, match=reason):
        verify_proof(_mutated(secured, path, value), ed_key.public_key())


def test_proof_by_another_key(
    secured: dict[str, Any], other_ed_key: ed25519.Ed25519PrivateKey
) -> None:
    with pytest.raises(ProofError, match="proof signature does not match"):
        verify_proof(secured, other_ed_key.public_key())


def test_other_proof_purpose_when_asked_for(
    ed_key: ed25519.Ed25519PrivateKey, now: datetime
) -> None:
    secured = create_proof(NOTE, ed_key, ALICE_KEY, now, proof_purpose="authentication")
    assert verify_proof(secured, ed_key.public_key(), proof_purpose="authentication") == NOTE
    with pytest.raises(ProofError, match="proofPurpose"):
        verify_proof(secured, ed_key.public_key())


def test_rsa_key_is_refused(secured: dict[str, Any], rsa_key: Any) -> None:
    with pytest.raises(ProofError, match="needs an Ed25519 public key"):
        verify_proof(secured, rsa_key.public_key())


def test_no_supported_proof_for_the_key_id() -> None:
    document = {**NOTE, "proof": {"type": "RsaSignature2017", "verificationMethod": "x"}}
    with pytest.raises(ProofError, match="no eddsa-jcs-2022 proof"):
        proof_verification_method(document)


def test_non_json_document_is_refused(ed_key: ed25519.Ed25519PrivateKey, now: datetime) -> None:
    with pytest.raises(ProofError, match="cannot be canonicalized"):
        create_proof({**NOTE, "score": float("nan")}, ed_key, ALICE_KEY, now)


def test_naive_created_is_refused(ed_key: ed25519.Ed25519PrivateKey, now: datetime) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        create_proof(NOTE, ed_key, ALICE_KEY, now.replace(tzinfo=None))
