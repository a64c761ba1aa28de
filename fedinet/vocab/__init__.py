"""JSON-LD vocabulary handling for fedinet, strictly offline.

Importing this package installs a PyLD document loader that serves only the
local copies of the well-known contexts (``fedinet.protocol`` ``contexts/``)
and refuses every other URL, so no code path can make PyLD fetch a remote
``@context``. :mod:`fedinet.vocab.contexts` is the only module that imports
PyLD; its docstring documents the policy for unknown contexts.
"""

from fedinet.vocab.contexts import (
    ACTIVITYSTREAMS_CONTEXT,
    ACTOR_CONTEXT,
    DATA_INTEGRITY_V1_CONTEXT,
    DID_V1_CONTEXT,
    MULTIKEY_V1_CONTEXT,
    SECURITY_V1_CONTEXT,
    ContextNotAvailableError,
    InvalidJsonLdError,
    JsonLdError,
    UnknownContextPolicy,
    check_jsonld,
    compact,
    expand,
    install_local_document_loader,
    is_known_context,
    is_valid_jsonld,
    known_context_urls,
    local_document_loader,
    strip_unknown_contexts,
)

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
