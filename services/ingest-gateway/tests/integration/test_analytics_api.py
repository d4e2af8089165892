"""The merchant's analytics on a real Postgres (and Kafka for the replay): order events folded by
the view's projector, reminders from the notifier's message log, the figures and the CSV a
merchant reads, bad ranges refused, a replay from offset 0 giving the same answer twice, and a
business never seeing another's figures."""

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from sauda_contracts import (
    STATUS_EVENT_TYPES,
    Actor,
    AnyOrderEvent,
    OrderPlaced,
    OrderSource,
    OrderStatus,
    Payment,
    PaymentStatus,
    TopicSpec,
)
from sauda_contracts.testing import order_placed
from sauda_contracts.whatsapp import (
    DeliveryStatus,
    MessagePurpose,
    MessageRecorded,
    MessageRecordedBody,
    StatusChange,
)
from sauda_gateway import clock
from sauda_gateway.accounts.domain import Role
from sauda_gateway.accounts.handlers import create_user
from sauda_gateway.accounts.passwords import Passwords
from sauda_gateway.accounts.store import AccountStore
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.view.folds import ViewWriter
from sauda_gateway.view.projector import on_message_stream, on_order_stream
from sauda_gateway.view.replay import replay_orders_view
from sauda_runtime.kafka import ensure_topics, make_producer
from sauda_runtime.kit import Transaction
from sauda_runtime.testing import required_env

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
JUNE_1 = datetime.fromisoformat("2026-06-01T04:00:00+00:00")  # 09:00 in Karachi
RANGE = "/api/v1/analytics?from=2026-06-01&to=2026-06-02"
MINUTE = timedelta(minutes=1)


def moved(order: OrderPlaced, status: OrderStatus, *, version: int, previous: OrderStatus,
          after: timedelta, actor: Actor = Actor.MERCHANT) -> AnyOrderEvent:  # fmt: skip
    return STATUS_EVENT_TYPES[status].model_validate({
        "event_id": uuid4(), "occurred_at": order.occurred_at + after,
        "business_id": order.business_id, "correlation_id": "t",
        "body": {"order_id": order.body.order_id, "version": version, "status": status,
                 "previous_status": previous, "actor": actor},
    })  # fmt: skip


def from_whatsapp(order: OrderPlaced) -> OrderPlaced:
    return order.model_copy(update={"body": order.body.model_copy(
        update={"source": OrderSource.WHATSAPP})})  # fmt: skip


def reminder(order: OrderPlaced, *statuses: tuple[DeliveryStatus, timedelta]) -> MessageRecorded:
    """The notifier's snapshot of a COD reminder about `order` with these statuses."""
    history = tuple(StatusChange(status=s, at=order.occurred_at + d) for s, d in statuses)
    return MessageRecorded(
        event_id=uuid4(), occurred_at=history[-1].at, business_id=order.business_id,
        correlation_id="t",
        body=MessageRecordedBody(
            message_id=uuid4(), revision=len(history), phone_number_id="1000",
            customer_phone="923001234567", order_id=order.body.order_id,
            purpose=MessagePurpose.COD_REMINDER, template="sauda_cod_reminder", kind="template",
            text="Reminder", status=history[-1].status, attempts=1, history=history,
            created_at=history[0].at,
        ),
    )  # fmt: skip


async def project(pool: asyncpg.Pool, events: Sequence[AnyOrderEvent]) -> None:
    """Through the view's live consumer, as orders.events.v1 delivers them."""
    async with pool.acquire() as conn, conn.transaction():
        await on_order_stream(
            events, Transaction(conn), writer=ViewWriter(), channel="t", live="t_live"
        )


async def log_messages(pool: asyncpg.Pool, messages: Sequence[MessageRecorded]) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await on_message_stream(messages, Transaction(conn), live="t_live")


