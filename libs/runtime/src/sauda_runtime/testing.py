"""Helpers for the services' integration tests: the real servers from the environment, a schema each."""

import asyncio
import os
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID, uuid4

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from sauda_runtime.db import Migrations, create_pool, migrate
from sauda_runtime.kafka import partitions_of

HOW_TO_START = (
    "the integration tests need a running Kafka and Postgres: run them with `make test` (it starts "
    "both), or export KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (e.g. after `make infra`)"
)


def free_ports(count: int) -> list[int]:
    """`count` distinct loopback ports free right now: all are held open while the next is
    picked, so two servers started together never get the same one."""
    held = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            held.append(sock)
        return [int(sock.getsockname()[1]) for sock in held]
    finally:
        for sock in held:
            sock.close()


def required_env(name: str) -> str:
    """The variable's value; a missing one fails the test with how to start the servers, never skips."""
    value = os.environ.get(name)
    if not value:
        import pytest

        pytest.fail(f"{name} is not set: {HOW_TO_START}", pytrace=False)
    return value


@asynccontextmanager
async def migrated_schema(dsn: str, migrations: Migrations) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a schema no other test uses, migrated with `migrations`, dropped afterwards."""
    schema = f"t_{uuid4().hex[:12]}"
    pool = await create_pool(dsn, schema)
    try:
        await migrate(pool, schema, migrations)
        yield pool
    finally:
        await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await pool.close()


async def given_business(
    pool: asyncpg.Pool, gateway_schema: str, business_id: UUID, name: str
) -> None:
    """The gateway's row of a business, which services reading the gateway's tables join on."""
    await pool.execute(
        f'INSERT INTO "{gateway_schema}".businesses (business_id, name) VALUES ($1, $2) '
        "ON CONFLICT DO NOTHING",
        business_id,
        name,
    )


async def outbox_rows(pool: asyncpg.Pool, topic: str | None = None) -> list[asyncpg.Record]:
    """What a service's outbox holds (topic, key, value) in the order it was written."""
    rows = await pool.fetch("SELECT topic, key, value FROM outbox ORDER BY id")
    return [r for r in rows if topic is None or r["topic"] == topic]


async def read_topic(
    bootstrap: str, topic: str, *, at_least: int = 0, timeout: float = 60.0
) -> list[ConsumerRecord]:
    """Every record of `topic` from offset 0 to its end (once it holds `at_least`), as any client sees it."""
    partitions = [TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + timeout
        while sum((end := await consumer.end_offsets(partitions)).values()) < at_least:
            assert time.monotonic() < deadline, f"{topic} held fewer than {at_least} records"
            await asyncio.sleep(0.1)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        records: list[ConsumerRecord] = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            assert time.monotonic() < deadline, f"could not read {topic} to its end"
            for tp, batch in (await consumer.getmany(timeout_ms=500, max_records=5000)).items():
                records.extend(r for r in batch if r.offset < end[tp])
        return records
    finally:
        await consumer.stop()
