"""The retry path over the real broker: outbox → webhooks.retry.* → the retry consumers → the
receiver, with attempts spaced 1 : 4 : 16 (scaled)."""

import asyncio
import itertools
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, TopicPartition

from sauda_contracts import TOPICS
from sauda_runtime.consumer import make_broker
from sauda_runtime.kafka import ensure_topics, make_producer, partitions_of
from sauda_runtime.kit import ConsumerKit
from sauda_runtime.outbox import OutboxRelay
from sauda_runtime.retrying import retry_group
from sauda_runtime.testing import required_env
from sauda_webhooks.domain.deliveries import RETRY_TOPICS

from .conftest import Receiver, make_world, order_placed, wait_for

SCALE = 0.25


async def _start_at_end(bootstrap: str, group: str, topic: str) -> None:
    """A new group starts at the topic's end (older tests' records are not ours to wait for)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    partitions = [TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)]
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await consumer.commit(dict(ends))
    finally:
        await consumer.stop()


async def test_a_failing_receiver_gets_four_attempts_spaced_one_four_sixteen(
    pool: Any, gateway_schema: str, box: Any, receivers: Any
) -> None:
    bootstrap = required_env("KAFKA_BOOTSTRAP_SERVERS")
    await ensure_topics(bootstrap, TOPICS)
    world = make_world(pool, gateway_schema, box, retry_scale=SCALE)
    producer = make_producer(bootstrap, "webhooks-test")
    await producer.start()
    relay = OutboxRelay(pool, producer, name=f"webhooks-test-{uuid4()}", ordered=True)
    world.d.store.relay = relay
    broker = make_broker(bootstrap, "webhooks-test")
    prefix = f"webhooks-test-{uuid4().hex[:8]}"
    for topic in RETRY_TOPICS:
        group = retry_group(prefix, topic)
        await _start_at_end(bootstrap, group, topic)
    kit = ConsumerKit(broker=broker, pool=pool, relay=relay, service="webhooks-test")
    world.d.subscribers.retrying.subscribe(kit, group_prefix=prefix, consumer="webhooks-retry")
    await broker.start()
    relay_task = asyncio.create_task(relay.run())
    try:
        receiver: Receiver = await receivers()
        receiver.script = [500, 503, 502]
        await world.add_endpoint(receiver.url)
        world.d.sends.spawn(await world.order_events([order_placed(world.business_id)]))

        async def succeeded() -> Any:
            row = await pool.fetchrow("SELECT status, attempts FROM deliveries")
            return row if row["status"] == "succeeded" else None

        row = await wait_for(succeeded, timeout=30)
        assert row["attempts"] == 4
        assert len(receiver.hits) == 4
        times = [h.at for h in receiver.hits]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        for gap, delay in zip(gaps, (1 * SCALE, 4 * SCALE, 16 * SCALE), strict=True):
            assert delay * 0.9 <= gap <= delay + 1.5, (gaps, delay)
        assert 2.0 <= gaps[2] / gaps[1] <= 6.0, gaps
        assert len({h.headers["webhook-id"] for h in receiver.hits}) == 1
    finally:
        relay_task.cancel()
        await asyncio.gather(relay_task, return_exceptions=True)
        await broker.stop()
        await producer.stop()
        await world.d.sends.drain(timeout=1)
        await world.sender.aclose()
