"""Pure webhook decisions: which event a merchant gets, its payload, both signatures, retries, health.

Signing secrets are Standard Webhooks secrets, `whsec_` + base64(32 random bytes):
- `webhook-signature` (Standard Webhooks): HMAC-SHA256 keyed with the base64-decoded part, over
  `"{webhook-id}.{webhook-timestamp}.{body}"`, sent as `v1,<base64>`;
- `X-Sauda-Signature` (and its seed alias `X-Botaura-Signature`): `sha256=` + hex HMAC-SHA256
  keyed with the whole secret string as the merchant copied it (the seed's snippet), over the body.
A secret without the `whsec_` prefix is used as raw key bytes for both schemes.
During a rotation `webhook-signature` carries both secrets' signatures (space-separated, newest
first); `X-Sauda-Signature` carries the new secret's and `X-Sauda-Signature-Previous` the old
one's, so a receiver still holding the old secret keeps verifying for the 24-hour overlap.
"""

import base64
import binascii
import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid5

from sauda_contracts import Actor, AnyOrderEvent, OrderPlaced, Topic
from sauda_contracts.orders import OrderSource, OrderStatus
from sauda_contracts.webhooks import (
    DeliveryRecorded,
    DeliveryRecordedBody,
    DeliveryStatus,
    EndpointDeactivated,
    EndpointDeactivatedBody,
    StoreCancelPayload,
    WebhookEvent,
    WebhookOrderData,
    WebhookPayload,
)

# Namespace of the dispatcher's derived ids (deliveries, log records): same input, same id.
NAMESPACE = UUID("6b0f7f8e-2f0a-5c4e-9a51-7d3c1f0b9e21")
STORE_CANCEL = "store_cancel"  # the `event` of a store cancel callback delivery
MERCHANT = "merchant"
RETRY_DELAYS = (1.0, 4.0, 16.0)  # seconds before attempts 2, 3 and 4
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
RETRY_TOPICS = (Topic.WEBHOOKS_RETRY_1S, Topic.WEBHOOKS_RETRY_4S, Topic.WEBHOOKS_RETRY_16S)
DEACTIVATE_AFTER = 10
EXCERPT_BYTES = 1024
FINAL = frozenset({DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED})

EVENT_FOR_TYPE: dict[str, WebhookEvent] = {
    "OrderPlaced": WebhookEvent.ORDER_CREATED,
    "OrderConfirmed": WebhookEvent.ORDER_STATUS_CHANGED,
    "OrderShipped": WebhookEvent.ORDER_STATUS_CHANGED,
    "OrderDelivered": WebhookEvent.ORDER_STATUS_CHANGED,
    "OrderCancelled": WebhookEvent.ORDER_STATUS_CHANGED,
    "OrderReturned": WebhookEvent.ORDER_STATUS_CHANGED,
    "OrderPaymentChanged": WebhookEvent.ORDER_PAYMENT_CHANGED,
    "OrderFulfillmentUpdated": WebhookEvent.ORDER_FULFILLMENT_UPDATED,
}


def webhook_event_for(event_type: str) -> WebhookEvent | None:
    """The merchant-facing event name of an order event type, or None (not announced)."""
    return EVENT_FOR_TYPE.get(event_type)


# --- what the dispatcher knows of an order ---


@dataclass(frozen=True)
class OrderFacts:
    order_id: UUID
    business_id: UUID
    order_number: str
    external_order_id: str | None
    total: Decimal
    customer_phone: str | None
    source: OrderSource
    status: OrderStatus
    version: int


def evolve_order(facts: OrderFacts | None, event: AnyOrderEvent) -> OrderFacts | None:
    """Fold one order event; events of unknown orders (placed before we listened) stay unknown."""
    if isinstance(event, OrderPlaced):
        if facts is not None:
            return facts
        b = event.body
        return OrderFacts(
            order_id=b.order_id,
            business_id=event.business_id,
            order_number=b.order_number,
            external_order_id=b.external_order_id,
            total=b.total,
            customer_phone=b.customer.phone,
            source=b.source,
            status=b.status,
            version=b.version,
        )
    if facts is None:
        return None
    version: int = getattr(event.body, "version", facts.version)
    status: OrderStatus = getattr(event.body, "status", facts.status)
    if version <= facts.version:
        return facts
    return replace(facts, version=version, status=status)


