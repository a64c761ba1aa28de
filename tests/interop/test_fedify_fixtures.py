"""The recorded Fedify documents (tests/interop/fixtures, from make_fedify_fixtures.py) parse
and verify with fedinet's code, offline: no Node, no network."""

from __future__ import annotations

import json
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from fedinet.federation.actor_parsing import parse_actor
from fedinet.federation.signing import http_cavage, http_rfc9421, proofs
from fedinet.federation.signing.http_message import HttpMessage
from fedinet.federation.signing.keys import ed25519_from_multibase, load_public_pem

FIXTURES = Path(__file__).parent / "fixtures"
ACTOR = json.loads((FIXTURES / "fedify_actor.json").read_text())
ACTIVITIES: list[dict[str, Any]] = json.loads((FIXTURES / "fedify_activities.json").read_text())[
    "activities"
]


def test_the_fedify_actor_parses() -> None:
    parsed = parse_actor(ACTOR)

    assert parsed.actor_type == "Person"
    assert parsed.username == "fedi"
    assert parsed.inbox_url == f"{ACTOR['id']}/inbox"
    assert parsed.shared_inbox_url == ACTOR["endpoints"]["sharedInbox"]
    assert {key.algorithm: key.key_id for key in parsed.keys} == {
        "rsa": f"{ACTOR['id']}#main-key",
        "ed25519": f"{ACTOR['id']}#multikey-2",
    }


@pytest.mark.parametrize("recorded", ACTIVITIES, ids=[a["name"] for a in ACTIVITIES])
def test_recorded_fedify_deliveries_verify(recorded: dict[str, Any]) -> None:
    keys = {key.algorithm: key for key in parse_actor(ACTOR).keys}
    msg = HttpMessage(
        method=recorded["method"],
        url=recorded["url"],
        headers=recorded["headers"],
        body=recorded["body"].encode("utf-8"),
    )
    sent_at = parsedate_to_datetime(recorded["headers"]["Date"])
    rsa = load_public_pem(keys["rsa"].public_key)
    if "Signature-Input" in recorded["headers"]:
        signature = http_rfc9421.parse_signature(msg)
        assert signature.key_id == keys["rsa"].key_id
        http_rfc9421.verify(msg, signature, rsa, sent_at + timedelta(seconds=1))
    else:
        cavage = http_cavage.extract_signature(msg)
        assert cavage.key_id == keys["rsa"].key_id
        http_cavage.verify(msg, cavage, rsa, sent_at + timedelta(seconds=1))

    document = json.loads(recorded["body"])
    assert document["actor"] == ACTOR["id"]
    assert proofs.proof_verification_method(document) == keys["ed25519"].key_id
    proofs.verify_proof(document, ed25519_from_multibase(keys["ed25519"].public_key))
