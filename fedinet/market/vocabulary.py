"""The fedinet vocabulary: namespace, inline JSON-LD context, types and their value sets.

fedinet's own terms live under `NAMESPACE` and are defined inline in each document's
`@context` (as Mastodon does with `toot:`), so no peer ever has to fetch a context;
`protocol/context.jsonld` is the same definitions as a file. Proposals and agreements
reuse FEP-0837's ValueFlows terms; proofs use the Data Integrity context.
"""

from __future__ import annotations

from typing import Any, Final

AS_CONTEXT: Final = "https://www.w3.org/ns/activitystreams"
DATA_INTEGRITY_CONTEXT: Final = "https://w3id.org/security/data-integrity/v1"
PUBLIC: Final = "https://www.w3.org/ns/activitystreams#Public"

NAMESPACE: Final = "https://w3id.org/fedinet#"
CONTEXT_URL: Final = "https://w3id.org/fedinet/v1"  # the context file's stable name
VALUEFLOWS: Final = "https://w3id.org/valueflows/ont/vf#"
UNITS: Final = "http://www.ontology-of-units-of-measure.org/resource/om-2/"

TERMS: Final[dict[str, Any]] = {
    "fedinet": NAMESPACE,
    "vf": VALUEFLOWS,
    "om2": UNITS,
    # FEP-0837 (ValueFlows) proposals and agreements
    "Proposal": "vf:Proposal",
    "Intent": "vf:Intent",
    "Agreement": "vf:Agreement",
    "Commitment": "vf:Commitment",
    "purpose": "vf:purpose",
    "action": "vf:action",
    "publishes": "vf:publishes",
    "reciprocal": "vf:reciprocal",
    "unitBased": "vf:unitBased",
    "resourceConformsTo": {"@id": "vf:resourceConformsTo", "@type": "@id"},
    "resourceQuantity": "vf:resourceQuantity",
    "stipulates": "vf:stipulates",
    "stipulatesReciprocal": "vf:stipulatesReciprocal",
    "satisfies": {"@id": "vf:satisfies", "@type": "@id"},
    "hasUnit": "om2:hasUnit",
    "hasNumericalValue": "om2:hasNumericalValue",
    # Mastodon's terms for posts, so that plain servers show proposals as they show notes
    "sensitive": "as:sensitive",
    "Hashtag": "as:Hashtag",
    # fedinet's own terms
    "Vouch": "fedinet:Vouch",
    "Acknowledgment": "fedinet:Acknowledgment",
    "IntroductionRequest": "fedinet:IntroductionRequest",
    "Introduction": "fedinet:Introduction",
    "Outcome": "fedinet:Outcome",
    "state": "fedinet:state",
    "currency": "fedinet:currency",
    "topic": "fedinet:topic",
    "relationship": "fedinet:relationship",
    "vouchesFor": {"@id": "fedinet:vouchesFor", "@type": "@id"},
    "helper": {"@id": "fedinet:helper", "@type": "@id"},
    "connector": {"@id": "fedinet:connector", "@type": "@id"},
    "introduces": {"@id": "fedinet:introduces", "@type": "@id"},
    "reason": "fedinet:reason",
    "benefit": "fedinet:benefit",
    "consent": "fedinet:consent",
    "vouch": "fedinet:vouch",
    "outcome": "fedinet:outcome",
}

# Every fedinet document names ActivityStreams, the Data Integrity context (its proof) and
# the terms above, in this order (PROTO-1).
CONTEXT: Final[list[Any]] = [AS_CONTEXT, DATA_INTEGRITY_CONTEXT, TERMS]

# Proposals (FEP-0837): `purpose` values and what fedinet calls them.
ASK, OFFER = "request", "offer"
PURPOSES: Final = (ASK, OFFER)
PROPOSAL_STATES: Final = ("open", "fulfilled", "withdrawn")
ACTIONS: Final = ("deliverService", "transfer")

# What a proposer offers or expects in return: `reciprocal.resourceConformsTo`.
PAY_IT_FORWARD: Final = NAMESPACE + "PayItForward"
FAVOUR: Final = NAMESPACE + "Favour"  # "I owe you one"
MONEY: Final = "https://www.wikidata.org/wiki/Q1368"  # money; `currency` names which
RECIPROCITY: Final = {"pay-it-forward": PAY_IT_FORWARD, "favour": FAVOUR, "money": MONEY}

# The fedinet object types; each carries an eddsa-jcs-2022 proof by its author (SIG-1).
VOUCH, ACKNOWLEDGMENT, OUTCOME = "Vouch", "Acknowledgment", "Outcome"
INTRODUCTION_REQUEST, INTRODUCTION = "IntroductionRequest", "Introduction"
SIGNED_TYPES: Final = (VOUCH, ACKNOWLEDGMENT, OUTCOME, INTRODUCTION_REQUEST, INTRODUCTION)
EVIDENCE_TYPES: Final = (VOUCH, ACKNOWLEDGMENT, OUTCOME)

RELATIONSHIPS: Final = (
    "workedWith",
    "hired",
    "wasHiredBy",
    "mentored",
    "learnedFrom",
    "studiedWith",
    "neighbour",
    "friend",
    "family",
    "community",
    "other",
)
OUTCOMES: Final = ("helped", "noOutcome", "notHelpful")

# Limits every document must respect (schemas enforce them; LIMIT-1).
MAX_NAME = 200  # characters of a proposal's title
MAX_TEXT = 5_000  # characters of content, reason, benefit
MAX_TOPICS = 10
MAX_TOPIC = 64


def is_proposal(document: Any) -> bool:
    """A post carrying FEP-0837 proposal properties (fedinet sends them as `Note`)."""
    return (
        isinstance(document, dict)
        and document.get("type") in ("Note", "Proposal")
        and "purpose" in document
    )


def topic_key(name: object) -> str | None:
    """A topic as fedinet compares topics: lower case, without '#'; None if unusable."""
    if not isinstance(name, str):
        return None
    key = name.strip().removeprefix("#").lower()
    return key if key and len(key) <= MAX_TOPIC else None


def topic_keys(names: object) -> list[str]:
    """The distinct usable topic keys of a list of names."""
    found = [topic_key(name) for name in (names if isinstance(names, list) else [])]
    return list(dict.fromkeys(key for key in found if key))