def order_payload(
    facts: OrderFacts,
    *,
    event: WebhookEvent,
    event_id: UUID,
    at: datetime,
    version: int,
    status: OrderStatus,
) -> WebhookPayload:
    return WebhookPayload(
        event=event,
        timestamp=at,
        data=WebhookOrderData(
            order_id=facts.order_id,
            order_number=facts.order_number,
            status=status,
            total=facts.total,
            customer_phone=facts.customer_phone,
            source=facts.source,
        ),
        event_id=event_id,
        order_version=version,
    )


def store_cancel_payload(facts: OrderFacts, reason: str | None) -> StoreCancelPayload:
    return StoreCancelPayload(
        id=facts.external_order_id or str(facts.order_id),
        cancellationReason=reason or "cancelled",
        cancelledBy="bot",
    )


def test_payload(*, event_id: UUID, at: datetime) -> WebhookPayload:
    """A sample order a merchant's test endpoint receives (event `webhook_test`)."""
    return WebhookPayload(
        event=WebhookEvent.WEBHOOK_TEST,
        timestamp=at,
        data=WebhookOrderData(
            order_id=uuid5(NAMESPACE, f"test-order:{event_id}"),
            order_number="TEST-0001",
            status=OrderStatus.PENDING,
            total=Decimal("3000"),
            customer_phone="923001234567",
            source=OrderSource.INGEST,
        ),
        event_id=event_id,
        order_version=1,
    )


# --- endpoints and what they get ---


@dataclass(frozen=True)
class EndpointHealth:
    consecutive_failures: int = 0
    deactivated_at: datetime | None = None  # our own deactivation


@dataclass(frozen=True)
class Endpoint:
    endpoint_id: UUID
    business_id: UUID
    kind: str
    url: str
    events: tuple[str, ...]
    active: bool
    secrets: tuple[str, ...]  # signing secrets, newest first (two during a rotation)
    activated_at: datetime
    gateway_deactivated_at: datetime | None
    health: EndpointHealth = EndpointHealth()


def signing_secrets(
    secret: str, previous: str | None, previous_until: datetime | None, now: datetime
) -> tuple[str, ...]:
    if previous and previous_until is not None and previous_until > now:
        return (secret, previous)
    return (secret,)


def locally_deactivated(health: EndpointHealth, activated_at: datetime) -> bool:
    """Our deactivation holds until the gateway reactivates the endpoint after it."""
    return health.deactivated_at is not None and health.deactivated_at >= activated_at


def is_usable(endpoint: Endpoint) -> bool:
    """Active in the gateway and not deactivated there or by us."""
    gateway_off = endpoint.gateway_deactivated_at is not None and (
        endpoint.gateway_deactivated_at >= endpoint.activated_at
    )
    return (
        endpoint.active
        and not gateway_off
        and not locally_deactivated(endpoint.health, endpoint.activated_at)
    )


def subscribed(endpoint: Endpoint, event: WebhookEvent) -> bool:
    return endpoint.kind == MERCHANT and is_usable(endpoint) and event.value in endpoint.events


def count_delivery(
    health: EndpointHealth,
    *,
    activated_at: datetime,
    succeeded: bool,
    now: datetime,
    threshold: int = DEACTIVATE_AFTER,
) -> tuple[EndpointHealth, bool]:
    """Health after one delivery ended, and whether the endpoint is deactivated by it.

    A delivery counts once, when it ends; a success resets the run. A reactivation (the
    gateway's activated_at after our deactivation) starts a fresh run.
    """
    if health.deactivated_at is not None and not locally_deactivated(health, activated_at):
        health = EndpointHealth()
    if succeeded:
        return replace(health, consecutive_failures=0), False
    failures = health.consecutive_failures + 1
    if failures >= threshold and health.deactivated_at is None:
        return EndpointHealth(failures, now), True
    return replace(health, consecutive_failures=failures), False


# --- deliveries ---


