"""Writes the fedinet protocol test vectors: `actors.json`, `keys.json`, `valid/`, `invalid/`.

Run `.venv/bin/python protocol/vectors/generate.py` from the repository root. The output is
deterministic (fixed keys, times and Ed25519's deterministic signatures), and
`tests/protocol/test_vectors.py` fails when the files differ from what this script writes.

A vector is `{"description", "requirements", "document", "given"?}`; an invalid one also has
`"error"` (the `ProtocolViolation` code a receiver reports) and `"why"`. Actors not in
`actors.json` count as unknown.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from fedinet.federation.signing.keys import base58btc_encode, ed25519_to_multibase
from fedinet.federation.signing.proofs import create_proof
from fedinet.market import vocabulary as vocab
from fedinet.vocab import ACTOR_CONTEXT

HERE = Path(__file__).resolve().parent
CREATED = datetime(2026, 1, 1, tzinfo=UTC)
PUBLISHED = "2026-01-01T00:00:00Z"
PUBLIC = vocab.PUBLIC
Json = dict[str, Any]


@dataclass(frozen=True)
class Party:
    """A test actor with its Ed25519 key, seeded with SHA-256 of its name."""

    name: str
    origin: str

    @property
    def uri(self) -> str:
        return f"{self.origin}/users/{self.name}"

    @property
    def key_id(self) -> str:
        return self.uri + "#ed25519-key"

    @property
    def seed(self) -> bytes:
        return hashlib.sha256(self.name.encode()).digest()

    @property
    def private_key(self) -> ed25519.Ed25519PrivateKey:
        return ed25519.Ed25519PrivateKey.from_private_bytes(self.seed)

    def url(self, path: str) -> str:
        return f"{self.uri}/{path}"


def sign(document: Json, signer: Party, key_id: str | None = None) -> Json:
    """`document` with a proof by `signer`'s key, named `key_id` (default: the key's own id)."""
    return create_proof(document, signer.private_key, key_id or signer.key_id, CREATED)


ALICE = Party("alice", "https://a.example")
BOB = Party("bob", "https://b.example")
CAROL = Party("carol", "https://c.example")
DAN = Party("dan", "https://b.example")  # bob's neighbour on the same host
MALLORY = Party("mallory", "https://m.example")
ACTORS = (ALICE, BOB, CAROL, DAN, MALLORY)
ZED = "https://z.example/users/zed"  # not in actors.json: unknown


# --- documents ---------------------------------------------------------------------------


def thing(author: Party, kind: str, path: str, **properties: Any) -> Json:
    """An unsigned fedinet object with its own @context (it keeps it when embedded)."""
    return {
        "@context": vocab.CONTEXT,
        "id": author.url(path),
        "type": kind,
        "attributedTo": author.uri,
        **properties,
        "published": PUBLISHED,
    }


def activity(
    kind: str, actor: Party, activity_id: str, obj: Json | str, to: list[str], **extra: Any
) -> Json:
    """An activity signed by its actor, as fedinet signs every activity it sends."""
    document = {
        "@context": vocab.CONTEXT,
        "id": activity_id,
        "type": kind,
        "actor": actor.uri,
        "to": to,
        **extra,
        "object": obj,
        "published": PUBLISHED,
    }
    return sign(document, actor)


def create(actor: Party, obj: Json, to: list[str]) -> Json:
    return activity("Create", actor, obj["id"] + "/activity", obj, to)


def offer(actor: Party, obj: Json, to: list[str], **extra: Any) -> Json:
    return activity("Offer", actor, obj["id"] + "/activity", obj, to, **extra)


def answer(kind: str, actor: Party, path: str, introduction_id: str, to: list[str]) -> Json:
    """A signed Accept/Reject of an introduction (INTRO-9)."""
    reference = {"type": vocab.INTRODUCTION, "id": introduction_id}
    return activity(kind, actor, actor.url(path), reference, to)


def hashtag(author: Party, name: str) -> Json:
    return {"type": "Hashtag", "name": f"#{name}", "href": f"{author.origin}/tags/{name}"}


ONE = {"hasUnit": "one", "hasNumericalValue": "1"}


def proposal(
    author: Party, number: int, purpose: str, action: str, title: str, text: str, topics: list[str],
    **extra: Any,
) -> Json:
    """A proposal Note (ASK-1..7) whose content reads well as a plain post (ASK-4)."""
    note_id, url = author.url(f"statuses/{number}"), f"{author.origin}/@{author.name}/{number}"
    kind = "Ask" if purpose == vocab.ASK else "Offer"
    link = '<a href="{0}/tags/{1}" class="mention hashtag" rel="tag">#{1}</a>'
    tags = " ".join(link.format(author.origin, topic) for topic in topics)
    return {
        "id": note_id,
        "type": "Note",
        "purpose": purpose,
        "name": title,
        "content": f'<p>{kind}: {title}</p><p>{text}</p><p><a href="{url}">{url}</a> {tags}</p>',
        "attributedTo": author.uri,
        "published": PUBLISHED,
        "url": url,
        "to": [PUBLIC],
        "cc": [author.url("followers")],
        "tag": [hashtag(author, t) for t in topics],
        "publishes": {
            "id": note_id + "#primary", "type": "Intent", "action": action, "resourceQuantity": ONE
        },
        **extra,
        "state": "open",
        "sensitive": False,
    }


def ask() -> Json:
    return proposal(
        ALICE, 1, vocab.ASK, "deliverService", "Help with SEO for a bakery website",
        "My bakery's site never shows up in local searches. An hour of advice would help a lot.",
        ["seo", "baking"],
    )


def money_offer() -> Json:
    note_id = ALICE.url("statuses/2")
    return proposal(
        ALICE, 2, vocab.OFFER, "transfer", "A used stand mixer", "Works well, comes with two bowls.",
        ["kitchen"],
        reciprocal={
            "id": note_id + "#reciprocal",
            "type": "Intent",
            "action": "transfer",
            "resourceConformsTo": vocab.MONEY,
            "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "30"},
            "currency": "EUR",
        },
        endTime="2026-02-01T00:00:00Z",
    )


def pay_it_forward_ask() -> Json:
    note_id = CAROL.url("statuses/3")
    return proposal(
        CAROL, 3, vocab.ASK, "deliverService", "Someone to review my grant application",
        "Ten pages about a community garden; I would love a second pair of eyes.", ["grants", "writing"],
        reciprocal={
            "id": note_id + "#reciprocal",
            "type": "Intent",
            "action": "transfer",
            "resourceConformsTo": vocab.PAY_IT_FORWARD,
            "resourceQuantity": ONE,
        },
    )


def commitments(proposal_id: str, agreement_id: str | None = None) -> Json:
    def commitment(intent: str) -> Json:
        item = {"type": "Commitment", "satisfies": f"{proposal_id}#{intent}", "resourceQuantity": ONE}
        if intent == "reciprocal":
            item["resourceQuantity"] = {"hasUnit": "one", "hasNumericalValue": "30"}
        return {"id": f"{agreement_id}#{intent}", **item} if agreement_id else item

    return {"stipulates": commitment("primary"), "stipulatesReciprocal": commitment("reciprocal")}


OFFER_ID = BOB.url("activities/2")
AGREEMENT_ID = ALICE.url("agreements/3")


def agreement_offer() -> Json:
    return {
        "@context": vocab.CONTEXT,
        "id": OFFER_ID,
        "type": "Offer",
        "actor": BOB.uri,
        "to": [ALICE.uri],
        "inReplyTo": money_offer()["id"],
        "content": "I would love the mixer. Can I pick it up on Saturday?",
        "published": PUBLISHED,
        "object": {"type": "Agreement", **commitments(money_offer()["id"])},
    }


def agreement_answer(kind: str) -> Json:
    document = {
        "@context": vocab.CONTEXT,
        "id": ALICE.url("activities/3" if kind == "Accept" else "activities/13"),
        "type": kind,
        "actor": ALICE.uri,
        "to": [BOB.uri],
        "object": OFFER_ID,
        "published": PUBLISHED,
    }
    if kind == "Accept":
        document["result"] = {
            "type": "Agreement",
            "id": AGREEMENT_ID,
            "attributedTo": ALICE.uri,
            **commitments(money_offer()["id"], AGREEMENT_ID),
        }
    else:
        document["content"] = "Sorry, someone else asked first."
    return document


def vouch(
    author: Party = BOB, signer: Party | None = None, key_id: str | None = None, **changes: Any
) -> Json:
    """`author`'s vouch for alice, signed by `signer` (default: the author)."""
    document = thing(
        author, vocab.VOUCH, "vouches/4",
        vouchesFor=ALICE.uri,
        relationship="workedWith",
        topic=["seo", "webdesign"],
        content="Alice and I built three shop websites together; she knows her SEO.",
        to=[ALICE.uri, PUBLIC],
    )
    document.update(changes)
    return sign(document, signer or author, key_id)


