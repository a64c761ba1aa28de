"""Stateless validation of inbound fedinet documents: schemas, then the rules a single document
can be checked against (`protocol/spec.md`). Pure: no I/O besides loading the schemas once.

Signatures are `fedinet.market.evidence`'s; rules that need stored state (OUT-2 needs the
introduction, INTRO-7 needs actor resolution) take that state as arguments or are the caller's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from fedinet.market import vocabulary as vocab

if TYPE_CHECKING:
    from referencing._core import Resolver

Code = Literal[
    "schema",
    "proof-missing",
    "proof-invalid",
    "key-not-owned",
    "origin-mismatch",
    "self-reference",
    "not-a-party",
    "unknown-actor",
    "consent-missing",
    "consent-mismatch",
]

# Schemas of the objects SIG-1 requires to carry a proof.
SIGNED_SCHEMAS = frozenset(
    {"vouch", "acknowledgment", "introduction-request", "introduction", "outcome", "introduction-answer"}
)
_TYPE_SCHEMAS = {
    vocab.VOUCH: "vouch",
    vocab.ACKNOWLEDGMENT: "acknowledgment",
    vocab.INTRODUCTION_REQUEST: "introduction-request",
    vocab.INTRODUCTION: "introduction",
    vocab.OUTCOME: "outcome",
}
_NESTED = ("object", "result", "consent", "vouch")  # where fedinet things are embedded
_MAX_DEPTH = 8
_MAX_QUOTE = 80  # schema messages quote the offending value: at most this much of it
_ACTOR_REFERENCES = ("vouchesFor", "helper", "connector", "target", "introduces")


class ProtocolViolation(ValueError):
    """A document that breaks the protocol: `code` is stable, `reason` is for people."""

    def __init__(self, code: Code, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def author_of(document: dict[str, Any]) -> str | None:
    """The author: `attributedTo` of an object, `actor` of an activity."""
    author = document.get("attributedTo", document.get("actor"))
    return author if isinstance(author, str) else None


def same_host(uri: str, other: str) -> bool:
    """Whether two URIs are on the same host (and port)."""
    host = urlsplit(uri).netloc.lower()
    return host != "" and host == urlsplit(other).netloc.lower()


def fedinet_objects(document: Any) -> list[tuple[str, dict[str, Any]]]:
    """The fedinet things in `document`, outermost first, each with its schema name."""
    return [(schema, node) for _, schema, node in _walk(document, "$", 0)]


def signed_objects(document: Any) -> list[dict[str, Any]]:
    """Every object in `document` that SIG-1 requires to carry a proof (nested ones too)."""
    return [node for _, schema, node in _walk(document, "$", 0) if schema in SIGNED_SCHEMAS]


def referenced_actors(document: Any) -> list[str]:
    """The actors the fedinet things in `document` name as parties; each must resolve (INTRO-7)."""
    found: list[str] = []
    for _, node in fedinet_objects(document):
        for key in _ACTOR_REFERENCES:
            actor = node.get(key)
            if isinstance(actor, str) and actor not in found:
                found.append(actor)
    return found


def validate(document: Any) -> None:
    """Schema-validate every fedinet thing in `document`, then apply the stateless rules.

    Raises `ProtocolViolation` with the first problem.
    """
    things = list(_walk(document, "$", 0))
    for path, schema, node in things:
        error = best_match(_validator(schema).iter_errors(node))
        if error is not None:
            where = path + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            raise _violation("schema", where, _message(error))
    for path, schema, node in things:
        _check_rules(path, schema, node)
    _check_consent_present(document)


def check_outcome(outcome: dict[str, Any], introduction: dict[str, Any]) -> None:
    """OUT-2: the outcome's author is A or C of `introduction`, made by its `connector`."""
    author = author_of(outcome)
    if author not in (introduction.get("introduces"), introduction.get("target")):
        raise ProtocolViolation("not-a-party", f"{author} is not a party of {introduction.get('id')}")
    if outcome.get("connector") != author_of(introduction):
        raise ProtocolViolation("not-a-party", "the outcome's connector did not make the introduction")
    if outcome.get("context") != introduction.get("id"):
        raise ProtocolViolation("not-a-party", "the outcome is about another introduction")


def _message(error: ValidationError) -> str:
    quoted = repr(error.instance)
    if len(quoted) <= _MAX_QUOTE:
        return error.message
    return error.message.replace(quoted, quoted[: _MAX_QUOTE - 1] + "…")


def _kind(node: dict[str, Any]) -> str | None:
    kind = node.get("type")
    if kind == "Proposal" or (kind == "Note" and ("purpose" in node or "publishes" in node)):
        return "proposal"
    if isinstance(kind, str) and kind in _TYPE_SCHEMAS:
        return _TYPE_SCHEMAS[kind]
    obj, result = node.get("object"), node.get("result")
    if kind == "Offer" and _has_type(obj, "Agreement"):
        return "agreement-offer"
    if kind in ("Accept", "Reject") and _has_type(obj, vocab.INTRODUCTION):
        return "introduction-answer"
    if kind in ("Accept", "Reject") and _has_type(result, "Agreement"):
        return "agreement-answer"
    return None


