"""Batch consumers on FastStream: raw records in, parse failures set aside, commit only after success."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import orjson
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage as MessageContext
from faststream.kafka.message import KafkaMessage
from faststream.params import NoCast

from sauda_contracts.dead_letters import DeadLetterBody
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

# The records, and the consumer that fetched them (its high watermarks give the lag).
BatchHandler = Callable[[Sequence[ConsumerRecord], AIOKafkaConsumer | None], Awaitable[None]]
T = TypeVar("T")


async def _raw_records(message: KafkaMessage) -> list[ConsumerRecord]:
    raw = message.raw_message
    return list(raw) if isinstance(raw, tuple) else [raw]


def make_broker(bootstrap: str, client_id: str) -> KafkaBroker:
    return KafkaBroker(bootstrap, client_id=client_id, logger=None)


def subscribe_batch(
    broker: KafkaBroker,
    topics: Sequence[str],
    *,
    group_id: str,
    handler: BatchHandler,
    max_records: int = 500,
    error_backoff: float = 1.0,
) -> None:
    """Subscribe `handler` to batches of raw records.

    Offsets are committed only after the handler returns; if it raises, the batch is fetched
    again (after a pause, so a database outage does not become a hot loop).
    """

    async def on_batch(records: NoCast[Any], message: MessageContext) -> None:
        consumer = getattr(message, "consumer", None)
        try:
            await handler(records, consumer if isinstance(consumer, AIOKafkaConsumer) else None)
        except Exception as exc:
            log.error("batch_failed", topics=list(topics), group_id=group_id, error=repr(exc))
            await asyncio.sleep(error_backoff)
            raise

    broker.subscriber(
        *topics,
        group_id=group_id,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=50,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=_raw_records,
        session_timeout_ms=6_000,
        heartbeat_interval_ms=1_000,
    )(on_batch)


def message_type(raw: bytes | None) -> str | None:
    """The envelope's `type`, read without validating the rest (to let unknown types pass by)."""
    try:
        data = orjson.loads(raw or b"")
    except orjson.JSONDecodeError:
        return None
    kind = data.get("type") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


async def when_due(
    items: Sequence[T],
    due_at: Callable[[T], datetime],
    attempt: Callable[[T], Awaitable[object]],
    *,
    concurrency: int,
) -> None:
    """Retry-topic records: each attempted once due, side by side (earliest first, at most
    `concurrency` at a time), so one record's wait does not add to another's."""
    gate = asyncio.Semaphore(concurrency)

    async def one(item: T) -> None:
        async with gate:
            await attempt(item)

    await asyncio.gather(*(one(item) for item in sorted(items, key=due_at)))


def poison_letter(record: ConsumerRecord, error: Exception) -> tuple[UUID, str, DeadLetterBody]:
    """What a dead letter for an unreadable record says: the business and correlation id if the
    raw value still shows them (else the nil id and the record's place), and the record itself."""
    raw = record.value or b""
    place = f"poison:{record.topic}:{record.partition}:{record.offset}"
    business, correlation = UUID(int=0), place
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        data = None
    if isinstance(data, dict):
        try:
            business = UUID(str(data.get("business_id")))
        except ValueError:
            pass
        if given := data.get("correlation_id"):
            correlation = str(given)[:200]
    body = DeadLetterBody(
        source_topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        error=str(error)[:2000],
        payload=raw.decode("utf-8", errors="replace")[:1_000_000],
    )
    return business, correlation, body
