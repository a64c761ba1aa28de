"""RFC 9421 HTTP Message Signatures: the RFC's appendix B vectors, round trips, every rejection."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from fedinet.federation.signing import algorithms, http_rfc9421
from fedinet.federation.signing.http_message import HttpMessage, content_digest_header
from fedinet.federation.signing.http_rfc9421 import SignatureError

# --- RFC 9421 appendix B material, verbatim ('\' line wrapping per RFC 8792) ---------------

# B.1.1 test-key-rsa (PKCS#1)
TEST_KEY_RSA = """-----BEGIN RSA PRIVATE KEY-----
MIIEqAIBAAKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsP
BRrwWEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsd
JKFqMGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75
jfZgkne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKI
lE0PuKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZ
SFlQPSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQABAoIBAG/JZuSWdoVHbi56
vjgCgkjg3lkO1KrO3nrdm6nrgA9P9qaPjxuKoWaKO1cBQlE1pSWp/cKncYgD5WxE
CpAnRUXG2pG4zdkzCYzAh1i+c34L6oZoHsirK6oNcEnHveydfzJL5934egm6p8DW
+m1RQ70yUt4uRc0YSor+q1LGJvGQHReF0WmJBZHrhz5e63Pq7lE0gIwuBqL8SMaA
yRXtK+JGxZpImTq+NHvEWWCu09SCq0r838ceQI55SvzmTkwqtC+8AT2zFviMZkKR
Qo6SPsrqItxZWRty2izawTF0Bf5S2VAx7O+6t3wBsQ1sLptoSgX3QblELY5asI0J
YFz7LJECgYkAsqeUJmqXE3LP8tYoIjMIAKiTm9o6psPlc8CrLI9CH0UbuaA2JCOM
cCNq8SyYbTqgnWlB9ZfcAm/cFpA8tYci9m5vYK8HNxQr+8FS3Qo8N9RJ8d0U5Csw
DzMYfRghAfUGwmlWj5hp1pQzAuhwbOXFtxKHVsMPhz1IBtF9Y8jvgqgYHLbmyiu1
mwJ5AL0pYF0G7x81prlARURwHo0Yf52kEw1dxpx+JXER7hQRWQki5/NsUEtv+8RT
qn2m6qte5DXLyn83b1qRscSdnCCwKtKWUug5q2ZbwVOCJCtmRwmnP131lWRYfj67
B/xJ1ZA6X3GEf4sNReNAtaucPEelgR2nsN0gKQKBiGoqHWbK1qYvBxX2X3kbPDkv
9C+celgZd2PW7aGYLCHq7nPbmfDV0yHcWjOhXZ8jRMjmANVR/eLQ2EfsRLdW69bn
f3ZD7JS1fwGnO3exGmHO3HZG+6AvberKYVYNHahNFEw5TsAcQWDLRpkGybBcxqZo
81YCqlqidwfeO5YtlO7etx1xLyqa2NsCeG9A86UjG+aeNnXEIDk1PDK+EuiThIUa
/2IxKzJKWl1BKr2d4xAfR0ZnEYuRrbeDQYgTImOlfW6/GuYIxKYgEKCFHFqJATAG
IxHrq1PDOiSwXd2GmVVYyEmhZnbcp8CxaEMQoevxAta0ssMK3w6UsDtvUvYvF22m
qQKBiD5GwESzsFPy3Ga0MvZpn3D6EJQLgsnrtUPZx+z2Ep2x0xc5orneB5fGyF1P
WtP+fG5Q6Dpdz3LRfm+KwBCWFKQjg7uTxcjerhBWEYPmEMKYwTJF5PBG9/ddvHLQ
EQeNC8fHGg4UXU8mhHnSBt3EA10qQJfRDs15M38eG2cYwB1PZpDHScDnDA0=
-----END RSA PRIVATE KEY-----
"""

# B.1.2 test-key-rsa-pss (public half)
TEST_KEY_RSA_PSS_PUBLIC = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2
+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+
oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq
gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W
Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4
aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI
2wIDAQAB
-----END PUBLIC KEY-----
"""

