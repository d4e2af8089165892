"""Order events as the ledger publishes them, for the tests of the services that consume them."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from sauda_contracts.language import Language
from sauda_contracts.order_stream import STATUS_EVENT_TYPES, OrderPlaced, StatusEvent
from sauda_contracts.orders import (
    Actor,
    Customer,
    LineItem,
    OrderPlacedBody,
    OrderSource,
    OrderStatus,
    OrderStatusChangedBody,
    Payment,
)

WIDGETS = (LineItem(name="Widget Pro", qty=3, price=Decimal("1000")),)


def order_placed(
    business_id: UUID,
    *,
    number: str = "ORD-000042",
    order_id: UUID | None = None,
    phone: str | None = "923001234567",
    whatsapp_user_id: str | None = None,
    name: str | None = "Ayesha",
    consent: bool = True,
    language: Language | None = None,
    payment: Payment | None = None,
    external_order_id: str | None = None,
    items: tuple[LineItem, ...] = WIDGETS,
    at: datetime | None = None,
) -> OrderPlaced:
    """A store's order of PKR 3,000, placed now (or `at`); with `whatsapp_user_id`, an order a
    shopper placed in a WhatsApp chat (source `whatsapp`), as a username user does."""
    return OrderPlaced(
        event_id=uuid4(),
        occurred_at=at or datetime.now(UTC),
        business_id=business_id,
        correlation_id=f"req-{uuid4().hex[:8]}",
        body=OrderPlacedBody(
            order_id=order_id or uuid4(),
            order_number=number,
            source=OrderSource.WHATSAPP if whatsapp_user_id else OrderSource.INGEST,
            customer=Customer(
                phone=phone,
                whatsapp_user_id=whatsapp_user_id,
                name=name,
                consent=consent,
                language=language,
            ),
            items=items,
            total=Decimal("3000"),
            currency="PKR",
            external_order_id=external_order_id,
            idempotency_key=uuid4().hex,
            actor=Actor.STORE,
            payment=payment,
        ),
    )


def status_changed(
    placed: OrderPlaced,
    status: OrderStatus,
    *,
    version: int = 2,
    actor: Actor = Actor.MERCHANT,
    reason: str | None = None,
    **body: object,
) -> StatusEvent:
    """`placed` moved from pending to `status`, as the event of that status."""
    return STATUS_EVENT_TYPES[status](
        event_id=uuid4(),
        occurred_at=datetime.now(UTC),
        business_id=placed.business_id,
        correlation_id=placed.correlation_id,
        body=OrderStatusChangedBody(
            order_id=placed.body.order_id,
            version=version,
            status=status,
            previous_status=OrderStatus.PENDING,
            actor=actor,
            reason=reason,
            **body,
        ),
    )


def seed_ingest_body(idempotency_key: str = "order-abc-123", **order: Any) -> dict[str, Any]:
    """The Botaura seed's `POST /api/v1/events/ingest` body as its document shows it; `order`
    fields replace or add to the seed's order."""
    return {
        "event_type": "order_created",
        "idempotency_key": idempotency_key,
        "customer": {"phone": "923001234567", "name": "Ali Khan", "consent": True},
        "order": {
            "items": [{"name": "Widget Pro", "qty": 2, "price": 1500}],
            "total": 3000,
            "external_order_id": "WC-456",
            **order,
        },
    }
