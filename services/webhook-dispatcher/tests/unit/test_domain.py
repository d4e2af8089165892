"""The dispatcher's pure decisions, table by table."""

import base64
import dataclasses
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from standardwebhooks import Webhook

from sauda_contracts import Actor, Topic
from sauda_contracts.orders import OrderSource, OrderStatus
from sauda_contracts.webhooks import WebhookDeliveryStatus, WebhookEvent
from sauda_webhooks.domain.deliveries import (
    AttemptResult,
    Delivery,
    after_attempt,
    new_delivery,
    retry_delay,
    retry_topic,
)
from sauda_webhooks.domain.endpoints import (
    Endpoint,
    EndpointHealth,
    count_delivery,
    is_usable,
    signing_secrets,
)
from sauda_webhooks.domain.orders import (
    OrderFacts,
    payload_bytes,
    store_cancel_payload,
    webhook_event_for,
)
from sauda_webhooks.domain.planning import plan_deliveries
from sauda_webhooks.domain.signatures import (
    request_headers,
    sauda_signature,
    standard_signature,
)

T0 = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.mark.parametrize(
    ("event_type", "expected"),
    [
        ("OrderPlaced", WebhookEvent.ORDER_CREATED),
        ("OrderConfirmed", WebhookEvent.ORDER_STATUS_CHANGED),
        ("OrderShipped", WebhookEvent.ORDER_STATUS_CHANGED),
        ("OrderDelivered", WebhookEvent.ORDER_STATUS_CHANGED),
        ("OrderCancelled", WebhookEvent.ORDER_STATUS_CHANGED),
        ("OrderReturned", WebhookEvent.ORDER_STATUS_CHANGED),
        ("OrderPaymentChanged", WebhookEvent.ORDER_PAYMENT_CHANGED),
        ("OrderFulfillmentUpdated", WebhookEvent.ORDER_FULFILLMENT_UPDATED),
        ("OrderHeldForReview", WebhookEvent.ORDER_HELD_FOR_REVIEW),
        ("OrderCommandRejected", None),
        ("SomethingNew", None),
    ],
)
def test_order_event_names(event_type: str, expected: WebhookEvent | None) -> None:
    assert webhook_event_for(event_type) == expected


@pytest.mark.parametrize(
    ("attempt", "scale", "delay"),
    [(1, 1.0, 1.0), (2, 1.0, 4.0), (3, 1.0, 16.0), (4, 1.0, None), (1, 0.05, 0.05), (3, 0.5, 8.0)],
)
def test_retry_schedule(attempt: int, scale: float, delay: float | None) -> None:
    assert retry_delay(attempt, scale) == delay


@pytest.mark.parametrize(
    ("next_attempt", "topic"),
    [(2, Topic.WEBHOOKS_RETRY_1S), (3, Topic.WEBHOOKS_RETRY_4S), (4, Topic.WEBHOOKS_RETRY_16S)],
)
def test_retry_topics(next_attempt: int, topic: Topic) -> None:
    assert retry_topic(next_attempt) == topic


def _endpoint(**kw: object) -> Endpoint:
    base: dict[str, object] = {
        "endpoint_id": UUID(int=1),
        "business_id": UUID(int=2),
        "kind": "merchant",
        "url": "https://shop.example/hook",
        "events": ("order_created",),
        "active": True,
        "secrets": (SECRET,),
        "activated_at": T0,
        "gateway_deactivated_at": None,
    }
    base.update(kw)
    return Endpoint(**base)  # type: ignore[arg-type]


def _delivery(attempts: int = 0) -> Delivery:
    d = new_delivery(
        _endpoint(),
        event="order_created",
        event_id=UUID(int=3),
        order_id=UUID(int=4),
        body=b"{}",
        correlation_id="req-1",
        now=T0,
    )
    return dataclasses.replace(d, attempts=attempts, revision=attempts + 1)


OK = AttemptResult(200, 12.0, "ok", None)
FAIL = AttemptResult(500, 12.0, "no", "HTTP 500")
REFUSED = AttemptResult(None, None, None, "refused URL: loopback", permanent=True)