# B.1.4 test-key-ed25519
TEST_KEY_ED25519 = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----
"""
TEST_KEY_ED25519_PUBLIC = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
"""

# B.2 test-request
TEST_REQUEST = r"""POST /foo?param=Value&Pet=dog HTTP/1.1
Host: example.com
Date: Tue, 20 Apr 2021 02:07:55 GMT
Content-Type: application/json
Content-Digest: sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+T\
  aPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
Content-Length: 18

{"hello": "world"}"""

CREATED = datetime.fromtimestamp(1618884473, UTC)

# B.2.1 minimal signature using rsa-pss-sha512
B21_BASE = r'''"@signature-params": ();created=1618884473;keyid="test-key-rsa-pss"\
  ;nonce="b3k2pp5k7z-50gnwp.yemd"'''
B21_HEADERS = r"""Signature-Input: sig-b21=();created=1618884473\
  ;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"
Signature: sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopem\
  LJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG\
  52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx\
  2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6\
  UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3\
  +7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:"""

# B.2.2 selective covered components (uses @query-param, which we do not support)
B22_HEADERS = r"""Signature-Input: sig-b22=("@authority" "content-digest" \
  "@query-param";name="Pet");created=1618884473\
  ;keyid="test-key-rsa-pss";tag="header-example"
Signature: sig-b22=:LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQ\
  EdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7KT8UCMkSowOB4+ECxCmT\
  8rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/2YyFYXEu4TRJQzRw1rLEuEfY17SA\
  RYhpTlaqwZVtR8NV7+4UKkjqpcAoFqWFQh62s7Cl+H2fjBSpqfZUJcsIk4N6wiKYd\
  4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//0RoK\
  UqiYY8Bh0aaUEb0rQl3/XaVe4bXTugEjHSw==:"""

# B.2.3 full coverage using rsa-pss-sha512
B23_BASE = r'''"date": Tue, 20 Apr 2021 02:07:55 GMT
"@method": POST
"@path": /foo
"@query": ?param=Value&Pet=dog
"@authority": example.com
"content-type": application/json
"content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX\
  +TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
"content-length": 18
"@signature-params": ("date" "@method" "@path" "@query" \
  "@authority" "content-type" "content-digest" "content-length")\
  ;created=1618884473;keyid="test-key-rsa-pss"'''
B23_HEADERS = r"""Signature-Input: sig-b23=("date" "@method" "@path" "@query" \
  "@authority" "content-type" "content-digest" "content-length")\
  ;created=1618884473;keyid="test-key-rsa-pss"
Signature: sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yB\
  iMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fU\
  xN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1\
  pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9\
  bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5Z\
  JzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==:"""

# B.2.6 signing a request using ed25519 (deterministic: must match byte for byte)
B26_BASE = r'''"date": Tue, 20 Apr 2021 02:07:55 GMT
"@method": POST
"@path": /foo
"@authority": example.com
"content-type": application/json
"content-length": 18
"@signature-params": ("date" "@method" "@path" "@authority" \
  "content-type" "content-length");created=1618884473\
  ;keyid="test-key-ed25519"'''
B26_HEADERS = r"""Signature-Input: sig-b26=("date" "@method" "@path" "@authority" \
  "content-type" "content-length");created=1618884473\
  ;keyid="test-key-ed25519"
Signature: sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1\
  u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:"""

