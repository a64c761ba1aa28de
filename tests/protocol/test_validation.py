"""fedinet.market.validation and .evidence: what they find, and the rules vectors do not reach."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fedinet.market.evidence import verify_signed
from fedinet.market.validation import (
    ProtocolViolation,
    author_of,
    check_outcome,
    fedinet_objects,
    referenced_actors,
    signed_objects,
    validate,
)

VECTORS = Path(__file__).resolve().parents[2] / "protocol" / "vectors"
ALICE = "https://a.example/users/alice"
BOB = "https://b.example/users/bob"
CAROL = "https://c.example/users/carol"


def _document(vector: str) -> dict[str, Any]:
    return json.loads((VECTORS / "valid" / f"{vector}.json").read_text(encoding="utf-8"))["document"]


def _kinds(document: Any) -> list[str]:
    return [schema for schema, _ in fedinet_objects(document)]


def test_protocol_violation() -> None:
    violation = ProtocolViolation("schema", "$.name: too long")
    assert isinstance(violation, ValueError)
    assert (violation.code, violation.reason) == ("schema", "$.name: too long")
    assert str(violation) == "schema: $.name: too long"


def test_plain_activities_are_not_fedinet_things() -> None:
    follow = {"id": "https://a.example/f/1", "type": "Follow", "actor": ALICE, "object": BOB}
    note = {"id": "https://a.example/n/1", "type": "Note", "attributedTo": ALICE, "content": "hi"}
    create = {"id": "https://a.example/n/1/activity", "type": "Create", "actor": ALICE, "object": note}
    reject_follow = {"id": "https://b.example/r/1", "type": "Reject", "actor": BOB, "object": follow}
    for document in (follow, note, create, reject_follow, "https://a.example/n/1", None, []):
        assert fedinet_objects(document) == [] and signed_objects(document) == []
        validate(document)


def test_things_are_found_where_they_are_embedded() -> None:
    assert _kinds(_document("ask")) == ["proposal"]
    assert _kinds(_document("agreement-offer")) == ["agreement-offer"]
    assert _kinds(_document("agreement-accept")) == ["agreement-answer"]
    assert _kinds(_document("agreement-reject")) == []  # its object is only the Offer's id
    assert _kinds(_document("vouch-undo")) == []
    offer = _document("introduction-with-request-consent")
    assert _kinds(offer) == ["introduction", "introduction-request", "vouch"]
    assert [o["type"] for o in signed_objects(offer)] == ["Introduction", "IntroductionRequest", "Vouch"]
    assert _kinds(_document("introduction-with-accept-consent")) == ["introduction", "introduction-answer"]


def test_an_introduction_answer_is_signed_itself_and_names_the_introduction_by_reference() -> None:
    answer = _document("introduction-accept-by-target")
    assert fedinet_objects(answer) == [("introduction-answer", answer)]
    assert signed_objects(answer) == [answer]


def test_referenced_actors() -> None:
    assert sorted(referenced_actors(_document("introduction-with-request-consent"))) == [ALICE, BOB, CAROL]
    assert referenced_actors(_document("ask")) == []


def test_author_of() -> None:
    assert author_of({"attributedTo": ALICE}) == ALICE
    assert author_of({"actor": BOB}) == BOB
    assert author_of({"actor": {"id": BOB}}) is None


def test_nesting_is_bounded() -> None:
    document: dict[str, Any] = {"type": "Create", "object": {}}
    for _ in range(20):
        document = {"type": "Create", "object": document}
    with pytest.raises(ProtocolViolation, match="nested too deeply") as caught:
        validate(document)
    assert caught.value.code == "schema"


def test_an_accepted_agreement_is_the_accepters() -> None:
    document = _document("agreement-accept")
    document["result"]["attributedTo"] = BOB
    with pytest.raises(ProtocolViolation) as caught:
        validate(document)
    assert caught.value.code == "origin-mismatch"


def test_a_request_names_three_actors() -> None:
    document = _document("introduction-request")
    document["object"]["target"] = BOB  # the connector
    with pytest.raises(ProtocolViolation) as caught:
        validate(document)
    assert caught.value.code == "self-reference"


def test_an_offer_to_the_target_in_cc_needs_consent_too() -> None:
    document = _document("introduction-started-by-connector")
    document["cc"] = [CAROL]
    with pytest.raises(ProtocolViolation) as caught:
        validate(document)
    assert caught.value.code == "consent-missing"


# --- OUT-2 ----------------------------------------------------------------------------------


def _outcome_and_introduction() -> tuple[dict[str, Any], dict[str, Any]]:
    vector = json.loads((VECTORS / "valid" / "outcome.json").read_text(encoding="utf-8"))
    return vector["document"]["object"], vector["given"]["introductions"][0]


def test_an_outcome_from_either_party() -> None:
    outcome, introduction = _outcome_and_introduction()
    check_outcome(outcome, introduction)
    check_outcome({**outcome, "attributedTo": CAROL}, introduction)


@pytest.mark.parametrize(
    "change",
    [{"attributedTo": BOB}, {"connector": CAROL}, {"context": BOB + "/introductions/99"}],
)
def test_an_outcome_of_someone_else_s_introduction(change: dict[str, str]) -> None:
    outcome, introduction = _outcome_and_introduction()
    with pytest.raises(ProtocolViolation) as caught:
        check_outcome({**outcome, **change}, introduction)
    assert caught.value.code == "not-a-party"


# --- evidence -------------------------------------------------------------------------------


async def test_a_key_the_author_does_not_list(resolver: Any) -> None:
    vouch = _document("vouch")["object"]
    vouch["proof"]["verificationMethod"] = BOB + "#another-key"
    with pytest.raises(ProtocolViolation) as caught:
        await verify_signed(vouch, resolver)
    assert caught.value.code == "key-not-owned"
    assert resolver.asked == [BOB + "#another-key"]


async def test_evidence_on_another_host_is_refused_without_a_lookup(resolver: Any) -> None:
    vouch = _document("vouch")["object"]
    vouch["id"] = "https://m.example/vouches/4"
    with pytest.raises(ProtocolViolation) as caught:
        await verify_signed(vouch, resolver)
    assert caught.value.code == "origin-mismatch"
    assert resolver.asked == []


async def test_another_cryptosuite_is_an_invalid_proof(resolver: Any) -> None:
    vouch = _document("vouch")["object"]
    vouch["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    with pytest.raises(ProtocolViolation) as caught:
        await verify_signed(vouch, resolver)
    assert caught.value.code == "proof-invalid"


async def test_a_proof_set_verifies_by_the_author_s_proof(resolver: Any) -> None:
    vouch = _document("vouch")["object"]
    foreign = _document("acknowledgment")["object"]["proof"]
    vouch["proof"] = [vouch["proof"], foreign]
    await verify_signed(vouch, resolver)
