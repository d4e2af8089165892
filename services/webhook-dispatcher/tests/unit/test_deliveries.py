"""The NDR webhooks: a failed attempt and the shopper's answer reach only endpoints subscribed to
them, with the attempt in `data`; every other event's body stays as it was."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from sauda_contracts import Actor
from sauda_contracts.deliveries import (
    DeliveryAnswer,
    DeliveryAttemptAnsweredBody,
    OrderDeliveryAttemptAnswered,
)
from sauda_contracts.orders import OrderSource, OrderStatus
from sauda_contracts.webhooks import WebhookEvent
from sauda_webhooks.domain.endpoints import Endpoint
from sauda_webhooks.domain.orders import OrderFacts, order_payload, payload_bytes, webhook_event_for
from sauda_webhooks.domain.planning import plan_deliveries

T0 = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)
FACTS = OrderFacts(order_id=UUID(int=7), business_id=UUID(int=2), order_number="ORD-1",
                   external_order_id="SHOP-1", total=Decimal("10"), customer_phone="923001234567",
                   source=OrderSource.INGEST, status=OrderStatus.SHIPPED, version=5)  # fmt: skip


def endpoint(*events: str) -> Endpoint:
    return Endpoint(endpoint_id=UUID(int=1), business_id=UUID(int=2), kind="merchant",
                    url="https://shop.example/hook", events=events, active=True,
                    secrets=("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",), activated_at=T0,
                    gateway_deactivated_at=None)  # fmt: skip


ANSWERED = OrderDeliveryAttemptAnswered(
    event_id=UUID(int=9), occurred_at=T0, business_id=UUID(int=2), correlation_id="c",
    body=DeliveryAttemptAnsweredBody(order_id=UUID(int=7), version=6, status=OrderStatus.SHIPPED,
                                     attempt=1, answer=DeliveryAnswer.CHANGE_ADDRESS,
                                     actor=Actor.CUSTOMER),
)  # fmt: skip


def test_the_names_of_the_two_ndr_events() -> None:
    assert webhook_event_for("OrderDeliveryAttemptFailed") is (
        WebhookEvent.ORDER_DELIVERY_ATTEMPT_FAILED
    )
    assert webhook_event_for("OrderDeliveryAttemptAnswered") is (
        WebhookEvent.ORDER_DELIVERY_ATTEMPT_ANSWERED
    )


def test_the_answer_reaches_the_subscribed_endpoint_with_the_attempt() -> None:
    subscribed = endpoint("order_delivery_attempt_answered")
    others = endpoint("order_created", "order_status_changed")
    [delivery] = plan_deliveries(ANSWERED, FACTS, [subscribed, others], now=T0)
    body = json.loads(delivery.body)
    assert body["event"] == "order_delivery_attempt_answered"
    assert body["order_version"] == 6
    assert body["data"]["delivery_attempt"] == {
        "attempt": 1, "answer": "change_address", "reason": None, "note": None}  # fmt: skip


def test_other_events_carry_no_delivery_attempt() -> None:
    payload = order_payload(FACTS, event=WebhookEvent.ORDER_STATUS_CHANGED, event_id=UUID(int=3),
                            at=T0, version=5, status=OrderStatus.SHIPPED)  # fmt: skip
    assert "delivery_attempt" not in json.loads(payload_bytes(payload))["data"]
