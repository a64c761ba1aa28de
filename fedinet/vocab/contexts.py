"""JSON-LD processing that never touches the network.

This module is the only place in fedinet that imports PyLD. Importing it (or
``fedinet.vocab``) installs :func:`local_document_loader` as PyLD's process-wide
document loader, replacing the default one that would fetch any remote
``@context`` over HTTP (an SSRF and availability hole: a remote party could make
the server fetch an arbitrary URL, or stall it on a slow one). The helpers below
also pass the loader explicitly on every call, so they stay offline even if some
other code swaps PyLD's global loader later.

The loader serves the local copies of the contexts the fediverse uses, shipped
in ``fedinet.protocol`` under ``contexts/`` (``index.json`` maps each URL and
its aliases to a file; ``README.md`` there says where each copy came from). Any
other URL is refused with :class:`ContextNotAvailableError`.

Policy for unknown remote contexts
----------------------------------
Real-world ActivityPub documents routinely name extension contexts that nobody
preloads: Pleroma/Akkoma's per-instance ``https://<host>/schemas/litepub-0.1.jsonld``,
``https://gotosocial.org/ns``, FEP contexts, project-specific ones. Mastodon and
the other large implementations never fail an activity because of such an
extra context, so rejecting them would break federation. Fetching them is not
an option either. So, by default (``unknown_contexts="ignore"``):

* each ``@context`` reference (a URL string, anywhere in the document:
  top level, nested objects, scoped contexts inside term definitions, and
  ``@import``) that is not one of the local copies is replaced by an empty
  context ``{}`` before processing; its URL is returned to the caller (and
  logged at INFO level) as a warning;
* nothing is ever fetched; terms that only the dropped context defined are
  simply not expanded (ActivityStreams' ``"@vocab": "_:"`` turns them into
  blank-node properties that downstream code will not recognise), which is the
  same outcome as for a term no context defines;
* everything else about the document must still be valid JSON-LD: a
  malformed ``@context`` (a number, a bad term definition, redefining a
  protected term), an invalid ``@id``/``@type`` value and so on make
  :func:`check_jsonld` raise :class:`InvalidJsonLdError` (the inbox answers 400).

Callers that must not tolerate unknown contexts (e.g. when processing our own
documents, or the context argument of :func:`compact`) use
``unknown_contexts="reject"``, which raises :class:`ContextNotAvailableError`
naming the URL. A context URL is recognised only as an absolute URL listed in
``index.json``, after dropping any ``#fragment`` (a fragment never changes the
document a URL dereferences to); relative context references are treated as
unknown.
"""

from __future__ import annotations

import copy
import json
import logging
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urldefrag

from pyld import jsonld
from pyld.jsonld import JsonLdError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "ACTIVITYSTREAMS_CONTEXT",
    "ACTOR_CONTEXT",
    "ContextNotAvailableError",
    "DATA_INTEGRITY_V1_CONTEXT",
    "DID_V1_CONTEXT",
    "InvalidJsonLdError",
    "JsonLdError",
    "MULTIKEY_V1_CONTEXT",
    "SECURITY_V1_CONTEXT",
    "UnknownContextPolicy",
    "check_jsonld",
    "compact",
    "expand",
    "install_local_document_loader",
    "is_known_context",
    "is_valid_jsonld",
    "known_context_urls",
    "local_document_loader",
    "strip_unknown_contexts",
]

logger = logging.getLogger(__name__)

UnknownContextPolicy = Literal["ignore", "reject"]

ACTIVITYSTREAMS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_V1_CONTEXT = "https://w3id.org/security/v1"
DATA_INTEGRITY_V1_CONTEXT = "https://w3id.org/security/data-integrity/v1"
DID_V1_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1_CONTEXT = "https://w3id.org/security/multikey/v1"

# The @context of our actor documents. The URL part follows Fedify's actors
# (ActivityStreams, security/v1 for `publicKey`, data-integrity/v1, did/v1 and
# multikey/v1 for FEP-521a `assertionMethod` Multikeys: Fedify ignores an
# actor's Multikey unless did/v1 is present). The inline terms are Mastodon's
# actor extension terms, with the definitions of its ContextHelper (including
# its `http://schema.org#` namespace spelling for PropertyValue), plus the
# `Emoji`/`Hashtag` types that Mastodon adds for an actor's `tag`.
# `alsoKnownAs` repeats did/v1's protected definition exactly, which JSON-LD
# allows (a tested property: any other definition would be an error).
# Do not mutate; deep-copy it to extend.
ACTOR_CONTEXT: list[Any] = [
    ACTIVITYSTREAMS_CONTEXT,
    SECURITY_V1_CONTEXT,
    DATA_INTEGRITY_V1_CONTEXT,
    DID_V1_CONTEXT,
    MULTIKEY_V1_CONTEXT,
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
        "indexable": "toot:indexable",
        "Emoji": "toot:Emoji",
        "Hashtag": "as:Hashtag",
    },
]


