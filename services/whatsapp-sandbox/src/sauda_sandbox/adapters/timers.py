"""Callbacks run later on the event loop (delivered statuses) and background work (fetching a
media link), all cancelled on shutdown."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from sauda_runtime.logging import get_logger

log = get_logger(__name__)


class LoopTimers:
    def __init__(self) -> None:
        self._timers: set[asyncio.TimerHandle] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def later(self, delay: float, callback: Callable[[], None]) -> None:
        loop = asyncio.get_running_loop()

        def run() -> None:
            self._timers.discard(handle)
            callback()

        handle = loop.call_later(delay, run)
        self._timers.add(handle)

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._tasks.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                log.error("background_work_failed", error=repr(finished.exception()))

        task.add_done_callback(done)

    def close(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        for task in self._tasks:
            task.cancel()
        self._tasks.clear()
