"""`sauda replay message-log | webhook-deliveries`: a projection rebuilt from copies of its
topics at offset 0 (real Kafka and Postgres) holds the rows the live consumer folded, whatever
happened to the table meanwhile; inbound messages older than their topic's week are kept."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg

from sauda_contracts import TopicSpec
from sauda_contracts.webhooks import DeliveryRecorded, DeliveryRecordedBody, WebhookDeliveryStatus
from sauda_contracts.whatsapp import InboundKind, InboundMessageBody, InboundMessageReceived
from sauda_gateway.domain import Business
from sauda_gateway.view.rebuild import replay_projection
from sauda_runtime.kafka import ensure_topics, make_producer
from sauda_runtime.testing import required_env

from .messaging_flows import SHOPPER, fold, recorded

NUMBER = "1000"


def inbound(business: Business, at: datetime) -> InboundMessageReceived:
    return InboundMessageReceived(
        event_id=uuid4(), occurred_at=at, business_id=business.business_id, correlation_id="t",
        body=InboundMessageBody(phone_number_id=NUMBER, customer_phone=SHOPPER,
                                wamid=f"wamid.IN{uuid4().hex}", sent_at=at,
                                kind=InboundKind.TEXT, meta_type="text", text="Salam"),
    )  # fmt: skip


def delivery(
    business: Business, ids: tuple[Any, Any], revision: int, status: str
) -> DeliveryRecorded:
    now, (delivery_id, endpoint_id) = datetime.now(UTC), ids
    return DeliveryRecorded(
        event_id=uuid4(), occurred_at=now, business_id=business.business_id, correlation_id="t",
        body=DeliveryRecordedBody(
            delivery_id=delivery_id, revision=revision, endpoint_id=endpoint_id, event_id=ids[0],
            event="order.confirmed", status=WebhookDeliveryStatus(status), attempts=revision,
            created_at=now, updated_at=now,
        ),
    )  # fmt: skip


async def on_copies(records: dict[str, list[Any]]) -> dict[str, str]:
    """Each topic's records on a fresh copy of it; topic -> copy."""
    bootstrap = required_env("KAFKA_BOOTSTRAP_SERVERS")
    copies = {topic: f"test.replay.{uuid4().hex[:12]}" for topic in records}
    await ensure_topics(
        bootstrap, [TopicSpec(name=c, partitions=3, key="t") for c in copies.values()]
    )
    producer = make_producer(bootstrap, "replay-test")
    await producer.start()
    try:
        for topic, items in records.items():
            for item in items:
                await producer.send_and_wait(copies[topic], item.to_bytes(), key=b"chat")
    finally:
        await producer.stop()
    return copies


async def rows(pool: asyncpg.Pool, table: str, key: str) -> list[dict[str, Any]]:
    found = await pool.fetch(f"SELECT * FROM {table} ORDER BY {key}")
    return [{k: v for k, v in dict(r).items() if k != "updated_at"} for r in found]


def quiet(_done: int, _total: int) -> None: ...


async def test_the_message_log_is_rebuilt_from_its_topics(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop = business[0]
    first, second = uuid4(), uuid4()
    outbound = [recorded(shop, first, NUMBER, "queued"), recorded(shop, first, NUMBER, "queued", "sent"),
                recorded(shop, second, NUMBER, "queued", "failed")]  # fmt: skip
    wrote = inbound(shop, datetime.now(UTC))
    await fold(pool, [*outbound, wrote])
    # An inbound message older than whatsapp.inbound.v1 keeps: on no topic any more.
    await fold(pool, [old := inbound(shop, datetime.now(UTC) - timedelta(days=30))])
    live = await rows(pool, "wa_messages", "message_id")
    assert len(live) == 4
    copies = await on_copies({"notifier.events.v1": outbound, "whatsapp.inbound.v1": [wrote]})

    # What happened to the table meanwhile: a row lost, a status wrong, a stray row.
    await pool.execute("DELETE FROM wa_messages WHERE message_id = $1", second)
    await pool.execute("UPDATE wa_messages SET status = 'read' WHERE message_id = $1", first)
    await fold(pool, [recorded(shop, uuid4(), NUMBER, "queued")])

    bootstrap = required_env("KAFKA_BOOTSTRAP_SERVERS")
    read = await replay_projection(pool, bootstrap, "message-log", quiet, topics=copies)
    assert read == 4
    assert await rows(pool, "wa_messages", "message_id") == live
    assert old.body.wamid in {r["wamid"] for r in live}
    # Twice gives the same rows; the scratch copy is gone.
    await replay_projection(pool, bootstrap, "message-log", quiet, topics=copies)
    assert await rows(pool, "wa_messages", "message_id") == live
    assert await pool.fetchval("SELECT to_regclass('sauda_replay.wa_messages')") is None


async def test_the_webhook_delivery_log_is_rebuilt_with_each_deliverys_newest_revision(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop = business[0]
    ids = (uuid4(), uuid4())
    history = [
        delivery(shop, ids, 1, "pending"),
        delivery(shop, ids, 2, "retrying"),
        delivery(shop, ids, 3, "succeeded"),
    ]
    await fold(pool, history)
    live = await rows(pool, "webhook_deliveries", "delivery_id")
    assert [r["status"] for r in live] == ["succeeded"]
    copies = await on_copies({"webhooks.events.v1": list(reversed(history))})
    await pool.execute("DELETE FROM webhook_deliveries")
    bootstrap = required_env("KAFKA_BOOTSTRAP_SERVERS")
    assert await replay_projection(pool, bootstrap, "webhook-deliveries", quiet, topics=copies) == 3
    assert await rows(pool, "webhook_deliveries", "delivery_id") == live
