"""Receiving activities: verify signature and origin, then store — nothing before that.

The order of checks matters: cheap refusals first (shape, blocked domain, key on the
actor's host) so that a hostile request never makes us fetch anything; then the key
(fetched from its origin only if unknown), the signature (`request_auth`, with a refetch on failure for key rotation), an object proof when the activity carries one; only then the row that
the background worker processes. Any refusal raises `InboxRejection`: nothing is stored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ed25519

from fedinet.clock import utc_now
from fedinet.federation.key_store import KeyStore, KeyUnavailable
from fedinet.federation.request_auth import (
    SignatureRejected,
    origin,
    signature_key_id,
    verified_signer,
)
from fedinet.federation.signing import proofs
from fedinet.federation.signing.http_message import HttpMessage
from fedinet.market import validation
from fedinet.market.evidence import verify_signed
from fedinet.market.validation import ProtocolViolation
from fedinet.store import inbox as inbox_queries
from fedinet.store import market as market_queries
from fedinet.store.database import Database
from fedinet.vocab import InvalidJsonLdError, check_jsonld

log = logging.getLogger(__name__)


class InboxRejection(Exception):
    """Why an inbound request is refused, with the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Accepted:
    activity_uri: str
    is_new: bool  # False for a re-delivery of an activity already stored


def object_id(value: Any) -> str | None:
    """The id of an ActivityStreams reference: a string, or an object's `id`."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def parse_activity(body: bytes) -> dict[str, Any]:
    """The activity as a dict with string `id`, `type` and `actor`; 400 otherwise."""
    try:
        activity = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise InboxRejection(400, "the body is not valid JSON") from error
    if not isinstance(activity, dict):
        raise InboxRejection(400, "an activity must be a JSON object")
    if not isinstance(activity.get("id"), str) or not isinstance(activity.get("type"), str):
        raise InboxRejection(400, "the activity needs a string id and type")
    actor = object_id(activity.get("actor"))
    if actor is None or urlsplit(actor).scheme not in ("http", "https"):
        raise InboxRejection(400, "the activity needs an http(s) actor")
    if origin(activity["id"]) != origin(actor):
        raise InboxRejection(403, "the activity's id is not on its actor's host")
    try:
        check_jsonld(activity)
    except (InvalidJsonLdError, RecursionError) as error:
        raise InboxRejection(400, f"the activity is not valid JSON-LD: {error}") from error
    return activity


class InboxReceiver:
    """Checks and stores inbound activities for one instance."""

    def __init__(
        self,
        db: Database,
        keys: KeyStore,
        *,
        window: timedelta,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._keys = keys
        self._window = window
        self._clock = clock

    async def receive(self, message: HttpMessage) -> Accepted:
        activity = parse_activity(message.body)
        actor_uri = object_id(activity["actor"])
        assert actor_uri is not None
        async with self._db.session() as session:
            if await inbox_queries.is_domain_blocked(session, origin(actor_uri)):
                raise InboxRejection(403, f"{origin(actor_uri)} is blocked on this server")
        try:
            validation.validate(activity)
        except ProtocolViolation as violation:
            await self._refuse_evidence(violation, activity, 400)
        try:
            _scheme, key_id = signature_key_id(message)
            if origin(key_id) != origin(actor_uri) and "proof" not in activity:
                raise SignatureRejected("the request is signed by a key of another server")
            signer = await verified_signer(message, self._keys, self._clock(), self._window)
        except SignatureRejected as error:
            raise InboxRejection(401, str(error)) from error
        if signer.owner.uri != actor_uri:
            # Forwarded by someone else: only the actor's own object proof can vouch for it.
            if not await self._proof_verifies(activity, actor_uri):
                raise InboxRejection(401, "the request is not signed by the activity's actor")
        elif "proof" in activity and not await self._proof_verifies(activity, actor_uri):
            raise InboxRejection(401, "the activity's integrity proof does not verify")
        for document in validation.signed_objects(activity):
            # The sender's own protocol objects are verified now (SIG-1); others' in the worker.
            if validation.author_of(document) == actor_uri:
                try:
                    await verify_signed(document, self._keys.assertion_key)
                except ProtocolViolation as violation:
                    await self._refuse_evidence(violation, activity, 400 if violation.code == "schema" else 401)
        async with self._db.transaction() as session:
            is_new = await inbox_queries.insert_if_new(
                session,
                activity_uri=activity["id"],
                activity_type=activity["type"][:64],
                actor_uri=actor_uri,
                key_id=key_id,
                body=message.body.decode("utf-8"),
                received_at=self._clock(),
                process_after=self._clock(),
            )
        return Accepted(activity_uri=activity["id"], is_new=is_new)

    async def _refuse_evidence(self, violation: ProtocolViolation, activity: dict[str, Any], status: int) -> None:
        """Log, count (EVID-2) and refuse an activity carrying a bad protocol object."""
        log.info("refused %s from %s: %s", activity["id"], activity.get("actor"), violation)
        async with self._db.transaction() as session:
            await market_queries.count_dropped(session, violation.code, self._clock())
        raise InboxRejection(status, f"{violation.code}: {violation.reason}")

    async def _proof_verifies(self, document: dict[str, Any], actor_uri: str) -> bool:
        """Whether the document has an eddsa-jcs-2022 proof by a key `actor_uri` controls."""
        try:
            method = proofs.proof_verification_method(document)
        except proofs.ProofError:
            return False
        if origin(method) != origin(actor_uri):
            return False
        try:
            key = await self._keys.get(method)
        except KeyUnavailable:
            return False
        if key.owner.uri != actor_uri or not isinstance(key.public_key, ed25519.Ed25519PublicKey):
            return False
        try:
            proofs.verify_proof(document, key.public_key)
        except proofs.ProofError as error:
            log.info("proof by %s rejected: %s", method, error.reason)
            return False
        return True