VOUCH_ID = BOB.url("vouches/4")
NOT_BASE58 = "z0OIl" + "1" * 80  # 0, O, I and l are not base58btc digits
SHORT_SIGNATURE = "z" + base58btc_encode(bytes(range(1, 33)))  # 32 bytes


def vouch_create(signed_vouch: Json) -> Json:
    return activity("Create", BOB, VOUCH_ID + "/activity", signed_vouch, [ALICE.uri, PUBLIC])


def acknowledgment(author: Party = ALICE, helper: Party = BOB) -> Json:
    return sign(
        thing(
            author, vocab.ACKNOWLEDGMENT, "acknowledgments/5",
            helper=helper.uri,
            context=AGREEMENT_ID,
            content="Thanks for picking up the mixer so quickly!",
            to=[helper.uri],
        ),
        author,
    )


def request(author: Party = ALICE, target: str = CAROL.uri, **changes: Any) -> Json:
    """`author`'s IntroductionRequest to connector bob (INTRO-1)."""
    document = thing(
        author, vocab.INTRODUCTION_REQUEST, "introduction-requests/6",
        connector=BOB.uri,
        target=target,
        content="I am looking for a first client for my bakery SEO service.",
        reason="Carol runs the farmers' market website and knows every stall holder.",
        benefit="Free SEO review of the market website.",
        to=[BOB.uri],
    )
    document.update(changes)
    return sign(document, author)