@dataclass(frozen=True)
class Delivery:
    delivery_id: UUID
    endpoint_id: UUID
    business_id: UUID
    event_id: UUID
    event: str
    order_id: UUID | None
    body: bytes
    status: DeliveryStatus
    attempts: int
    revision: int
    correlation_id: str
    created_at: datetime
    updated_at: datetime
    manual: bool = False
    redelivery_of: UUID | None = None
    response_status: int | None = None
    duration_ms: float | None = None
    response_excerpt: str | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None


def delivery_id_for(endpoint_id: UUID, event_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"delivery:{endpoint_id}:{event_id}")


def new_delivery(
    endpoint: Endpoint,
    *,
    event: str,
    event_id: UUID,
    order_id: UUID | None,
    body: bytes,
    correlation_id: str,
    now: datetime,
    delivery_id: UUID | None = None,
    manual: bool = False,
    redelivery_of: UUID | None = None,
) -> Delivery:
    return Delivery(
        delivery_id=delivery_id or delivery_id_for(endpoint.endpoint_id, event_id),
        endpoint_id=endpoint.endpoint_id,
        business_id=endpoint.business_id,
        event_id=event_id,
        event=event,
        order_id=order_id,
        body=body,
        status=DeliveryStatus.PENDING,
        attempts=0,
        revision=1,
        correlation_id=correlation_id,
        created_at=now,
        updated_at=now,
        manual=manual,
        redelivery_of=redelivery_of,
    )


def plan_deliveries(
    event: AnyOrderEvent,
    facts: OrderFacts,
    endpoints: Iterable[Endpoint],
    *,
    now: datetime,
) -> list[Delivery]:
    """The deliveries one order event owes: each subscribed merchant endpoint, plus the store's
    cancel callback for a cancellation."""
    name = webhook_event_for(event.type)
    if name is None:
        return []
    version: int = getattr(event.body, "version", facts.version)
    status: OrderStatus = getattr(event.body, "status", facts.status)
    body = payload_bytes(
        order_payload(
            facts,
            event=name,
            event_id=event.event_id,
            at=event.occurred_at,
            version=version,
            status=status,
        )
    )
    planned: list[Delivery] = []
    for endpoint in endpoints:
        if subscribed(endpoint, name):
            planned.append(
                new_delivery(
                    endpoint,
                    event=name.value,
                    event_id=event.event_id,
                    order_id=facts.order_id,
                    body=body,
                    correlation_id=event.correlation_id,
                    now=now,
                )
            )
        elif (
            event.type == "OrderCancelled"
            and endpoint.kind == STORE_CANCEL
            and is_usable(endpoint)
            and getattr(event.body, "actor", None) != Actor.STORE  # the store knows: no echo
        ):
            reason: str | None = getattr(event.body, "reason", None)
            planned.append(
                new_delivery(
                    endpoint,
                    event=STORE_CANCEL,
                    event_id=event.event_id,
                    order_id=facts.order_id,
                    body=payload_bytes(store_cancel_payload(facts, reason)),
                    correlation_id=event.correlation_id,
                    now=now,
                )
            )
    return planned


def payload_bytes(payload: WebhookPayload | StoreCancelPayload) -> bytes:
    """The exact body sent (and signed) on every attempt."""
    return payload.model_dump_json().encode()


# --- signatures ---


def standard_key(secret: str) -> bytes:
    """The HMAC key Standard Webhooks derives from a `whsec_` secret."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_") + "==", validate=False)
        except (binascii.Error, ValueError):
            pass
    return secret.encode()


def sauda_signature(secret: str, body: bytes) -> str:
    """`X-Sauda-Signature`: the seed's scheme, HMAC keyed with the secret string itself."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_signature(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(standard_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def request_headers(
    secrets: Sequence[str], *, msg_id: UUID, timestamp: int, body: bytes
) -> dict[str, str]:
    """Every header of one attempt; `secrets` newest first."""
    sauda = sauda_signature(secrets[0], body)
    previous = (
        {"X-Sauda-Signature-Previous": sauda_signature(secrets[1], body)}
        if len(secrets) > 1
        else {}
    )
    return {
        **previous,
        "Content-Type": "application/json",
        "User-Agent": "Sauda-Webhooks/1",
        "X-Sauda-Signature": sauda,
        "X-Botaura-Signature": sauda,
        "webhook-id": str(msg_id),
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            standard_signature(s, msg_id=str(msg_id), timestamp=timestamp, body=body)
            for s in secrets
        ),
    }


