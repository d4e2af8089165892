"""Callbacks run later on the event loop (delivered statuses), all cancelled on shutdown."""

import asyncio
from collections.abc import Callable


class LoopTimers:
    def __init__(self) -> None:
        self._timers: set[asyncio.TimerHandle] = set()

    def later(self, delay: float, callback: Callable[[], None]) -> None:
        loop = asyncio.get_running_loop()

        def run() -> None:
            self._timers.discard(handle)
            callback()

        handle = loop.call_later(delay, run)
        self._timers.add(handle)

    def close(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
