"""`sauda dlq list | show | redrive`: the dead letters of every topic and every service, and
re-driving them once (what each re-drive publishes is `letters`' decision)."""

import os
from datetime import UTC, datetime
from typing import Annotated

import asyncpg
import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from rich.console import Console
from rich.table import Table

from sauda_cli.letters import (
    DLQ_TOPICS,
    Letter,
    NotRedrivable,
    poison_letter,
    read_letters,
    redrive_records,
)
from sauda_cli.running import echo_json, progress, run
from sauda_cli.services import SERVICES
from sauda_gateway.settings import GatewaySettings
from sauda_runtime.kafka import partitions_of

app = typer.Typer(help="Dead letters: list, show, re-drive.", no_args_is_help=True)
# Services whose unreadable records stay in their own table (the others' go to a DLQ topic).
POISON_ONLY = ("ingest-gateway", "order-ledger", "conversation")

JsonOption = Annotated[bool, typer.Option("--json", help="JSON on stdout, for scripts.")]
TopicOption = Annotated[
    str | None,
    typer.Option("--topic", help="Only this dead-letter topic, or `poison` (the services' "
                 "tables of unreadable records)."),
]  # fmt: skip


async def topic_records(bootstrap: str, topics: list[str]) -> list[tuple[str, bytes | None, bytes]]:
    """Every record of these topics from offset 0 to their end now (no consumer group)."""
    parts = [TopicPartition(t, p) for t in topics for p in await partitions_of(bootstrap, t)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                                client_id="sauda-dlq", enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    try:
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        found: list[tuple[TopicPartition, int, bytes | None, bytes]] = []
        waiting = {tp for tp in parts if await consumer.position(tp) < ends[tp]}
        while waiting:
            batch = await consumer.getmany(*waiting, timeout_ms=1000, max_records=2000)
            for tp, records in batch.items():
                found += [
                    (tp, r.offset, r.key, r.value or b"") for r in records if r.offset < ends[tp]
                ]
            waiting = {tp for tp in waiting if await consumer.position(tp) < ends[tp]}
        found.sort(key=lambda row: (row[0].topic, row[0].partition, row[1]))
        return [(tp.topic, key, value) for tp, _, key, value in found]
    finally:
        await consumer.stop()


async def poison_rows(dsn: str) -> list[Letter]:
    conn = await asyncpg.connect(dsn)
    try:
        letters: list[Letter] = []
        for service in (s for s in SERVICES if s.name in POISON_ONLY):
            schema = service.schema_now(os.environ)
            if (
                schema is None
                or await conn.fetchval("SELECT to_regclass($1)", f'"{schema}".poison_messages')
                is None
            ):
                continue
            rows = await conn.fetch(f'SELECT * FROM "{schema}".poison_messages ORDER BY id')
            letters += [poison_letter(schema, dict(r)) for r in rows]
        return letters
    finally:
        await conn.close()


async def all_letters(settings: GatewaySettings, topic: str | None) -> list[Letter]:
    if topic not in (None, "poison", *DLQ_TOPICS):
        raise typer.BadParameter(f"one of {', '.join((*DLQ_TOPICS, 'poison'))}",
                                 param_hint="--topic")  # fmt: skip
    topics = [t for t in DLQ_TOPICS if topic in (None, t)]
    letters = read_letters(await topic_records(settings.kafka_bootstrap_servers, topics))
    if topic in (None, "poison"):
        letters += await poison_rows(settings.database_url)
    return letters


@app.command("list")
def list_letters(topic: TopicOption = None, as_json: JsonOption = False) -> None:
    """Every dead letter, oldest first, with what a re-drive would do and when it was done."""
    letters = run(lambda: all_letters(GatewaySettings(), topic))
    if as_json:
        echo_json([letter.summary() for letter in letters])
        return
    table = Table("id", "topic", "source", "action", "error", "redriven", title="dead letters")
    for letter in letters:
        s = letter.summary()
        table.add_row(s["id"], s["topic"], s["source_topic"], s["action"], s["error"][:60],
                      s["redriven"][-1] if s["redriven"] else "—")  # fmt: skip
    Console().print(table)
    typer.echo(f"{len(letters)} dead letters", err=True)


@app.command("show")
def show(letter_id: Annotated[str, typer.Argument(help="A letter's id (from `list`).")]) -> None:
    """One letter, payload included, as JSON."""
    letters = run(lambda: all_letters(GatewaySettings(), None))
    echo_json(_one(letters, letter_id).details())


def _one(letters: list[Letter], letter_id: str) -> Letter:
    for letter in letters:
        if letter.letter_id == letter_id:
            return letter
    raise typer.BadParameter("no dead letter has this id (see `sauda dlq list`)",
                             param_hint="LETTER_ID")  # fmt: skip


@app.command("redrive")
def redrive(
    letter_ids: Annotated[list[str] | None, typer.Argument(help="Letters to re-drive.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every letter not re-driven yet.")] = False,
    topic: TopicOption = None,
    again: Annotated[bool, typer.Option(help="Re-drive letters already re-driven too.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Re-drive letters once: a failed send is sent again, a failed webhook delivered again, an
    unreadable record published again on its topic and partition. A letter already re-driven
    is skipped (unless --again); repeating a re-drive after a crash does it once."""
    if not letter_ids and not every:
        raise typer.BadParameter("name letters, or pass --all", param_hint="LETTER_IDS")
    settings = GatewaySettings()

    async def go() -> dict[str, list[str]]:
        letters = await all_letters(settings, topic)
        chosen = letters if every else [_one(letters, i) for i in letter_ids or ()]
        return await _redrive_all(settings, chosen, again=again)

    outcome = run(go)
    if as_json:
        echo_json(outcome)
        return
    for what, ids in outcome.items():
        typer.echo(f"{what}: {len(ids)}" + "".join(f"\n  {i}" for i in ids))


async def _redrive_all(
    settings: GatewaySettings, letters: list[Letter], *, again: bool
) -> dict[str, list[str]]:
    outcome: dict[str, list[str]] = {"redriven": [], "already_redriven": [], "not_redrivable": []}
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers,
                                acks="all", enable_idempotence=True)  # fmt: skip
    await producer.start()
    try:
        with progress("re-driving", unit="letters", console=Console(stderr=True)) as bar:
            task = bar.add_task("redrive", total=len(letters))
            for letter in letters:
                bar.advance(task)
                if letter.redriven and not again:
                    outcome["already_redriven"].append(letter.letter_id)
                    continue
                try:
                    records = redrive_records(letter, datetime.now(UTC))
                except NotRedrivable:
                    outcome["not_redrivable"].append(letter.letter_id)
                    continue
                for r in records:  # the re-drive first, its marker after it is on the broker
                    await producer.send_and_wait(r.topic, r.value, key=r.key, partition=r.partition)
                if letter.topic not in DLQ_TOPICS:
                    await _forget_poison(settings.database_url, letter)
                outcome["redriven"].append(letter.letter_id)
    finally:
        await producer.stop()
    return outcome


async def _forget_poison(dsn: str, letter: Letter) -> None:
    """A poison row re-driven leaves its table (if it is unreadable still, it comes back)."""
    _, schema, row_id = letter.letter_id.split(":")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DELETE FROM "{schema}".poison_messages WHERE id = $1', int(row_id))
    finally:
        await conn.close()