INTRODUCTION_ID = BOB.url("introductions/7")
STARTED_ID = BOB.url("introductions/8")


def introduction(
    target: str = CAROL.uri,
    consent: Json | None = None,
    embedded_vouch: Json | None = None,
    path: str = "introductions/7",
) -> Json:
    """bob's Introduction of alice to `target` (INTRO-3)."""
    document = thing(
        BOB, vocab.INTRODUCTION, path,
        introduces=ALICE.uri,
        target=target,
        content="Alice helps small shops get found online.",
        reason="Your market's stall holders keep asking you about websites.",
        benefit="Alice offers a free SEO review of the market website.",
    )
    if embedded_vouch is not None:
        document["vouch"] = embedded_vouch
    if consent is not None:
        document["consent"] = consent
    document["to"] = [ALICE.uri, target]
    return sign(document, BOB)


def consent_accept(introduction_id: str = STARTED_ID) -> Json:
    return answer("Accept", ALICE, "activities/9", introduction_id, [BOB.uri])


def hand_off(introduction_document: Json) -> Json:
    """bob's Offer of a complete introduction to its target, cc alice."""
    return offer(BOB, introduction_document, [introduction_document["target"]], cc=[ALICE.uri])


def outcome(author: Party = ALICE, **changes: Any) -> Json:
    document = thing(
        author, vocab.OUTCOME, "outcomes/12",
        context=INTRODUCTION_ID,
        connector=BOB.uri,
        outcome="helped",
        content="Carol hired me for the market website.",
        to=[BOB.uri],
    )
    document.update(changes)
    return sign(document, author)