@pytest.mark.parametrize(
    ("attempts_before", "result", "status", "next_in"),
    [
        (0, OK, WebhookDeliveryStatus.SUCCEEDED, None),
        (0, FAIL, WebhookDeliveryStatus.RETRYING, 1.0),
        (1, FAIL, WebhookDeliveryStatus.RETRYING, 4.0),
        (2, FAIL, WebhookDeliveryStatus.RETRYING, 16.0),
        (3, FAIL, WebhookDeliveryStatus.FAILED, None),
        (3, OK, WebhookDeliveryStatus.SUCCEEDED, None),
        (0, REFUSED, WebhookDeliveryStatus.FAILED, None),
        (
            0,
            AttemptResult(302, 1.0, None, "HTTP 302: redirects are not followed"),
            WebhookDeliveryStatus.RETRYING,
            1.0,
        ),
    ],
)
def test_after_an_attempt(
    attempts_before: int,
    result: AttemptResult,
    status: WebhookDeliveryStatus,
    next_in: float | None,
) -> None:
    after = after_attempt(_delivery(attempts_before), result, now=T0, retry_scale=1.0)
    assert after.status is status
    assert after.attempts == attempts_before + 1
    assert after.revision == attempts_before + 2
    expected = None if next_in is None else T0 + timedelta(seconds=next_in)
    assert after.next_attempt_at == expected


@pytest.mark.parametrize(
    ("health", "succeeded", "after", "deactivates"),
    [
        (EndpointHealth(0), True, EndpointHealth(0), False),
        (EndpointHealth(5), True, EndpointHealth(0), False),
        (EndpointHealth(0), False, EndpointHealth(1), False),
        (EndpointHealth(8), False, EndpointHealth(9), False),
        (EndpointHealth(9), False, EndpointHealth(10, T0 + timedelta(hours=1)), True),
        # already deactivated by us: keeps counting, no second deactivation
        (
            EndpointHealth(10, T0 + timedelta(minutes=1)),
            False,
            EndpointHealth(11, T0 + timedelta(minutes=1)),
            False,
        ),
        # reactivated since our deactivation (activated_at T0 is newer): a fresh run
        (EndpointHealth(10, T0 - timedelta(minutes=1)), False, EndpointHealth(1), False),
    ],
)
def test_endpoint_health(
    health: EndpointHealth, succeeded: bool, after: EndpointHealth, deactivates: bool
) -> None:
    now = T0 + timedelta(hours=1)
    assert count_delivery(health, activated_at=T0, succeeded=succeeded, now=now) == (
        after,
        deactivates,
    )


@pytest.mark.parametrize(
    ("changes", "usable"),
    [
        ({}, True),
        ({"active": False}, False),
        ({"gateway_deactivated_at": T0 + timedelta(seconds=1)}, False),
        ({"gateway_deactivated_at": T0 - timedelta(seconds=1)}, True),
        ({"health": EndpointHealth(10, T0 + timedelta(seconds=1))}, False),
        ({"health": EndpointHealth(10, T0 - timedelta(seconds=1))}, True),
    ],
)
def test_usable_endpoints(changes: dict[str, object], usable: bool) -> None:
    assert is_usable(_endpoint(**changes)) is usable


@pytest.mark.parametrize(
    ("until", "expected"),
    [
        (None, (SECRET,)),
        (T0 - timedelta(seconds=1), (SECRET,)),
        (T0 + timedelta(days=1), (SECRET, "whsec_old")),
    ],
)
def test_rotation_signs_with_both_until_the_old_secret_expires(
    until: datetime | None, expected: tuple[str, ...]
) -> None:
    assert signing_secrets(SECRET, "whsec_old", until, T0) == expected


def test_the_seed_signature_is_the_seed_snippet() -> None:
    body = b'{"event":"order_created"}'
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert sauda_signature(SECRET, body) == expected


@pytest.mark.parametrize("secret", [SECRET, "whsec_" + base64.b64encode(b"k" * 32).decode()])
def test_standard_webhooks_signature_verifies_with_the_reference_library(secret: str) -> None:
    body = b'{"event":"order_created"}'
    now = int(datetime.now(UTC).timestamp())
    headers = request_headers((secret,), msg_id=UUID(int=9), timestamp=now, body=body)
    assert Webhook(secret).verify(body, headers) == {"event": "order_created"}
    assert headers["webhook-signature"] == standard_signature(
        secret, msg_id=str(UUID(int=9)), timestamp=now, body=body
    )


