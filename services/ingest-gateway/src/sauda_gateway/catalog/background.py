"""Import jobs in the background of the gateway process: each a kept task (none is collected
mid-run), all cancelled on shutdown; and what a crawl reports, written to its job row at most
every PROGRESS_SECONDS, with a heartbeat between while nothing changes (a slow page)."""

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from sauda_gateway.catalog.jobs import ImportJobs
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

PROGRESS_SECONDS = 0.3  # at most this often a job's row is written while pages are read
BEATS_PER_STALE = 6  # heartbeats within CATALOG_IMPORT_STALE_SECONDS, so one late is no death


class Tracker:
    """The latest (pages done, pages expected) a crawl reported; `changed` wakes the writer."""

    def __init__(self) -> None:
        self.done = 0
        self.total: int | None = None
        self.changed = asyncio.Event()

    def update(self, done: int, total: int | None) -> None:
        self.done, self.total = done, total
        self.changed.set()


async def _keep_written(jobs: ImportJobs, import_id: UUID, tracker: Tracker) -> None:
    beat_every = jobs.stale_seconds / BEATS_PER_STALE
    while True:
        try:  # not wait_for: on 3.11 it loses a cancel that lands as the event is set
            async with asyncio.timeout(beat_every):
                await tracker.changed.wait()
        except TimeoutError:
            write = jobs.beat(import_id)
        else:
            tracker.changed.clear()
            write = jobs.progress(import_id, tracker.done, tracker.total)
        try:
            await write
        except Exception as exc:  # the database away for a moment: the next write catches up
            log.warning("import_progress_not_written", import_id=str(import_id), error=repr(exc))
        await asyncio.sleep(PROGRESS_SECONDS)


@asynccontextmanager
async def progress_written(jobs: ImportJobs, import_id: UUID) -> AsyncIterator[Tracker]:
    """A tracker whose reports reach the job's row while the block runs; the writer is stopped
    before the block's outcome is written, so no late progress lands after it."""
    tracker = Tracker()
    writer = asyncio.create_task(_keep_written(jobs, import_id, tracker))
    try:
        yield tracker
    finally:
        writer.cancel()
        await asyncio.gather(writer, return_exceptions=True)


class Background:
    """The import jobs this process runs."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._ended)
        return task

    def _ended(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            # Its row could not be written either; the stale sweep will interrupt it.
            log.error("import_job_lost", task=task.get_name(), error=repr(exc))

    @property
    def running(self) -> int:
        return len(self._tasks)

    async def stop(self, timeout: float = 5.0) -> None:
        """Cancel every job (each records itself interrupted) and wait for them a while."""
        tasks = set(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
