"""Traces across HTTP → Kafka → HTTP on the real Kafka and Postgres, spans kept in OpenTelemetry's
in-memory test exporter.

Proves that a request with a caller's traceparent, served through the HTTP middleware, writes an
outbox row carrying its context; that the relay sends it on as the Kafka record's headers; that
the kit's span for the consuming batch is in the caller's trace, a child of the request's span,
with the correlation id; that the consumer's outgoing httpx call is a child span whose
traceparent reaches the far server. And that with tracing off no row, record or request carries
any trace header and no span is made.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from uuid import UUID, uuid4

import asyncpg
import httpx
import orjson
import pytest
from aiohttp import web
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from sauda_contracts import TopicSpec
from sauda_runtime.consumer import make_broker
from sauda_runtime.http_metrics import HttpMetricsMiddleware
from sauda_runtime.kafka import ensure_topics, make_producer
from sauda_runtime.kit import ConsumerKit, Transaction, unit_of_work
from sauda_runtime.outbox import OutboxRelay
from sauda_runtime.testing import read_topic
from sauda_runtime.tracing import configure_tracing, stop_tracing, traced_transport, tracer

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
CALLER = f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"


@dataclass(frozen=True)
class Item:
    event_id: UUID
    correlation_id: str


def parse(raw: bytes) -> Item:
    data = orjson.loads(raw)
    return Item(UUID(data["event_id"]), data["correlation_id"])


class FarServer:
    """A real HTTP server on loopback that notes the traceparent of each request."""

    def __init__(self) -> None:
        self.traceparents: list[str | None] = []
        self.url = ""

    async def _hook(self, request: web.Request) -> web.Response:
        self.traceparents.append(request.headers.get("traceparent"))
        return web.json_response({"ok": True})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/hook", self._hook)
        return app


@pytest.fixture
async def far() -> AsyncIterator[FarServer]:
    server = FarServer()
    runner = web.AppRunner(server.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        yield server
    finally:
        await runner.cleanup()


@pytest.fixture
def exporter() -> AsyncIterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    configure_tracing("test", processor=SimpleSpanProcessor(spans))
    try:
        yield spans
    finally:
        stop_tracing()


@pytest.fixture
def tracing_off(monkeypatch: pytest.MonkeyPatch) -> None:
    stop_tracing()
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("SAUDA_TRACING", raising=False)
    assert configure_tracing("test") is False  # what a service does at start, here: nothing


def order_app(pool: asyncpg.Pool, topic: str) -> FastAPI:
    """One route that queues a record through the outbox, as the gateway's routes do."""
    app = FastAPI()

    @app.post("/orders/{ref}")
    async def place(ref: str) -> dict[str, str]:
        record = {"event_id": str(uuid4()), "correlation_id": f"corr-{ref}"}
        async with unit_of_work(pool, None) as tx:
            tx.publish(topic, ref, orjson.dumps(record))
        return {"ok": ref}

    app.add_middleware(HttpMetricsMiddleware, service="test-traced", routes=app.router.routes)
    return app


async def http_to_kafka_to_http(
    pool: asyncpg.Pool, bootstrap: str, far: FarServer, headers: dict[str, str]
) -> tuple[list[asyncpg.Record], list[object]]:
    """A request in, its record through the outbox, Kafka and a kit subscription whose `after`
    POSTs to the far server; returns the outbox rows as written and the Kafka records."""
    topic = f"test.trace.{uuid4().hex[:12]}"
    await ensure_topics(bootstrap, [TopicSpec(name=topic, partitions=1, key="test key")])
    transport = httpx.ASGITransport(app=order_app(pool, topic))
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        response = await client.post("/orders/r1", headers=headers)
    assert response.status_code == 200
    rows = await pool.fetch("SELECT topic, headers FROM outbox")

    producer = make_producer(bootstrap, "test-trace-relay")
    await producer.start()
    try:
        assert await OutboxRelay(pool, producer, name="t", ordered=True).publish_batch() == 1
    finally:
        await producer.stop()

    out = httpx.AsyncClient(transport=traced_transport())

    async def handle(items: Sequence[Item], tx: Transaction) -> Sequence[Item]:
        return items

    async def send_out(items: Sequence[Item]) -> None:
        for _ in items:
            await out.post(far.url, json={"sent": True})

    broker = make_broker(bootstrap, "test-trace")
    kit = ConsumerKit(broker=broker, pool=pool, relay=None, service="test-traced")
    kit.subscribe((topic,), group_id=f"g-{uuid4().hex[:8]}", consumer="tracer", parse=parse,
                  handle=handle, after=send_out)  # fmt: skip
    try:
        await broker.start()
        deadline = time.monotonic() + 30
        while not far.traceparents:
            assert time.monotonic() < deadline, "the record never reached the far server"
            await asyncio.sleep(0.05)
    finally:
        await broker.stop()
        await out.aclose()
    records = await read_topic(bootstrap, topic, at_least=1, timeout=30)
    return list(rows), list(records)


async def test_a_trace_runs_from_the_request_through_kafka_to_the_outgoing_call(
    pool: asyncpg.Pool, bootstrap: str, far: FarServer, exporter: InMemorySpanExporter
) -> None:
    rows, records = await http_to_kafka_to_http(
        pool, bootstrap, far, {"traceparent": CALLER, "x-request-id": "req-1"}
    )

    spans = {s.name: s for s in exporter.get_finished_spans()}
    server, consumer, client = spans["POST /orders/{ref}"], spans["tracer process"], spans["POST"]
    # One trace, the caller's: request → batch → outgoing call, each the child of the one before.
    for span in (server, consumer, client):
        assert format(span.context.trace_id, "032x") == CALLER_TRACE
    assert server.kind == SpanKind.SERVER and format(server.parent.span_id, "016x") == CALLER_SPAN
    assert consumer.kind == SpanKind.CONSUMER and consumer.parent.span_id == server.context.span_id
    assert client.kind == SpanKind.CLIENT and client.parent.span_id == consumer.context.span_id
    assert consumer.attributes["sauda.correlation_id"] == "corr-r1"
    assert server.attributes["http.route"] == "/orders/{ref}"
    # What carried it: the outbox row, the record's headers, the far server's request.
    stored = rows[0]["headers"]
    assert stored["traceparent"].split("-")[1:3] == [
        CALLER_TRACE,
        format(server.context.span_id, "016x"),
    ]
    [record] = records
    assert dict(record.headers)["traceparent"].decode() == stored["traceparent"]
    assert far.traceparents[0].split("-")[1:3] == [
        CALLER_TRACE,
        format(client.context.span_id, "016x"),
    ]


async def test_with_tracing_off_nothing_carries_a_trace_and_no_span_is_made(
    pool: asyncpg.Pool, bootstrap: str, far: FarServer, tracing_off: None
) -> None:
    rows, records = await http_to_kafka_to_http(pool, bootstrap, far, {"traceparent": CALLER})

    assert [r["headers"] for r in rows] == [None]
    [record] = records
    assert not record.headers
    assert far.traceparents == [None]  # the caller's traceparent is not even passed along
    assert tracer() is None
