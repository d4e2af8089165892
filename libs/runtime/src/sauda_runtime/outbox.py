"""Transactional outbox: rows written in a service's own transaction, published to Kafka after commit."""

import asyncio
import hashlib

import asyncpg
from aiokafka import AIOKafkaProducer

from sauda_runtime.db import Conn
from sauda_runtime.logging import get_logger
from sauda_runtime.metrics import OUTBOX_OLDEST, OUTBOX_PENDING, count_published
from sauda_runtime.tracing import current_headers, kafka_headers

log = get_logger(__name__)


async def add_to_outbox(conn: Conn, rows: list[tuple[str, bytes, bytes]]) -> None:
    """Queue (topic, key, value) rows inside the caller's transaction, with the current trace
    context (None while tracing is off) for the records' headers."""
    if rows:
        headers = current_headers()
        await conn.executemany(
            "INSERT INTO outbox (topic, key, value, headers) VALUES ($1, $2, $3, $4)",
            [(*row, headers) for row in rows],
        )


class OutboxRelay:
    """Publishes outbox rows in id order, then deletes them.

    `ordered=True` lets one relay at a time publish (a transaction advisory lock), so a key's
    records reach Kafka in the order they were written even with several processes running.
    A crash between send and delete republishes a batch: consumers drop repeats by event id.
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        *,
        name: str,
        ordered: bool,
        batch_size: int = 1000,
        idle_poll: float = 0.5,
        send_timeout: float = 30.0,
        service: str | None = None,
    ) -> None:
        self._pool = pool
        self._producer = producer
        self._ordered = ordered
        self._batch = batch_size
        self._idle = idle_poll
        self._send_timeout = send_timeout
        self._wakeup = asyncio.Event()
        self._lock_key = int.from_bytes(
            hashlib.sha256(f"outbox:{name}".encode()).digest()[:8], "big", signed=True
        )
        self._name = service or name  # the metrics' service label (the name keys the lock)
        self.published = 0

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._idle)
            except TimeoutError:
                pass
            self._wakeup.clear()
            try:
                while await self.publish_batch() == self._batch:
                    pass
                await self.observe_depth()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Kafka or Postgres away: keep the rows, try again later
                log.warning("outbox_publish_failed", error=repr(exc))
                await asyncio.sleep(1.0)

    async def publish_batch(self) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            if self._ordered:
                got = await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", self._lock_key)
                if not got:
                    self._wakeup.set()  # the other relay is busy; look again shortly
                    await asyncio.sleep(0.02)
                    return 0
            rows = await conn.fetch(
                "SELECT id, topic, key, value, headers FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
                self._batch,
            )
            if not rows:
                return 0
            # Bounded: a producer that cannot reach Kafka must not hold the rows' locks forever;
            # on timeout the transaction rolls back and the rows wait for the next round.
            async with asyncio.timeout(self._send_timeout):
                futures = [
                    await self._producer.send(
                        r["topic"],
                        value=r["value"],
                        key=r["key"],
                        headers=kafka_headers(r["headers"]),
                    )
                    for r in rows
                ]
                await asyncio.gather(*futures)
            await conn.execute(
                "DELETE FROM outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in rows]
            )
        self.published += len(rows)
        count_published(self._name, [r["topic"] for r in rows])
        return len(rows)

    async def observe_depth(self) -> tuple[int, float]:
        """Count the rows still waiting and the oldest one's age into the outbox gauges (each
        round, so the gauges are at most one idle poll old)."""
        row = await self._pool.fetchrow(
            "SELECT count(*) AS n, "
            "coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age FROM outbox"
        )
        assert row is not None
        pending, age = int(row["n"]), max(0.0, float(row["age"]))
        OUTBOX_PENDING.labels(self._name).set(pending)
        OUTBOX_OLDEST.labels(self._name).set(age)
        return pending, age
