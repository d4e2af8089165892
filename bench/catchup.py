"""Catching up: a consumer that fell 100,000 events behind on orders.events.v1, where the events
need no outside call (orders of a business with no webhook endpoints, for the webhook
dispatcher): the time until its consumer group's lag is 0, beside a bare aiokafka consumer
reading the same records in the same run.

Both groups are new and start at the offsets the topic had before the events were written, so
each reads exactly those events. Against the dev Kafka and Postgres (`make infra`). The events
stay on the topic: every other consumer of that stack (the notifier, the view, …) reads them
once when it next runs, so run bench/pipeline.py before this one, or on a fresh state dir.

    uv run python bench/catchup.py --events 100000
"""

import argparse
import asyncio
import json
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cpu import CpuMeter, listening_pid, per_unit_ms  # noqa: E402
from bench.processes import Processes  # noqa: E402
from sauda_contracts.testing import order_placed  # noqa: E402
from sauda_contracts.topics import Topic  # noqa: E402
from sauda_runtime.kafka import partitions_of  # noqa: E402

TOPIC = str(Topic.ORDERS_EVENTS)


async def ends(bootstrap: str) -> dict[TopicPartition, int]:
    parts = [TopicPartition(TOPIC, p) for p in await partitions_of(bootstrap, TOPIC)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        return await consumer.end_offsets(parts)
    finally:
        await consumer.stop()


async def start_group_at(bootstrap: str, group: str, offsets: dict[TopicPartition, int]) -> None:
    """Commit `offsets` for a new group, so it starts where the topic ended before the run."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    try:
        consumer.assign(list(offsets))
        await consumer.commit(offsets)
    finally:
        await consumer.stop()


async def lag(bootstrap: str, group: str, end: dict[TopicPartition, int]) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    try:
        behind = 0
        for tp, last in end.items():
            committed = await consumer.committed(tp)
            behind += last - (committed or 0)
        return behind
    finally:
        await consumer.stop()


async def produce(bootstrap: str, business_id: uuid.UUID, n: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, acks="all",
                                max_batch_size=512 * 1024)  # fmt: skip
    await producer.start()
    try:
        pending = []
        for i in range(n):
            event = order_placed(business_id, number=f"ORD-{i:06d}", consent=False)
            key = str(event.body.order_id).encode()
            pending.append(await producer.send(TOPIC, event.to_bytes(), key=key))
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def bare(bootstrap: str, group: str, end: dict[TopicPartition, int]) -> float:
    """A bare aiokafka consumer: read and json-decode every record, commit, until at the end."""
    consumer = AIOKafkaConsumer(TOPIC, bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False, max_poll_records=2000)  # fmt: skip
    await consumer.start()
    try:
        t0, read = time.perf_counter(), 0
        while True:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for r in records:
                    json.loads(r.value or b"{}")
                    read += 1
            if batches:
                await consumer.commit()
            positions = {tp: await consumer.position(tp) for tp in consumer.assignment()}
            if len(positions) == len(end) and all(positions[tp] >= end[tp] for tp in end):
                return read / (time.perf_counter() - t0)
    finally:
        await consumer.stop()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    stack = Processes({"WEBHOOKS_GROUP_ID": f"catchup-{run}"})
    bootstrap = stack.env["KAFKA_BOOTSTRAP_SERVERS"]
    try:
        await asyncio.to_thread(stack.cli, "topics", "create")
        shop = await asyncio.to_thread(stack.cli, "business", "create", "--name",
                                       f"catchup-{run}")  # fmt: skip
        before = await ends(bootstrap)
        groups = (f"catchup-{run}-orders", f"bare-catchup-{run}")
        for group in groups:
            await start_group_at(bootstrap, group, before)
        t = time.perf_counter()
        await produce(bootstrap, uuid.UUID(shop["business_id"]), args.events)
        end = await ends(bootstrap)
        n = sum(end.values()) - sum(before.values())
        print(f"\nwrote {n} OrderPlaced events in {time.perf_counter() - t:.1f} s "
              f"(a business with no webhook endpoints)", flush=True)  # fmt: skip
        bare_rate = await bare(bootstrap, groups[1], end)
        print(f"bare aiokafka consumer (json.loads, commit per batch): {bare_rate:,.0f} events/s")

        pg = listening_pid(urlsplit(stack.env["DATABASE_URL"]).port or 5432) or 0
        await stack.start("dispatcher")
        meter = CpuMeter({"dispatcher": [stack.pids["dispatcher"]], "postgres": [pg]})
        meter.start()
        t0, deadline, left = time.perf_counter(), time.monotonic() + args.timeout, n
        while left > 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            left = await lag(bootstrap, groups[0], end)
        took = time.perf_counter() - t0
        cpu = meter.sample()
        rate = (n - left) / took
        shares = "  ".join(f"{k} {per_unit_ms(v, n - left):.2f}" for k, v in cpu.items())
        print(f"webhook dispatcher: lag {left} after {took:.1f} s; CPU-ms per event: {shares}")
        print(f"catchup: {n} events, webhook dispatcher lag 0 after {took:.1f} s ({rate:,.0f} "
              f"events/s; bare aiokafka consumer {bare_rate:,.0f} events/s, "
              f"{rate / bare_rate:.1%} of bare)")  # fmt: skip
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "catchup.json").write_text(json.dumps(
            {"events": n, "seconds": round(took, 2), "per_s": round(rate), "left": left,
             "bare_per_s": round(bare_rate), "cpu_s": cpu}, indent=2))  # fmt: skip
    finally:
        stack.stop()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
