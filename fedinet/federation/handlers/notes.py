"""Create, Update and Delete of posts (Note, Question, Article, Page).

A post embedded by its own server is taken as sent; one from another origin is fetched
from there (FEP-fe34) and stored under the author its origin names. A Delete may arrive
before its Create: the tombstone it leaves makes the later Create a no-op.
"""

from __future__ import annotations

from typing import Any

from fedinet.federation.inbox import object_id, origin
from fedinet.federation.note_parsing import (
    InvalidNote,
    attributed_to,
    is_post,
    parse_note,
)
from fedinet.federation.processing import Handler, Ignore, ProcessingContext
from fedinet.services import client_bridge, statuses
from fedinet.store.models import Status


async def store_post(context: ProcessingContext, document: dict[str, Any]) -> Status | None:
    """Store a post served by (or embedded by) its own origin; None if known or deleted."""
    author_uri = attributed_to(document) if is_post(document) else None
    if author_uri is None or origin(author_uri) != origin(str(document.get("id"))):
        raise Ignore("not a post attributed to an actor on its own host")
    author = context.actor if author_uri == context.actor.uri else await context.actor_by_uri(author_uri)
    try:
        note = parse_note(document, author.followers_url)
    except InvalidNote as error:
        raise Ignore(f"unusable post: {error}") from error
    status = await statuses.receive_status(context.db, author, note)
    if status is not None:
        await client_bridge.reply_as_response(context.db, status)  # a reply to a member's ask or offer
    return status


async def on_create(context: ProcessingContext, activity: dict[str, Any]) -> None:
    reference = activity.get("object")
    uri = object_id(reference)
    if uri is None or (isinstance(reference, dict) and not is_post(reference)):
        raise Ignore("Create of something that is not a post")
    if context.is_local(uri):
        raise Ignore("Create of an object of this server")
    if await statuses.is_known_or_deleted(context.db, uri):
        return  # a re-delivery, the same post through another inbox, or deleted already
    document = await context.trusted_object(reference)
    if origin(uri) == origin(context.actor.uri) and attributed_to(document) != context.actor.uri:
        raise Ignore("a Create of a post attributed to someone else")
    await store_post(context, document)


async def on_update(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """An author's edit of their post (only the author's own server can send it)."""
    updated = activity.get("object")
    if not is_post(updated):
        raise Ignore("Update of something that is not a post")
    on_own_host = origin(str(updated.get("id"))) == origin(context.actor.uri)
    if not on_own_host or attributed_to(updated) != context.actor.uri:
        raise Ignore("an Update of a post the sender did not write")
    try:
        note = parse_note(updated, context.actor.followers_url)
    except InvalidNote as error:
        raise Ignore(f"unusable post: {error}") from error
    if not await statuses.receive_edit(context.db, context.actor, note):
        raise Ignore("Update of a post we do not have, or an older version")


async def on_delete(context: ProcessingContext, activity: dict[str, Any]) -> None:
    """Delete of a post by URI or Tombstone; only for objects on the sender's own host."""
    uri = object_id(activity.get("object"))
    if uri is None or origin(uri) != origin(context.actor.uri):
        raise Ignore("Delete of an object on another host than the sender")
    if not await statuses.receive_delete(context.db, context.actor, uri):
        raise Ignore("Delete of a post by someone else")


# Update and Delete are shared with actor activities: handlers/__init__ routes them here.
HANDLERS: dict[str, Handler] = {"Create": on_create}
UNDO_HANDLERS: dict[str, Handler] = {}
