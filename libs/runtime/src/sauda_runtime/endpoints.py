"""For tests: merchant endpoints as real HTTP servers on loopback that record what they receive."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

from sauda_runtime.testing import free_ports


@dataclass
class Hit:
    at: float
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A merchant's endpoint: records every request; answers from `script` (statuses to answer
    first), then `default_status`, optionally after `delay` seconds. A 2xx answers `ok_body`; a
    failure answers a body longer than any excerpt kept of it."""

    url: str = ""
    hits: list[Hit] = field(default_factory=list)
    script: list[int] = field(default_factory=list)
    delay: float = 0.0
    default_status: int = 200
    ok_body: str = "ok"

    async def handle(self, request: web.Request) -> web.Response:
        self.hits.append(Hit(time.monotonic(), dict(request.headers), await request.read()))
        if self.delay:
            await asyncio.sleep(self.delay)
        status = self.script.pop(0) if self.script else self.default_status
        text = self.ok_body if status < 300 else f"status {status} " + "x" * 3000
        return web.Response(status=status, text=text)

    async def at_least(self, n: int = 1) -> list[Hit] | None:
        """Every request so far once there are `n` of them (a check for a `wait_for`)."""
        return self.hits if len(self.hits) >= n else None


@asynccontextmanager
async def receivers(path: str = "/hook") -> AsyncIterator[Callable[..., Awaitable[Receiver]]]:
    """Makes receivers, each on a port of its own, answering POSTs to `path`; all stop on exit."""
    runners: list[web.AppRunner] = []

    async def make(**fields: object) -> Receiver:
        receiver = Receiver(**fields)  # type: ignore[arg-type]
        app = web.Application()
        app.router.add_post(path, receiver.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        runners.append(runner)
        [port] = free_ports(1)
        await web.TCPSite(runner, "127.0.0.1", port).start()
        receiver.url = f"http://127.0.0.1:{port}{path}"
        return receiver

    try:
        yield make
    finally:
        for runner in runners:
            await runner.cleanup()
