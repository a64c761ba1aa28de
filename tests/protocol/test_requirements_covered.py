"""Every requirement of protocol/spec.md is exercised by a test or a vector that names it,
and the ValueFlows terms are FEP-0837's (PROTO-2)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fedinet.market import vocabulary as vocab

ROOT = Path(__file__).resolve().parents[2]
# Held by construction, not by a test: no code path reads scores or third-party claims.
BY_CONSTRUCTION = {"EVID-3"}
FEP_0837_TERMS = {
    "Proposal": "vf:Proposal", "Intent": "vf:Intent", "Agreement": "vf:Agreement",
    "Commitment": "vf:Commitment", "purpose": "vf:purpose", "action": "vf:action",
    "publishes": "vf:publishes", "reciprocal": "vf:reciprocal", "unitBased": "vf:unitBased",
    "resourceConformsTo": "vf:resourceConformsTo", "resourceQuantity": "vf:resourceQuantity",
    "stipulates": "vf:stipulates", "stipulatesReciprocal": "vf:stipulatesReciprocal",
    "satisfies": "vf:satisfies", "hasUnit": "om2:hasUnit", "hasNumericalValue": "om2:hasNumericalValue",
}


def _requirements() -> list[str]:
    return re.findall(r"\*\*([A-Z]+-\d+)\*\*", (ROOT / "protocol" / "spec.md").read_text(encoding="utf-8"))


def _named_by_tests_and_vectors() -> set[str]:
    named: set[str] = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        named |= set(re.findall(r"\b[A-Z]+-\d+\b", path.read_text(encoding="utf-8")))
    for path in (ROOT / "protocol" / "vectors").rglob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(document, dict):
            named |= set(document.get("requirements", []))
    return named


def test_requirement_ids_are_unique() -> None:
    ids = _requirements()
    assert len(ids) == len(set(ids)) and len(ids) > 40


def test_every_requirement_is_covered() -> None:
    missing = set(_requirements()) - _named_by_tests_and_vectors() - BY_CONSTRUCTION
    assert sorted(missing) == []


def test_fep_0837_terms_are_reused_not_redefined() -> None:
    """PROTO-2."""
    for term, iri in FEP_0837_TERMS.items():
        definition = vocab.TERMS[term]
        assert (definition["@id"] if isinstance(definition, dict) else definition) == iri
    assert vocab.TERMS["vf"] == "https://w3id.org/valueflows/ont/vf#"
    assert vocab.TERMS["om2"] == "http://www.ontology-of-units-of-measure.org/resource/om-2/"
    assert vocab.CONTEXT[:2] == [vocab.AS_CONTEXT, vocab.DATA_INTEGRITY_CONTEXT]  # PROTO-1
