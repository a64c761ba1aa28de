"""Processing stored inbound activities: the inbox worker and the handler registry.

The inbox stored each activity only after verifying who sent it, so handlers may trust
`context.actor` as the activity's author. They must not trust objects the activity embeds
from other origins: `context.fetch_object()` gets those from where they live (FEP-fe34).

Handlers live in `fedinet.federation.handlers`, one module per subject, each exporting
`HANDLERS` (activity type → handler) and `UNDO_HANDLERS` (type of the undone activity →
handler). A handler raises `Retry` for a transient failure (a fetch that may work later)
and `Ignore` for an activity that is valid but has nothing for us to do; any other error
marks the row failed with the message.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from fedinet.clock import utc_now
from fedinet.config import Settings
from fedinet.federation.inbox import object_id, origin
from fedinet.federation.key_store import KeyStore
from fedinet.federation.transport import FetchError, Transport
from fedinet.market.evidence import verify_signed
from fedinet.market.validation import ProtocolViolation
from fedinet.services import evidence
from fedinet.services.remote_actors import fetch_actor
from fedinet.store import actors as actor_queries
from fedinet.store import inbox as inbox_queries
from fedinet.store.database import Database
from fedinet.store.models import Actor, InboxItem

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


class Retry(Exception):
    """A transient failure: process the activity again later."""


class Ignore(Exception):
    """Nothing to do for this activity (unknown object, not addressed to us, …)."""


@dataclass
class ProcessingContext:
    db: Database
    settings: Settings
    transport: Transport
    actor: Actor  # the verified author of the activity

    async def actor_by_uri(self, uri: str) -> Actor:
        """A known actor, or fetched from its origin and stored."""
        async with self.db.session() as session:
            actor = await actor_queries.actor_by_uri(session, uri)
        if actor is not None:
            return actor
        try:
            return await fetch_actor(self.db, self.transport, uri)
        except Exception as error:  # NotFound from the service: may be transient
            raise Retry(f"cannot fetch the actor {uri}: {error}") from error

    async def resolvable_actor(self, uri: str) -> Actor | None:
        """A known actor, or fetched and stored; None when its origin does not serve one
        (INTRO-7: protocol objects about an actor nobody can resolve are dropped)."""
        try:
            return await self.actor_by_uri(uri)
        except Retry:
            return None

    async def verified(self, document: dict[str, Any]) -> bool:
        """Whether a signed protocol object verifies by its author's key (EVID-1); failures
        are logged and counted by reason (EVID-2), never trusted."""
        try:
            await verify_signed(document, KeyStore(self.db, self.transport).assertion_key)
        except ProtocolViolation as violation:
            log.info("dropped %s from %s: %s", document.get("id"), self.actor.uri, violation.reason)
            await evidence.count_dropped(self.db, violation.code)
            return False
        return True

    async def fetch_object(self, reference: Any) -> dict[str, Any]:
        """An object as served by its own origin (never trusted from an embedding)."""
        uri = object_id(reference)
        if uri is None:
            raise Ignore("the activity's object has no id")
        try:
            return await self.transport.get_activity_document(uri)
        except FetchError as error:
            raise Retry(f"cannot fetch {uri}: {error}") from error

    async def trusted_object(self, reference: Any) -> dict[str, Any]:
        """The embedded object when it comes from the activity's own origin, else fetched."""
        if isinstance(reference, dict) and object_id(reference) is not None:
            if origin(reference["id"]) == origin(self.actor.uri):
                return reference
        return await self.fetch_object(reference)

    def is_local(self, uri: str) -> bool:
        return origin(uri) == self.settings.domain.lower()


Handler = Callable[[ProcessingContext, dict[str, Any]], Awaitable[None]]


def _registry() -> tuple[dict[str, Handler], dict[str, Handler]]:
    from fedinet.federation import handlers

    return handlers.HANDLERS, handlers.UNDO_HANDLERS


async def dispatch(context: ProcessingContext, activity: dict[str, Any]) -> None:
    handlers, undo_handlers = _registry()
    kind = activity.get("type")
    if kind == "Undo":
        undone = activity.get("object")
        undone_type = undone.get("type") if isinstance(undone, dict) else None
        if undone_type is None:
            raise Ignore("Undo of an object we cannot identify")
        handler = undo_handlers.get(undone_type)
    else:
        handler = handlers.get(str(kind))
    if handler is None:
        raise Ignore(f"{kind} activities are not handled")
    await handler(context, activity)


class InboxJob:
    """Background job: process pending inbox rows in arrival order."""

    name = "inbox"
    idle_seconds = 0.5

    def __init__(
        self,
        db: Database,
        settings: Settings,
        transport: Transport,
        *,
        batch_size: int = 50,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._settings = settings
        self._transport = transport
        self._batch_size = batch_size
        self._clock = clock

    async def run_once(self) -> int:
        async with self._db.session() as session:
            items = await inbox_queries.due_items(session, self._clock(), self._batch_size)
        for item in items:
            await self._process(item)
        return len(items)

    async def _process(self, item: InboxItem) -> None:
        state, error, process_after = "done", None, None
        try:
            async with self._db.session() as session:
                actor = await actor_queries.actor_by_uri(session, item.actor_uri)
            if actor is None:
                raise Ignore(f"the sender {item.actor_uri} is no longer known")
            context = ProcessingContext(self._db, self._settings, self._transport, actor)
            await dispatch(context, json.loads(item.body))
        except Ignore as reason:
            log.debug("inbox item %s ignored: %s", item.activity_uri, reason)
            error = f"ignored: {reason}"
        except Retry as reason:
            if item.attempts + 1 >= MAX_ATTEMPTS:
                state, error = "failed", f"gave up: {reason}"
            else:
                state, error = "pending", str(reason)
                delay = 30 * 4**item.attempts * random.uniform(0.8, 1.2)
                process_after = self._clock() + timedelta(seconds=delay)
        except Exception as failure:
            log.exception("processing %s failed", item.activity_uri)
            state, error = "failed", f"{failure.__class__.__name__}: {failure}"
        async with self._db.transaction() as session:
            values: dict[str, Any] = {
                "state": state,
                "error": error,
                "attempts": InboxItem.attempts + 1,
                "processed_at": self._clock() if state != "pending" else None,
            }
            if process_after is not None:
                values["process_after"] = process_after
            await session.execute(update(InboxItem).where(InboxItem.id == item.id).values(**values))