# Section 3.2 (verifying a signature): test-request signed with test-key-rsa-pss, no `alg`.
SECTION_3_2_HEADERS = r"""Signature-Input: sig1=("@method" "@authority" "@path" \
  "content-digest" "content-length" "content-type")\
  ;created=1618884473;keyid="test-key-rsa-pss"
Signature: sig1=:HIbjHC5rS0BYaa9v4QfD4193TORw7u9edguPh0AW3dMq9WImrl\
  FrCGUDih47vAxi4L2YRZ3XMJc1uOKk/J0ZmZ+wcta4nKIgBkKq0rM9hs3CQyxXGxH\
  LMCy8uqK488o+9jrptQ+xFPHK7a9sRL1IXNaagCNN3ZxJsYapFj+JXbmaI5rtAdSf\
  SvzPuBCh+ARHBmWuNo1UzVVdHXrl8ePL4cccqlazIJdC4QEjrF+Sn4IxBQzTZsL9y\
  9TP5FsZYzHvDqbInkTNigBcE9cKOYNFCn4D/WM7F6TNuZO9EgtzepLWcjTymlHzK7\
  aXq6Am6sfOrpIC49yXjj3ae6HRalVc/g==:"""

# Section 4.3 (multiple signatures): the proxy's rsa-v1_5-sha256 signature with test-key-rsa.
PROXY_REQUEST = r"""POST /foo?param=Value&Pet=dog HTTP/1.1
Host: origin.host.internal.example
Date: Tue, 20 Apr 2021 02:07:56 GMT
Content-Type: application/json
Content-Length: 18
Forwarded: for=192.0.2.123;host=example.com;proto=https
Content-Digest: sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+T\
  aPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
Signature-Input: sig1=("@method" "@authority" "@path" \
    "content-digest" "content-type" "content-length")\
    ;created=1618884475;keyid="test-key-ecc-p256", \
  proxy_sig=("@method" "@authority" "@path" "content-digest" \
    "content-type" "content-length" "forwarded")\
    ;created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256"\
    ;expires=1618884540
Signature: sig1=:X5spyd6CFnAG5QnDyHfqoSNICd+BUP4LYMz2Q0JXlb//4Ijpzp\
    +kve2w4NIyqeAuM7jTDX+sNalzA8ESSaHD3A==:, \
  proxy_sig=:S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/fRad4BCaRZxP+\
    JH+8XY1I6+8Cy+CM5g92iHgxtRPz+MjniOaYmdkDcnL9cCpXJleXsOckpURl49G\
    wiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+Pu68U9vVcasqOWAEObtNKKZd8tSFu7\
    LB5YAv0RAGhB8tmpv7sFnIm9y+7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnrtf\
    lzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/vfJvye+YuI87HU38lZHowtznbL\
    Vdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==:

{"hello": "world"}"""
PROXY_BASE = r""""@method": POST
"@authority": origin.host.internal.example
"@path": /foo
"content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX\
  +TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
"content-type": application/json
"content-length": 18
"forwarded": for=192.0.2.123;host=example.com;proto=https
"@signature-params": ("@method" "@authority" "@path" \
  "content-digest" "content-type" "content-length" "forwarded")\
  ;created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256"\
  ;expires=1618884540"""


def _unfold(text: str) -> str:
    """Undo RFC 8792 single-backslash line wrapping."""
    return re.sub(r"\\\n[ \t]*", "", text)


def _request(text: str) -> HttpMessage:
    """An HttpMessage from an RFC http-message block, taken to arrive over HTTPS."""
    head, _, body = _unfold(text).partition("\n\n")
    request_line, *lines = head.split("\n")
    method, target, _ = request_line.split(" ")
    headers = [tuple(line.split(": ", 1)) for line in lines]
    host = next(value for name, value in headers if name == "Host")
    return HttpMessage(method, f"https://{host}{target}", headers, body.encode())  # type: ignore[arg-type]


def _with_rfc_headers(msg: HttpMessage, text: str) -> HttpMessage:
    pairs = (line.split(": ", 1) for line in _unfold(text).split("\n"))
    return msg.with_headers(dict(pairs))


def _pem_private(text: str) -> algorithms.PrivateKey:
    key = serialization.load_pem_private_key(text.encode(), password=None)
    assert isinstance(key, (rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey))
    return key


