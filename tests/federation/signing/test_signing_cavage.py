"""draft-cavage-http-signatures-12: round trips, the draft's test vector, every rejection."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from fedinet.federation.signing import algorithms, http_cavage
from fedinet.federation.signing.http_cavage import SignatureError
from fedinet.federation.signing.http_message import HttpMessage, digest_header

KEY_ID = "https://a.example/users/alice#main-key"
INBOX = "https://b.example/users/bob/inbox"
BODY = b'{"type":"Follow","actor":"https://a.example/users/alice"}'

# draft-cavage-http-signatures-12, appendix C: the "Test" key and the C.2 Basic Test.
DRAFT_TEST_KEY = """-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----
"""
DRAFT_BASIC_SIGNATURE = (
    "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3"
    "HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="
)


def _post(body: bytes = BODY, url: str = INBOX) -> HttpMessage:
    return HttpMessage("POST", url, {"Content-Type": "application/activity+json"}, body)


def _signed(
    msg: HttpMessage, key: algorithms.PrivateKey, now: datetime, **kwargs: str
) -> HttpMessage:
    return msg.with_headers(http_cavage.sign_request(msg, KEY_ID, key, now, **kwargs))


def _verify(msg: HttpMessage, key: algorithms.PrivateKey, now: datetime) -> None:
    http_cavage.verify(msg, http_cavage.extract_signature(msg), key.public_key(), now)


def _hand_signed(
    msg: HttpMessage,
    key: algorithms.PrivateKey,
    headers: str,
    *,
    algorithm: str = "hs2019",
    created: int | None = None,
    expires: int | None = None,
) -> HttpMessage:
    """Sign with arbitrary parameters, to build requests `sign_request` would never produce."""
    data = http_cavage.signing_string(msg, tuple(headers.split()), created=created, expires=expires)
    primitive = algorithms.algorithm_for_key(key)
    signature = base64.b64encode(algorithms.sign(key, primitive, data.encode())).decode()
    value = f'keyId="{KEY_ID}",algorithm="{algorithm}",headers="{headers}",signature="{signature}"'
    if created is not None:
        value += f",created={created}"
    if expires is not None:
        value += f",expires={expires}"
    return msg.with_headers({"Signature": value})


def _with_date(msg: HttpMessage, now: datetime) -> HttpMessage:
    return msg.with_headers(
        {
            "Host": msg.authority,
            "Date": format_datetime(now, usegmt=True),
            "Digest": digest_header(msg.body),
        }
    )


def test_post_round_trip(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    added = http_cavage.sign_request(_post(), KEY_ID, rsa_key, now)
    assert set(added) == {"Host", "Date", "Digest", "Signature"}
    assert added["Host"] == "b.example"
    assert added["Date"] == "Wed, 01 May 2024 12:00:00 GMT"
    signed = _post().with_headers(added)
    parsed = http_cavage.extract_signature(signed)
    assert parsed.key_id == KEY_ID
    assert parsed.algorithm == "rsa-sha256"
    assert parsed.headers == ("(request-target)", "host", "date", "digest", "content-type")
    assert http_cavage.signature_key_id(signed) == KEY_ID
    http_cavage.verify(signed, parsed, rsa_key.public_key(), now + timedelta(minutes=59))


def test_get_round_trip_covers_accept(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    msg = HttpMessage("GET", "https://b.example/users/bob", {"Accept": "application/activity+json"})
    added = http_cavage.sign_request(msg, KEY_ID, rsa_key, now)
    assert "Digest" not in added
    signed = msg.with_headers(added)
    assert http_cavage.extract_signature(signed).headers == (
        "(request-target)",
        "host",
        "date",
        "accept",
    )
    _verify(signed, rsa_key, now)


def test_hs2019_with_ed25519_and_rsa_keys(
    rsa_key: rsa.RSAPrivateKey, ed_key: ed25519.Ed25519PrivateKey, now: datetime
) -> None:
    for key, kwargs in ((ed_key, {}), (rsa_key, {"algorithm": "hs2019"})):
        signed = _signed(_post(), key, now, **kwargs)
        assert http_cavage.extract_signature(signed).algorithm == "hs2019"
        _verify(signed, key, now)


def test_existing_host_and_date_are_kept(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    msg = _post().with_headers({"Host": "B.example", "Date": format_datetime(now, usegmt=True)})
    added = http_cavage.sign_request(msg, KEY_ID, rsa_key, now)
    assert set(added) == {"Digest", "Signature"}
    _verify(msg.with_headers(added), rsa_key, now)


def test_authorization_header_form_is_accepted(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    signed = _signed(_post(), rsa_key, now)
    value = signed.header("signature")
    assert value is not None
    moved = HttpMessage(
        "POST",
        INBOX,
        {
            **{k: v for k, v in signed.headers.items() if k != "Signature"},
            "Authorization": f"Signature {value}",
        },
        BODY,
    )
    _verify(moved, rsa_key, now)


def test_hs2019_may_use_created_instead_of_date(
    ed_key: ed25519.Ed25519PrivateKey, now: datetime
) -> None:
    msg = _post().with_headers({"Host": "b.example", "Digest": digest_header(BODY)})
    created = int(now.timestamp())
    signed = _hand_signed(msg, ed_key, "(request-target) (created) host digest", created=created)
    _verify(signed, ed_key, now)


def test_draft_basic_test_vector() -> None:
    """Appendix C.2: signing string and signature reproduce; our policy still wants `digest`."""
    key = serialization.load_pem_private_key(DRAFT_TEST_KEY.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    msg = HttpMessage(
        "POST",
        "http://example.com/foo?param=value&pet=dog",
        {
            "Host": "example.com",
            "Date": "Sun, 05 Jan 2014 21:31:40 GMT",
            "Content-Type": "application/json",
            "Digest": "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
            "Content-Length": "18",
            "Signature": 'keyId="Test",algorithm="rsa-sha256",'
            f'headers="(request-target) host date",signature="{DRAFT_BASIC_SIGNATURE}"',
        },
        b'{"hello": "world"}',
    )
    parsed = http_cavage.extract_signature(msg)
    data = http_cavage.signing_string(msg, parsed.headers)
    assert data == (
        "(request-target): post /foo?param=value&pet=dog\n"
        "host: example.com\n"
        "date: Sun, 05 Jan 2014 21:31:40 GMT"
    )
    assert algorithms.sign(key, algorithms.RSA_V1_5_SHA256, data.encode()) == parsed.signature
    assert algorithms.verify(
        key.public_key(), algorithms.RSA_V1_5_SHA256, data.encode(), parsed.signature
    )
    when = datetime(2014, 1, 5, 21, 31, 40, tzinfo=UTC)
    with pytest.raises(SignatureError, match="does not cover digest"):
        http_cavage.verify(msg, parsed, key.public_key(), when)
    as_get = HttpMessage("GET", msg.url, {k: v for k, v in msg.headers.items()})
    with pytest.raises(SignatureError, match="signature does not match"):
        http_cavage.verify(as_get, parsed, key.public_key(), when)


def test_wrong_key_is_rejected(
    rsa_key: rsa.RSAPrivateKey, other_rsa_key: rsa.RSAPrivateKey, now: datetime
) -> None:
    with pytest.raises(SignatureError, match="signature does not match"):
        _verify(_signed(_post(), rsa_key, now), other_rsa_key, now)


@pytest.mark.parametrize(
    ("offset", "reason"), [(-2, "Date header is too old"), (2, "too far in the future")]
)
def test_date_outside_the_window(
    rsa_key: rsa.RSAPrivateKey, now: datetime, offset: int, reason: str
) -> None:
    signed = _signed(_post(), rsa_key, now + timedelta(hours=offset))
    with pytest.raises(SignatureError, match=reason):
        _verify(signed, rsa_key, now)


def test_window_is_configurable(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    signed = _signed(_post(), rsa_key, now - timedelta(minutes=10))
    parsed = http_cavage.extract_signature(signed)
    with pytest.raises(SignatureError, match="too old"):
        http_cavage.verify(signed, parsed, rsa_key.public_key(), now, window=timedelta(minutes=5))


def test_modified_body_with_old_digest(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    signed = _signed(_post(), rsa_key, now)
    tampered = HttpMessage("POST", INBOX, signed.headers, BODY.replace(b"Follow", b"Block"))
    with pytest.raises(SignatureError, match="Digest does not match the body"):
        _verify(tampered, rsa_key, now)


def test_modified_body_with_recomputed_digest(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    signed = _signed(_post(), rsa_key, now)
    body = BODY.replace(b"Follow", b"Block")
    tampered = HttpMessage("POST", INBOX, signed.headers, body).with_headers(
        {"Digest": digest_header(body)}
    )
    with pytest.raises(SignatureError, match="signature does not match"):
        _verify(tampered, rsa_key, now)


def test_replay_to_another_inbox(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    signed = _signed(_post(), rsa_key, now)
    replayed = HttpMessage("POST", "https://b.example/users/carol/inbox", signed.headers, BODY)
    with pytest.raises(SignatureError, match="signature does not match"):
        _verify(replayed, rsa_key, now)


def test_replay_to_another_host(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    signed = _signed(_post(), rsa_key, now)
    replayed = HttpMessage("POST", "https://c.example/users/bob/inbox", signed.headers, BODY)
    with pytest.raises(SignatureError, match="Host header does not match"):
        _verify(replayed, rsa_key, now)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("host date digest", "does not cover (request-target)"),
        ("(request-target) date digest", "does not cover host"),
        ("(request-target) host digest", "covers neither date nor (created)"),
        ("(request-target) host date", "does not cover digest"),
    ],
)
def test_missing_required_components(
    rsa_key: rsa.RSAPrivateKey, now: datetime, headers: str, reason: str
) -> None:
    signed = _hand_signed(_with_date(_post(), now), rsa_key, headers, algorithm="rsa-sha256")
    with pytest.raises(SignatureError, match=re.escape(reason)):
        _verify(signed, rsa_key, now)


def test_signed_header_missing_from_request(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    signed = _signed(_post(), rsa_key, now)
    stripped = HttpMessage(
        "POST", INBOX, {k: v for k, v in signed.headers.items() if k != "Content-Type"}, BODY
    )
    with pytest.raises(SignatureError, match="signed header 'content-type' is missing"):
        _verify(stripped, rsa_key, now)


def test_unknown_algorithm(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    signed = _hand_signed(
        _with_date(_post(), now),
        rsa_key,
        "(request-target) host date digest",
        algorithm="hmac-sha256",
    )
    with pytest.raises(SignatureError, match="unsupported algorithm 'hmac-sha256'"):
        _verify(signed, rsa_key, now)


def test_rsa_sha256_label_with_an_ed25519_key(
    ed_key: ed25519.Ed25519PrivateKey, now: datetime
) -> None:
    signed = _hand_signed(
        _with_date(_post(), now),
        ed_key,
        "(request-target) host date digest",
        algorithm="rsa-sha256",
    )
    with pytest.raises(SignatureError, match="rsa-sha256 needs an RSA key"):
        _verify(signed, ed_key, now)
    with pytest.raises(SignatureError, match="rsa-sha256 needs an RSA key"):
        http_cavage.sign_request(_post(), KEY_ID, ed_key, now, algorithm="rsa-sha256")


def test_expired_signature(ed_key: ed25519.Ed25519PrivateKey, now: datetime) -> None:
    stamp = int(now.timestamp())
    signed = _hand_signed(
        _with_date(_post(), now),
        ed_key,
        "(request-target) host date digest (expires)",
        created=stamp - 60,
        expires=stamp - 1,
    )
    with pytest.raises(SignatureError, match="signature expired"):
        _verify(signed, ed_key, now)


def test_created_in_the_future(ed_key: ed25519.Ed25519PrivateKey, now: datetime) -> None:
    later = int((now + timedelta(hours=2)).timestamp())
    signed = _hand_signed(
        _with_date(_post(), now), ed_key, "(request-target) (created) host digest", created=later
    )
    with pytest.raises(SignatureError, match="created time is too far in the future"):
        _verify(signed, ed_key, now)


def test_created_only_with_hs2019(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    signed = _hand_signed(
        _with_date(_post(), now),
        rsa_key,
        "(request-target) (created) host date digest",
        algorithm="rsa-sha256",
        created=int(now.timestamp()),
    )
    with pytest.raises(SignatureError, match="only allowed with hs2019"):
        _verify(signed, rsa_key, now)


def test_malformed_date_header(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    msg = _with_date(_post(), now).with_headers({"Date": "yesterday"})
    signed = _hand_signed(msg, rsa_key, "(request-target) host date digest", algorithm="rsa-sha256")
    with pytest.raises(SignatureError, match="malformed Date header"):
        _verify(signed, rsa_key, now)


def test_request_without_signature() -> None:
    with pytest.raises(SignatureError, match="request has no Signature header"):
        http_cavage.extract_signature(_post().with_headers({"Authorization": "Bearer x"}))


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ('algorithm="rsa-sha256",signature="AAAA"', "has no keyId"),
        ('keyId="k",headers="date"', "has no signature"),
        ('keyId="k",signature="not base64!"', "not valid base64"),
        ('keyId="k",keyId="j",signature="AAAA"', "duplicate 'keyId'"),
        ('keyId="k",signature="AAAA",created=soon', "malformed Signature header"),
        ('keyId="k",signature="AAAA",created="12x"', "created is not a valid timestamp"),
        ('keyId="k" signature="AAAA"', "malformed Signature header"),
        ("garbage", "malformed Signature header"),
    ],
)
def test_malformed_signature_headers(value: str, reason: str) -> None:
    with pytest.raises(SignatureError, match=reason):
        http_cavage.parse_signature_header(value)


def test_parse_defaults_and_optional_fields() -> None:
    parsed = http_cavage.parse_signature_header(
        ' keyId="k", signature="AAAA", created=1402170695, expires="1402170699", extra="ignored",'
    )
    assert parsed.headers == ("(created)",)
    assert parsed.algorithm is None
    assert (parsed.created, parsed.expires) == (1402170695, 1402170699)
    assert parsed.signature == b"\0\0\0"


def test_naive_now_is_refused(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        http_cavage.sign_request(_post(), KEY_ID, rsa_key, now.replace(tzinfo=None))


def test_inbound_aiohttp_request(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    """An aiohttp request becomes an HttpMessage from the public URL, its headers and body."""
    from aiohttp.test_utils import make_mocked_request

    signed = _signed(_post(), rsa_key, now)
    request = make_mocked_request("POST", "/users/bob/inbox", headers=signed.headers)
    inbound = HttpMessage(
        request.method, f"https://{request.host}{request.raw_path}", request.headers, BODY
    )
    _verify(inbound, rsa_key, now)