class ContextNotAvailableError(JsonLdError):
    """A JSON-LD document was requested that is not one of the local copies."""

    def __init__(self, url: object) -> None:
        self.url = url
        super().__init__(
            f"refusing to load JSON-LD document {url!r}: fedinet never fetches "
            "JSON-LD documents from the network and has no local copy of this one",
            "fedinet.ContextNotAvailable",
            {"url": url},
            code="loading document failed",
        )

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidJsonLdError(ValueError):
    """The document is not valid JSON-LD (what the inbox answers 400 to)."""


# ---------------------------------------------------------------------------
# The local copies


def _contexts_dir() -> Traversable:
    try:
        return resources.files("fedinet.protocol") / "contexts"
    except ModuleNotFoundError:  # a source checkout that is not installed
        return Path(__file__).resolve().parents[2] / "protocol" / "contexts"


@cache
def _index() -> dict[str, str]:
    index = json.loads((_contexts_dir() / "index.json").read_text(encoding="utf-8"))
    for url, filename in index.items():
        if (
            not isinstance(filename, str)
            or not filename.endswith(".jsonld")
            or "/" in filename
            or "\\" in filename
            or filename.startswith(".")
        ):
            raise RuntimeError(f"contexts/index.json: bad file name {filename!r} for {url!r}")
    return index


@cache
def _parsed(filename: str) -> Any:
    return json.loads((_contexts_dir() / filename).read_text(encoding="utf-8"))


def _normalize(url: str) -> str:
    return urldefrag(url).url


def known_context_urls() -> frozenset[str]:
    """Every URL (aliases included) that the local loader serves."""
    return frozenset(_index())


def is_known_context(url: object) -> bool:
    """Whether ``url`` names one of the local copies (ignoring a ``#fragment``)."""
    return isinstance(url, str) and _normalize(url) in _index()


def local_document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """PyLD document loader serving only the local copies; never uses the network.

    Raises :class:`ContextNotAvailableError` (a ``pyld.jsonld.JsonLdError``)
    naming the URL for anything else.
    """
    filename = _index().get(_normalize(url)) if isinstance(url, str) else None
    if filename is None:
        raise ContextNotAvailableError(url)
    return {
        "contextUrl": None,
        "documentUrl": url,
        # PyLD may rewrite a loaded context in place: hand out a copy.
        "document": copy.deepcopy(_parsed(filename)),
        "contentType": "application/ld+json",
    }


def install_local_document_loader() -> None:
    """Make :func:`local_document_loader` PyLD's default loader (idempotent)."""
    jsonld.set_document_loader(local_document_loader)


install_local_document_loader()


# ---------------------------------------------------------------------------
# Unknown-context policy


def _unknown(url: Any, policy: UnknownContextPolicy, ignored: list[str]) -> None:
    if policy == "reject":
        raise ContextNotAvailableError(url)
    if url not in ignored:
        ignored.append(url)


def _filter_context(ctx: Any, policy: UnknownContextPolicy, ignored: list[str]) -> Any:
    """One ``@context`` value with unknown URL references handled per ``policy``."""
    if isinstance(ctx, str):
        if is_known_context(ctx):
            return ctx
        _unknown(ctx, policy, ignored)
        return {}
    if isinstance(ctx, list):
        return [_filter_context(item, policy, ignored) for item in ctx]
    if isinstance(ctx, dict):
        filtered: dict[str, Any] = {}
        for key, value in ctx.items():
            if key == "@import" and isinstance(value, str):
                if not is_known_context(value):
                    _unknown(value, policy, ignored)
                    continue
                filtered[key] = value
            else:
                # Term definitions may carry scoped contexts of their own.
                filtered[key] = _walk(value, policy, ignored)
        return filtered
    return ctx  # null resets the context; anything else is left for PyLD to reject


