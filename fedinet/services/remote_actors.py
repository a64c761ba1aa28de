"""Finding actors on other servers: WebFinger, then the actor document, then a stored row."""

from __future__ import annotations

from urllib.parse import quote

from fedinet.config import Settings
from fedinet.federation.actor_parsing import InvalidActor, ParsedActor, parse_actor
from fedinet.federation.transport import FetchError, Transport
from fedinet.services.errors import InvalidInput, NotFound
from fedinet.store import actors as actor_queries
from fedinet.clock import utc_now
from fedinet.store.database import Database
from fedinet.store.models import Actor, ActorKey

JRD_ACCEPT = "application/jrd+json, application/json"


def split_handle(handle: str) -> tuple[str, str]:
    """`@alice@host` or `alice@host` → ("alice", "host")."""
    username, at, domain = handle.strip().removeprefix("acct:").lstrip("@").partition("@")
    if not at or not username or not domain or "@" in domain or "/" in domain:
        raise InvalidInput(f"{handle!r} is not a handle like alice@social.example")
    return username, domain.lower()


async def resolve_handle(
    db: Database, transport: Transport, settings: Settings, handle: str
) -> Actor:
    """Look a remote account up by handle over WebFinger and store its actor."""
    username, domain = split_handle(handle)
    url = (
        f"{settings.scheme}://{domain}/.well-known/webfinger"
        f"?resource={quote(f'acct:{username}@{domain}', safe=':@')}"
    )
    try:
        _, jrd = await transport.get_json(url, accept=JRD_ACCEPT)
    except FetchError as error:
        raise NotFound(f"WebFinger lookup of {username}@{domain} failed: {error}") from error
    actor_url = _self_link(jrd)
    if actor_url is None:
        raise NotFound(f"{username}@{domain} has no ActivityPub actor link in its WebFinger answer")
    return await fetch_actor(db, transport, actor_url)


def _self_link(jrd: object) -> str | None:
    if not isinstance(jrd, dict) or not isinstance(jrd.get("links"), list):
        return None
    for link in jrd["links"]:
        if (
            isinstance(link, dict)
            and link.get("rel") == "self"
            and link.get("type", "").split(";")[0].strip()
            in ("application/activity+json", "application/ld+json")
            and isinstance(link.get("href"), str)
        ):
            return link["href"]
    return None


async def fetch_actor(db: Database, transport: Transport, uri: str) -> Actor:
    """Fetch an actor document from its origin and insert or refresh its row and keys."""
    try:
        parsed = parse_actor(await transport.get_activity_document(uri))
    except (FetchError, InvalidActor) as error:
        raise NotFound(f"cannot use the actor at {uri}: {error}") from error
    return await store_remote_actor(db, parsed)


async def store_remote_actor(db: Database, parsed: ParsedActor) -> Actor:
    async with db.transaction() as session:
        actor = await actor_queries.actor_by_uri(session, parsed.uri)
        if actor is not None and actor.is_local:
            raise InvalidInput(f"{parsed.uri} is a local actor and cannot be replaced remotely")
        if actor is None:
            actor = Actor(**parsed.row_fields())
            session.add(actor)
        else:
            for name, value in parsed.row_fields().items():
                setattr(actor, name, value)
        actor.fetched_at = utc_now()
        _replace_keys(actor, parsed)
    return actor


def _replace_keys(actor: Actor, parsed: ParsedActor) -> None:
    """Keep the stored keys equal to the published ones (a rotation replaces a key in place)."""
    stored = {key.key_id: key for key in actor.keys}
    published = {key.key_id: key for key in parsed.keys}
    for key_id, key in stored.items():
        if key_id not in published:
            actor.keys.remove(key)
    for key_id, key in published.items():
        if key_id in stored:
            stored[key_id].algorithm = key.algorithm
            stored[key_id].public_key = key.public_key
        else:
            actor.keys.append(
                ActorKey(key_id=key_id, algorithm=key.algorithm, public_key=key.public_key)
            )



async def find_actor(db: Database, transport: Transport, settings: Settings, reference: str) -> Actor:
    """An actor by handle (`alice@host`) or URL: local ones from the database, others looked up."""
    reference = reference.strip()
    if reference.startswith(("http://", "https://")):
        async with db.session() as session:
            known = await actor_queries.actor_by_uri(session, reference)
        if known is not None and known.is_local:
            return known
        return await fetch_actor(db, transport, reference)
    username, domain = split_handle(reference)
    if domain == settings.domain.lower():
        async with db.session() as session:
            local = await actor_queries.actor_by_handle(session, username.lower(), settings.domain)
        if local is None:
            raise NotFound(f"no member named {username!r}")
        return local
    return await resolve_handle(db, transport, settings, reference)
