"""Idempotent intake on a real Postgres: one idempotency key, one order number, one queued command.

Proves that recording a repeated key returns the first request's record (its order id, order
number and body fingerprint) and leaves exactly one PlaceOrder in the outbox; and that an order
taken inside a traced request queues the request's trace context with it.
"""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from sauda_contracts import PlaceOrder, Topic, parse_order_command
from sauda_contracts.orders import place_command_id
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.orders.domain import order_id_for
from sauda_gateway.orders.store import IngestRecord, IngestStore
from sauda_runtime.tracing import configure_tracing, stop_tracing, tracer

AT = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)


def place_order(business_id: UUID, order_id: UUID, key: str, order_number: str) -> PlaceOrder:
    return PlaceOrder.model_validate({
        "event_id": place_command_id(order_id), "occurred_at": AT, "business_id": business_id,
        "correlation_id": "t",
        "body": {
            "order_id": order_id, "order_number": order_number, "source": "ingest",
            "customer": {"phone": "923001234567", "name": "Ali", "consent": True},
            "items": [{"name": "Widget Pro", "qty": 2, "price": 1500}], "total": 3000,
            "currency": "PKR", "idempotency_key": key, "actor": "store",
        },
    })  # fmt: skip


async def test_a_repeated_idempotency_key_returns_the_first_record_and_queues_one_command(
    pool: asyncpg.Pool,
) -> None:
    business_id = uuid4()
    await BusinessStore(pool).create(business_id, "Test shop", "business", f"sk_{uuid4().hex}")
    key = "order-1001"
    order_id = order_id_for(business_id, key)
    built: list[PlaceOrder] = []

    def command_for(order_number: str) -> PlaceOrder:
        built.append(place_order(business_id, order_id, key, order_number))
        return built[-1]

    async def record(body_hash: str) -> tuple[bool, IngestRecord]:
        return await IngestStore(pool).record(
            business_id=business_id,
            idempotency_key=key,
            order_id=order_id,
            body_hash=body_hash,
            command_for=command_for,
        )

    first_is_new, first = await record("fingerprint-1")
    again_is_new, again = await record("fingerprint-2")

    assert (first_is_new, again_is_new) == (True, False)
    assert first == again == IngestRecord(order_id, "ORD-000001", "fingerprint-1")
    queued = await pool.fetch("SELECT topic, key, value FROM outbox")
    assert [(r["topic"], r["key"]) for r in queued] == [
        (Topic.ORDERS_COMMANDS, str(order_id).encode())
    ]
    # The command queued is the first request's, numbered ORD-000001.
    assert [parse_order_command(r["value"]) for r in queued] == built[:1]


async def test_an_order_taken_inside_a_traced_request_queues_its_trace_context(
    pool: asyncpg.Pool,
) -> None:
    business_id = uuid4()
    await BusinessStore(pool).create(business_id, "Test shop", "business", f"sk_{uuid4().hex}")
    order_id = order_id_for(business_id, "order-traced")
    configure_tracing("test", processor=SimpleSpanProcessor(InMemorySpanExporter()))
    try:
        traced = tracer()
        assert traced is not None
        with traced.start_as_current_span("POST /api/v1/orders") as span:
            await IngestStore(pool).record(
                business_id=business_id, idempotency_key="order-traced", order_id=order_id,
                body_hash="h", command_for=lambda n: place_order(business_id, order_id, "order-traced", n),
            )  # fmt: skip
    finally:
        stop_tracing()

    [row] = await pool.fetch("SELECT headers FROM outbox")
    trace_id = format(span.get_span_context().trace_id, "032x")
    assert row["headers"]["traceparent"].split("-")[1] == trace_id