def _walk(value: Any, policy: UnknownContextPolicy, ignored: list[str]) -> Any:
    if isinstance(value, dict):
        return {
            key: (
                _filter_context(item, policy, ignored)
                if key == "@context"
                else _walk(item, policy, ignored)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_walk(item, policy, ignored) for item in value]
    return value


def strip_unknown_contexts(
    document: Any, unknown_contexts: UnknownContextPolicy = "ignore"
) -> tuple[Any, list[str]]:
    """A copy of ``document`` with every unknown ``@context`` URL replaced by ``{}``.

    Returns ``(copy, ignored_urls)``; the input is not modified. With
    ``unknown_contexts="reject"`` an unknown URL raises
    :class:`ContextNotAvailableError` instead.
    """
    if unknown_contexts not in ("ignore", "reject"):
        raise ValueError(f"unknown_contexts must be 'ignore' or 'reject', not {unknown_contexts!r}")
    ignored: list[str] = []
    stripped = _walk(document, unknown_contexts, ignored)
    if ignored:
        logger.info("ignored JSON-LD context(s) without a local copy: %s", ", ".join(map(str, ignored)))
    return stripped, ignored


# ---------------------------------------------------------------------------
# Processing helpers


def _options(base: str | None) -> dict[str, Any]:
    options: dict[str, Any] = {"documentLoader": local_document_loader}
    if base is not None:
        options["base"] = base
    return options


def _require_document(document: Any) -> None:
    # A string would be taken as a URL to load: never let one through.
    if not isinstance(document, (dict, list)):
        raise InvalidJsonLdError(
            f"a JSON-LD document must be a JSON object or array, not {type(document).__name__}"
        )


def expand(
    document: dict[str, Any] | list[Any],
    *,
    unknown_contexts: UnknownContextPolicy = "ignore",
    base: str | None = None,
) -> list[Any]:
    """JSON-LD expansion, offline, with the unknown-context policy applied.

    Raises ``pyld.jsonld.JsonLdError`` (or :class:`ContextNotAvailableError`
    with ``unknown_contexts="reject"``) for invalid input.
    """
    _require_document(document)
    stripped, _ = strip_unknown_contexts(document, unknown_contexts)
    return jsonld.expand(stripped, _options(base))


def compact(
    document: dict[str, Any] | list[Any],
    context: Any,
    *,
    unknown_contexts: UnknownContextPolicy = "ignore",
    base: str | None = None,
) -> dict[str, Any]:
    """JSON-LD compaction, offline.

    ``context`` is ours and must only reference local copies (an unknown URL in
    it raises :class:`ContextNotAvailableError`); ``unknown_contexts`` applies
    to ``document``. The result's ``@context`` is ``context`` as given.
    """
    _require_document(document)
    # `context` is a @context value itself, not a document holding one.
    strict_context = _filter_context(context, "reject", [])
    stripped, _ = strip_unknown_contexts(document, unknown_contexts)
    return jsonld.compact(stripped, strict_context, _options(base))


def _describe(error: BaseException) -> str:
    parts: list[str] = []
    current: BaseException | None = error
    while current is not None and len(parts) < 4:
        if isinstance(current, ContextNotAvailableError):
            parts.append(str(current))
            break
        if isinstance(current, JsonLdError):
            text = str(current.args[0]) if current.args else current.type
            if current.code:
                text += f" ({current.code})"
            parts.append(text)
        else:
            parts.append(f"{type(current).__name__}: {current}")
        current = current.__cause__ or getattr(current, "cause", None)
    return ": ".join(parts)


def check_jsonld(
    document: Any, *, unknown_contexts: UnknownContextPolicy = "ignore"
) -> list[str]:
    """Raise :class:`InvalidJsonLdError` unless ``document`` is valid JSON-LD.

    Validity means that JSON-LD expansion succeeds offline under the
    unknown-context policy (see the module docstring). Returns the context
    URLs that were ignored for lack of a local copy, for the caller to record.
    """
    _require_document(document)
    try:
        stripped, ignored = strip_unknown_contexts(document, unknown_contexts)
        jsonld.expand(stripped, _options(None))
    except JsonLdError as error:
        raise InvalidJsonLdError(f"invalid JSON-LD: {_describe(error)}") from error
    except RecursionError as error:
        raise InvalidJsonLdError("invalid JSON-LD: the document is nested too deeply") from error
    return ignored


def is_valid_jsonld(document: Any, *, unknown_contexts: UnknownContextPolicy = "ignore") -> bool:
    """``True`` if :func:`check_jsonld` accepts ``document``."""
    try:
        check_jsonld(document, unknown_contexts=unknown_contexts)
    except InvalidJsonLdError:
        return False
    return True
