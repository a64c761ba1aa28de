"""Background work with its own lifecycle: jobs that run in loops beside the web server.

Each job's `run_once()` does one bounded batch and says how much it did. In production the
runner loops each job; tests call `run_once()` / `drain()` instead, so background work is
driven deterministically, one step at a time (as Takahē's stator tests do).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Protocol

log = logging.getLogger(__name__)


class Job(Protocol):
    name: str
    idle_seconds: float  # how long to wait after a batch that found nothing to do

    async def run_once(self) -> int:
        """Do one bounded batch of work; return how many items it handled."""
        ...


class BackgroundRunner:
    def __init__(self, jobs: Sequence[Job] = ()) -> None:
        self.jobs = list(jobs)
        self._tasks: list[asyncio.Task[None]] = []

    async def run_once(self) -> int:
        """One batch of every job, in order; the total of items handled."""
        return sum([await job.run_once() for job in self.jobs])

    async def drain(self, max_rounds: int = 100) -> int:
        """Run batches until no job finds work (or `max_rounds`); the total handled."""
        total = 0
        for _ in range(max_rounds):
            handled = await self.run_once()
            if handled == 0:
                return total
            total += handled
        raise RuntimeError(f"background work still busy after {max_rounds} rounds")

    async def lifecycle(self, _app: object) -> AsyncIterator[None]:
        """aiohttp cleanup context: loop every job while the server runs."""
        self._tasks = [asyncio.create_task(self._loop(job), name=job.name) for job in self.jobs]
        yield
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _loop(self, job: Job) -> None:
        while True:
            try:
                handled = await job.run_once()
            except Exception:
                log.exception("background job %s failed; retrying after a pause", job.name)
                handled = 0
            if handled == 0:
                await asyncio.sleep(job.idle_seconds)