@pytest.mark.parametrize(
    ("external", "reason", "expected"),
    [
        ("SHOP-1", "out of stock", {"id": "SHOP-1", "cancellationReason": "out of stock"}),
        (None, None, {"id": str(UUID(int=7)), "cancellationReason": "cancelled"}),
    ],
)
def test_store_cancel_payload(
    external: str | None, reason: str | None, expected: dict[str, str]
) -> None:
    facts = OrderFacts(
        order_id=UUID(int=7),
        business_id=uuid4(),
        order_number="ORD-1",
        external_order_id=external,
        total=Decimal("10"),
        customer_phone=None,
        source=OrderSource.INGEST,
        status=OrderStatus.CANCELLED,
        version=2,
    )
    body = json.loads(payload_bytes(store_cancel_payload(facts, reason)))
    assert body == {**expected, "cancelledBy": "bot"}


@pytest.mark.parametrize(
    ("actor", "calls_store"),
    [(Actor.CUSTOMER, True), (Actor.MERCHANT, True), (Actor.SYSTEM, True), (Actor.STORE, False)],
)
def test_the_store_is_called_back_on_cancels_it_did_not_make(
    actor: Actor, calls_store: bool
) -> None:
    from sauda_contracts import OrderCancelled
    from sauda_contracts.orders import OrderStatusChangedBody

    facts = OrderFacts(
        order_id=UUID(int=7), business_id=UUID(int=2), order_number="ORD-1",
        external_order_id="SHOP-1", total=Decimal("10"), customer_phone=None,
        source=OrderSource.INGEST, status=OrderStatus.PENDING, version=1,
    )  # fmt: skip
    cancelled = OrderCancelled(
        event_id=UUID(int=9), occurred_at=T0, business_id=UUID(int=2), correlation_id="req-1",
        body=OrderStatusChangedBody(order_id=UUID(int=7), version=2, status=OrderStatus.CANCELLED,
                                    previous_status=OrderStatus.PENDING, actor=actor, reason="r"),
    )  # fmt: skip
    store = _endpoint(kind="store_cancel", events=("order_cancelled",))
    planned = plan_deliveries(cancelled, facts, [store], now=T0)
    assert [d.event for d in planned] == (["store_cancel"] if calls_store else [])


def test_a_username_users_chat_order_is_announced_with_their_user_id_and_no_phone() -> None:
    from sauda_contracts.testing import order_placed
    from sauda_webhooks.domain.orders import evolve_order, order_payload

    user = "US.13491208655302741918"
    placed = order_placed(uuid4(), phone=None, whatsapp_user_id=user)
    facts = evolve_order(None, placed)
    assert facts is not None and (facts.customer_phone, facts.customer_user_id) == (None, user)
    payload = order_payload(facts, event=WebhookEvent.ORDER_CREATED, event_id=uuid4(),
                            at=datetime.now(UTC), version=1, status=OrderStatus.PENDING)  # fmt: skip
    data = json.loads(payload_bytes(payload))["data"]
    assert (data["customer_phone"], data["customer_user_id"]) == (None, user)
    phone_order = evolve_order(None, order_placed(uuid4()))
    assert phone_order is not None
    phone_payload = order_payload(phone_order, event=WebhookEvent.ORDER_CREATED,
                                  event_id=uuid4(), at=datetime.now(UTC), version=1,
                                  status=OrderStatus.PENDING)  # fmt: skip
    assert "customer_user_id" not in json.loads(payload_bytes(phone_payload))["data"]


def test_a_changed_address_is_announced_with_the_new_address() -> None:
    from sauda_contracts.address_changes import OrderAddressChanged, OrderAddressChangedBody
    from sauda_contracts.addresses import DeliveryAddress
    from sauda_contracts.testing import order_placed
    from sauda_webhooks.domain.orders import evolve_order

    order_id = uuid4()
    facts = evolve_order(None, order_placed(order_id))
    assert facts is not None
    new = DeliveryAddress(address1="Flat 3, Block B", city="Karachi")
    changed = OrderAddressChanged(
        event_id=UUID(int=11), occurred_at=T0, business_id=facts.business_id,
        correlation_id="req-1",
        body=OrderAddressChangedBody(order_id=order_id, version=2, status=OrderStatus.PENDING,
                                     delivery_address=new, actor=Actor.CUSTOMER),
    )  # fmt: skip
    hook = _endpoint(events=("order_address_changed",))
    [delivery] = plan_deliveries(changed, facts, [hook], now=T0)
    body = json.loads(delivery.body)
    assert body["event"] == "order_address_changed" and body["order_version"] == 2
    assert body["data"]["delivery_address"]["address1"] == "Flat 3, Block B"
    assert plan_deliveries(changed, facts, [_endpoint(events=("order_created",))], now=T0) == []