def _pem_public(text: str) -> algorithms.PublicKey:
    key = serialization.load_pem_public_key(text.encode())
    assert isinstance(key, (rsa.RSAPublicKey, ed25519.Ed25519PublicKey))
    return key


# --- published vectors ----------------------------------------------------------------------


def test_b26_ed25519_signature_is_reproduced_exactly() -> None:
    msg = _with_rfc_headers(_request(TEST_REQUEST), B26_HEADERS)
    parsed = http_rfc9421.parse_signature(msg)
    assert parsed.label == "sig-b26"
    assert parsed.key_id == "test-key-ed25519"
    assert http_rfc9421.signature_base(msg, parsed.components, parsed.params) == _unfold(B26_BASE)
    headers = http_rfc9421.create_signature(
        _request(TEST_REQUEST),
        parsed.components,
        parsed.params,
        _pem_private(TEST_KEY_ED25519),
        "sig-b26",
    )
    expected = dict(line.split(": ", 1) for line in _unfold(B26_HEADERS).split("\n"))
    assert headers == expected
    data = _unfold(B26_BASE).encode()
    assert algorithms.verify(
        _pem_public(TEST_KEY_ED25519_PUBLIC), "ed25519", data, parsed.signature
    )
    # The vector does not cover content-digest, which our policy requires on requests with a body.
    with pytest.raises(SignatureError, match="does not cover content-digest"):
        http_rfc9421.verify(msg, parsed, _pem_public(TEST_KEY_ED25519_PUBLIC), CREATED)


def test_b23_full_coverage_rsa_pss_verifies() -> None:
    msg = _with_rfc_headers(_request(TEST_REQUEST), B23_HEADERS)
    parsed = http_rfc9421.parse_signature(msg, "sig-b23")
    assert parsed.alg is None
    assert http_rfc9421.signature_base(msg, parsed.components, parsed.params) == _unfold(B23_BASE)
    public = _pem_public(TEST_KEY_RSA_PSS_PUBLIC)
    http_rfc9421.verify(msg, parsed, public, CREATED + timedelta(seconds=30))
    with pytest.raises(SignatureError, match="Content-Digest does not match"):
        tampered = HttpMessage(msg.method, msg.url, msg.headers, b'{"hello": "there"}')
        http_rfc9421.verify(tampered, parsed, public, CREATED)


def test_section_3_2_example_verifies_without_alg() -> None:
    msg = _with_rfc_headers(_request(TEST_REQUEST), SECTION_3_2_HEADERS)
    parsed = http_rfc9421.parse_signature(msg)
    http_rfc9421.verify(msg, parsed, _pem_public(TEST_KEY_RSA_PSS_PUBLIC), CREATED)
    with pytest.raises(SignatureError, match="signature does not match"):
        http_rfc9421.verify(msg, parsed, _pem_public(TEST_KEY_ED25519_PUBLIC), CREATED)


def test_b21_minimal_signature_base_and_value() -> None:
    msg = _with_rfc_headers(_request(TEST_REQUEST), B21_HEADERS)
    parsed = http_rfc9421.parse_signature(msg)
    assert parsed.components == ()
    assert parsed.params["nonce"] == "b3k2pp5k7z-50gnwp.yemd"
    base = http_rfc9421.signature_base(msg, parsed.components, parsed.params)
    assert base == _unfold(B21_BASE)
    public = _pem_public(TEST_KEY_RSA_PSS_PUBLIC)
    assert algorithms.verify(public, "rsa-pss-sha512", base.encode(), parsed.signature)
    with pytest.raises(SignatureError, match="does not cover @method"):
        http_rfc9421.verify(msg, parsed, public, CREATED)


def test_b22_query_param_component_is_rejected() -> None:
    msg = _with_rfc_headers(_request(TEST_REQUEST), B22_HEADERS)
    with pytest.raises(SignatureError, match="component parameters are not supported"):
        http_rfc9421.parse_signature(msg)


