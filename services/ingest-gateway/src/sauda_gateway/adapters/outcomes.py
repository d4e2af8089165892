"""Waiting for the ledger's answer to a command: Postgres LISTEN/NOTIFY, with polling as a safety net."""

import asyncio
import time
from typing import Any
from uuid import UUID

import asyncpg

from sauda_runtime.logging import get_logger

log = get_logger(__name__)


class OutcomeWaiter:
    def __init__(self, pool: asyncpg.Pool, dsn: str, channel: str, *, poll_every: float = 0.25) -> None:
        self._pool = pool
        self._dsn = dsn
        self.channel = channel
        self._poll = poll_every
        self._waiters: dict[str, set[asyncio.Future[None]]] = {}
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

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        for future in self._waiters.pop(payload, ()):
            if not future.done():
                future.set_result(None)

    async def _fetch(self, command_id: UUID) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            "SELECT outcome, payload FROM command_outcomes WHERE command_id = $1", command_id
        )
        return dict(row) if row else None

    async def wait(self, command_id: UUID, timeout: float) -> dict[str, Any] | None:
        """The recorded outcome of a command, or None if there is none within `timeout` seconds."""
        key = str(command_id)
        deadline = time.monotonic() + timeout
        while True:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.setdefault(key, set()).add(future)
            try:
                # Registered before looking, so a notification between the two is not missed.
                outcome = await self._fetch(command_id)
                remaining = deadline - time.monotonic()
                if outcome is not None or remaining <= 0:
                    return outcome
                try:
                    await asyncio.wait_for(future, timeout=min(remaining, self._poll))
                except TimeoutError:
                    pass
            finally:
                waiting = self._waiters.get(key)
                if waiting is not None:
                    waiting.discard(future)
                    if not waiting:
                        self._waiters.pop(key, None)
