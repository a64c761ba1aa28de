"""The vectors' actors and a key resolver built from them (a `fedinet.market.evidence.KeyResolver`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fedinet.federation.signing.keys import ed25519_from_multibase

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "protocol" / "vectors"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


class Resolver:
    """Resolves the keys listed in `actors.json`; records every key id it was asked for."""

    def __init__(self, actors: list[dict[str, Any]]) -> None:
        self.keys: dict[str, tuple[str, Ed25519PublicKey]] = {
            method["id"]: (method["controller"], ed25519_from_multibase(method["publicKeyMultibase"]))
            for actor in actors
            for method in actor["assertionMethod"]
        }
        self.asked: list[str] = []

    async def __call__(self, key_id: str) -> tuple[str, Ed25519PublicKey]:
        self.asked.append(key_id)
        try:
            return self.keys[key_id]
        except KeyError:
            raise LookupError(key_id) from None


@pytest.fixture(scope="session")
def actors() -> list[dict[str, Any]]:
    return load(VECTORS / "actors.json")


@pytest.fixture
def resolver(actors: list[dict[str, Any]]) -> Resolver:
    return Resolver(actors)
