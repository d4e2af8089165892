"""`sauda lag` against a real broker and database: a group's lag per partition, and what waits
in a service's outbox, as an operator (or a script reading --json) sees them."""

import asyncio
import json
import os
import subprocess
import sys
from uuid import uuid4

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from sauda_contracts.topics import TopicSpec
from sauda_runtime.kafka import ensure_topics
from sauda_runtime.testing import required_env


async def a_group_two_records_behind(bootstrap: str, topic: str, group: str) -> None:
    await ensure_topics(bootstrap, [TopicSpec(name=topic, partitions=2, key="test")])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for _ in range(5):
            await producer.send_and_wait(topic, b"x", partition=0)
        await producer.send_and_wait(topic, b"y", partition=1)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, 0), TopicPartition(topic, 1)])
        await consumer.commit({TopicPartition(topic, 0): OffsetAndMetadata(3, ""),
                               TopicPartition(topic, 1): OffsetAndMetadata(1, "")})  # fmt: skip
    finally:
        await consumer.stop()


async def an_outbox_holding_two(dsn: str, schema: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        await conn.execute(f'CREATE TABLE "{schema}".outbox (id bigserial, topic text, key bytea, '
                           "value bytea, created_at timestamptz DEFAULT now() - interval '7 s')")  # fmt: skip
        await conn.execute(f"INSERT INTO \"{schema}\".outbox (topic, key, value) "
                           "VALUES ('t', 'k', 'v'), ('t', 'k', 'w')")  # fmt: skip
    finally:
        await conn.close()


async def drop(dsn: str, schema: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


def test_lag_per_partition_and_outbox_depth_as_json_and_as_a_table() -> None:
    bootstrap, dsn = required_env("KAFKA_BOOTSTRAP_SERVERS"), required_env("DATABASE_URL")
    tag = uuid4().hex[:10]
    topic, group, schema = f"lag-test-{tag}", f"lagtest-{tag}", f"t_lag_{tag}"
    asyncio.run(a_group_two_records_behind(bootstrap, topic, group))
    asyncio.run(an_outbox_holding_two(dsn, schema))
    env = os.environ | {"NOTIFIER_DB_SCHEMA": schema, "LEDGER_DB_SCHEMA": f"none_{tag}"}
    try:
        done = subprocess.run([sys.executable, "-m", "sauda_cli", "lag", "--json", "--group", group],
                              env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        answer = json.loads(done.stdout)
        assert answer["consumers"] == [
            {"group": group, "topic": topic, "partition": 0, "committed": 3, "end": 5, "lag": 2},
            {"group": group, "topic": topic, "partition": 1, "committed": 1, "end": 1, "lag": 0},
        ]
        outboxes = {o["service"]: o for o in answer["outboxes"]}
        assert outboxes["notifier"]["schema"] == schema and outboxes["notifier"]["waiting"] == 2
        assert outboxes["notifier"]["oldest_seconds"] >= 7
        assert outboxes["order-ledger"]["waiting"] is None  # no such schema: said, not an error

        table = subprocess.run([sys.executable, "-m", "sauda_cli", "lag", "--group", group],
                               env=env | {"COLUMNS": "200"}, capture_output=True, text=True,
                               timeout=120)  # fmt: skip
        assert table.returncode == 0, table.stderr
        [row] = [line for line in table.stdout.splitlines() if topic in line]
        assert [cell.strip() for cell in row.split("│")[1:5]] == [group, topic, "2", "2"]
        assert "no outbox" in table.stdout
    finally:
        asyncio.run(drop(dsn, schema))
