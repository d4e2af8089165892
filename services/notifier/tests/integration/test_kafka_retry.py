"""The retry path over the real broker: outbox → notifier.retry.5s → the retry consumer → Meta,
and the message log reaching notifier.events.v1."""

import asyncio
import time
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, TopicPartition

from sauda_contracts import TOPICS, Topic
from sauda_contracts.whatsapp import parse_notifier_event
from sauda_notifier.handlers.orders import handle_order_event
from sauda_notifier.handlers.sending import send_all
from sauda_runtime.consumer import make_broker
from sauda_runtime.kafka import ensure_topics, make_producer, partitions_of
from sauda_runtime.kit import ConsumerKit
from sauda_runtime.outbox import OutboxRelay
from sauda_runtime.testing import required_env


async def _end_offsets(bootstrap: str, topic: str) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)]
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def _read_from(
    bootstrap: str, start: dict[TopicPartition, int], wanted: Any, *, timeout: float = 30
) -> list[Any]:
    """Records after `start` for which `wanted(record)` holds, once it holds for at least one."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    found: list[Any] = []
    try:
        consumer.assign(list(start))
        for tp, offset in start.items():
            consumer.seek(tp, offset)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=300)).values():
                found += [r for r in batch if wanted(r)]
            if found and not await consumer.getmany(timeout_ms=300):
                return found
        raise AssertionError("nothing arrived on the topic in time")
    finally:
        await consumer.stop()


async def test_a_failed_send_is_retried_through_the_retry_topic(
    world: Any, make_order: Any
) -> None:
    bootstrap = required_env("KAFKA_BOOTSTRAP_SERVERS")
    await ensure_topics(bootstrap, TOPICS)  # a fresh broker has none yet
    start = await _end_offsets(bootstrap, Topic.NOTIFIER_EVENTS)
    producer = make_producer(bootstrap, "notifier-test")
    await producer.start()
    relay = OutboxRelay(world.pool, producer, name=f"notifier-test-{uuid4()}", ordered=True)
    world.n = world.rewire(wake=relay.wake)
    broker = make_broker(bootstrap, "notifier-test")
    group = f"notifier-test-{uuid4().hex[:8]}"
    kit = ConsumerKit(broker=broker, pool=world.pool, relay=relay, service="notifier-test")
    world.n.retrying.subscribe(kit, group_prefix=group, consumer="notifier-retry")
    await broker.start()
    relay_task = asyncio.create_task(relay.run())
    try:
        await world.connect()
        world.graph.fail_next(1, status=500)
        placed = make_order(world.business_id)
        await send_all(
            await handle_order_event(placed, **world.n.deps(handle_order_event)),
            **world.n.deps(send_all),
        )
        relay.wake()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            row = await world.pool.fetchrow("SELECT status, attempts, message_id FROM messages")
            if row["status"] == "sent":
                break
            await asyncio.sleep(0.1)
        assert (row["status"], row["attempts"]) == ("sent", 2)
        assert len(world.graph.sends) == 2
        relay.wake()

        message_id = str(row["message_id"]).encode()
        records = await _read_from(bootstrap, start, lambda r: message_id in r.value)
        statuses = [parse_notifier_event(r.value).body.status for r in records]
        assert statuses == ["queued", "retrying", "sent"]
        assert {r.key for r in records} == {f"{world.business_id}:923001234567".encode()}
    finally:
        relay_task.cancel()
        await asyncio.gather(relay_task, return_exceptions=True)
        await broker.stop()
        await producer.stop()