def test_proxy_rsa_v1_5_sha256_signature_is_reproduced_and_verifies() -> None:
    msg = _request(PROXY_REQUEST)
    parsed = http_rfc9421.parse_signature(msg, "proxy_sig")
    assert parsed.alg == "rsa-v1_5-sha256"
    assert (parsed.created, parsed.expires) == (1618884480, 1618884540)
    assert http_rfc9421.signature_base(msg, parsed.components, parsed.params) == _unfold(PROXY_BASE)
    key = _pem_private(TEST_KEY_RSA)
    produced = http_rfc9421.create_signature(
        msg, parsed.components, parsed.params, key, "proxy_sig"
    )
    assert (
        produced["Signature"] == "proxy_sig=:" + base64.b64encode(parsed.signature).decode() + ":"
    )
    signed_at = datetime.fromtimestamp(1618884480, UTC)
    http_rfc9421.verify(msg, parsed, key.public_key(), signed_at + timedelta(seconds=10))
    with pytest.raises(SignatureError, match="signature expired"):
        http_rfc9421.verify(msg, parsed, key.public_key(), signed_at + timedelta(seconds=61))
    # The first label is the client's ecdsa-p256 signature, which this server cannot check.
    assert http_rfc9421.parse_signature(msg).key_id == "test-key-ecc-p256"


# --- round trips ----------------------------------------------------------------------------

KEY_ID = "https://a.example/users/alice#main-key"
INBOX = "https://b.example/users/bob/inbox"
BODY = b'{"type":"Like","actor":"https://a.example/users/alice"}'


def _post(body: bytes = BODY, url: str = INBOX) -> HttpMessage:
    return HttpMessage("POST", url, {"Content-Type": "application/activity+json"}, body)


def _signed(msg: HttpMessage, key: algorithms.PrivateKey, now: datetime) -> HttpMessage:
    return msg.with_headers(http_rfc9421.sign_request(msg, KEY_ID, key, now))


def _verify(msg: HttpMessage, key: algorithms.PrivateKey, now: datetime) -> None:
    http_rfc9421.verify(msg, http_rfc9421.parse_signature(msg), key.public_key(), now)


