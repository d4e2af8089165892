"""What a consumer service that calls out (the notifier, the webhook dispatcher) is built from:
its pool, outbox relay, broker and kit, health server; and the housekeeping they share."""

import inspect
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
import uvicorn
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from sauda_runtime.consumer import make_broker
from sauda_runtime.db import Migrations, create_pool, migrate
from sauda_runtime.kafka import make_producer, wait_for_kafka
from sauda_runtime.kit import ConsumerKit, Transaction, claim_fresh, forget_processed, unit_of_work
from sauda_runtime.logging import configure_logging
from sauda_runtime.outbox import OutboxRelay
from sauda_runtime.service import consumer_health, run_until_stopped
from sauda_runtime.settings import CommonSettings
from sauda_runtime.tracing import configure_tracing, stop_tracing

# Processed-event claims are kept as long as the input topics keep records (a week), and a day.
PROCESSED_KEPT = timedelta(days=8)

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class ConsumerService:
    """A started service's plumbing; `run` serves until a stop signal, then stops it all."""

    name: str
    pool: asyncpg.Pool
    producer: AIOKafkaProducer
    relay: OutboxRelay
    broker: KafkaBroker
    kit: ConsumerKit
    health: uvicorn.Server

    @classmethod
    async def start(
        cls, name: str, settings: CommonSettings, migrations: Migrations
    ) -> "ConsumerService":
        """Logging configured, Kafka reachable, the schema migrated, the producer started and the
        relay built (ordered: one record's snapshots reach Kafka in revision order). The schema
        and health port are the settings' `<name>_db_schema` and `<name>_health_port` (the
        environment's NOTIFIER_DB_SCHEMA, NOTIFIER_HEALTH_PORT, …)."""
        schema: str = getattr(settings, f"{name}_db_schema")
        health_port: int = getattr(settings, f"{name}_health_port")
        configure_logging(name, settings.log_level)
        configure_tracing(name)
        kafka = settings.kafka_bootstrap_servers
        await wait_for_kafka(kafka)
        pool = await create_pool(settings.database_url, schema, size=settings.db_pool_size)
        await migrate(pool, schema, migrations)
        producer = make_producer(kafka, f"sauda-{name}-outbox")
        await producer.start()
        relay = OutboxRelay(pool, producer, name=name, ordered=True)
        broker = make_broker(kafka, f"sauda-{name}")
        kit = ConsumerKit(broker=broker, pool=pool, relay=relay, service=name)
        health = consumer_health(name, pool, producer, health_port, settings.health_host)
        return cls(name, pool, producer, relay, broker, kit, health)

    async def forget_old_claims(self) -> int:
        """Housekeeping: drop the claims older than any redelivery can be."""
        return await forget_processed(self.pool, datetime.now(UTC) - PROCESSED_KEPT)

    async def run(
        self,
        loops: Sequence[Coroutine[Any, Any, None]],
        *,
        on_stop: Sequence[Callable[[], Awaitable[object]]] = (),
    ) -> None:
        """Consume, relay and serve health with the service's own `loops` until stopped; then
        the broker stops first (no new batches), `on_stop` runs, the rest closes."""
        await self.broker.start()
        try:
            await run_until_stopped([self.relay.run(), self.health.serve(), *loops])
        finally:
            await self.broker.stop()
            for stop in on_stop:
                await stop()
            await self.producer.stop()
            await self.pool.close()
            stop_tracing()


async def consume(
    pool: asyncpg.Pool,
    relay: OutboxRelay | None,
    handle: Callable[[Sequence[T], Transaction], Awaitable[R]],
    items: Sequence[T],
    *,
    consumer: str | None,
    event_id: Callable[[T], UUID] = lambda item: item.event_id,  # type: ignore[attr-defined]
) -> R:
    """Parsed items through `handle` as the kit runs a batch: one transaction, each item's
    `(consumer, event_id)` claimed in it (repeats dropped; no claim if `consumer` is None), the
    relay woken after commit. For callers holding parsed records rather than Kafka's (tests)."""
    async with unit_of_work(pool, relay) as tx:
        todo = list(items) if consumer is None else await claim_fresh(tx, consumer, items, event_id)
        return await handle(todo, tx)


def collaborators_for(fn: Callable[..., object], available: Mapping[str, object]) -> dict[str, Any]:
    """The collaborators `fn` names as keyword-only parameters, taken from `available` (a name
    it asks for that is not there stays to the caller)."""
    params = inspect.signature(fn).parameters.values()
    return {
        p.name: available[p.name]
        for p in params
        if p.kind is p.KEYWORD_ONLY and p.name in available
    }


def inject(fn: Callable[..., R], available: Mapping[str, object]) -> Callable[..., R]:
    """`fn` with its collaborators bound (how bootstrap hands a use case what it needs)."""
    return partial(fn, **collaborators_for(fn, available))
