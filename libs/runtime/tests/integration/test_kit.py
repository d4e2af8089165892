"""The consumer kit on the real Postgres (and once through the real broker).

Proves that a batch's records are parsed, poison set aside and the rest handled in one
transaction with their claims and outbox rows; that a redelivered record or a repeat within a
batch is handled once; that a failing handler leaves no claim, so the record is handled again;
that a conflict re-runs the batch; that two consumers racing on one record handle it once; and
that `after` runs only after commit, only when something was handled.
"""

import asyncio
import time
from collections.abc import Sequence
from uuid import UUID, uuid4

import asyncpg
import orjson
import pytest
from aiokafka import ConsumerRecord

from sauda_runtime.consumer import make_broker
from sauda_runtime.kafka import make_producer
from sauda_runtime.kit import Conflict, ConsumerKit, Transaction, unit_of_work

OUT = "test.kit.out"


class Relay:
    """Counts wake-ups (the kit's only use of the relay)."""

    def __init__(self) -> None:
        self.woken = 0

    def wake(self) -> None:
        self.woken += 1


class Item:
    def __init__(self, event_id: UUID, text: str) -> None:
        self.event_id = event_id
        self.text = text


def parse(raw: bytes) -> Item | None:
    data = orjson.loads(raw)
    if not isinstance(data, dict) or "event_id" not in data:
        raise ValueError("not an item")
    if data.get("type") == "Other":
        return None
    return Item(UUID(data["event_id"]), str(data["text"]))


def record(value: bytes, offset: int, topic: str = "test.kit.in") -> ConsumerRecord:
    return ConsumerRecord(topic, 0, offset, 0, 0, b"k", value, None, 1, len(value), ())


def item_record(event_id: UUID, text: str, offset: int) -> ConsumerRecord:
    return record(orjson.dumps({"event_id": str(event_id), "text": text}), offset)


class Handler:
    """Writes one row per item and publishes it; can be told to fail or conflict first."""

    def __init__(self, *, fail_first: type[Exception] | None = None) -> None:
        self.calls: list[list[str]] = []
        self.fail_first = fail_first

    async def __call__(self, items: Sequence[Item], tx: Transaction) -> list[str]:
        texts = [i.text for i in items]
        self.calls.append(texts)
        for item in items:
            await tx.conn.execute("INSERT INTO handled (text) VALUES ($1)", item.text)
            tx.publish(OUT, str(item.event_id), item.text.encode())
        if self.fail_first is not None:
            error, self.fail_first = self.fail_first, None
            raise error("first try fails")
        return texts


@pytest.fixture
async def db(pool: asyncpg.Pool) -> asyncpg.Pool:
    await pool.execute("CREATE TABLE handled (text text NOT NULL)")
    return pool


def kit_on(pool: asyncpg.Pool, relay: Relay | None = None) -> ConsumerKit:
    broker = make_broker("127.0.0.1:1", "test-kit")  # never started: batches are driven by hand
    return ConsumerKit(broker=broker, pool=pool, relay=relay, service="test")


async def handled(pool: asyncpg.Pool) -> list[str]:
    return [r["text"] for r in await pool.fetch("SELECT text FROM handled ORDER BY text")]


async def outbox(pool: asyncpg.Pool) -> list[tuple[str, bytes]]:
    rows = await pool.fetch("SELECT topic, value FROM outbox ORDER BY id")
    return [(r["topic"], r["value"]) for r in rows]


async def test_a_batch_is_handled_once_with_its_outbox_rows_and_poison_set_aside(
    db: asyncpg.Pool,
) -> None:
    relay, handler = Relay(), Handler()
    after_calls: list[list[str]] = []

    async def after(result: list[str]) -> None:
        assert await handled(db) == sorted(result)  # committed before `after` runs
        after_calls.append(result)

    kit = kit_on(db, relay)
    letters = lambda r, e: ("test.kit.dlq", b"poison", f"{r.offset}:{e}".encode())  # noqa: E731
    sub = kit.subscribe(("test.kit.in",), group_id="g", consumer="c", parse=parse,
                        handle=handler, after=after, dead_letter=letters)  # fmt: skip
    a, b = uuid4(), uuid4()
    batch = [
        item_record(a, "a", 0),
        record(b"not json", 1),
        record(orjson.dumps({"event_id": str(uuid4()), "type": "Other"}), 2),
        item_record(b, "b", 3),
    ]

    await kit.handle_batch(sub, batch)

    assert handler.calls == [["a", "b"]]
    assert await handled(db) == ["a", "b"]
    assert await outbox(db) == [
        ("test.kit.dlq", b"1:" + str(_error(b"not json")).encode()),
        (OUT, b"a"),
        (OUT, b"b"),
    ]
    poison = await db.fetch('SELECT topic, "offset", raw FROM poison_messages')
    assert [(p["topic"], p["offset"], p["raw"]) for p in poison] == [
        ("test.kit.in", 1, b"not json")
    ]
    assert relay.woken == 1
    assert after_calls == [["a", "b"]]


def _error(raw: bytes) -> Exception:
    try:
        parse(raw)
    except Exception as exc:
        return exc
    raise AssertionError("parses")


