"""Signature algorithms shared by the HTTP signature schemes, named as in RFC 9421."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from .http_message import SignatureError

PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey

RSA_V1_5_SHA256 = "rsa-v1_5-sha256"
RSA_PSS_SHA512 = "rsa-pss-sha512"
ED25519 = "ed25519"
RSA_ALGORITHMS = (RSA_V1_5_SHA256, RSA_PSS_SHA512)


def algorithm_for_key(key: PrivateKey | PublicKey) -> str:
    """The default algorithm for a key: rsa-v1_5-sha256 for RSA, ed25519 for Ed25519."""
    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        return RSA_V1_5_SHA256
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        return ED25519
    raise SignatureError(f"unsupported key type {type(key).__name__}")


def sign(private_key: PrivateKey, algorithm: str, data: bytes) -> bytes:
    """Sign `data`; SignatureError if the algorithm is unknown or does not fit the key."""
    _check_key(private_key, algorithm)
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return private_key.sign(data)
    return private_key.sign(data, _rsa_padding(algorithm), _rsa_hash(algorithm))


def verify(public_key: PublicKey, algorithm: str, data: bytes, signature: bytes) -> bool:
    """True if `signature` is valid for `data`; SignatureError if the algorithm does not fit."""
    _check_key(public_key, algorithm)
    try:
        if isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, data)
        else:
            public_key.verify(signature, data, _rsa_padding(algorithm), _rsa_hash(algorithm))
    except InvalidSignature:
        return False
    return True


def _check_key(key: PrivateKey | PublicKey, algorithm: str) -> None:
    if algorithm not in (*RSA_ALGORITHMS, ED25519):
        raise SignatureError(f"unsupported algorithm {algorithm!r}")
    is_rsa = isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey))
    is_ed25519 = isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey))
    if not ((is_rsa and algorithm in RSA_ALGORITHMS) or (is_ed25519 and algorithm == ED25519)):
        raise SignatureError(f"algorithm {algorithm!r} does not match the key type")


def _rsa_padding(algorithm: str) -> padding.AsymmetricPadding:
    if algorithm == RSA_PSS_SHA512:
        return padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
    return padding.PKCS1v15()


def _rsa_hash(algorithm: str) -> hashes.HashAlgorithm:
    return hashes.SHA512() if algorithm == RSA_PSS_SHA512 else hashes.SHA256()
