"""Runtime integration fixtures: the real Kafka and Postgres, a fresh schema and topic per test."""

from collections.abc import AsyncIterator, Awaitable, Callable
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import ConsumerRecord

from sauda_contracts import TopicSpec
from sauda_ledger.bootstrap import MIGRATIONS
from sauda_runtime.db import create_pool, migrate
from sauda_runtime.kafka import ensure_topics
from sauda_runtime.testing import read_topic, required_env

PARTITIONS = 3


@pytest.fixture
def dsn() -> str:
    return required_env("DATABASE_URL")


@pytest.fixture
def bootstrap() -> str:
    return required_env("KAFKA_BOOTSTRAP_SERVERS")


@pytest.fixture
async def schema(dsn: str) -> AsyncIterator[str]:
    """A schema name no other test uses; the schema is dropped afterwards if it was created."""
    name = f"t_{uuid4().hex[:12]}"
    yield name
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        await conn.close()


@pytest.fixture
async def pool(dsn: str, schema: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on the test's schema, migrated with the ledger's migrations (they include `outbox`)."""
    db = await create_pool(dsn, schema)
    try:
        await migrate(db, schema, MIGRATIONS)
        yield db
    finally:
        await db.close()


@pytest.fixture
async def topic(bootstrap: str) -> str:
    """A fresh topic with `PARTITIONS` partitions."""
    name = f"test.outbox.{uuid4().hex[:12]}"
    await ensure_topics(bootstrap, [TopicSpec(name=name, partitions=PARTITIONS, key="test key")])
    return name


@pytest.fixture
def topic_records(bootstrap: str) -> Callable[[str, int], Awaitable[list[ConsumerRecord]]]:
    return lambda topic, at_least: read_topic(bootstrap, topic, at_least=at_least, timeout=30)