async def test_a_redelivered_batch_and_a_repeat_within_a_batch_are_handled_once(
    db: asyncpg.Pool,
) -> None:
    relay, handler = Relay(), Handler()
    after_calls: list[list[str]] = []
    kit = kit_on(db, relay)
    sub = kit.subscribe(("t",), group_id="g", consumer="c", parse=parse, handle=handler,
                        after=lambda r: _append(after_calls, r))  # fmt: skip
    a = uuid4()

    await kit.handle_batch(sub, [item_record(a, "a", 0), item_record(a, "a", 1)])
    await kit.handle_batch(sub, [item_record(a, "a", 0)])

    assert handler.calls == [["a"]]
    assert await handled(db) == ["a"]
    assert await outbox(db) == [(OUT, b"a")]
    assert relay.woken == 1
    assert after_calls == [["a"]]


async def _append(into: list[list[str]], result: list[str]) -> None:
    into.append(result)


async def test_another_consumer_claims_the_same_record_for_itself(db: asyncpg.Pool) -> None:
    kit, first, second = kit_on(db), Handler(), Handler()
    one = kit.subscribe(("t",), group_id="g1", consumer="one", parse=parse, handle=first)
    two = kit.subscribe(("t",), group_id="g2", consumer="two", parse=parse, handle=second)
    a = uuid4()

    await kit.handle_batch(one, [item_record(a, "a", 0)])
    await kit.handle_batch(two, [item_record(a, "a", 0)])

    assert first.calls == second.calls == [["a"]]


async def test_a_failing_handler_leaves_no_claim_and_the_redelivery_is_handled(
    db: asyncpg.Pool,
) -> None:
    relay, handler = Relay(), Handler(fail_first=RuntimeError)
    kit = kit_on(db, relay)
    sub = kit.subscribe(("t",), group_id="g", consumer="c", parse=parse, handle=handler)
    batch = [item_record(uuid4(), "a", 0)]

    with pytest.raises(RuntimeError):
        await kit.handle_batch(sub, batch)
    assert (await handled(db), await outbox(db), relay.woken) == ([], [], 0)

    await kit.handle_batch(sub, batch)

    assert handler.calls == [["a"], ["a"]]
    assert await handled(db) == ["a"]
    assert await outbox(db) == [(OUT, b"a")]


async def test_a_conflict_runs_the_batch_again_in_a_new_transaction(db: asyncpg.Pool) -> None:
    handler = Handler(fail_first=Conflict)
    kit = kit_on(db)
    sub = kit.subscribe(("t",), group_id="g", consumer="c", parse=parse, handle=handler)

    await kit.handle_batch(sub, [item_record(uuid4(), "a", 0)])

    assert handler.calls == [["a"], ["a"]]
    assert await handled(db) == ["a"]
    assert await outbox(db) == [(OUT, b"a")]


async def test_two_instances_racing_on_one_record_handle_it_once(db: asyncpg.Pool) -> None:
    class Slow(Handler):
        async def __call__(self, items: Sequence[Item], tx: Transaction) -> list[str]:
            result = await super().__call__(items, tx)
            await asyncio.sleep(0.3)  # hold the transaction open while the other one claims
            return result

    first, second = Slow(), Slow()
    kit = kit_on(db)
    one = kit.subscribe(("t",), group_id="g", consumer="c", parse=parse, handle=first)
    two = kit.subscribe(("t",), group_id="g", consumer="c", parse=parse, handle=second)
    batch = [item_record(uuid4(), "a", 0)]

    # The loser's claim waits for the winner's commit, then finds the record taken.
    await asyncio.gather(kit.handle_batch(one, batch), kit.handle_batch(two, batch))

    assert sorted([len(first.calls), len(second.calls)]) == [0, 1]
    assert await handled(db) == ["a"]
    assert await outbox(db) == [(OUT, b"a")]


async def test_a_unit_of_work_publishes_after_commit_and_nothing_on_rollback(
    db: asyncpg.Pool,
) -> None:
    relay = Relay()
    async with unit_of_work(db, relay) as tx:
        tx.publish(OUT, "k", b"kept")
    with pytest.raises(ZeroDivisionError):
        async with unit_of_work(db, relay) as tx:
            tx.publish(OUT, "k", b"lost")
            _ = 1 / 0

    assert await outbox(db) == [(OUT, b"kept")]
    assert relay.woken == 1


async def test_records_on_the_real_broker_reach_the_handler_once(
    db: asyncpg.Pool, bootstrap: str, topic: str
) -> None:
    handler = Handler()
    broker = make_broker(bootstrap, "test-kit")
    kit = ConsumerKit(broker=broker, pool=db, relay=None, service="test")
    kit.subscribe((topic,), group_id=f"g-{uuid4().hex[:8]}", consumer="c", parse=parse,
                  handle=handler)  # fmt: skip
    a, b = uuid4(), uuid4()
    producer = make_producer(bootstrap, "test-kit-producer")
    await producer.start()
    try:
        for event_id, text in [(a, "a"), (b, "b"), (a, "a")]:  # the third is a redelivery
            value = orjson.dumps({"event_id": str(event_id), "text": text})
            await (await producer.send(topic, value=value, key=b"k"))
        await (await producer.send(topic, value=b"{}", key=b"k"))  # poison
        await broker.start()
        deadline = time.monotonic() + 30
        while await db.fetchval("SELECT count(*) FROM poison_messages") == 0:
            assert time.monotonic() < deadline, "the records never reached the kit"
            await asyncio.sleep(0.1)
    finally:
        await broker.stop()
        await producer.stop()

    assert await handled(db) == ["a", "b"]
    assert [t for call in handler.calls for t in call] == ["a", "b"]
