"""Real deliveries captured from Fedify, replayed into fedinet's inbox (no Node needed).

The recorded requests carry Fedify's RFC 9421 or draft-cavage signatures and its
eddsa-jcs-2022 proofs; the inbox runs with its clock set to the recording's Date, and the
Fedify actor is known from its recorded document, so nothing is fetched.
"""

from __future__ import annotations

import json
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from support.instances import RunningInstance

from fedinet.federation.actor_parsing import parse_actor
from fedinet.federation.inbox import InboxReceiver, InboxRejection
from fedinet.federation.key_store import KeyStore
from fedinet.federation.signing.http_message import HttpMessage
from fedinet.federation.signing.keys import ed25519_from_multibase
from fedinet.federation.signing.proofs import ProofError, proof_verification_method, verify_proof
from fedinet.services.remote_actors import store_remote_actor
from fedinet.store.models import InboxItem

FIXTURES = Path(__file__).parent / "fixtures"
RECORDED = json.loads((FIXTURES / "fedify_activities.json").read_text())
ACTOR = json.loads((FIXTURES / "fedify_actor.json").read_text())


def receiver_at(instance: RunningInstance, recorded: dict[str, Any]) -> InboxReceiver:
    moment = parsedate_to_datetime(recorded["headers"]["Date"])
    return InboxReceiver(
        instance.db, KeyStore(instance.db, instance.transport), window=timedelta(hours=1), clock=lambda: moment
    )


def message(recorded: dict[str, Any], body: str | None = None) -> HttpMessage:
    return HttpMessage(
        recorded["method"], recorded["url"], recorded["headers"], (body or recorded["body"]).encode()
    )


@pytest.mark.parametrize("recorded", RECORDED["activities"], ids=lambda r: r["name"])
async def test_fedify_deliveries_verify_in_our_inbox(instance: RunningInstance, recorded: dict[str, Any]) -> None:
    await store_remote_actor(instance.db, parse_actor(ACTOR))
    accepted = await receiver_at(instance, recorded).receive(message(recorded))
    assert accepted.is_new
    async with instance.db.session() as session:
        [row] = (await session.scalars(select(InboxItem))).all()
    assert row.key_id == RECORDED["actor"] + "#main-key"
    assert row.activity_uri == json.loads(recorded["body"])["id"]


@pytest.mark.parametrize("recorded", RECORDED["activities"][2:3] + RECORDED["activities"][-1:], ids=lambda r: r["name"])
async def test_tampered_fedify_delivery_is_refused(instance: RunningInstance, recorded: dict[str, Any]) -> None:
    await store_remote_actor(instance.db, parse_actor(ACTOR))
    body = json.loads(recorded["body"])
    body["id"] = body["id"] + "-forged"
    with pytest.raises(InboxRejection) as caught:
        await receiver_at(instance, recorded).receive(message(recorded, json.dumps(body)))
    assert caught.value.status == 401


@pytest.mark.parametrize("recorded", RECORDED["activities"], ids=lambda r: r["name"])
def test_fedify_proofs_verify_with_our_proof_code(recorded: dict[str, Any]) -> None:
    """Every recorded activity's eddsa-jcs-2022 proof verifies with the Multikey Fedify
    publishes — and stops verifying when the activity is changed."""
    keys = {key.key_id: key for key in parse_actor(ACTOR).keys if key.algorithm == "ed25519"}
    body = json.loads(recorded["body"])
    key = ed25519_from_multibase(keys[proof_verification_method(body)].public_key)
    verify_proof(body, key)
    with pytest.raises(ProofError):
        verify_proof({**body, "id": body["id"] + "-forged"}, key)
