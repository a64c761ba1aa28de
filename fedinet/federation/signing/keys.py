"""Key generation and the encodings actors publish: PEM for RSA, Multikey for Ed25519."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

RSA_KEY_BITS = 2048
_ED25519_MULTICODEC = b"\xed\x01"
_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@dataclass(frozen=True)
class KeyPair:
    """A private key in PKCS#8 PEM and its public half in the form actors publish."""

    private_pem: str
    public: str  # SPKI PEM for RSA, multibase ("z6Mk…") for Ed25519


def generate_rsa_keypair() -> KeyPair:
    """An RSA-2048 key for HTTP signatures."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    return KeyPair(private_pem=_private_pem(key), public=public_pem(key.public_key()))


def generate_ed25519_keypair() -> KeyPair:
    """An Ed25519 key for object integrity proofs (FEP-8b32)."""
    key = ed25519.Ed25519PrivateKey.generate()
    return KeyPair(private_pem=_private_pem(key), public=ed25519_to_multibase(key.public_key()))


def _private_pem(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_pem(key: rsa.RSAPublicKey | ed25519.Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_private_key(pem: str) -> rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, (rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
        raise ValueError("unsupported private key type")
    return key


def load_public_pem(pem: str) -> rsa.RSAPublicKey | ed25519.Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode("ascii"))
    if not isinstance(key, (rsa.RSAPublicKey, ed25519.Ed25519PublicKey)):
        raise ValueError("unsupported public key type")
    return key


def ed25519_to_multibase(key: ed25519.Ed25519PublicKey) -> str:
    """Multikey `publicKeyMultibase`: base58btc ('z') of the multicodec-prefixed raw key."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58btc_encode(_ED25519_MULTICODEC + raw)


def ed25519_from_multibase(value: str) -> ed25519.Ed25519PublicKey:
    """Parse a `z6Mk…` Multikey value; ValueError if it is not an Ed25519 key."""
    if not value.startswith("z"):
        raise ValueError("publicKeyMultibase must be base58btc ('z' prefix)")
    data = base58btc_decode(value[1:])
    if len(data) != 34 or not data.startswith(_ED25519_MULTICODEC):
        raise ValueError("publicKeyMultibase is not an Ed25519 public key")
    return ed25519.Ed25519PublicKey.from_public_bytes(data[2:])


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_BASE58_ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = _BASE58_ALPHABET.find(char)
        if index < 0:
            raise ValueError(f"invalid base58 character {char!r}")
        number = number * 58 + index
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading_zeros + body


@dataclass(frozen=True)
class SigningKey:
    """A local actor's private key, parsed, with the key id that remote servers look up."""

    key_id: str
    private_key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey

    @classmethod
    def from_pem(cls, key_id: str, private_pem: str) -> SigningKey:
        return cls(key_id=key_id, private_key=_load_private_key_cached(private_pem))


@lru_cache(maxsize=1024)
def _load_private_key_cached(pem: str) -> rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey:
    """Parsing an RSA key validates it (milliseconds); each stored key is parsed once."""
    return load_private_key(pem)
