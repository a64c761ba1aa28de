"""protocol/schemas/: valid JSON Schemas that agree with the vocabulary and enforce LIMIT-1."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from fedinet.market import vocabulary as vocab
from fedinet.market.validation import ProtocolViolation, validate

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "protocol" / "schemas"
VECTORS = ROOT / "protocol" / "vectors"
OBJECTS = [
    "proposal", "agreement-offer", "agreement-answer", "vouch", "acknowledgment",
    "introduction-request", "introduction", "introduction-answer", "outcome",
]


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _schema(name: str) -> dict[str, Any]:
    return _load(SCHEMAS / f"{name}.json")


def _validator(name: str) -> Draft202012Validator:
    """Built from the files alone, as another implementation would."""
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in map(_load, SCHEMAS.glob("*.json"))
    )
    return Draft202012Validator(_schema(name), registry=registry)


def _document(vector: str) -> dict[str, Any]:
    return copy.deepcopy(_load(VECTORS / "valid" / f"{vector}.json")["document"])


def _schema_error(document: dict[str, Any]) -> str:
    with pytest.raises(ProtocolViolation) as caught:
        validate(document)
    assert caught.value.code == "schema", caught.value
    return caught.value.reason


def test_one_schema_per_object_plus_defs() -> None:
    assert sorted(p.stem for p in SCHEMAS.glob("*.json")) == sorted([*OBJECTS, "defs"])


@pytest.mark.parametrize("name", [*OBJECTS, "defs"])
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = _schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://w3id.org/fedinet/schemas/{name}.json"
    Draft202012Validator.check_schema(schema)


def test_enums_and_limits_are_the_vocabulary_s() -> None:
    defs = _schema("defs")["$defs"]
    proposal = _schema("proposal")["properties"]
    assert tuple(proposal["purpose"]["enum"]) == vocab.PURPOSES
    assert tuple(proposal["state"]["enum"]) == vocab.PROPOSAL_STATES
    assert tuple(proposal["publishes"]["properties"]["action"]["enum"]) == vocab.ACTIONS
    reciprocity = proposal["reciprocal"]["properties"]["resourceConformsTo"]["enum"]
    assert reciprocity == list(vocab.RECIPROCITY.values())
    assert proposal["reciprocal"]["if"]["properties"]["resourceConformsTo"]["const"] == vocab.MONEY
    assert tuple(_schema("vouch")["properties"]["relationship"]["enum"]) == vocab.RELATIONSHIPS
    assert tuple(_schema("outcome")["properties"]["outcome"]["enum"]) == vocab.OUTCOMES
    assert defs["name"]["maxLength"] == vocab.MAX_NAME
    assert defs["text"]["maxLength"] == vocab.MAX_TEXT
    assert defs["topics"]["maxItems"] == proposal["tag"]["maxContains"] == vocab.MAX_TOPICS
    assert defs["topic"]["maxLength"] == vocab.MAX_TOPIC
    assert proposal["tag"]["items"]["then"]["properties"]["name"]["maxLength"] == vocab.MAX_TOPIC + 1  # "#"


@pytest.mark.parametrize(
    ("vector", "schema"),
    [
        ("agreement-offer", "agreement-offer"),
        ("agreement-accept", "agreement-answer"),
        ("agreement-reject", "agreement-answer"),  # not recognisable without the Offer: checked here
        ("introduction-consent-accept", "introduction-answer"),
    ],
)
def test_activities_match_their_schema(vector: str, schema: str) -> None:
    _validator(schema).validate(_document(vector))


def test_unknown_properties_are_allowed() -> None:  # PROTO-3
    document = _document("vouch")
    document["object"]["somethingNew"] = {"nested": [1, 2]}
    validate(document)


# --- LIMIT-1 at its boundaries --------------------------------------------------------------


def test_name_limit() -> None:
    document = _document("ask")
    document["object"]["name"] = "n" * vocab.MAX_NAME
    validate(document)
    document["object"]["name"] += "n"
    assert _schema_error(document).startswith("$.object.name:")


@pytest.mark.parametrize("field", ["content", "reason", "benefit"])
def test_text_limit(field: str) -> None:
    document = _document("introduction-request")
    document["object"][field] = "x" * vocab.MAX_TEXT
    validate(document)
    document["object"][field] += "x"
    assert _schema_error(document).startswith(f"$.object.{field}:")


def test_topic_limits() -> None:
    document = _document("vouch")
    document["object"]["topic"] = ["t" * vocab.MAX_TOPIC] * vocab.MAX_TOPICS
    validate(document)
    document["object"]["topic"][0] += "t"
    assert _schema_error(document).startswith("$.object.topic[0]:")
    document["object"]["topic"] = ["t"] * (vocab.MAX_TOPICS + 1)
    assert _schema_error(document).startswith("$.object.topic:")


def test_hashtag_limits() -> None:
    document = _document("ask")
    hashtag = {"type": "Hashtag", "name": "#" + "h" * vocab.MAX_TOPIC, "href": "https://a.example/tags/h"}
    mention = {"type": "Mention", "href": "https://b.example/users/bob", "name": "@bob@b.example"}
    document["object"]["tag"] = [hashtag] * vocab.MAX_TOPICS + [mention]  # mentions do not count
    validate(document)
    document["object"]["tag"].append(hashtag)
    assert _schema_error(document).startswith("$.object.tag:")
    document["object"]["tag"] = [{**hashtag, "name": hashtag["name"] + "h"}]
    assert _schema_error(document).startswith("$.object.tag[0].name:")


def test_audience_and_proof_set_limits() -> None:
    """LIMIT-1: at most 500 addressees and 10 proofs, so that a hostile object is cheap to refuse."""
    document = _document("vouch")
    document["object"]["to"] = [f"https://b.example/users/u{n}" for n in range(500)]
    validate(document)
    document["object"]["to"].append("https://b.example/users/one-more")
    assert _schema_error(document).startswith("$.object.to")
    document = _document("vouch")
    document["object"]["proof"] = [document["object"]["proof"]] * 11
    assert _schema_error(document).startswith("$.object.proof")


def test_uri_limit() -> None:
    document = _document("vouch")
    document["object"]["vouchesFor"] = "https://a.example/" + "p" * (2048 - len("https://a.example/"))
    validate(document)
    document["object"]["vouchesFor"] += "p"
    assert _schema_error(document).startswith("$.object.vouchesFor:")


# --- shapes -------------------------------------------------------------------------------


def test_currency_is_for_money_only() -> None:
    document = _document("offer-money")
    del document["object"]["reciprocal"]["currency"]
    assert "currency" in _schema_error(document)
    document = _document("ask-pay-it-forward")
    document["object"]["reciprocal"]["currency"] = "EUR"
    reason = _schema_error(document)
    assert reason.startswith("$.object.reciprocal") and "'EUR'" in reason


def test_a_finalised_agreement_needs_ids() -> None:
    document = _document("agreement-accept")
    del document["result"]["stipulates"]["id"]
    assert _schema_error(document).startswith("$.result.stipulates:")


def test_consent_must_be_a_request_or_an_accept() -> None:
    document = _document("introduction-with-accept-consent")
    document["object"]["consent"]["type"] = "Reject"
    assert _schema_error(document).startswith("$.object.consent.type:")


def test_not_a_url() -> None:
    document = _document("acknowledgment")
    document["object"]["helper"] = "bob@b.example"
    assert _schema_error(document).startswith("$.object.helper:")


def test_proof_shape_is_checked_when_present() -> None:
    document = _document("outcome")
    del document["object"]["proof"]["verificationMethod"]
    assert _schema_error(document).startswith("$.object.proof")
