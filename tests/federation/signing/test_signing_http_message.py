"""HttpMessage derived values and body digests (RFC 9530 appendix vectors)."""

from __future__ import annotations

import pytest

from fedinet.federation.signing.http_message import (
    HttpMessage,
    SignatureError,
    content_digest_header,
    digest_header,
    verify_content_digest,
    verify_digest,
)

# RFC 9530 appendix D: digests of the content {"hello": "world"}.
HELLO = b'{"hello": "world"}'
HELLO_SHA256 = "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="
HELLO_SHA512 = (
    "WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew=="
)


def test_headers_are_case_insensitive_and_repeated_fields_are_joined() -> None:
    msg = HttpMessage("GET", "https://a.example/", [("Accept", " a/b "), ("accept", "c/d")])  # type: ignore[arg-type]
    assert msg.header("ACCEPT") == "a/b, c/d"
    assert msg.header("missing") is None
    changed = msg.with_headers({"ACCEPT": "x/y", "Date": "d"})
    assert changed.header("accept") == "x/y"
    assert changed.header("date") == "d"
    assert msg.header("accept") == "a/b, c/d"


@pytest.mark.parametrize(
    ("url", "authority", "target"),
    [
        ("https://Example.COM:443/p/a%2Fb?x=1&y", "example.com", "/p/a%2Fb?x=1&y"),
        ("http://example.com:80", "example.com", "/"),
        ("https://example.com:8443/inbox", "example.com:8443", "/inbox"),
        ("http://[::1]:8080/x?", "[::1]:8080", "/x"),
    ],
)
def test_derived_url_parts(url: str, authority: str, target: str) -> None:
    msg = HttpMessage("GET", url)
    assert msg.authority == authority
    assert msg.request_target == target
    assert msg.target_uri == f"{msg.scheme}://{authority}{target}"


@pytest.mark.parametrize(
    "url", ["/relative", "ftp://example.com/", "https:///nohost", "https://h:99999/"]
)
def test_non_absolute_http_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        HttpMessage("GET", url)


def test_carries_body() -> None:
    assert HttpMessage("POST", "https://a.example/").carries_body
    assert HttpMessage("GET", "https://a.example/", body=b"x").carries_body
    assert not HttpMessage("GET", "https://a.example/").carries_body


def test_digest_headers_match_rfc_9530_vectors() -> None:
    assert content_digest_header(HELLO) == f"sha-256=:{HELLO_SHA256}:"
    assert digest_header(HELLO) == f"SHA-256={HELLO_SHA256}"


def test_content_digest_accepts_sha256_sha512_and_ignores_unknown_algorithms() -> None:
    verify_content_digest(f"sha-256=:{HELLO_SHA256}:", HELLO)
    verify_content_digest(f"sha-512=:{HELLO_SHA512}:", HELLO)
    verify_content_digest(f"md5=:AAAA:, sha-256=:{HELLO_SHA256}:", HELLO)


@pytest.mark.parametrize(
    ("value", "body", "reason"),
    [
        (None, HELLO, "Content-Digest header is missing"),
        (f"sha-256=:{HELLO_SHA256}:", b"tampered", "does not match the body"),
        (f"sha-256=:{HELLO_SHA256}:, sha-512=:{HELLO_SHA256}:", HELLO, "does not match the body"),
        ("md5=:AAAA:", HELLO, "no supported algorithm"),
        ("sha-256=abc", HELLO, "malformed Content-Digest"),
        ("sha-256=:%%:", HELLO, "malformed Content-Digest"),
    ],
)
def test_content_digest_failures(value: str | None, body: bytes, reason: str) -> None:
    with pytest.raises(SignatureError, match=reason):
        verify_content_digest(value, body)


def test_legacy_digest_accepts_sha256_in_any_case() -> None:
    verify_digest(f"sha-256={HELLO_SHA256}", HELLO)
    verify_digest(f"MD5=abc, SHA-256={HELLO_SHA256}", HELLO)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "Digest header is missing"),
        (f"SHA-256={HELLO_SHA256}", "Digest does not match the body"),
        (f"SHA-512={HELLO_SHA512}", "no SHA-256 value"),
        ("SHA-256", "malformed Digest header"),
        ("SHA-256=not*base64", "malformed Digest header"),
    ],
)
def test_legacy_digest_failures(value: str | None, reason: str) -> None:
    with pytest.raises(SignatureError, match=reason):
        verify_digest(value, b"other body")
