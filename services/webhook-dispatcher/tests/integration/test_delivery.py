"""Deliveries end to end against real receivers: signatures, retries, health, isolation, recovery."""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from standardwebhooks import Webhook

from sauda_contracts import Actor, OrderCancelled, Topic
from sauda_contracts.orders import OrderStatus
from sauda_contracts.testing import status_changed
from sauda_contracts.webhooks import (
    DeliveryRecorded,
    EndpointDeactivated,
    RedeliverBody,
    RedeliverWebhook,
    SendTestBody,
    SendTestWebhook,
    parse_webhook_log_event,
)

from .conftest import SECRET, Receiver, World, make_world, order_placed, wait_for


def seed_verify(body: bytes, signature: str, secret: str) -> bool:
    """The Botaura seed's own snippet, verbatim."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def cancelled(placed: Any, *, reason: str | None = "customer said no") -> OrderCancelled:
    return status_changed(placed, OrderStatus.CANCELLED, actor=Actor.CUSTOMER, reason=reason)  # type: ignore[return-value]


async def place(world: World, event: Any) -> None:
    world.d.sends.spawn(await world.order_events([event]))


async def settled(world: World, count: int) -> list[Any]:
    async def check() -> list[Any] | None:
        rows = await world.deliveries()
        done = [r for r in rows if r["status"] in ("succeeded", "failed")]
        return rows if len(rows) >= count and len(done) == len(rows) else None

    return list(await wait_for(check))


def log_records(rows: list[Any]) -> list[Any]:
    return [parse_webhook_log_event(bytes(r["value"])) for r in rows]


async def test_a_delivery_arrives_once_signed_under_both_schemes(
    world: World, receivers: Any, pump: None
) -> None:
    receiver: Receiver = await receivers()
    endpoint_id = await world.add_endpoint(receiver.url)
    placed = order_placed(world.business_id)
    await place(world, placed)
    [row] = await settled(world, 1)

    assert row["status"] == "succeeded" and row["attempts"] == 1
    [hit] = receiver.hits
    assert hit.headers["Content-Type"] == "application/json"
    assert seed_verify(hit.body, hit.headers["X-Sauda-Signature"], SECRET)
    assert hit.headers["X-Botaura-Signature"] == hit.headers["X-Sauda-Signature"]
    payload = Webhook(SECRET).verify(hit.body, hit.headers)
    assert hit.headers["webhook-id"] == str(row["delivery_id"])
    assert payload == {
        "event": "order_created",
        "timestamp": placed.occurred_at.isoformat().replace("+00:00", "Z"),
        "data": {
            "order_id": str(placed.body.order_id),
            "order_number": "ORD-001",
            "status": "pending",
            "total": 3000,
            "customer_phone": "923001234567",
            "source": "ingest",
        },
        "event_id": str(placed.event_id),
        "order_version": 1,
    }
    logged = log_records(await world.outbox(Topic.WEBHOOKS_EVENTS))
    assert [
        (r.body.revision, r.body.status) for r in logged if isinstance(r, DeliveryRecorded)
    ] == [
        (1, "pending"),
        (2, "succeeded"),
    ]
    assert all(r.body.endpoint_id == endpoint_id for r in logged)
    assert logged[-1].body.response_status == 200
    assert len(logged[-1].body.response_excerpt or "") <= 1024


async def test_during_a_rotation_both_secrets_sign(
    world: World, receivers: Any, pump: None
) -> None:
    receiver: Receiver = await receivers()
    old = "whsec_" + "b2xkLXNlY3JldC1vbGQtc2VjcmV0LW9sZC1zZWNyZXQ="
    await world.add_endpoint(receiver.url, previous=old)
    await place(world, order_placed(world.business_id))
    await settled(world, 1)
    [hit] = receiver.hits
    assert len(hit.headers["webhook-signature"].split(" ")) == 2
    Webhook(SECRET).verify(hit.body, hit.headers)
    Webhook(old).verify(hit.body, hit.headers)
    assert seed_verify(hit.body, hit.headers["X-Sauda-Signature"], SECRET)
    # A receiver that still holds the old secret keeps verifying the seed's scheme too.
    assert seed_verify(hit.body, hit.headers["X-Sauda-Signature-Previous"], old)
    assert not seed_verify(hit.body, hit.headers["X-Sauda-Signature"], old)


async def test_a_redelivered_order_event_makes_one_delivery(
    world: World, receivers: Any, pump: None
) -> None:
    receiver: Receiver = await receivers()
    await world.add_endpoint(receiver.url)
    placed = order_placed(world.business_id)
    assert len(await world.order_events([placed, placed])) == 1
    assert await world.order_events([placed]) == []
    await world.d.sweep()  # nothing is stale: the one row stays claimed
    assert len(await world.deliveries()) == 1


async def test_failures_retry_then_the_endpoint_is_deactivated_and_reactivation_resumes(
    world: World, receivers: Any, pump: None
) -> None:
    receiver: Receiver = await receivers()
    receiver.default_status = 500
    endpoint_id = await world.add_endpoint(receiver.url)
    for i in range(10):
        await place(world, order_placed(world.business_id, number=f"ORD-{i}"))
    rows = await settled(world, 10)
    assert {(r["status"], r["attempts"]) for r in rows} == {("failed", 4)}
    assert len(receiver.hits) == 40
    deactivations = [
        r
        for r in log_records(await world.outbox(Topic.WEBHOOKS_EVENTS))
        if isinstance(r, EndpointDeactivated)
    ]
    assert [(e.body.endpoint_id, e.body.consecutive_failures) for e in deactivations] == [
        (endpoint_id, 10)
    ]
    assert len(await world.outbox(Topic.WEBHOOKS_DLQ)) == 10

    # Deactivated: new events make no deliveries.
    assert await world.order_events([order_placed(world.business_id)]) == []

    # The merchant re-activates it in the gateway (PATCH active=true sets activated_at = now()).
    await world.pool.execute(
        f'UPDATE "{world.gateway_schema}".webhook_endpoints SET activated_at = now() '
        "WHERE endpoint_id = $1",
        endpoint_id,
    )
    receiver.default_status = 200
    await place(world, order_placed(world.business_id, number="ORD-back"))
    rows = await settled(world, 11)
    assert rows[-1]["status"] == "succeeded" or any(r["status"] == "succeeded" for r in rows)
    health = await world.pool.fetchrow("SELECT * FROM endpoint_health")
    assert health["consecutive_failures"] == 0


async def test_a_loopback_url_is_refused_when_private_urls_are_not_allowed(
    pool: Any, gateway_schema: str, box: Any, receivers: Any
) -> None:
    world = make_world(pool, gateway_schema, box, allow_private=False)
    try:
        receiver: Receiver = await receivers()
        await world.add_endpoint(receiver.url)
        await place(world, order_placed(world.business_id))
        [row] = await settled(world, 1)
        assert (row["status"], row["attempts"]) == ("failed", 1)  # permanent: no retry
        assert "refused URL" in row["error"]
        assert receiver.hits == []
    finally:
        await world.sender.aclose()


async def test_a_slow_endpoint_does_not_delay_another(
    pool: Any, gateway_schema: str, box: Any, receivers: Any
) -> None:
    world = make_world(pool, gateway_schema, box, timeout=1.0, retry_scale=10)
    try:
        slow: Receiver = await receivers()
        slow.delay = 3.0
        fast: Receiver = await receivers()
        await world.add_endpoint(slow.url)
        await world.add_endpoint(fast.url)
        started = datetime.now(UTC)
        for i in range(3):
            await place(world, order_placed(world.business_id, number=f"ORD-{i}"))
        await wait_for(lambda: _count(fast, 3), timeout=5)
        assert (datetime.now(UTC) - started).total_seconds() < 0.9  # before the slow one's timeout

        async def slow_failed() -> bool:
            rows = await world.deliveries()
            return sum(r["status"] == "retrying" for r in rows) == 3

        await wait_for(slow_failed, timeout=5)
        errors = {r["error"] for r in await world.deliveries() if r["status"] == "retrying"}
        assert errors == {"timed out after 1 s"}
    finally:
        await world.d.sends.drain(timeout=0.1)
        await world.sender.aclose()


async def _count(receiver: Receiver, n: int) -> bool:
    return len(receiver.hits) >= n


async def test_the_sweep_resends_a_pending_delivery_after_a_crash(
    world: World, receivers: Any, pump: None
) -> None:
    receiver: Receiver = await receivers()
    await world.add_endpoint(receiver.url)
    # The rows are committed, then the process dies before sending (nothing is spawned).
    created = await world.order_events([order_placed(world.business_id)])
    assert len(created) == 1
    assert await world.d.sweep() == 0  # its claim is still fresh
    await world.pool.execute("UPDATE deliveries SET claimed_at = now() - interval '1 hour'")
    assert await world.d.sweep() == 1
    [row] = await settled(world, 1)
    assert row["status"] == "succeeded"
    assert len(receiver.hits) == 1


async def test_a_cancellation_calls_the_store_cancel_callback(
    world: World, receivers: Any, pump: None
) -> None:
    store: Receiver = await receivers()
    merchant: Receiver = await receivers()
    await world.add_endpoint(store.url, kind="store_cancel", events=())
    await world.add_endpoint(merchant.url)
    placed = order_placed(world.business_id, external_order_id="SHOP-77")
    await place(world, placed)
    await place(world, cancelled(placed))
    await settled(world, 3)
    [call] = store.hits
    assert json.loads(call.body) == {
        "id": "SHOP-77",
        "cancellationReason": "customer said no",
        "cancelledBy": "bot",
    }
    assert seed_verify(call.body, call.headers["X-Sauda-Signature"], SECRET)
    Webhook(SECRET).verify(call.body, call.headers)
    events = [json.loads(h.body)["event"] for h in merchant.hits]
    assert sorted(events) == ["order_created", "order_status_changed"]
    changed = next(json.loads(h.body) for h in merchant.hits if h.body.count(b"status_changed"))
    assert (changed["data"]["status"], changed["order_version"]) == ("cancelled", 2)


async def test_test_and_redeliver_commands(world: World, receivers: Any, pump: None) -> None:
    receiver: Receiver = await receivers()
    endpoint_id = await world.add_endpoint(receiver.url, events=("order_status_changed",))
    test = SendTestWebhook(
        event_id=uuid4(),
        occurred_at=datetime.now(UTC),
        business_id=world.business_id,
        correlation_id="req-test",
        body=SendTestBody(endpoint_id=endpoint_id),
    )
    world.d.sends.spawn(await world.commands([test]))
    assert await world.commands([test]) == []  # a repeated command does nothing
    [first] = await settled(world, 1)
    assert json.loads(receiver.hits[0].body)["event"] == "webhook_test"

    again = RedeliverWebhook(
        event_id=uuid4(),
        occurred_at=datetime.now(UTC),
        business_id=world.business_id,
        correlation_id="req-redeliver",
        body=RedeliverBody(endpoint_id=endpoint_id, delivery_id=first["delivery_id"]),
    )
    world.d.sends.spawn(await world.commands([again]))
    rows = await settled(world, 2)
    assert len(receiver.hits) == 2
    assert receiver.hits[0].body == receiver.hits[1].body  # same payload, same event_id
    ids = {h.headers["webhook-id"] for h in receiver.hits}
    assert len(ids) == 2  # a new delivery id
    assert rows[1]["redelivery_of"] == first["delivery_id"]


async def test_an_event_of_an_order_never_seen_placed_is_passed_by_not_the_batch(
    world: World, receivers: Any, pump: None
) -> None:
    """A change to an order whose OrderPlaced this dispatcher never read (it joined the stream
    later) is logged and passed by; the batch's other events still make their deliveries."""
    receiver: Receiver = await receivers()
    await world.add_endpoint(receiver.url)
    stranger = status_changed(order_placed(world.business_id), OrderStatus.CONFIRMED,
                              actor=Actor.CUSTOMER)  # fmt: skip
    placed = order_placed(world.business_id)
    made = await world.order_events([stranger, placed])
    assert [d.order_id for d in made] == [placed.body.order_id]
    world.d.sends.spawn(made)
    [row] = await settled(world, 1)
    assert row["status"] == "succeeded"
