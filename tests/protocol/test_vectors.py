"""Every vector in protocol/vectors/ is received as it says, and the files are what generate.py writes."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fedinet.federation.signing.keys import ed25519_to_multibase
from fedinet.market.evidence import KeyResolver, verify_all
from fedinet.market.validation import (
    Code,
    ProtocolViolation,
    check_outcome,
    fedinet_objects,
    referenced_actors,
)

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "protocol" / "vectors"
VALID = sorted((VECTORS / "valid").glob("*.json"))
INVALID = sorted((VECTORS / "invalid").glob("*.json"))


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


async def receive(vector: dict[str, Any], resolve_key: KeyResolver, known_actors: set[str]) -> None:
    """What a receiver does with a vector's document: validate and verify it, resolve the actors
    it names (INTRO-7), and check outcomes against the given introductions (OUT-2)."""
    document = vector["document"]
    await verify_all(document, resolve_key)
    for actor in referenced_actors(document):
        if actor not in known_actors:
            raise ProtocolViolation("unknown-actor", f"{actor} cannot be resolved")
    introductions = {item["id"]: item for item in vector.get("given", {}).get("introductions", [])}
    for schema, thing in fedinet_objects(document):
        if schema == "outcome":
            if thing["context"] not in introductions:
                raise ProtocolViolation("not-a-party", "an outcome of an unknown introduction")
            check_outcome(thing, introductions[thing["context"]])


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
async def test_valid_vector_is_accepted(path: Path, resolver: Any, actors: list[dict[str, Any]]) -> None:
    vector = _load(path)
    assert set(vector) <= {"description", "requirements", "document", "given"}
    for introduction in vector.get("given", {}).get("introductions", []):
        await verify_all(introduction, resolver)
    await receive(vector, resolver, {actor["id"] for actor in actors})


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
async def test_invalid_vector_fails_with_its_code(
    path: Path, resolver: Any, actors: list[dict[str, Any]]
) -> None:
    vector = _load(path)
    assert vector["why"] and vector["error"] in get_args(Code)
    with pytest.raises(ProtocolViolation) as caught:
        await receive(vector, resolver, {actor["id"] for actor in actors})
    assert caught.value.code == vector["error"], caught.value.reason


async def test_a_key_on_another_host_is_never_looked_up(resolver: Any) -> None:
    document = _load(VECTORS / "invalid" / "proof-key-on-another-host.json")["document"]
    with pytest.raises(ProtocolViolation, match="key-not-owned"):
        await verify_all(document, resolver)
    assert resolver.asked == []


def test_every_violation_code_has_an_invalid_vector() -> None:
    assert {_load(path)["error"] for path in INVALID} == set(get_args(Code))


def test_requirements_named_by_vectors_exist_in_the_spec() -> None:
    spec = (ROOT / "protocol" / "spec.md").read_text(encoding="utf-8")
    defined = set(re.findall(r"\*\*([A-Z]+-\d+)\*\*", spec))
    named = {req for path in VALID + INVALID for req in _load(path)["requirements"]}
    assert named and named <= defined, sorted(named - defined)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fedinet_vectors_generate", VECTORS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_vectors_on_disk_are_what_generate_py_writes() -> None:
    expected = _generator().build()
    on_disk = {
        str(path.relative_to(VECTORS)): path.read_text(encoding="utf-8")
        for path in [*VECTORS.glob("*.json"), *VALID, *INVALID]
    }
    assert sorted(on_disk) == sorted(expected), "run .venv/bin/python protocol/vectors/generate.py"
    for name, text in expected.items():
        assert on_disk[name] == text, f"{name} is stale: run .venv/bin/python protocol/vectors/generate.py"


def test_keys_are_the_actors_keys(actors: list[dict[str, Any]]) -> None:
    published = {m["id"]: m["publicKeyMultibase"] for a in actors for m in a["assertionMethod"]}
    keys = _load(VECTORS / "keys.json")["keys"]
    assert {key["id"] for key in keys} == set(published)
    assert len({actor["id"].split("/")[2] for actor in actors}) >= 4  # at least four hosts
    for key in keys:
        name = key["controller"].rsplit("/", 1)[1]
        assert key["seedHex"] == hashlib.sha256(name.encode()).hexdigest()
        private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(key["seedHex"]))
        assert ed25519_to_multibase(private.public_key()) == published[key["id"]]
