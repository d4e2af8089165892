"""Order events as the ledger publishes them, for the conversation's tests."""

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from sauda_contracts import (
    STATUS_EVENT_TYPES,
    Actor,
    Customer,
    LineItem,
    OrderPlaced,
    OrderPlacedBody,
    OrderSource,
    OrderStatus,
    OrderStatusChangedBody,
    Payment,
    StatusEvent,
)


def order_placed(
    business_id: UUID,
    order_number: str = "ORD-000042",
    *,
    phone: str | None = "923001234567",
    consent: bool = True,
    payment: Payment | None = None,
    at: datetime | None = None,
    order_id: UUID | None = None,
) -> OrderPlaced:
    return OrderPlaced(
        event_id=uuid4(),
        occurred_at=at or datetime.now(UTC),
        business_id=business_id,
        correlation_id=f"req-{order_number}",
        body=OrderPlacedBody(
            order_id=order_id or uuid4(),
            order_number=order_number,
            source=OrderSource.INGEST,
            customer=Customer(phone=phone, name="Ayesha", consent=consent),
            items=(LineItem(name="Widget Pro", qty=2, price=Decimal("1500")),),
            total=Decimal("3000"),
            currency="PKR",
            idempotency_key=f"key-{order_number}",
            actor=Actor.STORE,
            payment=payment,
        ),
    )


def status_changed(placed: OrderPlaced, status: OrderStatus, version: int = 2) -> StatusEvent:
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
            actor=Actor.STORE,
        ),
    )
