"""Verifying a request's HTTP signature and finding the actor whose key made it.

Used by the inbox (POST) and by authorized fetch (signed GETs). The key is looked up in the
database, or fetched from its origin; a signature that does not match is retried once with
a refetched key (key rotation). Failures a fresh key cannot fix are final at once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from fedinet.federation.key_store import KeyStore, KeyUnavailable, OwnedKey
from fedinet.federation.signing import http_cavage, http_rfc9421
from fedinet.federation.signing.http_message import (
    HttpMessage,
    SignatureError,
    SignatureMismatch,
)

log = logging.getLogger(__name__)


class SignatureRejected(Exception):
    """The request's signature cannot be accepted; the message says why."""


def origin(url: str) -> str:
    return urlsplit(url).netloc.lower()


def signature_key_id(message: HttpMessage) -> tuple[str, str]:
    """("rfc9421" or "cavage", key id) of the request's signature."""
    try:
        if message.header("signature-input") is not None:
            return "rfc9421", http_rfc9421.signature_key_id(message)
        return "cavage", http_cavage.signature_key_id(message)
    except SignatureError as error:
        raise SignatureRejected(f"signature rejected: {error.reason}") from error


async def verified_signer(
    message: HttpMessage, keys: KeyStore, now: datetime, window: timedelta
) -> OwnedKey:
    """The key that signed the request, once its signature verified."""
    scheme, key_id = signature_key_id(message)
    for refresh in (False, True):
        try:
            key = await keys.get(key_id, refresh=refresh)
        except KeyUnavailable as error:
            raise SignatureRejected(str(error)) from error
        try:
            if scheme == "rfc9421":
                parsed = http_rfc9421.parse_signature(message)
                http_rfc9421.verify(message, parsed, key.public_key, now, window)
            else:
                parsed_cavage = http_cavage.extract_signature(message)
                http_cavage.verify(message, parsed_cavage, key.public_key, now, window)
            return key
        except SignatureError as error:
            if refresh or not isinstance(error, SignatureMismatch):
                raise SignatureRejected(f"signature rejected: {error.reason}") from error
            log.info("signature by %s failed (%s); refetching the key", key_id, error.reason)
    raise AssertionError("unreachable")