def full_introduction() -> Json:
    return introduction(consent=request(), embedded_vouch=vouch())


# --- vectors -----------------------------------------------------------------------------


def valid(description: str, requirements: list[str], document: Json, **given: Any) -> Json:
    vector: Json = {"description": description, "requirements": requirements, "document": document}
    if given:
        vector["given"] = given
    return vector


def invalid(
    description: str, requirements: list[str], document: Json, error: str, why: str, **given: Any
) -> Json:
    return {**valid(description, requirements, document, **given), "error": error, "why": why}


def tampered(document: Json, change: Callable[[Json], None]) -> Json:
    changed = copy.deepcopy(document)
    change(changed)
    return changed


def valid_vectors() -> dict[str, Json]:
    return {
        "ask": valid(
            "An ask: alice requests help (deliverService) and expects nothing in return.",
            ["ASK-1", "ASK-2", "ASK-4", "ASK-7", "SIG-4"],
            create(ALICE, ask(), [PUBLIC]),
        ),
        "offer-money": valid(
            "An offer: alice gives away a thing (transfer) for 30 EUR.",
            ["ASK-1", "ASK-2", "ASK-3", "ASK-5", "SIG-4"],
            create(ALICE, money_offer(), [PUBLIC]),
        ),
        "ask-pay-it-forward": valid(
            "An ask whose reciprocal is to pay it forward.",
            ["ASK-1", "ASK-3", "SIG-4"],
            create(CAROL, pay_it_forward_ask(), [PUBLIC]),
        ),
        "agreement-offer": valid(
            "bob responds to alice's offer with an Offer of an Agreement, both commitments stipulated.",
            ["AGREE-1"],
            agreement_offer(),
        ),
        "agreement-accept": valid(
            "alice accepts bob's Offer; the result is the finalised Agreement on her host.",
            ["AGREE-2"],
            agreement_answer("Accept"),
        ),
        "agreement-reject": valid(
            "alice rejects bob's Offer with a reason.",
            ["AGREE-2"],
            agreement_answer("Reject"),
        ),
        "vouch": valid(
            "bob vouches for alice (signed), sent as Create to her and the public.",
            ["VOUCH-1", "VOUCH-3", "SIG-1", "SIG-2"],
            vouch_create(vouch()),
        ),
        "vouch-undo": valid(
            "bob revokes his vouch with Undo of the Create that carried it.",
            ["VOUCH-4"],
            activity(
                "Undo", BOB, BOB.url("activities/14"),
                {"id": VOUCH_ID + "/activity", "type": "Create", "actor": BOB.uri, "object": VOUCH_ID},
                [ALICE.uri, PUBLIC],
            ),
        ),
        "acknowledgment": valid(
            "alice acknowledges that bob helped her, about their agreement.",
            ["ACK-1", "ACK-3", "AGREE-4", "SIG-1"],
            create(ALICE, acknowledgment(), [BOB.uri]),
        ),
        "introduction-request": valid(
            "alice asks bob to introduce her to carol, as an Offer to bob only.",
            ["INTRO-1", "SIG-1"],
            offer(ALICE, request(), [BOB.uri]),
        ),
        "introduction-with-request-consent": valid(
            "bob introduces alice to carol, with alice's request as consent and his vouch for her.",
            ["INTRO-3", "INTRO-4", "SIG-1", "SIG-3"],
            hand_off(full_introduction()),
        ),
        "introduction-started-by-connector": valid(
            "bob starts an introduction: he offers it to alice alone first, without consent.",
            ["INTRO-5"],
            offer(BOB, introduction(path="introductions/8"), [ALICE.uri]),
        ),
        "introduction-consent-accept": valid(
            "alice accepts bob's introduction (her consent), naming it by reference.",
            ["INTRO-5", "INTRO-9", "SIG-1"],
            consent_accept(),
        ),
        "introduction-with-accept-consent": valid(
            "bob hands off the introduction he started, with alice's signed Accept as consent.",
            ["INTRO-4", "INTRO-5", "SIG-3"],
            hand_off(introduction(consent=consent_accept(), path="introductions/8")),
        ),
        "introduction-accept-by-target": valid(
            "carol accepts the introduction, to bob and alice.",
            ["INTRO-6", "INTRO-9", "SIG-1"],
            answer("Accept", CAROL, "activities/10", INTRODUCTION_ID, [BOB.uri, ALICE.uri]),
        ),
        "introduction-reject-by-target": valid(
            "carol rejects the introduction, to bob only.",
            ["INTRO-6", "INTRO-9", "SIG-1"],
            answer("Reject", CAROL, "activities/11", INTRODUCTION_ID, [BOB.uri]),
        ),
        "introduction-reject-by-connector": valid(
            "bob tells alice that the introduction was declined, with his own Reject.",
            ["INTRO-6", "INTRO-9", "SIG-1"],
            answer("Reject", BOB, "activities/15", INTRODUCTION_ID, [ALICE.uri]),
        ),
        "outcome": valid(
            "alice reports to bob that his introduction helped.",
            ["OUT-1", "OUT-2", "SIG-1"],
            create(ALICE, outcome(), [BOB.uri]),
            introductions=[full_introduction()],
        ),
    }


