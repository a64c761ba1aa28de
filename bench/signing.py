"""Throughput of the signing package: what bounds outgoing deliveries and inbox verification.

Usage: python bench/signing.py [--seconds S]
Prints operations per second (single core) for HTTP signatures and object proofs.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from fedinet.clock import utc_now
from fedinet.federation.signing import http_cavage, http_rfc9421, proofs
from fedinet.federation.signing.http_message import HttpMessage
from fedinet.federation.signing.keys import (
    generate_ed25519_keypair,
    generate_rsa_keypair,
    load_private_key,
)

NOTE = {
    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v1"],
    "id": "https://a.example/users/alice/statuses/1",
    "type": "Note",
    "attributedTo": "https://a.example/users/alice",
    "content": "<p>" + "Looking for an SEO consultant who has worked with B2B SaaS. " * 30 + "</p>",
    "to": ["https://www.w3.org/ns/activitystreams#Public"],
}


def rate(name: str, operation: Callable[[], object], seconds: float) -> None:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        operation()
        count += 1
    print(f"{name:<36} {count / elapsed:9.0f} /s   {elapsed / count * 1e6:8.1f} µs")


def main(seconds: float) -> None:
    rsa_private = load_private_key(generate_rsa_keypair().private_pem)
    ed_private = load_private_key(generate_ed25519_keypair().private_pem)
    body = json.dumps({"type": "Create", "object": NOTE}).encode()
    message = HttpMessage(
        "POST", "https://b.example/inbox", {"Content-Type": "application/activity+json"}, body
    )
    now = utc_now()
    key_id = "https://a.example/users/alice#main-key"

    cavage_headers = http_cavage.sign_request(message, key_id, rsa_private, now)
    cavage_signed = message.with_headers(cavage_headers)
    cavage_parsed = http_cavage.extract_signature(cavage_signed)
    rfc_headers = http_rfc9421.sign_request(message, key_id, rsa_private, now)
    rfc_signed = message.with_headers(rfc_headers)
    rfc_parsed = http_rfc9421.parse_signature(rfc_signed)
    proved = proofs.create_proof(NOTE, ed_private, key_id, now)

    print(f"body {len(body)} bytes; note {len(json.dumps(NOTE))} bytes")
    rate("cavage sign (RSA-2048)", lambda: http_cavage.sign_request(message, key_id, rsa_private, now), seconds)
    rate("cavage verify", lambda: http_cavage.verify(cavage_signed, cavage_parsed, rsa_private.public_key(), now), seconds)
    rate("RFC 9421 sign (RSA-2048)", lambda: http_rfc9421.sign_request(message, key_id, rsa_private, now), seconds)
    rate("RFC 9421 verify", lambda: http_rfc9421.verify(rfc_signed, rfc_parsed, rsa_private.public_key(), now), seconds)
    rate("FEP-8b32 proof create (Ed25519)", lambda: proofs.create_proof(NOTE, ed_private, key_id, now), seconds)
    rate("FEP-8b32 proof verify", lambda: proofs.verify_proof(proved, ed_private.public_key()), seconds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    main(parser.parse_args().seconds)
