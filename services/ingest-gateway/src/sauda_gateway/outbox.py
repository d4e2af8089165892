"""The gateway's one way out to Kafka: outbox rows written in a Postgres transaction (the runtime
kit's unit of work), the relay woken after commit. No route or handler calls Kafka itself."""

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager

import asyncpg

from sauda_runtime.kit import OutboxRow, Transaction, unit_of_work
from sauda_runtime.outbox import OutboxRelay


class Outbox:
    def __init__(self, pool: asyncpg.Pool, relay: OutboxRelay | None) -> None:
        self._pool = pool
        self._relay = relay  # None in tests that serve HTTP without Kafka

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """A transaction whose `tx.publish` rows reach Kafka after it commits."""
        return unit_of_work(self._pool, self._relay)

    async def publish(self, rows: Sequence[OutboxRow]) -> None:
        """Queue these (topic, key, value) rows in a transaction of their own."""
        if not rows:
            return
        async with self.transaction() as tx:
            for row in rows:
                tx.publish(*row)

    def wake(self) -> None:
        """For writers that insert outbox rows themselves (intake's single statement)."""
        if self._relay is not None:
            self._relay.wake()