def invalid_vectors() -> dict[str, Json]:
    mallory_request = request(author=MALLORY)
    other_intro_accept = consent_accept(BOB.url("introductions/99"))
    return {
        "proof-missing": invalid(
            "bob's vouch without a proof.",
            ["SIG-1"],
            create(BOB, {k: v for k, v in vouch().items() if k != "proof"}, [ALICE.uri, PUBLIC]),
            "proof-missing",
            "Every Vouch must carry its author's proof.",
        ),
        "proof-by-another-actors-key": invalid(
            "bob's vouch signed by mallory's key, naming mallory's key.",
            ["SIG-2"],
            vouch_create(vouch(signer=MALLORY)),
            "key-not-owned",
            "The signature is correct, but by a key on another host that bob does not own.",
        ),
        "proof-key-on-another-host": invalid(
            "bob's vouch signed with bob's key material, naming a copy of the key on mallory's host.",
            ["SIG-2"],
            vouch_create(vouch(signer=BOB, key_id="https://m.example/users/bob#ed25519-key")),
            "key-not-owned",
            "The verificationMethod is not on the author's host; it must not even be fetched.",
        ),
        "proof-key-of-another-actor-on-the-same-host": invalid(
            "bob's vouch signed by dan, who is on bob's host.",
            ["SIG-2"],
            vouch_create(vouch(signer=DAN)),
            "key-not-owned",
            "The key's controller is dan, not the author bob.",
        ),
        "proof-tampered": invalid(
            "bob's vouch whose content was changed after it was signed.",
            ["SIG-1", "SIG-3"],
            tampered(
                vouch_create(vouch()),
                lambda d: d["object"].update(content="Alice is the best SEO expert in the world."),
            ),
            "proof-invalid",
            "The proof no longer matches the object.",
        ),
        "proof-value-not-base58": invalid(
            "bob's vouch whose proofValue holds characters base58btc does not have.",
            ["SIG-1"],
            vouch_create(tampered(vouch(), lambda d: d["proof"].update(proofValue=NOT_BASE58))),
            "proof-invalid",
            "0, O, I and l are not base58btc digits.",
        ),
        "proof-value-wrong-length": invalid(
            "bob's vouch whose proofValue is 32 bytes, not a 64-byte Ed25519 signature.",
            ["SIG-1"],
            vouch_create(tampered(vouch(), lambda d: d["proof"].update(proofValue=SHORT_SIGNATURE))),
            "proof-invalid",
            "An Ed25519 signature is 64 bytes.",
        ),
        "vouch-for-oneself": invalid(
            "bob vouches for bob.",
            ["VOUCH-2"],
            vouch_create(vouch(vouchesFor=BOB.uri, to=[PUBLIC])),
            "self-reference",
            "A vouch for oneself is invalid.",
        ),
        "acknowledgment-of-oneself": invalid(
            "alice acknowledges that alice helped her.",
            ["ACK-2"],
            create(ALICE, acknowledgment(helper=ALICE), [ALICE.uri]),
            "self-reference",
            "Acknowledging oneself is invalid.",
        ),
        "outcome-from-non-party": invalid(
            "mallory reports an outcome of bob's introduction of alice to carol.",
            ["OUT-2"],
            create(MALLORY, outcome(author=MALLORY), [BOB.uri]),
            "not-a-party",
            "Only alice or carol may report the outcome of that introduction.",
            introductions=[full_introduction()],
        ),
        "introduction-to-unknown-actor": invalid(
            "bob introduces alice to zed, whom no one can resolve.",
            ["INTRO-7"],
            hand_off(introduction(target=ZED, consent=request(target=ZED))),
            "unknown-actor",
            "zed is not in actors.json: the receiver cannot resolve the target.",
        ),
        "introduction-target-is-author": invalid(
            "bob introduces alice to bob.",
            ["INTRO-7"],
            offer(BOB, introduction(target=BOB.uri), [ALICE.uri]),
            "self-reference",
            "An introduction's target must not be its author.",
        ),
        "introduction-without-consent": invalid(
            "bob offers an introduction of alice to carol without alice's consent.",
            ["INTRO-4"],
            hand_off(introduction()),
            "consent-missing",
            "An introduction offered to its target must carry the introduced actor's consent.",
        ),
        "consent-by-wrong-actor": invalid(
            "bob's introduction of alice carries mallory's request as consent.",
            ["INTRO-4"],
            hand_off(introduction(consent=mallory_request)),
            "consent-mismatch",
            "The consent must be given by the introduced actor, alice.",
        ),
        "consent-for-another-target": invalid(
            "bob introduces alice to carol, with alice's request for an introduction to mallory.",
            ["INTRO-4"],
            hand_off(introduction(consent=request(target=MALLORY.uri))),
            "consent-mismatch",
            "A request is consent only for its own connector and target.",
        ),
        "consent-accepts-another-introduction": invalid(
            "bob's introduction carries alice's Accept of a different introduction.",
            ["INTRO-4", "INTRO-9"],
            hand_off(introduction(consent=other_intro_accept, path="introductions/8")),
            "consent-mismatch",
            "An Accept is consent only for the introduction it names.",
        ),
        "introduction-vouch-by-another-actor": invalid(
            "bob's introduction of alice embeds dan's vouch for her.",
            ["INTRO-3"],
            hand_off(introduction(consent=request(), embedded_vouch=vouch(author=DAN))),
            "not-a-party",
            "The embedded vouch must be the connector's vouch for the introduced actor.",
        ),
        "proposal-missing-purpose": invalid(
            "A proposal Note without purpose.",
            ["ASK-1", "FED-1"],
            create(ALICE, {k: v for k, v in ask().items() if k != "purpose"}, [PUBLIC]),
            "schema",
            "purpose is required (request or offer).",
        ),
        "vouch-unknown-relationship": invalid(
            "A vouch with a relationship fedinet does not define.",
            ["VOUCH-1", "FED-1"],
            vouch_create(vouch(relationship="bestFriendForever")),
            "schema",
            "relationship must be one of the VOUCH-1 values.",
        ),
        "outcome-bad-value": invalid(
            "An outcome whose value is not helped, noOutcome or notHelpful.",
            ["OUT-1", "FED-1"],
            create(ALICE, outcome(outcome="amazing"), [BOB.uri]),
            "schema",
            "outcome must be one of the OUT-1 values.",
        ),
        "introduction-request-public": invalid(
            "alice's introduction request addressed to the public.",
            ["INTRO-8", "FED-1"],
            offer(ALICE, request(to=[BOB.uri, PUBLIC]), [BOB.uri]),
            "schema",
            "Only the parties may see an introduction request.",
        ),
        "vouch-id-on-another-host": invalid(
            "bob's vouch whose id is on mallory's host.",
            ["PROTO-4", "EVID-1"],
            vouch_create(vouch(id="https://m.example/vouches/4")),
            "origin-mismatch",
            "An object's id must be on its author's host.",
        ),
        "proposal-name-too-long": invalid(
            "An ask whose name is 201 characters.",
            ["LIMIT-1"],
            create(ALICE, {**ask(), "name": "n" * 201}, [PUBLIC]),
            "schema",
            "name is at most 200 characters.",
        ),
        "proposal-too-many-hashtags": invalid(
            "An ask with 11 topics.",
            ["ASK-7", "LIMIT-1"],
            create(ALICE, {**ask(), "tag": [hashtag(ALICE, f"t{i}") for i in range(11)]}, [PUBLIC]),
            "schema",
            "At most 10 topics.",
        ),
        "introduction-request-content-too-long": invalid(
            "An introduction request whose content is 5,001 characters.",
            ["LIMIT-1"],
            offer(ALICE, request(content="c" * 5001), [BOB.uri]),
            "schema",
            "content is at most 5,000 characters.",
        ),
        "vouch-too-many-topics": invalid(
            "A vouch with 11 topics.",
            ["VOUCH-1", "LIMIT-1"],
            vouch_create(vouch(topic=[f"topic{i}" for i in range(11)])),
            "schema",
            "At most 10 topics.",
        ),
        "vouch-topic-too-long": invalid(
            "A vouch with a topic of 65 characters.",
            ["VOUCH-1", "LIMIT-1"],
            vouch_create(vouch(topic=["t" * 65])),
            "schema",
            "A topic is at most 64 characters.",
        ),
    }


