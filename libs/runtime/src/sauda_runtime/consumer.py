"""Batch consumers on FastStream: raw records in, parse failures set aside, commit only after success."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.message import KafkaMessage
from faststream.params import NoCast

from sauda_runtime.logging import get_logger

log = get_logger(__name__)

BatchHandler = Callable[[Sequence[ConsumerRecord]], Awaitable[None]]


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

    async def on_batch(records: NoCast[Any]) -> None:
        try:
            await handler(records)
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
