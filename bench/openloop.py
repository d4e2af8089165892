"""Open-loop load: request i starts at t0 + i/rate whatever the answers before it took, so a slow
server shows up as latency, not as a politely lower offered rate."""

import asyncio
import time
from collections.abc import Awaitable, Callable


async def open_loop(rate: float, count: int, one: Callable[[int], Awaitable[None]]) -> float:
    """Start `one(i)` for i in range(count) at `rate` per second, wait for all of them, and
    return the rate at which they were actually started."""
    t0 = time.perf_counter()
    tasks = []
    for i in range(count):
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    sent_in = time.perf_counter() - t0
    await asyncio.gather(*tasks)
    return count / sent_in if sent_in else float(count)