def test_post_round_trip_with_rsa(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    added = http_rfc9421.sign_request(_post(), KEY_ID, rsa_key, now)
    assert set(added) == {"Content-Digest", "Signature-Input", "Signature"}
    assert added["Content-Digest"] == content_digest_header(BODY)
    assert added["Signature-Input"] == (
        'sig1=("@method" "@target-uri" "content-digest" "content-type")'
        f';created={int(now.timestamp())};keyid="{KEY_ID}";alg="rsa-v1_5-sha256"'
    )
    signed = _post().with_headers(added)
    assert http_rfc9421.signature_key_id(signed) == KEY_ID
    _verify(signed, rsa_key, now + timedelta(minutes=59))


def test_get_round_trip_with_ed25519(ed_key: ed25519.Ed25519PrivateKey, now: datetime) -> None:
    msg = HttpMessage("GET", "https://b.example/users/bob?page=1")
    added = http_rfc9421.sign_request(msg, KEY_ID, ed_key, now, label="fedinet")
    assert set(added) == {"Signature-Input", "Signature"}
    signed = msg.with_headers(added)
    parsed = http_rfc9421.parse_signature(signed, "fedinet")
    assert parsed.components == ("@method", "@target-uri")
    assert parsed.alg == "ed25519"
    _verify(signed, ed_key, now)


def test_rsa_pss_round_trip_via_create_signature(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    msg = _post().with_headers({"Content-Digest": content_digest_header(BODY)})
    params: dict[str, int | str] = {
        "created": int(now.timestamp()),
        "keyid": KEY_ID,
        "alg": "rsa-pss-sha512",
    }
    signed = msg.with_headers(
        http_rfc9421.create_signature(
            msg, ("@method", "@authority", "@path", "content-digest"), params, rsa_key
        )
    )
    _verify(signed, rsa_key, now)


# --- rejections -----------------------------------------------------------------------------


def test_wrong_key(
    rsa_key: rsa.RSAPrivateKey, other_rsa_key: rsa.RSAPrivateKey, now: datetime
) -> None:
    with pytest.raises(SignatureError, match="signature does not match"):
        _verify(_signed(_post(), rsa_key, now), other_rsa_key, now)


@pytest.mark.parametrize(
    ("offset", "reason"), [(-2, "created time is too old"), (2, "too far in the future")]
)
def test_created_outside_the_window(
    rsa_key: rsa.RSAPrivateKey, now: datetime, offset: int, reason: str
) -> None:
    signed = _signed(_post(), rsa_key, now + timedelta(hours=offset))
    with pytest.raises(SignatureError, match=reason):
        _verify(signed, rsa_key, now)


def test_expired(ed_key: ed25519.Ed25519PrivateKey, now: datetime) -> None:
    msg = HttpMessage("GET", INBOX)
    stamp = int(now.timestamp())
    params: dict[str, int | str] = {"created": stamp - 60, "expires": stamp, "keyid": KEY_ID}
    signed = msg.with_headers(
        http_rfc9421.create_signature(msg, ("@method", "@target-uri"), params, ed_key)
    )
    _verify(signed, ed_key, now - timedelta(seconds=1))
    with pytest.raises(SignatureError, match="signature expired"):
        _verify(signed, ed_key, now)


def test_modified_body_with_old_digest(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    signed = _signed(_post(), rsa_key, now)
    tampered = HttpMessage("POST", INBOX, signed.headers, BODY.replace(b"Like", b"Undo"))
    with pytest.raises(SignatureError, match="Content-Digest does not match the body"):
        _verify(tampered, rsa_key, now)


def test_modified_body_with_recomputed_digest(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    signed = _signed(_post(), rsa_key, now)
    body = BODY.replace(b"Like", b"Undo")
    tampered = HttpMessage("POST", INBOX, signed.headers, body).with_headers(
        {"Content-Digest": content_digest_header(body)}
    )
    with pytest.raises(SignatureError, match="signature does not match"):
        _verify(tampered, rsa_key, now)


@pytest.mark.parametrize(
    "url", ["https://b.example/users/carol/inbox", "https://c.example/users/bob/inbox"]
)
def test_replay_to_another_inbox_or_host(
    rsa_key: rsa.RSAPrivateKey, now: datetime, url: str
) -> None:
    signed = _signed(_post(), rsa_key, now)
    with pytest.raises(SignatureError, match="signature does not match"):
        _verify(HttpMessage("POST", url, signed.headers, BODY), rsa_key, now)


@pytest.mark.parametrize(
    ("components", "params", "reason"),
    [
        (("@target-uri", "content-digest"), {"created": 0}, "does not cover @method"),
        (
            ("@method", "@path", "content-digest"),
            {"created": 0},
            "neither @target-uri nor @authority and @path",
        ),
        (("@method", "@target-uri"), {"created": 0}, "does not cover content-digest"),
        (("@method", "@target-uri", "content-digest"), {}, "has no created parameter"),
    ],
)
def test_missing_required_components(
    ed_key: ed25519.Ed25519PrivateKey,
    now: datetime,
    components: tuple[str, ...],
    params: dict[str, int],
    reason: str,
) -> None:
    msg = _post().with_headers({"Content-Digest": content_digest_header(BODY)})
    full = {key: int(now.timestamp()) for key in params} | {"keyid": KEY_ID}
    signed = msg.with_headers(http_rfc9421.create_signature(msg, components, full, ed_key))
    with pytest.raises(SignatureError, match=reason):
        _verify(signed, ed_key, now)


def test_covered_header_missing_from_request(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    signed = _signed(_post(), rsa_key, now)
    stripped = HttpMessage(
        "POST", INBOX, {k: v for k, v in signed.headers.items() if k != "Content-Type"}, BODY
    )
    with pytest.raises(SignatureError, match="covered header 'content-type' is missing"):
        _verify(stripped, rsa_key, now)


def _forged(
    now: datetime, components: str = '"@method" "@target-uri"', extra: str = ""
) -> HttpMessage:
    """A GET whose signature parameters are written by hand (the signature bytes are junk)."""
    created = int(now.timestamp())
    return HttpMessage(
        "GET",
        INBOX,
        {
            "Signature-Input": f'sig1=({components});created={created};keyid="{KEY_ID}"{extra}',
            "Signature": "sig1=:" + base64.b64encode(b"\1" * 64).decode() + ":",
        },
    )


def test_unknown_algorithm(ed_key: ed25519.Ed25519PrivateKey, now: datetime) -> None:
    with pytest.raises(SignatureError, match="unsupported algorithm 'hmac-sha256'"):
        _verify(_forged(now, extra=';alg="hmac-sha256"'), ed_key, now)


def test_algorithm_not_matching_the_key(rsa_key: rsa.RSAPrivateKey, now: datetime) -> None:
    with pytest.raises(SignatureError, match="does not match the key type"):
        _verify(_forged(now, extra=';alg="ed25519"'), rsa_key, now)


def test_unsupported_derived_component(ed_key: ed25519.Ed25519PrivateKey, now: datetime) -> None:
    with pytest.raises(SignatureError, match="unsupported derived component @status"):
        _verify(_forged(now, '"@method" "@target-uri" "@status"'), ed_key, now)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Signature": "sig1=:AAAA:"}, "no Signature-Input header"),
        ({"Signature-Input": 'sig1=();keyid="k"'}, "no Signature header"),
        (
            {"Signature-Input": "sig1=(", "Signature": "sig1=:AAAA:"},
            "malformed Signature-Input header",
        ),
        (
            {"Signature-Input": 'sig1=();keyid="k"', "Signature": "sig1=:AA"},
            "malformed Signature header",
        ),
        (
            {"Signature-Input": 'sig1=();keyid="k"', "Signature": "sig2=:AAAA:"},
            "no label appears in both",
        ),
        ({"Signature-Input": 'sig1="x"', "Signature": "sig1=:AAAA:"}, "not an inner list"),
        ({"Signature-Input": 'sig1=();keyid="k"', "Signature": "sig1=1"}, "not a byte sequence"),
        ({"Signature-Input": "sig1=();created=1", "Signature": "sig1=:AAAA:"}, "has no keyid"),
        (
            {"Signature-Input": 'sig1=();keyid="k";created="1"', "Signature": "sig1=:AAAA:"},
            "must be a UNIX timestamp",
        ),
        (
            {"Signature-Input": "sig1=();keyid=k", "Signature": "sig1=:AAAA:"},
            "keyid must be a string",
        ),
        (
            {"Signature-Input": 'sig1=(method);keyid="k"', "Signature": "sig1=:AAAA:"},
            "must be strings",
        ),
        (
            {"Signature-Input": 'sig1=("a" "a");keyid="k"', "Signature": "sig1=:AAAA:"},
            "may not be covered",
        ),
        (
            {"Signature-Input": 'sig1=("@signature-params");keyid="k"', "Signature": "sig1=:AAAA:"},
            "may not be covered",
        ),
    ],
)
def test_malformed_signature_headers(headers: dict[str, str], reason: str) -> None:
    with pytest.raises(SignatureError, match=reason):
        http_rfc9421.parse_signature(HttpMessage("GET", INBOX, headers))


def test_unknown_label() -> None:
    msg = HttpMessage("GET", INBOX, {"Signature-Input": 'a=();keyid="k"', "Signature": "a=:AAAA:"})
    with pytest.raises(SignatureError, match="signature 'b' not found"):
        http_rfc9421.parse_signature(msg, "b")


def test_naive_now_is_refused(ed_key: ed25519.Ed25519PrivateKey, now: datetime) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        http_rfc9421.sign_request(_post(), KEY_ID, ed_key, now.replace(tzinfo=None))
