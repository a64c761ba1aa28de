"""Public keys of remote actors: from the database, else fetched from the key's origin.

A key is only ever known as part of the actor document that lists it (RSA `publicKey`
whose `owner` is the actor, or an Ed25519 Multikey the actor controls, on the actor's own
host), so finding a key also proves which actor owns it. After a verification failure the
caller asks once more with `refresh=True`: the actor document is refetched (key rotation).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from fedinet.federation.actor_parsing import InvalidActor, parse_actor
from fedinet.federation.signing.keys import ed25519_from_multibase, load_public_pem
from fedinet.federation.transport import FetchError, Transport
from fedinet.services.remote_actors import store_remote_actor
from fedinet.store import keys as key_queries
from fedinet.store.database import Database
from fedinet.store.models import Actor


class KeyUnavailable(Exception):
    """The key cannot be found or trusted; the message says why."""


@dataclass(frozen=True)
class OwnedKey:
    key_id: str
    owner: Actor
    public_key: rsa.RSAPublicKey | ed25519.Ed25519PublicKey


class KeyStore:
    def __init__(self, db: Database, transport: Transport) -> None:
        self._db = db
        self._transport = transport

    async def get(self, key_id: str, *, refresh: bool = False) -> OwnedKey:
        async with self._db.session() as session:
            stored = await key_queries.key_by_id(session, key_id)
        if stored is not None and (not refresh or stored.actor.is_local):
            return _owned(stored.key_id, stored.actor, stored.algorithm, stored.public_key)
        actor = await self._fetch_owner(key_id)
        for key in actor.keys:
            if key.key_id == key_id:
                return _owned(key.key_id, actor, key.algorithm, key.public_key)
        raise KeyUnavailable(f"{actor.uri} does not list the key {key_id}")

    async def assertion_key(self, key_id: str) -> tuple[str, ed25519.Ed25519PublicKey]:
        """A key resolver for object proofs (`fedinet.market.evidence.KeyResolver`): the key's
        owner and the key, if it is Ed25519; LookupError otherwise."""
        try:
            owned = await self.get(key_id)
        except KeyUnavailable as error:
            raise LookupError(str(error)) from error
        if not isinstance(owned.public_key, ed25519.Ed25519PublicKey):
            raise LookupError(f"{key_id} is not an Ed25519 key")
        return owned.owner.uri, owned.public_key

    async def _fetch_owner(self, key_id: str) -> Actor:
        """Fetch the document the key id points into; follow a key document to its owner."""
        document_url = urldefrag(key_id).url
        try:
            document = await self._transport.get_activity_document(document_url)
            if document.get("type") in ("Key", "CryptographicKey", "Multikey"):
                owner = document.get("owner") or document.get("controller")
                if not isinstance(owner, str) or urlsplit(owner).netloc != urlsplit(key_id).netloc:
                    raise KeyUnavailable(f"the key document {key_id} names no owner on its host")
                document = await self._transport.get_activity_document(owner)
            parsed = parse_actor(document)
        except (FetchError, InvalidActor) as error:
            raise KeyUnavailable(f"cannot fetch the key {key_id}: {error}") from error
        return await store_remote_actor(self._db, parsed)


def _owned(key_id: str, owner: Actor, algorithm: str, public: str) -> OwnedKey:
    try:
        key = ed25519_from_multibase(public) if algorithm == "ed25519" else load_public_pem(public)
    except ValueError as error:
        raise KeyUnavailable(f"the key {key_id} cannot be parsed: {error}") from error
    return OwnedKey(key_id=key_id, owner=owner, public_key=key)
