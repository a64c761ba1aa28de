"""Keys shared by the signing tests: generated once per test session (RSA is slow)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from fedinet.federation.signing.keys import (
    generate_ed25519_keypair,
    generate_rsa_keypair,
    load_private_key,
)


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    key = load_private_key(generate_rsa_keypair().private_pem)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@pytest.fixture(scope="session")
def other_rsa_key() -> rsa.RSAPrivateKey:
    key = load_private_key(generate_rsa_keypair().private_pem)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@pytest.fixture(scope="session")
def ed_key() -> ed25519.Ed25519PrivateKey:
    key = load_private_key(generate_ed25519_keypair().private_pem)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    return key


@pytest.fixture(scope="session")
def other_ed_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


@pytest.fixture
def now() -> datetime:
    return datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
