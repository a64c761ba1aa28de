"""Remote actor documents → the fields of an `Actor` row and its keys (ActivityStreams → internal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from fedinet.federation.sanitize import sanitize_html

ACTOR_TYPES = ("Person", "Service", "Application", "Group", "Organization")
MAX_TEXT = 10_000


class InvalidActor(ValueError):
    """The document is not an actor fedinet can use; the message says what is wrong."""


@dataclass(frozen=True)
class ParsedKey:
    key_id: str
    algorithm: str  # "rsa" or "ed25519"
    public_key: str


@dataclass(frozen=True)
class ParsedActor:
    uri: str
    actor_type: str
    username: str | None
    domain: str
    display_name: str
    summary: str
    inbox_url: str
    shared_inbox_url: str | None
    outbox_url: str | None
    followers_url: str | None
    following_url: str | None
    profile_url: str | None
    manually_approves_followers: bool
    also_known_as: list[str] = field(default_factory=list)
    moved_to_uri: str | None = None
    keys: list[ParsedKey] = field(default_factory=list)

    def row_fields(self) -> dict[str, Any]:
        """Values for the `Actor` columns (keys are stored separately)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "keys"}


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _same_origin_url(value: Any, origin: str, what: str, *, required: bool = False) -> str | None:
    """An http(s) URL on the actor's own host; other hosts are refused."""
    if isinstance(value, dict):
        value = value.get("id")
    if value is None and not required:
        return None
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
        raise InvalidActor(f"the actor's {what} is not an http(s) URL")
    if urlsplit(value).netloc.lower() != origin:
        raise InvalidActor(f"the actor's {what} {value} is on another host than the actor")
    return value


def _is_http_url(value: Any) -> bool:
    return isinstance(value, str) and urlsplit(value).scheme in ("http", "https")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _keys(document: dict[str, Any], uri: str, origin: str) -> list[ParsedKey]:
    """RSA `publicKey` entries owned by the actor and Ed25519 Multikeys it controls."""
    keys = []
    for entry in _as_list(document.get("publicKey")):
        if not isinstance(entry, dict):
            continue
        key_id, owner, pem = entry.get("id"), entry.get("owner"), entry.get("publicKeyPem")
        if owner == uri and isinstance(pem, str) and isinstance(key_id, str):
            if urlsplit(key_id).netloc.lower() == origin:
                keys.append(ParsedKey(key_id=key_id, algorithm="rsa", public_key=pem))
    for entry in _as_list(document.get("assertionMethod")):
        if not isinstance(entry, dict) or entry.get("type") != "Multikey":
            continue
        key_id, value = entry.get("id"), entry.get("publicKeyMultibase")
        if entry.get("controller") == uri and isinstance(value, str) and isinstance(key_id, str):
            if urlsplit(key_id).netloc.lower() == origin and value.startswith("z6Mk"):
                keys.append(ParsedKey(key_id=key_id, algorithm="ed25519", public_key=value))
    return keys


def parse_actor(document: Any) -> ParsedActor:
    """Validate and extract an actor document that was fetched from its own `id`."""
    if not isinstance(document, dict):
        raise InvalidActor("the actor document is not a JSON object")
    uri = document.get("id")
    if not isinstance(uri, str) or urlsplit(uri).scheme not in ("http", "https"):
        raise InvalidActor("the actor has no http(s) id")
    origin = urlsplit(uri).netloc.lower()
    actor_type = document.get("type")
    if actor_type not in ACTOR_TYPES:
        raise InvalidActor(f"{uri} is a {actor_type!r}, not an actor")
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    url = document.get("url")
    if isinstance(url, list):
        url = next((u for u in url if isinstance(u, str)), None)
    username = document.get("preferredUsername")
    return ParsedActor(
        uri=uri,
        actor_type=actor_type,
        username=_text(username, 255) or None,
        domain=origin,
        display_name=_text(document.get("name"), 255),
        summary=sanitize_html(_text(document.get("summary"))),
        inbox_url=_same_origin_url(document.get("inbox"), origin, "inbox", required=True) or "",
        shared_inbox_url=_same_origin_url(endpoints.get("sharedInbox"), origin, "shared inbox"),
        outbox_url=_same_origin_url(document.get("outbox"), origin, "outbox"),
        followers_url=_same_origin_url(document.get("followers"), origin, "followers"),
        following_url=_same_origin_url(document.get("following"), origin, "following"),
        profile_url=url if isinstance(url, str) and url.startswith(("http://", "https://")) else None,
        manually_approves_followers=document.get("manuallyApprovesFollowers") is True,
        also_known_as=[
            alias for alias in _as_list(document.get("alsoKnownAs")) if _is_http_url(alias)
        ][:20],
        moved_to_uri=document["movedTo"] if _is_http_url(document.get("movedTo")) else None,
        keys=_keys(document, uri, origin),
    )