# --- attempts ---


@dataclass(frozen=True)
class AttemptResult:
    """What one POST came to; `permanent` failures are not retried (a refused URL)."""

    status_code: int | None
    duration_ms: float | None
    excerpt: str | None
    error: str | None
    permanent: bool = False

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


def retry_delay(attempt: int, scale: float = 1.0) -> float | None:
    """Seconds to wait after failed attempt `attempt` (1-based), or None when it was the last."""
    if attempt < 1 or attempt >= MAX_ATTEMPTS:
        return None
    return RETRY_DELAYS[attempt - 1] * scale


def retry_topic(next_attempt: int) -> Topic:
    """The retry topic that carries attempt `next_attempt` (2, 3 or 4)."""
    return RETRY_TOPICS[next_attempt - 2]


def after_attempt(
    delivery: Delivery, result: AttemptResult, *, now: datetime, retry_scale: float
) -> Delivery:
    """The delivery once one more attempt is recorded; `next_attempt_at` set when it will retry."""
    attempts = delivery.attempts + 1
    delay = None if result.succeeded or result.permanent else retry_delay(attempts, retry_scale)
    if result.succeeded:
        status = DeliveryStatus.SUCCEEDED
    elif delay is not None:
        status = DeliveryStatus.RETRYING
    else:
        status = DeliveryStatus.FAILED
    return replace(
        delivery,
        status=status,
        attempts=attempts,
        revision=delivery.revision + 1,
        response_status=result.status_code,
        duration_ms=result.duration_ms,
        response_excerpt=result.excerpt,
        error=None if result.succeeded else (result.error or f"HTTP {result.status_code}"),
        updated_at=now,
        next_attempt_at=None if delay is None else now + timedelta(seconds=delay),
    )


def outcome_error(status_code: int) -> str | None:
    if 200 <= status_code < 300:
        return None
    if 300 <= status_code < 400:
        return f"HTTP {status_code}: redirects are not followed"
    return f"HTTP {status_code}"


# --- log records ---


def recorded(delivery: Delivery) -> DeliveryRecorded:
    """The delivery's snapshot for webhooks.events.v1 (newest revision wins)."""
    return DeliveryRecorded(
        event_id=uuid5(NAMESPACE, f"recorded:{delivery.delivery_id}:{delivery.revision}"),
        occurred_at=delivery.updated_at,
        business_id=delivery.business_id,
        correlation_id=delivery.correlation_id,
        causation_id=str(delivery.event_id),
        body=DeliveryRecordedBody(
            delivery_id=delivery.delivery_id,
            revision=delivery.revision,
            endpoint_id=delivery.endpoint_id,
            event_id=delivery.event_id,
            event=delivery.event,
            order_id=delivery.order_id,
            status=delivery.status,
            attempts=delivery.attempts,
            response_status=delivery.response_status,
            duration_ms=delivery.duration_ms,
            response_excerpt=(delivery.response_excerpt or None)
            and delivery.response_excerpt[:EXCERPT_BYTES],
            error=delivery.error and delivery.error[:1000],
            created_at=delivery.created_at,
            updated_at=delivery.updated_at,
        ),
    )


def deactivated(delivery: Delivery, health: EndpointHealth) -> EndpointDeactivated:
    at = health.deactivated_at or delivery.updated_at
    return EndpointDeactivated(
        event_id=uuid5(NAMESPACE, f"deactivated:{delivery.endpoint_id}:{at.isoformat()}"),
        occurred_at=at,
        business_id=delivery.business_id,
        correlation_id=delivery.correlation_id,
        causation_id=str(delivery.delivery_id),
        body=EndpointDeactivatedBody(
            endpoint_id=delivery.endpoint_id,
            consecutive_failures=health.consecutive_failures,
            deactivated_at=at,
        ),
    )
