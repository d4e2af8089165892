"""Kafka plumbing: the idempotent producer, topic provisioning, and waiting for a broker."""

import asyncio
import time
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from sauda_contracts import TopicSpec


def make_producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    # Idempotent producer: acks=all, and retries can neither reorder nor duplicate a partition's records.
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=2,
        max_batch_size=256 * 1024,
        request_timeout_ms=15_000,
    )


async def wait_for_kafka(bootstrap: str, *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5_000)
        try:
            await admin.start()
            await admin.list_topics()
            return
        except (KafkaError, OSError) as exc:
            last = exc
            await asyncio.sleep(0.5)
        finally:
            await admin.close()
    raise RuntimeError(
        f"Kafka at {bootstrap} did not answer within {timeout:.0f}s ({last!r}). "
        "Start it with `make infra` or point KAFKA_BOOTSTRAP_SERVERS at a running broker."
    )


async def ensure_topics(bootstrap: str, specs: Iterable[TopicSpec]) -> list[str]:
    """Create the topics that do not exist yet; returns the names created."""
    specs = list(specs)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [s for s in specs if s.name not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [
                        NewTopic(
                            name=s.name,
                            num_partitions=s.partitions,
                            replication_factor=1,
                            topic_configs=dict(s.config),
                        )
                        for s in missing
                    ]
                )
            except TopicAlreadyExistsError:
                pass  # a concurrent provisioner won the race
        # Creation is asynchronous on the broker: wait until every topic is listed.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if {s.name for s in specs} <= set(await admin.list_topics()):
                break
            await asyncio.sleep(0.2)
        return [s.name for s in missing]
    finally:
        await admin.close()


async def partitions_of(bootstrap: str, topic: str) -> list[int]:
    """The partition numbers of a topic (an error if it does not exist)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15_000)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
        if described.get("error_code"):
            raise RuntimeError(
                f"topic {topic} cannot be described (error {described['error_code']})"
            )
        return sorted(p["partition"] for p in described["partitions"])
    finally:
        await admin.close()
