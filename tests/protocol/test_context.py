"""protocol/context.jsonld is the vocabulary's inline context, and the vectors are valid JSON-LD offline."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from fedinet.market import vocabulary as vocab
from fedinet.vocab import check_jsonld, expand, local_document_loader

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = ROOT / "protocol"
VALID = sorted((PROTOCOL / "vectors" / "valid").glob("*.json"))


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_context_file_is_the_vocabulary_terms() -> None:
    assert _load(PROTOCOL / "context.jsonld") == {"@context": vocab.TERMS}


def test_the_offline_loader_serves_it_under_its_url() -> None:
    # contexts/ holds the loader's copy: byte for byte the published file.
    copy_path = PROTOCOL / "contexts" / "fedinet-v1.jsonld"
    assert copy_path.read_bytes() == (PROTOCOL / "context.jsonld").read_bytes()
    assert _load(PROTOCOL / "contexts" / "index.json")[vocab.CONTEXT_URL] == copy_path.name
    assert local_document_loader(vocab.CONTEXT_URL)["document"] == {"@context": vocab.TERMS}


def test_the_url_and_the_inline_terms_mean_the_same() -> None:
    document = _load(PROTOCOL / "vectors" / "valid" / "vouch.json")["document"]["object"]
    by_url = copy.deepcopy(document)
    by_url["@context"] = [vocab.AS_CONTEXT, vocab.DATA_INTEGRITY_CONTEXT, vocab.CONTEXT_URL]
    by_url["proof"]["@context"] = by_url["@context"]
    inline = expand(document, unknown_contexts="reject")
    assert expand(by_url, unknown_contexts="reject") == inline
    assert inline[0]["@type"] == [vocab.NAMESPACE + "Vouch"]
    assert inline[0][vocab.NAMESPACE + "vouchesFor"] == [{"@id": document["vouchesFor"]}]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_vector_is_jsonld(path: Path) -> None:
    vector = _load(path)
    assert check_jsonld(vector["document"], unknown_contexts="reject") == []
    for introduction in vector.get("given", {}).get("introductions", []):
        assert check_jsonld(introduction, unknown_contexts="reject") == []


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_every_property_is_defined(path: Path) -> None:
    """No term of a valid vector is dropped by expansion for want of a definition."""
    expanded = json.dumps(expand(_load(path)["document"], unknown_contexts="reject"))
    assert '"_:' not in expanded
