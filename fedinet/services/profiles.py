"""Members' profiles: changes are stored and announced to followers with Update(Person)."""

from __future__ import annotations

from fedinet.config import Settings
from fedinet.federation.activities_out import PUBLIC, new_activity_id
from fedinet.federation.actor_document import actor_to_as
from fedinet.federation.outbox import enqueue
from fedinet.services.errors import InvalidInput
from fedinet.store import follows as follow_queries
from fedinet.store.database import Database
from fedinet.store.models import Account, Actor

MAX_DISPLAY_NAME = 100
MAX_SUMMARY = 5000
MAX_FIELDS, MAX_FIELD_CHARS = 4, 255


async def update_profile(
    db: Database,
    settings: Settings,
    account: Account,
    *,
    display_name: str | None = None,
    summary: str | None = None,
    locked: bool | None = None,
    also_known_as: list[str] | None = None,
    fields: list[dict[str, str]] | None = None,
    bot: bool | None = None,
) -> Actor:
    """Change what was given; remote followers' servers receive the new actor document."""
    if display_name is not None and len(display_name) > MAX_DISPLAY_NAME:
        raise InvalidInput(f"the display name is longer than {MAX_DISPLAY_NAME} characters")
    if summary is not None and len(summary) > MAX_SUMMARY:
        raise InvalidInput(f"the bio is longer than {MAX_SUMMARY} characters")
    if fields is not None and (
        len(fields) > MAX_FIELDS
        or any(len(f["name"]) > MAX_FIELD_CHARS or len(f["value"]) > MAX_FIELD_CHARS for f in fields)
    ):
        raise InvalidInput(f"at most {MAX_FIELDS} profile fields of at most {MAX_FIELD_CHARS} characters each")
    async with db.transaction() as session:
        actor = await session.get(Actor, account.actor_id)
        assert actor is not None
        if display_name is not None:
            actor.display_name = display_name
        if summary is not None:
            actor.summary = summary
        if locked is not None:
            actor.manually_approves_followers = locked
        if also_known_as is not None:
            actor.also_known_as = also_known_as
        if fields is not None:
            actor.fields = fields
        if bot is not None:
            actor.actor_type = "Service" if bot else "Person"
        await session.flush()
        document = actor_to_as(actor, settings)
        update = {
            "@context": document["@context"],
            "id": new_activity_id(actor.uri),
            "type": "Update",
            "actor": actor.uri,
            "to": [PUBLIC],
            "object": {key: value for key, value in document.items() if key != "@context"},
        }
        inboxes = await follow_queries.remote_follower_inboxes(session, actor.id)
        await enqueue(session, actor, update, inboxes)
    return actor
