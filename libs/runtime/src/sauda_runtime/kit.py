"""The consumer kit: parse or set aside, claim (consumer, event_id) in the handler's transaction,
publish through the outbox, wake the relay after commit. Every consumer goes through it.

A consumer is three things: the topics, a `parse` for their records and a `handle` for a batch.
The kit does the rest in one shape for every service:

    kit.subscribe((Topic.ORDERS_EVENTS,), group_id=..., consumer="notifier-orders",
                  parse=parse_order_event, handle=on_order_events, after=send_all)

For each batch: records that do not parse are set aside (a `poison_messages` row and, where the
service has one, a dead letter) and the rest go on; one Postgres transaction claims every parsed
record's `(consumer, event_id)`, hands the handler only the records never claimed before, and
writes the outbox rows it published; after commit the relay is woken and `after` runs (sends to
the outside world, which must not hold the transaction open). A redelivered record finds its
claim and does nothing; a crash before commit leaves no claim, so the record is handled again.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from faststream.kafka import KafkaBroker
from prometheus_client import Counter
from pydantic import ValidationError

from sauda_runtime.consumer import subscribe_batch
from sauda_runtime.db import Conn
from sauda_runtime.logging import get_logger
from sauda_runtime.metrics import BATCH_SECONDS, CONSUMER_LAG, batch_lag
from sauda_runtime.outbox import add_to_outbox
from sauda_runtime.tracing import Span, batch_span, note_correlation

log = get_logger(__name__)

KIT_MIGRATIONS = Path(__file__).parent / "migrations"
ATTEMPTS = 3

T = TypeVar("T")
R = TypeVar("R")
Parser = Callable[[bytes], T | None]
OutboxRow = tuple[str, bytes, bytes]
DeadLetter = Callable[[ConsumerRecord, Exception], OutboxRow]

RECORDS = Counter(
    "sauda_consumer_records_total",
    "Records a consumer saw, by outcome (handled, duplicate, skipped, poison)",
    ["service", "consumer", "outcome"],
)


class Waker(Protocol):
    """What the kit needs of the outbox relay: a nudge after commit."""

    def wake(self) -> None: ...


class Conflict(Exception):
    """A racing writer got there first (a unique key): the batch's transaction runs again."""


