"""Which order events merchants hear about, the dispatcher's copy of an order, and the payloads."""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from uuid import UUID, uuid5

from sauda_contracts import (
    AnyOrderEvent,
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
    OrderFulfillmentUpdated,
    OrderPaymentChanged,
    OrderPlaced,
    OrderReturned,
    OrderShipped,
    type_name,
)
from sauda_contracts.address_changes import OrderAddressChanged
from sauda_contracts.addresses import DeliveryAddress
from sauda_contracts.deliveries import (
    DeliveryAttemptData,
    OrderDeliveryAttemptAnswered,
    OrderDeliveryAttemptFailed,
    attempt_data,
)
from sauda_contracts.order_review import OrderHeldForReview
from sauda_contracts.orders import OrderSource, OrderStatus
from sauda_contracts.webhooks import (
    StoreCancelPayload,
    WebhookEvent,
    WebhookOrderData,
    WebhookPayload,
)

# Namespace of the dispatcher's derived ids (deliveries, log records): same input, same id.
NAMESPACE = UUID("6b0f7f8e-2f0a-5c4e-9a51-7d3c1f0b9e21")


ORDER_CANCELLED = type_name(OrderCancelled)
EVENT_FOR_TYPE: dict[str, WebhookEvent] = {
    type_name(OrderPlaced): WebhookEvent.ORDER_CREATED,
    type_name(OrderConfirmed): WebhookEvent.ORDER_STATUS_CHANGED,
    type_name(OrderShipped): WebhookEvent.ORDER_STATUS_CHANGED,
    type_name(OrderDelivered): WebhookEvent.ORDER_STATUS_CHANGED,
    ORDER_CANCELLED: WebhookEvent.ORDER_STATUS_CHANGED,
    type_name(OrderReturned): WebhookEvent.ORDER_STATUS_CHANGED,
    type_name(OrderPaymentChanged): WebhookEvent.ORDER_PAYMENT_CHANGED,
    type_name(OrderFulfillmentUpdated): WebhookEvent.ORDER_FULFILLMENT_UPDATED,
    type_name(OrderHeldForReview): WebhookEvent.ORDER_HELD_FOR_REVIEW,
    type_name(OrderDeliveryAttemptFailed): WebhookEvent.ORDER_DELIVERY_ATTEMPT_FAILED,
    type_name(OrderDeliveryAttemptAnswered): WebhookEvent.ORDER_DELIVERY_ATTEMPT_ANSWERED,
    type_name(OrderAddressChanged): WebhookEvent.ORDER_ADDRESS_CHANGED,
}


def delivery_attempt_of(event: AnyOrderEvent) -> DeliveryAttemptData | None:
    """The attempt a failed-delivery event is about (the store tells its courier)."""
    if isinstance(event, OrderDeliveryAttemptFailed | OrderDeliveryAttemptAnswered):
        return attempt_data(event)
    return None


def webhook_event_for(event_type: str) -> WebhookEvent | None:
    """The merchant-facing event name of an order event type, or None (not announced)."""
    return EVENT_FOR_TYPE.get(event_type)


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
    customer_user_id: str | None = None  # a username user's, who has no phone


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
            customer_user_id=None if b.customer.phone else b.customer.whatsapp_user_id,
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
    delivery_attempt: DeliveryAttemptData | None = None,
    delivery_address: DeliveryAddress | None = None,
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
            customer_user_id=facts.customer_user_id,
            delivery_attempt=delivery_attempt,
            delivery_address=delivery_address,
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


def payload_bytes(payload: WebhookPayload | StoreCancelPayload) -> bytes:
    """The exact body sent (and signed) on every attempt."""
    return payload.model_dump_json().encode()
