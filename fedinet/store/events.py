"""The change feed: what happened, for listeners in this process (the streaming API).

Services publish after their transaction commits; each subscriber gets its own bounded
queue, and a subscriber too slow to keep up loses the oldest events rather than blocking
anyone (streaming clients refetch timelines on reconnect, as with Mastodon). One feed per
database handle, so several instances in one test process never see each other's events.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

QUEUE_SIZE = 1000


@dataclass(frozen=True)
class Event:
    """`kind`: status.created, status.updated, status.deleted, notification.created.

    `subject_id` is the status or notification id; `audience` names who may see it:
    account ids (home timelines, notifications) and public streams
    ("public", "public:local", "hashtag:NAME").
    """

    kind: str
    subject_id: int
    accounts: frozenset[int] = field(default_factory=frozenset)
    streams: frozenset[str] = field(default_factory=frozenset)


class EventFeed:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Event]] = set()

    def publish(self, event: Event) -> None:
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    @contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[Event]]:
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)
