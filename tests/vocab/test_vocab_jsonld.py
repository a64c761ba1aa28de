"""Expanding, compacting and validating real-world ActivityPub documents offline."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from fedinet import vocab

AS = "https://www.w3.org/ns/activitystreams#"
SEC = "https://w3id.org/security#"
TOOT = "http://joinmastodon.org/ns#"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

ALICE = "https://mastodon.example/users/alice"

# What Mastodon sends for a public post with a hashtag and an emoji (shape and
# @context as built by Mastodon's serializers and ContextHelper).
MASTODON_CREATE: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/activitystreams",
        {
            "ostatus": "http://ostatus.org#",
            "atomUri": "ostatus:atomUri",
            "inReplyToAtomUri": "ostatus:inReplyToAtomUri",
            "conversation": "ostatus:conversation",
            "sensitive": "as:sensitive",
            "toot": "http://joinmastodon.org/ns#",
            "votersCount": "toot:votersCount",
            "blurhash": "toot:blurhash",
            "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
            "Hashtag": "as:Hashtag",
            "Emoji": "toot:Emoji",
        },
    ],
    "id": f"{ALICE}/statuses/1/activity",
    "type": "Create",
    "actor": ALICE,
    "published": "2024-05-01T10:00:00Z",
    "to": [PUBLIC],
    "cc": [f"{ALICE}/followers"],
    "object": {
        "id": f"{ALICE}/statuses/1",
        "type": "Note",
        "summary": None,
        "inReplyTo": None,
        "published": "2024-05-01T10:00:00Z",
        "url": "https://mastodon.example/@alice/1",
        "attributedTo": ALICE,
        "to": [PUBLIC],
        "cc": [f"{ALICE}/followers"],
        "sensitive": False,
        "atomUri": f"{ALICE}/statuses/1",
        "inReplyToAtomUri": None,
        "conversation": "tag:mastodon.example,2024-05-01:objectId=1:objectType=Conversation",
        "content": '<p>Hello <a href="https://mastodon.example/tags/fedi">#fedi</a> :blob:</p>',
        "contentMap": {"en": "<p>Hello #fedi :blob:</p>"},
        "attachment": [
            {
                "type": "Document",
                "mediaType": "image/png",
                "url": "https://files.mastodon.example/1.png",
                "name": "a blob",
                "blurhash": "UBL_:rOpGG-;~qRjWBay",
                "focalPoint": [0.0, 0.0],
                "width": 400,
                "height": 300,
            }
        ],
        "tag": [
            {"type": "Hashtag", "href": "https://mastodon.example/tags/fedi", "name": "#fedi"},
            {
                "id": "https://mastodon.example/emojis/1",
                "type": "Emoji",
                "name": ":blob:",
                "updated": "2024-01-01T00:00:00Z",
                "icon": {"type": "Image", "mediaType": "image/png", "url": "https://files.mastodon.example/blob.png"},
            },
        ],
        "replies": {
            "id": f"{ALICE}/statuses/1/replies",
            "type": "Collection",
            "first": {"type": "CollectionPage", "next": f"{ALICE}/statuses/1/replies?page=true", "items": []},
        },
    },
}

# A Mastodon actor document (abridged), as Mastodon publishes it.
MASTODON_ACTOR: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "toot": "http://joinmastodon.org/ns#",
            "featured": {"@id": "toot:featured", "@type": "@id"},
            "featuredTags": {"@id": "toot:featuredTags", "@type": "@id"},
            "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
            "movedTo": {"@id": "as:movedTo", "@type": "@id"},
            "schema": "http://schema.org#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "discoverable": "toot:discoverable",
            "suspended": "toot:suspended",
            "memorial": "toot:memorial",
            "indexable": "toot:indexable",
        },
    ],
    "id": ALICE,
    "type": "Person",
    "following": f"{ALICE}/following",
    "followers": f"{ALICE}/followers",
    "inbox": f"{ALICE}/inbox",
    "outbox": f"{ALICE}/outbox",
    "featured": f"{ALICE}/collections/featured",
    "featuredTags": f"{ALICE}/collections/tags",
    "preferredUsername": "alice",
    "name": "Alice",
    "manuallyApprovesFollowers": False,
    "discoverable": True,
    "indexable": True,
    "publicKey": {
        "id": f"{ALICE}#main-key",
        "owner": ALICE,
        "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n",
    },
    "endpoints": {"sharedInbox": "https://mastodon.example/inbox"},
}

OURS = "https://fedinet.example/users/carol"


def our_actor(context: Any = None) -> dict[str, Any]:
    return {
        "@context": copy.deepcopy(vocab.ACTOR_CONTEXT) if context is None else context,
        "id": OURS,
        "type": "Person",
        "preferredUsername": "carol",
        "inbox": f"{OURS}/inbox",
        "outbox": f"{OURS}/outbox",
        "followers": f"{OURS}/followers",
        "following": f"{OURS}/following",
        "featured": f"{OURS}/collections/featured",
        "featuredTags": f"{OURS}/collections/tags",
        "manuallyApprovesFollowers": True,
        "discoverable": True,
        "indexable": False,
        "alsoKnownAs": ["https://old.example/users/carol"],
        "movedTo": "https://new.example/users/carol",
        "attachment": [{"type": "PropertyValue", "name": "Site", "value": "https://carol.example"}],
        "tag": [{"type": "Emoji", "name": ":wave:", "icon": {"type": "Image", "url": "https://fedinet.example/wave.png"}}],
        "publicKey": {
            "id": f"{OURS}#main-key",
            "owner": OURS,
            "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n",
        },
        "assertionMethod": [
            {
                "id": f"{OURS}#ed25519-key",
                "type": "Multikey",
                "controller": OURS,
                "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            }
        ],
    }


def _node(expanded: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(expanded) == 1
    return expanded[0]


def _ids(values: list[dict[str, Any]]) -> list[str]:
    return [value["@id"] for value in values]


def test_mastodon_create_note_expands_offline() -> None:
    assert vocab.check_jsonld(MASTODON_CREATE) == []
    create = _node(vocab.expand(MASTODON_CREATE, unknown_contexts="reject"))
    assert create["@type"] == [AS + "Create"]
    assert _ids(create[AS + "actor"]) == [ALICE]
    assert _ids(create[AS + "to"]) == [PUBLIC]
    note = create[AS + "object"][0]
    assert note["@type"] == [AS + "Note"]
    assert note["@id"] == f"{ALICE}/statuses/1"
    assert _ids(note[AS + "attributedTo"]) == [ALICE]
    assert note[AS + "sensitive"] == [{"@value": False}]
    assert note["http://ostatus.org#atomUri"] == [{"@value": f"{ALICE}/statuses/1"}]
    assert {"@language": "en", "@value": "<p>Hello #fedi :blob:</p>"} in note[AS + "content"]
    tag_types = sorted(tag["@type"][0] for tag in note[AS + "tag"])
    assert tag_types == sorted([AS + "Hashtag", TOOT + "Emoji"])
    attachment = note[AS + "attachment"][0]
    assert attachment[TOOT + "focalPoint"] == [{"@list": [{"@value": 0.0}, {"@value": 0.0}]}]


def test_mastodon_actor_expands_offline() -> None:
    actor = _node(vocab.expand(MASTODON_ACTOR, unknown_contexts="reject"))
    assert actor["@type"] == [AS + "Person"]
    key = actor[SEC + "publicKey"][0]
    assert key["@id"] == f"{ALICE}#main-key"
    assert _ids(key[SEC + "owner"]) == [ALICE]
    assert key[SEC + "publicKeyPem"][0]["@value"].startswith("-----BEGIN PUBLIC KEY-----")
    assert actor[TOOT + "discoverable"] == [{"@value": True}]
    assert _ids(actor[TOOT + "featured"]) == [f"{ALICE}/collections/featured"]


def test_actor_context_references_only_local_copies() -> None:
    urls = [item for item in vocab.ACTOR_CONTEXT if isinstance(item, str)]
    assert urls == [
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        "https://w3id.org/security/data-integrity/v1",
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert all(vocab.is_known_context(url) for url in urls)
    assert isinstance(vocab.ACTOR_CONTEXT[-1], dict)


def test_our_actor_document_expands_to_the_expected_iris() -> None:
    document = our_actor()
    assert vocab.check_jsonld(document, unknown_contexts="reject") == []
    actor = _node(vocab.expand(document, unknown_contexts="reject"))
    assert actor["@type"] == ["https://www.w3.org/ns/activitystreams#Person"]
    assert actor[AS + "manuallyApprovesFollowers"] == [{"@value": True}]
    assert actor[TOOT + "discoverable"] == [{"@value": True}]
    assert actor[TOOT + "indexable"] == [{"@value": False}]
    assert _ids(actor[TOOT + "featured"]) == [f"{OURS}/collections/featured"]
    assert _ids(actor[TOOT + "featuredTags"]) == [f"{OURS}/collections/tags"]
    assert _ids(actor[AS + "alsoKnownAs"]) == ["https://old.example/users/carol"]
    assert _ids(actor[AS + "movedTo"]) == ["https://new.example/users/carol"]
    assert actor[AS + "tag"][0]["@type"] == [TOOT + "Emoji"]

    field = actor[AS + "attachment"][0]
    assert field["@type"] == ["http://schema.org#PropertyValue"]
    assert field["http://schema.org#value"] == [{"@value": "https://carol.example"}]

    key = actor["https://w3id.org/security#publicKey"][0]
    assert key["https://w3id.org/security#publicKeyPem"][0]["@value"].startswith("-----BEGIN")
    assert _ids(key[SEC + "owner"]) == [OURS]

    multikey = actor[SEC + "assertionMethod"][0]
    assert multikey["@type"] == [SEC + "Multikey"]
    assert _ids(multikey[SEC + "controller"]) == [OURS]
    assert multikey["https://w3id.org/security#publicKeyMultibase"] == [
        {
            "@type": SEC + "multibase",
            "@value": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        }
    ]


def test_our_actor_document_round_trips_through_compaction() -> None:
    document = our_actor()
    compacted = vocab.compact(vocab.expand(document), vocab.ACTOR_CONTEXT, unknown_contexts="reject")
    assert compacted["@context"] == vocab.ACTOR_CONTEXT
    assert compacted["type"] == "Person"
    assert compacted["publicKey"]["publicKeyPem"] == document["publicKey"]["publicKeyPem"]
    assert compacted["assertionMethod"] == document["assertionMethod"]
    assert compacted["discoverable"] is True
    assert compacted["featured"] == document["featured"]
    # Compaction turns one-element arrays into single values.
    assert compacted["alsoKnownAs"] == document["alsoKnownAs"][0]
    assert compacted["attachment"] == document["attachment"][0]


def test_actor_context_must_agree_with_the_protected_did_terms() -> None:
    """did/v1 protects `alsoKnownAs`; ACTOR_CONTEXT may only repeat its definition."""
    context = copy.deepcopy(vocab.ACTOR_CONTEXT)
    context[-1]["alsoKnownAs"] = {"@id": "toot:alsoKnownAs", "@type": "@id"}
    with pytest.raises(vocab.InvalidJsonLdError, match="protected term redefinition"):
        vocab.check_jsonld(our_actor(context))


def test_data_integrity_proof_expands() -> None:
    document = {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/data-integrity/v1",
        ],
        "id": f"{OURS}/activities/1",
        "type": "Create",
        "actor": OURS,
        "object": {"id": f"{OURS}/notes/1", "type": "Note", "content": "hi"},
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "verificationMethod": f"{OURS}#ed25519-key",
            "proofPurpose": "assertionMethod",
            "proofValue": "z3sXaxjKs4M3BRicwWA9peyNPJvJqxtGsDmRt1rbi8ozwR6A7EbjnTsyxkRKmGDdBuE6zSuagm3kYE9ebAPrBLWRK",
            "created": "2024-05-01T10:00:00Z",
        },
    }
    create = _node(vocab.expand(document, unknown_contexts="reject"))
    proof = create[SEC + "proof"][0]["@graph"][0]
    assert proof["@type"] == [SEC + "DataIntegrityProof"]
    assert proof[SEC + "proofPurpose"] == [{"@id": SEC + "assertionMethod"}]
    assert proof[SEC + "cryptosuite"] == [{"@value": "eddsa-jcs-2022"}]
    assert _ids(proof[SEC + "verificationMethod"]) == [f"{OURS}#ed25519-key"]


def test_litepub_and_webfinger_contexts_are_served_locally() -> None:
    document = {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "http://litepub.social/litepub/context.jsonld",
            "https://purl.archive.org/socialweb/webfinger",
        ],
        "id": "https://pleroma.example/users/dan",
        "type": "Person",
        "webfinger": "dan@pleroma.example",
        "manuallyApprovesFollowers": False,
        "atomUri": "https://pleroma.example/users/dan",
    }
    actor = _node(vocab.expand(document, unknown_contexts="reject"))
    assert actor["https://purl.archive.org/socialweb/webfinger#webfinger"] == [
        {"@type": "http://www.w3.org/2001/XMLSchema#string", "@value": "dan@pleroma.example"}
    ]
    assert actor[AS + "manuallyApprovesFollowers"] == [{"@value": False}]
    assert actor["http://ostatus.org#atomUri"] == [{"@value": "https://pleroma.example/users/dan"}]


def test_pleroma_per_instance_context_is_ignored_not_fatal() -> None:
    litepub = "https://pleroma.example/schemas/litepub-0.1.jsonld"
    document = {
        "@context": ["https://www.w3.org/ns/activitystreams", litepub, {"@language": "und"}],
        "id": "https://pleroma.example/activities/1",
        "type": "Create",
        "actor": "https://pleroma.example/users/dan",
        "to": [PUBLIC],
        "object": {
            "id": "https://pleroma.example/objects/1",
            "type": "Note",
            "content": "hi",
            "directMessage": False,
        },
    }
    assert vocab.check_jsonld(document) == [litepub]
    create = _node(vocab.expand(document))
    assert create["@type"] == [AS + "Create"]
    assert create[AS + "object"][0][AS + "content"] == [{"@language": "und", "@value": "hi"}]


def test_gotosocial_namespace_is_ignored_not_fatal() -> None:
    document = {
        "@context": ["https://gotosocial.org/ns", "https://www.w3.org/ns/activitystreams"],
        "id": "https://gts.example/users/eve/statuses/1",
        "type": "Note",
        "attributedTo": "https://gts.example/users/eve",
        "content": "hi",
        "interactionPolicy": {"canLike": {"automaticApproval": PUBLIC}},
    }
    assert vocab.is_valid_jsonld(document)
    assert vocab.check_jsonld(document) == ["https://gotosocial.org/ns"]
    assert _node(vocab.expand(document))["@type"] == [AS + "Note"]
    assert not vocab.is_valid_jsonld(document, unknown_contexts="reject")


def test_stripping_unknown_contexts_leaves_the_input_alone() -> None:
    document = {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://x.example/ctx"],
        "type": "Note",
        "object": {"@context": "https://y.example/ctx", "type": "Note"},
    }
    before = copy.deepcopy(document)
    stripped, ignored = vocab.strip_unknown_contexts(document)
    assert document == before
    assert ignored == ["https://x.example/ctx", "https://y.example/ctx"]
    assert stripped == {
        "@context": ["https://www.w3.org/ns/activitystreams", {}],
        "type": "Note",
        "object": {"@context": {}, "type": "Note"},
    }
    with pytest.raises(ValueError):
        vocab.strip_unknown_contexts(document, "fetch")  # type: ignore[arg-type]


def test_compact_refuses_an_unknown_target_context() -> None:
    for context in (
        "https://x.example/ctx",
        ["https://www.w3.org/ns/activitystreams", "https://x.example/ctx"],
        {"@import": "https://x.example/ctx"},
        {"Thing": {"@id": "https://example.test/Thing", "@context": "https://x.example/ctx"}},
    ):
        with pytest.raises(vocab.ContextNotAvailableError, match="x.example/ctx"):
            vocab.compact(MASTODON_CREATE, context)


def _deep(depth: int) -> dict[str, Any]:
    document: dict[str, Any] = {"type": "Note"}
    for _ in range(depth):
        document = {"type": "Note", "inReplyTo": document}
    document["@context"] = "https://www.w3.org/ns/activitystreams"
    return document


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param("https://remote.example/activity", "JSON object or array", id="string"),
        pytest.param(42, "JSON object or array", id="number"),
        pytest.param(None, "JSON object or array", id="null"),
        pytest.param({"@context": 42, "type": "Note"}, "invalid local context", id="context-number"),
        pytest.param({"@context": {"foo": 5}, "foo": "x"}, "invalid term definition", id="bad-term"),
        pytest.param(
            {"@context": "https://www.w3.org/ns/activitystreams", "id": 5, "type": "Note"},
            "@id",
            id="id-not-string",
        ),
        pytest.param(
            {"@context": "https://www.w3.org/ns/activitystreams", "type": {"a": 1}},
            "invalid type value",
            id="type-object",
        ),
        pytest.param(
            {"@context": ["https://www.w3.org/ns/did/v1", {"controller": "https://x.example/c"}]},
            "protected term redefinition",
            id="protected-term",
        ),
        pytest.param(
            {"@context": [{"@version": 2.0}], "@id": "https://x.example/"},
            "invalid @version value",
            id="bad-version",
        ),
        pytest.param(_deep(5000), "nested too deeply", id="too-deep"),
    ],
)
def test_invalid_jsonld_is_rejected_with_a_clear_error(document: Any, message: str) -> None:
    assert not vocab.is_valid_jsonld(document)
    with pytest.raises(vocab.InvalidJsonLdError, match=message):
        vocab.check_jsonld(document)


def test_valid_documents_without_remote_contexts_pass() -> None:
    assert vocab.check_jsonld({"@context": {"@vocab": "https://example.test/#"}, "a": 1}) == []
    assert vocab.check_jsonld([MASTODON_CREATE, MASTODON_ACTOR]) == []
    assert vocab.is_valid_jsonld({"@context": None, "https://example.test/p": 1})
