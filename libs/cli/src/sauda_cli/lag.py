"""`sauda lag`: how far behind each consumer group is, per topic and partition, and how many
records wait in each service's outbox (written, not yet on Kafka)."""

import asyncio
import os
from dataclasses import asdict, dataclass
from typing import Annotated

import asyncpg
import typer
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from rich.console import Console
from rich.table import Table

from sauda_cli.running import echo_json, run
from sauda_cli.services import SERVICES
from sauda_gateway.settings import GatewaySettings


@dataclass(frozen=True, slots=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    committed: int | None  # None: the group has committed nothing here yet
    end: int
    lag: int


@dataclass(frozen=True, slots=True)
class OutboxDepth:
    service: str
    schema: str
    waiting: int | None  # None: the schema has no outbox (the service never ran here)
    oldest_seconds: float | None


def partition_lags(
    group: str, committed: dict[TopicPartition, int], ends: dict[TopicPartition, int]
) -> list[PartitionLag]:
    """A group's lag on each partition it has committed on: the end offset minus its offset."""
    return sorted(
        (
            PartitionLag(group, tp.topic, tp.partition, offset, ends[tp], max(ends[tp] - offset, 0))
            for tp, offset in committed.items()
            if tp in ends
        ),
        key=lambda row: (row.topic, row.partition),
    )


async def group_lags(bootstrap: str, prefix: str) -> list[PartitionLag]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="sauda-lag")
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, client_id="sauda-lag")
    await asyncio.gather(admin.start(), consumer.start())
    try:
        groups = sorted(str(g[0]) for g in await admin.list_consumer_groups())
        rows: list[PartitionLag] = []
        for group in (g for g in groups if g.startswith(prefix)):
            offsets = await admin.list_consumer_group_offsets(group)
            committed = {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
            ends = await consumer.end_offsets(list(committed)) if committed else {}
            rows += partition_lags(group, committed, ends)
        return rows
    finally:
        await asyncio.gather(admin.close(), consumer.stop())


async def outbox_depths(dsn: str) -> list[OutboxDepth]:
    conn = await asyncpg.connect(dsn)
    try:
        depths = []
        for service in SERVICES:
            schema = service.schema_now(os.environ)
            if schema is None:
                continue
            exists = await conn.fetchval("SELECT to_regclass($1)", f'"{schema}".outbox')
            if exists is None:
                depths.append(OutboxDepth(service.name, schema, None, None))
                continue
            row = await conn.fetchrow(
                f"SELECT count(*) AS n, extract(epoch FROM now() - min(created_at)) AS age "
                f'FROM "{schema}".outbox'
            )
            assert row is not None  # an aggregate always returns its one row
            age = float(row["age"]) if row["age"] is not None else None
            depths.append(OutboxDepth(service.name, schema, int(row["n"]), age))
        return depths
    finally:
        await conn.close()


def lag_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object, for scripts.")] = False,
    group: Annotated[str, typer.Option(help="Only consumer groups starting with this.")] = "",
    partitions: Annotated[bool, typer.Option(help="A row per partition, not per topic.")] = False,
) -> None:
    """Consumer lag per group and partition, and each service's outbox depth."""
    settings = GatewaySettings()

    async def go() -> tuple[list[PartitionLag], list[OutboxDepth]]:
        return await asyncio.gather(
            group_lags(settings.kafka_bootstrap_servers, group),
            outbox_depths(settings.database_url),
        )

    lags, depths = run(go)
    if as_json:
        echo_json({"consumers": [asdict(r) for r in lags], "outboxes": [asdict(d) for d in depths]})
        return
    console = Console()
    console.print(_lag_table(lags, partitions))
    console.print(_outbox_table(depths))


def _lag_table(lags: list[PartitionLag], partitions: bool) -> Table:
    table = Table("group", "topic", "partition" if partitions else "partitions", "lag",
                  title="consumer lag (end offset - committed offset)")  # fmt: skip
    if partitions:
        for row in lags:
            table.add_row(row.group, row.topic, str(row.partition), str(row.lag))
        return table
    totals: dict[tuple[str, str], list[int]] = {}
    for row in lags:
        totals.setdefault((row.group, row.topic), []).append(row.lag)
    for (group, topic), each in sorted(totals.items()):
        table.add_row(group, topic, str(len(each)), str(sum(each)))
    return table


def _outbox_table(depths: list[OutboxDepth]) -> Table:
    table = Table("service", "schema", "waiting", "oldest", title="outbox (written, not yet sent)")
    for d in depths:
        oldest = f"{d.oldest_seconds:.1f} s" if d.oldest_seconds is not None else "—"
        table.add_row(d.service, d.schema, "no outbox" if d.waiting is None else str(d.waiting),
                      oldest)  # fmt: skip
    return table
