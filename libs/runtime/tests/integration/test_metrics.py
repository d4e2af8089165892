"""The runtime's metrics on the real Kafka and Postgres, read back from a service's `/metrics`.

Proves that a kit subscription that handled batches from the broker shows its handler histogram
and its group's lag (the lag seen mid-way, and none once everything is read); that the relay's
outbox gauges count rows waiting and go back to zero once published; and that what the relay
publishes to a retry or dead-letter topic is counted by topic.
"""

import asyncio
import time
from collections.abc import Sequence
from uuid import uuid4

import asyncpg
import httpx
import orjson
from prometheus_client.parser import text_string_to_metric_families

from sauda_contracts import TopicSpec
from sauda_runtime.consumer import make_broker
from sauda_runtime.kafka import ensure_topics, make_producer
from sauda_runtime.kit import ConsumerKit, Transaction
from sauda_runtime.outbox import OutboxRelay, add_to_outbox
from sauda_runtime.service import health_app


async def scrape() -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample the health app's `/metrics` serves, by (name, labels)."""
    transport = httpx.ASGITransport(app=health_app("test", {}))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def sample(samples: dict, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


class Seen:
    """A handler that notes the lag gauge of partition 0 as each batch starts."""

    def __init__(self, service: str, group: str, topic: str) -> None:
        self.labels = {"service": service, "group": group, "topic": topic, "partition": "0"}
        self.items: list[object] = []
        self.lag_before: list[float | None] = []

    async def __call__(self, items: Sequence[object], tx: Transaction) -> None:
        self.lag_before.append(sample(await scrape(), "sauda_consumer_lag_records", **self.labels))
        self.items.extend(items)


async def test_a_subscription_shows_its_batch_time_and_its_group_lag(
    pool: asyncpg.Pool, bootstrap: str
) -> None:
    topic = f"test.metrics.{uuid4().hex[:12]}"
    await ensure_topics(bootstrap, [TopicSpec(name=topic, partitions=1, key="test key")])
    service, group, consumer = f"svc-{uuid4().hex[:8]}", f"g-{uuid4().hex[:8]}", "metered"
    seen = Seen(service, group, topic)
    broker = make_broker(bootstrap, "test-metrics")
    kit = ConsumerKit(broker=broker, pool=pool, relay=None, service=service)
    kit.subscribe((topic,), group_id=group, consumer=consumer, claim=False, max_records=1,
                  parse=orjson.loads, handle=seen)  # fmt: skip
    producer = make_producer(bootstrap, "test-metrics-producer")
    await producer.start()
    try:
        for n in range(3):
            await (await producer.send(topic, value=orjson.dumps({"id": str(uuid4()), "n": n})))
        await broker.start()
        deadline = time.monotonic() + 30
        while len(seen.items) < 3:
            assert time.monotonic() < deadline, "the records never reached the kit"
            await asyncio.sleep(0.1)
        await asyncio.sleep(0)  # let the third batch's lag be set after its handler returned
        deadline = time.monotonic() + 10
        while sample(await scrape(), "sauda_consumer_lag_records", **seen.labels) != 0:
            assert time.monotonic() < deadline, "the lag never came down to zero"
            await asyncio.sleep(0.05)
    finally:
        await broker.stop()
        await producer.stop()

    samples = await scrape()
    # One record a batch: before the second batch two records were still unread, one before the third.
    assert seen.lag_before == [None, 2.0, 1.0]
    count = sample(samples, "sauda_consumer_batch_duration_seconds_count", service=service,
                   consumer=consumer)  # fmt: skip
    assert count == 3
    assert sample(samples, "sauda_consumer_lag_records", **seen.labels) == 0


async def test_the_relay_gauges_its_outbox_and_counts_retries_and_dead_letters(
    pool: asyncpg.Pool, bootstrap: str
) -> None:
    tag = uuid4().hex[:10]
    retry, dlq = f"test{tag}.retry.5s", f"test{tag}.dlq.v1"
    await ensure_topics(
        bootstrap, [TopicSpec(name=t, partitions=1, key="test key") for t in (retry, dlq)]
    )
    name = f"relay-{tag}"
    producer = make_producer(bootstrap, "test-metrics-relay")
    await producer.start()
    try:
        relay = OutboxRelay(pool, producer, name=name, ordered=True)
        async with pool.acquire() as conn, conn.transaction():
            rows = [(retry, b"k", b"1"), (retry, b"k", b"2"), (dlq, b"k", b"3")]
            await add_to_outbox(conn, rows)
        await pool.execute("UPDATE outbox SET created_at = now() - interval '90 seconds'")
        await relay.observe_depth()
        waiting = await scrape()
        await relay.publish_batch()
        await relay.observe_depth()
        drained = await scrape()
    finally:
        await producer.stop()

    assert sample(waiting, "sauda_outbox_pending_rows", service=name) == 3
    assert (sample(waiting, "sauda_outbox_oldest_age_seconds", service=name) or 0) >= 90
    assert sample(drained, "sauda_outbox_pending_rows", service=name) == 0
    assert sample(drained, "sauda_outbox_oldest_age_seconds", service=name) == 0
    assert sample(drained, "sauda_retries_scheduled_total", service=name, topic=retry) == 2
    assert sample(drained, "sauda_dead_letters_total", service=name, topic=dlq) == 1
    assert sample(drained, "sauda_retries_scheduled_total", service=name, topic=dlq) is None