async def claim_events(conn: Conn, consumer: str, ids: Iterable[UUID]) -> set[UUID]:
    """Claim `(consumer, id)` for each id inside the caller's transaction; returns the ids that
    were not claimed before. A racing claim waits for the other transaction, then loses."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return set()
    rows = await conn.fetch(
        "INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[]) "
        "ON CONFLICT DO NOTHING RETURNING event_id",
        consumer,
        wanted,
    )
    return {r["event_id"] for r in rows}


async def claim_fresh(
    tx: "Transaction", consumer: str, items: Sequence[T], event_id: Callable[[T], UUID]
) -> list[T]:
    """The items never claimed before by `consumer`, claimed now (a repeat inside one batch
    counts once), in their order."""
    if not items:
        return []
    fresh = await tx.claim(consumer, map(event_id, items))
    kept = []
    for item in items:
        if (eid := event_id(item)) in fresh:
            fresh.discard(eid)
            kept.append(item)
    return kept


async def forget_processed(pool: asyncpg.Pool, older_than: datetime) -> int:
    """Claims older than any redelivery (the input topics' retention) are dropped."""
    result = await pool.execute("DELETE FROM processed_events WHERE processed_at < $1", older_than)
    return int(result.split()[-1])


async def claim_all(conn: Conn, consumer: str, ids: Iterable[UUID]) -> None:
    """Claim every id or none: one claimed before (a racing writer) raises `Conflict`, so the
    caller reloads and decides again."""
    try:
        await conn.executemany(
            "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)",
            [(consumer, i) for i in dict.fromkeys(ids)],
        )
    except asyncpg.UniqueViolationError as exc:
        raise Conflict(str(exc)) from exc


async def claimed(conn: Conn, consumer: str, ids: Iterable[UUID]) -> set[UUID]:
    """Which of the ids `consumer` has already claimed."""
    rows = await conn.fetch(
        "SELECT event_id FROM processed_events WHERE consumer = $1 AND event_id = ANY($2::uuid[])",
        consumer,
        list(ids),
    )
    return {r["event_id"] for r in rows}


async def record_poison(conn: Conn, record: ConsumerRecord, error: Exception) -> None:
    """Set an unreadable record aside with its error, once per place in the topic."""
    await conn.execute(
        'INSERT INTO poison_messages (topic, partition, "offset", error, raw) '
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        record.topic,
        record.partition,
        record.offset,
        str(error)[:2000],
        record.value or b"",
    )


class Transaction:
    """One Postgres transaction: the handler's writes, its claims and its outbox rows."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        self._rows: list[OutboxRow] = []

    def publish(self, topic: str, key: bytes | str, value: bytes) -> None:
        """Queue a record for `topic`; it is written to the outbox before commit and reaches
        Kafka after it (never before, never lost)."""
        self._rows.append((str(topic), key.encode() if isinstance(key, str) else key, value))

    async def claim(self, consumer: str, ids: Iterable[UUID]) -> set[UUID]:
        return await claim_events(self.conn, consumer, ids)

    async def flush(self) -> int:
        """Write the queued outbox rows (the kit calls this before commit)."""
        rows, self._rows = self._rows, []
        await add_to_outbox(self.conn, rows)
        return len(rows)


@asynccontextmanager
async def unit_of_work(pool: asyncpg.Pool, relay: Waker | None) -> AsyncIterator[Transaction]:
    """A transaction whose published records leave through the outbox; the relay is woken
    after commit. For writers that are not consumers (HTTP routes, the CLI)."""
    async with pool.acquire() as conn, conn.transaction():
        tx = Transaction(conn)
        yield tx
        published = await tx.flush()
    if published and relay is not None:
        relay.wake()


@dataclass(frozen=True)
class Subscription(Generic[T, R]):
    """What one consumer is: its name, how its records parse, what handles a batch of them."""

    consumer: str
    parse: Parser[T] | Mapping[str, Parser[T]]
    handle: Callable[[Sequence[T], Transaction], Awaitable[R]]
    after: Callable[[R], Awaitable[object]] | None = None
    dead_letter: DeadLetter | None = None
    claim: bool = True
    event_id: Callable[[T], UUID] = lambda item: _event_id(item)

    def parser_for(self, topic: str) -> Parser[T]:
        return self.parse[topic] if isinstance(self.parse, Mapping) else self.parse


def _event_id(item: Any) -> UUID:
    return item.event_id


def split_records(
    records: Sequence[ConsumerRecord], parser_for: Callable[[str], Parser[T]]
) -> tuple[list[T], list[tuple[ConsumerRecord, Exception]], int]:
    """(parsed items, poison records with their errors, how many were skipped by type)."""
    parsed: list[T] = []
    poison: list[tuple[ConsumerRecord, Exception]] = []
    skipped = 0
    for record in records:
        try:
            item = parser_for(record.topic)(record.value or b"")
        except (ValidationError, ValueError, TypeError) as exc:
            log.error("poison_record", topic=record.topic, partition=record.partition,
                      offset=record.offset, error=str(exc)[:500])  # fmt: skip
            poison.append((record, exc))
            continue
        if item is None:
            skipped += 1
        else:
            parsed.append(item)
    return parsed, poison, skipped


class ConsumerKit:
    """Subscribes a service's consumers to the broker, each through the same batch path."""

    def __init__(
        self, *, broker: KafkaBroker, pool: asyncpg.Pool, relay: Waker | None, service: str
    ) -> None:
        self.broker = broker
        self.pool = pool
        self.relay = relay
        self.service = service

    def subscribe(
        self,
        topics: Sequence[str],
        *,
        group_id: str,
        consumer: str,
        parse: Parser[T] | Mapping[str, Parser[T]],
        handle: Callable[[Sequence[T], Transaction], Awaitable[R]],
        after: Callable[[R], Awaitable[object]] | None = None,
        dead_letter: DeadLetter | None = None,
        claim: bool = True,
        max_records: int = 500,
    ) -> Subscription[T, R]:
        sub: Subscription[T, R] = Subscription(
            consumer=consumer,
            parse=parse,
            handle=handle,
            after=after,
            dead_letter=dead_letter,
            claim=claim,
        )

        async def on_batch(
            records: Sequence[ConsumerRecord], consumer: AIOKafkaConsumer | None
        ) -> None:
            await self.handle_batch(sub, records, group=group_id)
            if consumer is not None:
                self.observe_lag(group_id, records, consumer)

        subscribe_batch(
            self.broker, topics, group_id=group_id, handler=on_batch, max_records=max_records
        )
        return sub

    def observe_lag(
        self, group_id: str, records: Sequence[ConsumerRecord], consumer: AIOKafkaConsumer
    ) -> None:
        """The lag gauge of each partition in a handled batch, from the high watermark the
        consumer already holds from its last fetch (no call to the broker)."""
        places = {(r.topic, r.partition) for r in records}
        known = {(t, p): consumer.highwater(TopicPartition(t, p)) for t, p in places}
        for (topic, partition), lag in batch_lag(records, known).items():
            CONSUMER_LAG.labels(self.service, group_id, topic, str(partition)).set(lag)

    async def handle_batch(
        self,
        sub: Subscription[T, R],
        records: Sequence[ConsumerRecord],
        *,
        group: str | None = None,
    ) -> None:
        """One batch, start to end (also what tests call to drive a consumer without a broker),
        timed, and traced as a child of its first record's producer when tracing is on."""
        with (
            BATCH_SECONDS.labels(self.service, sub.consumer).time(),
            batch_span(self.service, sub.consumer, group, records) as span,
        ):
            await self._handle_batch(sub, records, span)

    async def _handle_batch(
        self, sub: Subscription[T, R], records: Sequence[ConsumerRecord], span: Span | None
    ) -> None:
        parsed, poison, skipped = split_records(records, sub.parser_for)
        note_correlation(span, parsed)
        count = RECORDS.labels(self.service, sub.consumer, "skipped")
        count.inc(skipped)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                ran, result, published = await self._in_transaction(sub, parsed, poison)
                break
            except Conflict as exc:
                if attempt == ATTEMPTS:
                    raise
                log.warning("consumer_conflict_retry", consumer=sub.consumer, attempt=attempt,
                            error=str(exc)[:300])  # fmt: skip
        # Woken when anything was handled: a handler may write outbox rows through its own store.
        if (ran or published) and self.relay is not None:
            self.relay.wake()
        if ran and sub.after is not None:
            await sub.after(result)

    async def _in_transaction(
        self,
        sub: Subscription[T, R],
        parsed: list[T],
        poison: list[tuple[ConsumerRecord, Exception]],
    ) -> tuple[bool, Any, int]:
        async with self.pool.acquire() as conn, conn.transaction():
            tx = Transaction(conn)
            for record, error in poison:
                await record_poison(conn, record, error)
                if sub.dead_letter is not None:
                    tx.publish(*sub.dead_letter(record, error))
            items = await self._fresh(sub, tx, parsed)
            result = await sub.handle(items, tx) if items else None
            published = await tx.flush()
        RECORDS.labels(self.service, sub.consumer, "poison").inc(len(poison))
        RECORDS.labels(self.service, sub.consumer, "handled").inc(len(items))
        RECORDS.labels(self.service, sub.consumer, "duplicate").inc(len(parsed) - len(items))
        return bool(items), result, published

    async def _fresh(self, sub: Subscription[T, R], tx: Transaction, parsed: list[T]) -> list[T]:
        if not sub.claim:
            return parsed
        return await claim_fresh(tx, sub.consumer, parsed, sub.event_id)