def actor_document(party: Party) -> Json:
    """The public actor document, as `fedinet.federation.actor_document` renders one."""
    return {
        "@context": ACTOR_CONTEXT,
        "id": party.uri,
        "type": "Person",
        "preferredUsername": party.name,
        "inbox": party.url("inbox"),
        "outbox": party.url("outbox"),
        "assertionMethod": [
            {
                "id": party.key_id,
                "type": "Multikey",
                "controller": party.uri,
                "publicKeyMultibase": ed25519_to_multibase(party.private_key.public_key()),
            }
        ],
    }


def keys() -> Json:
    return {
        "description": "TEST-ONLY private Ed25519 keys of the actors in actors.json: each seed is "
        "SHA-256 of the actor's name. Never use them anywhere else.",
        "keys": [
            {
                "id": party.key_id,
                "controller": party.uri,
                "seedHex": party.seed.hex(),
                "secretKeyMultibase": "z" + base58btc_encode(b"\x80\x26" + party.seed),
            }
            for party in ACTORS
        ],
    }


def render(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def build() -> dict[str, str]:
    """Every file this script writes: path relative to `protocol/vectors/` → text."""
    files = {"actors.json": render([actor_document(p) for p in ACTORS]), "keys.json": render(keys())}
    files |= {f"valid/{name}.json": render(vector) for name, vector in valid_vectors().items()}
    files |= {f"invalid/{name}.json": render(vector) for name, vector in invalid_vectors().items()}
    return files


def main() -> None:
    files = build()
    for stale in [*HERE.glob("valid/*.json"), *HERE.glob("invalid/*.json")]:
        if str(stale.relative_to(HERE)) not in files:
            stale.unlink()
    for relative, text in files.items():
        path = HERE / relative
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {HERE}")


if __name__ == "__main__":
    main()