def shop_history(business: Business) -> tuple[list[AnyOrderEvent], list[MessageRecorded]]:
    """Four orders over two days in Karachi, and the reminders the notifier logged."""
    b = business.business_id
    o1 = order_placed(b, number="ORD-1", at=JUNE_1)
    o2 = order_placed(b, number="ORD-2", at=JUNE_1 + timedelta(hours=14, minutes=30))  # 23:30
    o3 = from_whatsapp(order_placed(b, number="ORD-3", at=JUNE_1 + timedelta(hours=15, minutes=30)))
    paid = Payment(status=PaymentStatus.PAID, method="card")
    o4 = order_placed(b, number="ORD-4", at=JUNE_1 + timedelta(days=1), payment=paid)
    P, C, S, D, X, R = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPED,
                        OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.RETURNED)  # fmt: skip
    customer = Actor.CUSTOMER
    events = [
        o1, o2, o3, o4,
        moved(o1, C, version=2, previous=P, after=15 * MINUTE, actor=customer),
        moved(o1, S, version=3, previous=C, after=timedelta(days=1)),
        moved(o1, D, version=4, previous=S, after=timedelta(days=2)),
        moved(o2, C, version=2, previous=P, after=90 * MINUTE, actor=customer),
        moved(o2, S, version=3, previous=C, after=timedelta(days=1)),
        moved(o2, R, version=4, previous=S, after=timedelta(days=5)),
        moved(o3, X, version=2, previous=P, after=5 * MINUTE, actor=customer),
        moved(o4, C, version=2, previous=P, after=MINUTE, actor=Actor.STORE),
    ]  # fmt: skip
    reminders = [
        reminder(o2, (DeliveryStatus.QUEUED, 60 * MINUTE), (DeliveryStatus.SENT, 61 * MINUTE),
                 (DeliveryStatus.READ, 80 * MINUTE)),
        # skipped (the shopper opted out): it never went out
        reminder(o3, (DeliveryStatus.QUEUED, 2 * MINUTE), (DeliveryStatus.SKIPPED, 2 * MINUTE)),
    ]  # fmt: skip
    return events, reminders


async def given_shop_history(pool: asyncpg.Pool, business: Business) -> list[AnyOrderEvent]:
    """The shop's history folded by the view's consumers: its order events."""
    events, reminders = shop_history(business)
    await log_messages(pool, reminders)
    await project(pool, events)
    return events


DAYS = [
    {"date": "2026-06-01", "orders": {"ingest": 2, "whatsapp": 0}, "total": 2, "confirmed": 2,
     "cancelled": 0, "delivered": 1, "returned": 1},
    {"date": "2026-06-02", "orders": {"ingest": 1, "whatsapp": 1}, "total": 2, "confirmed": 1,
     "cancelled": 1, "delivered": 0, "returned": 0},
]  # fmt: skip
SUMMARY = {
    "orders": 4, "cod_orders": 3, "cod_confirmed": 2, "cod_confirmation_rate": 0.6667,
    "cancelled": 1, "cancel_rate": 0.25, "answered": 3, "median_minutes_to_answer": 15.0,
    "answered_after_reminder": 1, "answered_after_reminder_share": 0.3333,
    "shipped": 2, "delivered": 1, "delivered_rate": 0.5, "returned": 1, "returned_rate": 0.5,
    "carts_abandoned": 0, "cart_recovery_messages": 0, "carts_recovered": 0,
}  # fmt: skip


async def other_business(pool: asyncpg.Pool) -> tuple[Business, str]:
    return await create_business(BusinessStore(pool), name="Pune shop", plan="business",
                                 default_country="IN")  # fmt: skip