def _has_type(value: Any, kind: str) -> bool:
    return isinstance(value, dict) and value.get("type") == kind


def _walk(node: Any, path: str, depth: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    if not isinstance(node, dict):
        return
    if depth > _MAX_DEPTH:
        raise _violation("schema", path, "nested too deeply")
    kind = _kind(node)
    if kind is not None:
        yield path, kind, node
    for key in _NESTED:
        # An answer's object is a reference to the introduction, not the introduction.
        if not (kind == "introduction-answer" and key == "object"):
            yield from _walk(node.get(key), f"{path}.{key}", depth + 1)


def _check_rules(path: str, schema: str, node: dict[str, Any]) -> None:
    author = author_of(node)
    assert author is not None  # every schema requires one
    if not same_host(node["id"], author):
        raise _violation("origin-mismatch", path, f"{node['id']} is not on the host of {author} (PROTO-4)")
    result = node.get("result")
    if schema == "agreement-answer" and result is not None:
        if result["attributedTo"] != author or not same_host(result["id"], author):
            raise _violation("origin-mismatch", path + ".result", "not the accepter's agreement (AGREE-2)")
    if schema == "vouch" and node["vouchesFor"] == author:
        raise _violation("self-reference", path, "a vouch for oneself (VOUCH-2)")
    if schema == "acknowledgment" and node["helper"] == author:
        raise _violation("self-reference", path, "an acknowledgment of oneself (ACK-2)")
    if schema == "introduction-request":
        _check_parties(path, author, node["connector"], node["target"], "INTRO-1")
    if schema == "introduction":
        _check_parties(path, author, node["introduces"], node["target"], "INTRO-7")
        _check_embedded(path, node)


def _check_parties(path: str, a: str, b: str, c: str, requirement: str) -> None:
    if len({a, b, c}) != 3:
        raise _violation("self-reference", path, f"the parties must be three actors ({requirement})")


def _check_embedded(path: str, introduction: dict[str, Any]) -> None:
    """INTRO-3: the vouch is the connector's for A; INTRO-4: the consent is A's, for this one."""
    connector, introduced = introduction["attributedTo"], introduction["introduces"]
    vouch = introduction.get("vouch")
    if vouch is not None and (vouch["attributedTo"], vouch["vouchesFor"]) != (connector, introduced):
        raise _violation("not-a-party", path + ".vouch", "not the connector's vouch for A (INTRO-3)")
    consent = introduction.get("consent")
    if consent is None:
        return
    if author_of(consent) != introduced:
        raise _violation("consent-mismatch", path + ".consent", f"not given by {introduced} (INTRO-4)")
    if consent["type"] == vocab.INTRODUCTION_REQUEST:
        if (consent["connector"], consent["target"]) != (connector, introduction["target"]):
            raise _violation("consent-mismatch", path + ".consent", "a request to another connector/target")
    elif consent["object"]["id"] != introduction["id"]:
        raise _violation("consent-mismatch", path + ".consent", "the Accept of another introduction")


def _check_consent_present(document: Any) -> None:
    """INTRO-4: an Offer of an Introduction that reaches its target carries A's consent."""
    if not isinstance(document, dict) or document.get("type") != "Offer":
        return
    introduction = document.get("object")
    if not _has_type(introduction, vocab.INTRODUCTION) or "consent" in introduction:
        return
    if introduction.get("target") in [*_as_list(document.get("to")), *_as_list(document.get("cc"))]:
        raise _violation("consent-missing", "$.object", "offered to its target without consent (INTRO-4)")


def _violation(code: Code, path: str, text: str) -> ProtocolViolation:
    return ProtocolViolation(code, f"{path}: {text}")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@cache
def _registry() -> Registry:
    directory = resources.files("fedinet.protocol") / "schemas"
    files = [entry for entry in directory.iterdir() if entry.name.endswith(".json")]
    schemas = [json.loads(entry.read_text(encoding="utf-8")) for entry in files]
    return Registry().with_resources((schema["$id"], Resource.from_contents(schema)) for schema in schemas)


@cache
def _validator(schema: str) -> Draft202012Validator:
    """A validator for one schema with every `$ref` inlined once: resolving references on
    each validation was half of its cost (the schemas have no recursive references)."""
    uri = f"https://w3id.org/fedinet/schemas/{schema}.json"
    resolver = _registry().resolver(base_uri=uri)
    return Draft202012Validator(_inlined(_registry().contents(uri), resolver, 0))


def _inlined(node: Any, resolver: Resolver[Any], depth: int) -> Any:
    if depth > 32:
        raise ValueError("the schemas refer to each other in a cycle")
    if isinstance(node, list):
        return [_inlined(item, resolver, depth) for item in node]
    if not isinstance(node, dict):
        return node
    copied = {key: _inlined(value, resolver, depth) for key, value in node.items() if key not in ("$ref", "$defs", "$id")}
    if "$ref" not in node:
        return copied
    resolved = resolver.lookup(node["$ref"])
    target = _inlined(resolved.contents, resolved.resolver, depth + 1)
    return {"allOf": [target, copied]} if copied else target
