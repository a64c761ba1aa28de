"""No code path makes PyLD touch the network, and unknown contexts follow the policy."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from typing import TYPE_CHECKING

import pytest
from pyld import jsonld

from fedinet import vocab

if TYPE_CHECKING:
    from conftest import RecordingServer


def _activity(context: object) -> dict[str, object]:
    return {
        "@context": context,
        "id": "https://remote.example/activities/1",
        "type": "Create",
        "actor": "https://remote.example/users/bob",
        "object": {
            "id": "https://remote.example/notes/1",
            "type": "Note",
            "content": "hello",
        },
    }


def _documents_referencing(server: RecordingServer) -> dict[str, dict[str, object]]:
    """Every place a document can name a remote context, each with its own URL."""
    as2 = "https://www.w3.org/ns/activitystreams"
    nested = _activity(as2)
    nested["object"]["@context"] = server.url("/nested")  # type: ignore[index]
    return {
        "/top": _activity([as2, server.url("/top")]),
        "/alone": _activity(server.url("/alone")),
        "/nested": nested,
        "/scoped": _activity(
            [as2, {"Thing": {"@id": "https://example.test/Thing", "@context": server.url("/scoped")}}]
        ),
        "/import": _activity([as2, {"@import": server.url("/import"), "x": "https://example.test/x"}]),
    }


def test_loader_is_installed_at_import() -> None:
    code = (
        "import pyld.jsonld as j\n"
        "before = j.get_document_loader()\n"
        "import fedinet.vocab as v\n"
        "assert before is not v.local_document_loader\n"
        "assert j.get_document_loader() is v.local_document_loader, j.get_document_loader()\n"
        "print('installed')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "installed"
    assert jsonld.get_document_loader() is vocab.local_document_loader


def test_loader_refuses_unknown_urls_with_a_clear_error() -> None:
    url = "https://evil.example/context.jsonld"
    with pytest.raises(jsonld.JsonLdError) as caught:
        vocab.local_document_loader(url, {})
    assert isinstance(caught.value, vocab.ContextNotAvailableError)
    assert caught.value.url == url
    assert url in str(caught.value)
    assert caught.value.code == "loading document failed"


def test_the_recording_server_does_see_a_fetch(recording_server: RecordingServer) -> None:
    """Control: the hit counter works, and a loader that fetches would be caught.

    Without this, "zero hits" in the tests below would prove nothing.
    """
    with urllib.request.urlopen(recording_server.url("/control"), timeout=10) as response:
        assert response.status == 200
    network_loader = jsonld.aiohttp_document_loader()  # what PyLD would use by default

    def fetching_loader(url: str, options: dict) -> dict:
        if vocab.is_known_context(url):
            return vocab.local_document_loader(url, options)
        return network_loader(url, options)

    document = _activity(["https://www.w3.org/ns/activitystreams", recording_server.url("/fetched")])
    document["evil"] = "yes"
    expanded = jsonld.expand(document, {"documentLoader": fetching_loader})
    assert "https://evil.example/ns#evil" in repr(expanded)
    assert recording_server.hits == ["/control", "/fetched"]


def test_unknown_contexts_are_ignored_never_fetched(recording_server: RecordingServer) -> None:
    for path, document in _documents_referencing(recording_server).items():
        ignored = vocab.check_jsonld(document)
        assert ignored == [recording_server.url(path)], path
        assert vocab.is_valid_jsonld(document), path
        expanded = vocab.expand(document)
        assert "https://evil.example/ns#evil" not in repr(expanded)
        if path == "/alone":
            assert expanded == []  # no context left: no term means anything
        else:
            assert expanded[0]["@type"] == ["https://www.w3.org/ns/activitystreams#Create"], path
    assert recording_server.hits == []


def test_unknown_contexts_can_be_rejected_without_fetching(recording_server: RecordingServer) -> None:
    for path, document in _documents_referencing(recording_server).items():
        with pytest.raises(vocab.ContextNotAvailableError) as caught:
            vocab.expand(document, unknown_contexts="reject")
        assert caught.value.url == recording_server.url(path)
        with pytest.raises(vocab.InvalidJsonLdError, match=recording_server.url(path)):
            vocab.check_jsonld(document, unknown_contexts="reject")
        assert not vocab.is_valid_jsonld(document, unknown_contexts="reject")
    assert recording_server.hits == []


def test_raw_pyld_calls_cannot_fetch_either(recording_server: RecordingServer) -> None:
    """Code that bypasses the helpers and calls PyLD directly still gets the local loader."""
    for document in _documents_referencing(recording_server).values():
        for operation in (
            lambda: jsonld.expand(document),
            lambda: jsonld.compact(document, "https://www.w3.org/ns/activitystreams"),
            lambda: jsonld.to_rdf(document, {"format": "application/n-quads"}),
        ):
            with pytest.raises(jsonld.JsonLdError) as caught:
                operation()
            causes = []
            error: BaseException | None = caught.value
            while error is not None:
                causes.append(error)
                error = error.__cause__
            assert any(isinstance(cause, vocab.ContextNotAvailableError) for cause in causes)
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(recording_server.url("/document-by-url"))
    assert recording_server.hits == []


def test_helpers_never_load_a_document_by_url(recording_server: RecordingServer) -> None:
    url = recording_server.url("/as-input")
    with pytest.raises(vocab.InvalidJsonLdError):
        vocab.check_jsonld(url)
    with pytest.raises(vocab.InvalidJsonLdError):
        vocab.expand(url)  # type: ignore[arg-type]
    assert not vocab.is_valid_jsonld(url)
    assert recording_server.hits == []


def test_helpers_stay_offline_even_if_the_global_loader_is_swapped(
    recording_server: RecordingServer,
) -> None:
    jsonld.set_document_loader(jsonld.aiohttp_document_loader())
    try:
        document = _activity(["https://www.w3.org/ns/activitystreams", recording_server.url("/swapped")])
        assert vocab.check_jsonld(document) == [recording_server.url("/swapped")]
        with pytest.raises(vocab.ContextNotAvailableError):
            vocab.expand(document, unknown_contexts="reject")
        vocab.compact(vocab.expand(document), "https://www.w3.org/ns/activitystreams")
    finally:
        vocab.install_local_document_loader()
    assert jsonld.get_document_loader() is vocab.local_document_loader
    assert recording_server.hits == []