async def figures(api: Api, key: str, url: str = RANGE) -> dict[str, Any]:
    async with api() as http:
        answer = await http.get(url, headers={"X-API-Key": key})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_a_merchant_reads_orders_per_day_and_the_rates_of_their_orders(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await given_shop_history(pool, business[0])

    body = await figures(api, business[1])

    assert (body["from_date"], body["to_date"], body["time_zone"]) == (
        "2026-06-01", "2026-06-02", "Asia/Karachi")  # fmt: skip
    assert body["days"] == DAYS
    assert body["summary"] == SUMMARY


async def test_redelivered_and_out_of_turn_events_change_no_figure(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    events = await given_shop_history(pool, business[0])
    await project(pool, events)  # the whole batch again, as after a crash before the commit
    o4 = events[3]
    assert isinstance(o4, OrderPlaced)
    await project(pool, [moved(o4, OrderStatus.DELIVERED, version=4, previous=OrderStatus.SHIPPED,
                               after=timedelta(days=3))])  # skips version 3  # fmt: skip

    assert (await figures(api, business[1]))["summary"] == SUMMARY


async def test_the_csv_has_one_row_per_day_as_an_attachment(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await given_shop_history(pool, business[0])

    async with api() as http:
        answer = await http.get("/api/v1/analytics.csv?from=2026-05-31&to=2026-06-02",
                                headers={"X-API-Key": business[1]})  # fmt: skip

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == (
        'attachment; filename="sauda-analytics-2026-05-31-to-2026-06-02.csv"')  # fmt: skip
    assert answer.text.splitlines() == [
        "date,orders_ingest,orders_whatsapp,orders,confirmed,cancelled,delivered,returned",
        "2026-05-31,0,0,0,0,0,0,0",
        "2026-06-01,2,0,2,2,0,1,1",
        "2026-06-02,1,1,2,1,1,0,0",
    ]


# query -> the refusal's code and field
BAD_RANGES = {"from=2026-02-30": "invalid_date from", "to=June": "invalid_date to",
              "from=2026-06-02&to=2026-06-01": "invalid_date_range to",
              "from=2025-01-01&to=2026-06-01": "date_range_too_long from"}  # fmt: skip


@pytest.mark.parametrize("path", ["/api/v1/analytics", "/api/v1/analytics.csv"])
async def test_a_bad_range_is_a_400_naming_the_field(
    api: Api, business: tuple[Business, str], path: str
) -> None:
    async with api() as http:
        for query, refusal in BAD_RANGES.items():
            answer = await http.get(f"{path}?{query}", headers={"X-API-Key": business[1]})
            body = answer.json()
            assert (answer.status_code, f"{body['code']} {body['field']}") == (400, refusal)
            assert body["message"]


async def test_without_a_range_the_last_30_days_are_shown(
    api: Api, business: tuple[Business, str]
) -> None:
    body = await figures(api, business[1], "/api/v1/analytics")
    assert len(body["days"]) == 30
    assert body["summary"]["orders"] == 0 and body["summary"]["cancel_rate"] is None


async def test_a_business_sees_only_its_own_figures_by_key_or_session(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    events, reminders = shop_history(business[0])
    other, other_key = await other_business(pool)
    theirs = order_placed(other.business_id, at=JUNE_1)
    await log_messages(pool, [*reminders, reminder(theirs, (DeliveryStatus.SENT, MINUTE))])
    await project(pool, [*events, theirs,
                         moved(theirs, OrderStatus.CANCELLED, version=2,
                               previous=OrderStatus.PENDING, after=MINUTE)])  # fmt: skip

    assert (await figures(api, business[1]))["summary"] == SUMMARY
    their_body = await figures(api, other_key)
    assert their_body["time_zone"] == "Asia/Kolkata"
    theirs_summed = their_body["summary"]
    assert (
        theirs_summed["orders"],
        theirs_summed["cancelled"],
        theirs_summed["cod_confirmed"],
    ) == (1, 1, 0)
    assert [d["total"] for d in their_body["days"]] == [1, 0]

    await create_user(other.business_id, "staff@pune.in", "correct horse battery", Role.STAFF,
                      store=AccountStore(pool), passwords=Passwords(), now=clock.now())  # fmt: skip
    async with api(gateway_cookie_secure=False) as http:
        signed = await http.post("/api/v1/auth/login",
                                 json={"email": "staff@pune.in", "password": "correct horse battery"})  # fmt: skip
        assert signed.status_code == 200, signed.text
        by_session = await http.get(RANGE)
        assert by_session.status_code == 200, by_session.text
        assert by_session.json() == their_body
        assert (await http.get(RANGE, headers={"X-API-Key": "nonsense"})).status_code == 401


async def test_a_replay_from_offset_zero_rebuilds_the_same_figures_twice(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    bootstrap = required_env("KAFKA_BOOTSTRAP_SERVERS")
    events = await given_shop_history(pool, business[0])
    live = await figures(api, business[1])
    topic = f"test.analytics.{uuid4().hex[:12]}"
    await ensure_topics(bootstrap, [TopicSpec(name=topic, partitions=3, key="order id")])
    producer = make_producer(bootstrap, "analytics-test")
    await producer.start()
    try:
        for e in events:
            await producer.send_and_wait(topic, e.to_bytes(), key=str(e.body.order_id).encode())
    finally:
        await producer.stop()
    await pool.execute("DELETE FROM order_facts")  # the rebuild must come from the topic

    def progress(_done: int, _total: int) -> None: ...

    assert await replay_orders_view(pool, bootstrap, progress, topic=topic) == len(events)
    first = await figures(api, business[1])
    assert await replay_orders_view(pool, bootstrap, progress, topic=topic) == len(events)

    assert await figures(api, business[1]) == first == live
    # The live projector keeps folding into the swapped-in facts.
    o4 = events[3]
    assert isinstance(o4, OrderPlaced)
    await project(pool, [moved(o4, OrderStatus.CANCELLED, version=3, previous=OrderStatus.CONFIRMED,
                               after=timedelta(hours=1))])  # fmt: skip
    assert (await figures(api, business[1]))["summary"]["cancelled"] == 2
