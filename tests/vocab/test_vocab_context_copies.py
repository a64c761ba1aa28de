"""The shipped context copies: complete, intact, indexed, and loadable offline."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest

from fedinet.vocab import contexts as ctx

CONTEXTS_DIR = Path(__file__).resolve().parents[2] / "protocol" / "contexts"

# SHA-256 of each copy as recorded in protocol/contexts/README.md. A copy must be
# replaced deliberately (new hash here and in the README), never edited by accident.
EXPECTED_SHA256 = {
    "fedinet-v1.jsonld": "484640fcaf78073c22541b7eb6baf107c24d9f98356c5448c0f8cf78d159e7a4",
    "activitystreams.jsonld": "a27b78b82f4980963127140d0cb74f0e8f21c0e2b8efd0368232bf9823edff5a",
    "security-v1.jsonld": "abaf97e107d1925503c433dcaf3ffd2831697cacc1ed2a293e1bc8030d5bcb47",
    "security-v2.jsonld": "611bd81151d5efe53ec9aed78f5a813e577287bc9451ee26d6879b1b8b46bc3b",
    "security-data-integrity-v1.jsonld": "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
    "security-data-integrity-v2.jsonld": "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
    "security-multikey-v1.jsonld": "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
    "did-v1.jsonld": "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
    "cid-v1.jsonld": "ea216ecc1cb02cd39b693dba2250141e270ba0bf95890be107dd9a9e8e43de85",
    "webfinger.jsonld": "f6a87d126b583f4305b1661a6e488cb56c17940673a4c608d2b07a8a67409b9f",
    "litepub.jsonld": "6c928e887a4a57a8a2bc99fe69804a1b895c84d83b60a4f9d391327d8d722b0c",
}

# The URLs the fediverse actually puts in @context, each with the file it must map to.
REQUIRED_URLS = {
    "https://www.w3.org/ns/activitystreams": "activitystreams.jsonld",
    "http://www.w3.org/ns/activitystreams": "activitystreams.jsonld",
    "https://www.w3.org/ns/activitystreams.jsonld": "activitystreams.jsonld",
    "https://w3id.org/security/v1": "security-v1.jsonld",
    "https://w3id.org/security/v2": "security-v2.jsonld",
    "https://w3id.org/security/data-integrity/v1": "security-data-integrity-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": "security-data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1": "security-multikey-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    "https://www.w3.org/ns/cid/v1": "cid-v1.jsonld",
    "https://purl.archive.org/socialweb/webfinger": "webfinger.jsonld",
    "https://litepub.social/litepub/context.jsonld": "litepub.jsonld",
}


def _index() -> dict[str, str]:
    return json.loads((CONTEXTS_DIR / "index.json").read_text(encoding="utf-8"))


def test_the_loader_reads_the_same_directory_the_tests_check() -> None:
    shipped = resources.files("fedinet.protocol") / "contexts"
    assert Path(str(shipped)).resolve() == CONTEXTS_DIR
    assert ctx.known_context_urls() == frozenset(_index())


def test_required_urls_are_indexed() -> None:
    index = _index()
    for url, filename in REQUIRED_URLS.items():
        assert index.get(url) == filename, url


def test_every_copy_is_indexed_and_every_index_entry_exists() -> None:
    index = _index()
    on_disk = {path.name for path in CONTEXTS_DIR.glob("*.jsonld")}
    assert set(index.values()) == on_disk
    assert on_disk == set(EXPECTED_SHA256)


@pytest.mark.parametrize("filename", sorted(EXPECTED_SHA256))
def test_copy_is_unmodified_and_documented(filename: str) -> None:
    digest = hashlib.sha256((CONTEXTS_DIR / filename).read_bytes()).hexdigest()
    assert digest == EXPECTED_SHA256[filename]
    readme = (CONTEXTS_DIR / "README.md").read_text(encoding="utf-8")
    assert filename in readme
    assert digest in readme


@pytest.mark.parametrize("url", sorted(_index()))
def test_every_index_entry_loads_and_parses(url: str) -> None:
    remote = ctx.local_document_loader(url, {})
    assert remote["documentUrl"] == url
    assert remote["contextUrl"] is None
    document = remote["document"]
    assert document == json.loads((CONTEXTS_DIR / _index()[url]).read_text(encoding="utf-8"))
    assert isinstance(document, dict) and "@context" in document


@pytest.mark.parametrize("url", sorted(_index()))
def test_every_context_is_processable_offline(url: str) -> None:
    """PyLD accepts each copy as a context (and everything it references is local)."""
    expanded = ctx.expand(
        {"@context": url, "@id": "https://example.test/x", "@type": "https://example.test/T"},
        unknown_contexts="reject",
    )
    assert expanded == [{"@id": "https://example.test/x", "@type": ["https://example.test/T"]}]


def test_loader_hands_out_copies() -> None:
    url = "https://www.w3.org/ns/activitystreams"
    first = ctx.local_document_loader(url)
    first["document"]["@context"]["Note"] = "https://evil.example/Note"
    assert ctx.local_document_loader(url)["document"]["@context"]["Note"] == "as:Note"


def test_fragment_does_not_change_the_document() -> None:
    plain = ctx.local_document_loader("https://www.w3.org/ns/activitystreams")
    with_fragment = ctx.local_document_loader("https://www.w3.org/ns/activitystreams#")
    assert with_fragment["document"] == plain["document"]
    assert with_fragment["documentUrl"] == "https://www.w3.org/ns/activitystreams#"
    assert ctx.is_known_context("https://w3id.org/security/v1#anything")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.w3.org/ns/activitystreams/",
        "https://www.w3.org/ns/activitystreams?x=1",
        "https://WWW.w3.org/ns/activitystreams",
        "https://gotosocial.org/ns",
        "https://pleroma.example/schemas/litepub-0.1.jsonld",
        "file:///etc/passwd",
        "protocol/contexts/activitystreams.jsonld",
        "../contexts/activitystreams.jsonld",
        "",
    ],
)
def test_anything_else_is_unknown(url: str) -> None:
    assert not ctx.is_known_context(url)
    with pytest.raises(ctx.ContextNotAvailableError):
        ctx.local_document_loader(url)
