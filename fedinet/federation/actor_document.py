"""Local actors as ActivityPub documents (internal → ActivityStreams)."""

from __future__ import annotations

from typing import Any

from fedinet import urls
from fedinet.config import Settings
from fedinet.federation.sanitize import plain_text_to_html
from fedinet.store.models import Actor
from fedinet.vocab import ACTOR_CONTEXT


def actor_to_as(actor: Actor, settings: Settings) -> dict[str, Any]:
    """The actor document served at the actor's URI."""
    assert actor.is_local, "only local actors are rendered by this server"
    document: dict[str, Any] = {
        "@context": ACTOR_CONTEXT,
        "id": actor.uri,
        "type": actor.actor_type,
        "preferredUsername": actor.username,
        "name": actor.display_name,
        "summary": plain_text_to_html(actor.summary),
        "url": actor.profile_url,
        "inbox": actor.inbox_url,
        "outbox": actor.outbox_url,
        "followers": actor.followers_url,
        "following": actor.following_url,
        "endpoints": {"sharedInbox": actor.shared_inbox_url},
        "manuallyApprovesFollowers": actor.manually_approves_followers,
        "published": actor.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if actor.actor_type == "Person":
        document["featured"] = actor.uri + "/collections/featured"
        document["discoverable"] = True
        document["indexable"] = False
    if actor.also_known_as:
        document["alsoKnownAs"] = actor.also_known_as
    if actor.moved_to_uri:
        document["movedTo"] = actor.moved_to_uri
    rsa_key = actor.key("rsa")
    if rsa_key is not None:
        document["publicKey"] = {
            "id": rsa_key.key_id,
            "owner": actor.uri,
            "publicKeyPem": rsa_key.public_key,
        }
    ed_key = actor.key("ed25519")
    if ed_key is not None:
        document["assertionMethod"] = [
            {
                "id": ed_key.key_id,
                "type": "Multikey",
                "controller": actor.uri,
                "publicKeyMultibase": ed_key.public_key,
            }
        ]
    if actor.uri == urls.instance_actor_uri(settings):
        document["manuallyApprovesFollowers"] = True
    return document


def empty_collection(collection_id: str) -> dict[str, Any]:
    """An empty OrderedCollection (followers, following, outbox, featured before they fill)."""
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": 0,
        "orderedItems": [],
    }
