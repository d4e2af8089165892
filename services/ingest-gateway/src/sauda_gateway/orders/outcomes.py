"""Waiting for the ledger's answer to a command: Postgres LISTEN/NOTIFY, with polling as a safety net."""

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import asyncpg
import orjson

from sauda_runtime.logging import get_logger

log = get_logger(__name__)

Outcome = dict[str, Any]  # {"outcome": "applied" | "rejected", "payload": {...}}


class Expectation:
    """A command's outcome, awaited; made before the command is sent, so no answer is missed."""

    def __init__(self, waiter: "OutcomeWaiter", command_id: UUID) -> None:
        self._waiter = waiter
        self.command_id = command_id
        self.future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()

    async def wait(self, timeout: float) -> Outcome | None:
        """The outcome, or None if there is none within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                return await asyncio.wait_for(
                    asyncio.shield(self.future), min(remaining, self._waiter.poll_every)
                )
            except TimeoutError:
                # A notification can be lost (listener reconnecting): look in the table too.
                if (found := await self._waiter.fetch(self.command_id)) is not None:
                    return found
        return None


class OutcomeWaiter:
    def __init__(
        self, pool: asyncpg.Pool, dsn: str, channel: str, *, poll_every: float = 0.25
    ) -> None:
        self._pool = pool
        self._dsn = dsn
        self.channel = channel
        self.poll_every = poll_every
        self._pending: dict[str, Expectation] = {}
        self._conn: asyncpg.Connection | None = None

    async def start(self) -> None:
        try:
            self._conn = await asyncpg.connect(self._dsn)
            await self._conn.add_listener(self.channel, self._notified)
        except (OSError, asyncpg.PostgresError) as exc:  # polling still answers, just later
            log.warning("outcome_listener_unavailable", error=repr(exc))

    async def stop(self) -> None:
        if self._conn is not None:
            await self._conn.close()

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        note = orjson.loads(str(payload))
        expectation = self._pending.get(note["command_id"])
        if expectation is not None and not expectation.future.done():
            expectation.future.set_result({"outcome": note["outcome"], "payload": note["payload"]})

    async def fetch(self, command_id: UUID) -> Outcome | None:
        row = await self._pool.fetchrow(
            "SELECT outcome, payload FROM command_outcomes WHERE command_id = $1", command_id
        )
        return dict(row) if row else None

    @contextmanager
    def expect(self, command_id: UUID) -> Iterator[Expectation]:
        expectation = Expectation(self, command_id)
        self._pending[str(command_id)] = expectation
        try:
            yield expectation
        finally:
            self._pending.pop(str(command_id), None)
