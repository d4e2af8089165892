"""Pure order decisions: deterministic ids and numbers, request fingerprints, the commands a
request becomes, and the refusals. Ids and the clock arrive as arguments."""

import hashlib
import json
from typing import Any
from uuid import UUID, uuid5

from sauda_contracts import (
    STORE_STATUS_MEANS,
    Actor,
    Customer,
    Fulfillment,
    LineItem,
    OrderSource,
    Payment,
    PaymentStatus,
    PlaceOrderBody,
    StoreStatus,
)
from sauda_contracts.addresses import DeliveryAddress
from sauda_contracts.api import IngestRequest, UpsertOrderRequest
from sauda_gateway.domain import Conflict, DomainError, NotFound

# Fixed namespace: changing it would change every order id Sauda ever derived.
ORDER_NAMESPACE = UUID("5d8a4a5e-3c1f-4f7e-9b0a-7a2f6c1d9e10")


def order_id_for(business_id: UUID, idempotency_key: str) -> UUID:
    """The one id a business's idempotency key can ever name."""
    return uuid5(ORDER_NAMESPACE, f"{business_id}:key:{idempotency_key}")


def store_order_id(business_id: UUID, platform: str, store_order_number: str) -> UUID:
    """Same platform + order number always names the same order (Bugalou's upsert key)."""
    return uuid5(ORDER_NAMESPACE, f"{business_id}:store:{platform.lower()}:{store_order_number}")


def request_fingerprint(request: IngestRequest) -> str:
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def format_order_number(n: int) -> str:
    return f"ORD-{n:06d}"


# --- refusals ---


class OrderNotFound(
    NotFound, code="order_not_found", message="no such order", field="order_id"
): ...


class TransitionNotAllowed(Conflict, code="invalid_transition"):
    """The ledger's FSM refused the move (the details name the current status and what's allowed)."""


class DuplicateIdempotencyKey(Conflict, code="duplicate_idempotency_key"): ...


class IdempotencyKeyReused(Conflict, code="idempotency_key_reused"): ...


class CustomerNotFound(
    NotFound, code="customer_not_found", message="no orders from this phone number", field="phone"
): ...


def repeated_key(*, same_body: bool, order_id: UUID, order_number: str) -> DomainError:
    """The refusal of an ingest whose idempotency key is taken (by this body or another)."""
    details = {"order_id": str(order_id), "order_number": order_number}
    if same_body:
        return DuplicateIdempotencyKey(
            "an order with this idempotency_key already exists",
            field="idempotency_key",
            details=details,
        )
    return IdempotencyKeyReused(
        "this idempotency_key was already used with a different request body",
        field="idempotency_key",
        details=details,
    )


def ledger_refusal(rejection: dict[str, Any], *, field: str) -> DomainError:
    """The ledger's rejection of a command, as the refusal the caller sees."""
    kind = TransitionNotAllowed if rejection["code"] == "invalid_transition" else OrderNotFound
    return kind(
        rejection["message"],
        field=field,
        details={
            "current_status": rejection.get("current_status"),
            "allowed": rejection.get("allowed_next", []),
        },
    )


# --- what a request becomes ---


def ingest_place(request: IngestRequest, *, order_id: UUID, order_number: str,
                 customer: Customer) -> PlaceOrderBody:  # fmt: skip
    """The PlaceOrder body of an ingest request (its customer's phone already read)."""
    order = request.order
    total = order.total if order.total is not None else sum(i.price * i.qty for i in order.items)
    return PlaceOrderBody(
        order_id=order_id,
        order_number=order_number,
        source=OrderSource.INGEST,
        customer=customer,
        items=order.items,
        total=total,
        currency=order.currency,
        external_order_id=order.external_order_id,
        idempotency_key=request.idempotency_key,
        actor=Actor.STORE,
        delivery_address=order.delivery_address,
    )


def store_payment(request: UpsertOrderRequest) -> Payment | None:
    if not (request.paymentStatus or request.paymentMethod):
        return None
    return Payment(status=request.paymentStatus or PaymentStatus.PENDING,
                   method=request.paymentMethod)  # fmt: skip


def store_fulfillment(request: UpsertOrderRequest) -> Fulfillment | None:
    if not (request.trackingCode or request.trackingUrl):
        return None
    return Fulfillment(tracking_code=request.trackingCode, tracking_url=request.trackingUrl)


def unchanged(current: dict[str, Any], status: StoreStatus, payment: Payment | None,
              fulfillment: Fulfillment | None,
              address: DeliveryAddress | None = None) -> bool:  # fmt: skip
    """Whether the view already shows everything the store reports (fields not sent don't count)."""
    return (
        (address is None or current.get("delivery_address") == address.model_dump(mode="json"))
        and current["status"] in STORE_STATUS_MEANS[status]
        and (payment is None or current["payment"] == payment.model_dump(mode="json"))
        and (fulfillment is None or current["fulfillment"] == fulfillment.model_dump(mode="json"))
    )


def store_place(request: UpsertOrderRequest, *, order_id: UUID, order_number: str,
                phone: str | None, platform: str) -> PlaceOrderBody:  # fmt: skip
    """The PlaceOrder body a store's upsert carries (the ledger uses it if the order is new)."""
    items = tuple(
        LineItem(name=i.name, qty=i.quantity, price=i.price, sku=i.sku) for i in request.items
    )
    return PlaceOrderBody(
        order_id=order_id,
        order_number=order_number,
        source=OrderSource.INGEST,
        customer=Customer(phone=phone, name=request.customerName, email=request.customerEmail,
                          consent=request.consent),
        items=items,
        total=request.total if request.total is not None else sum(i.price * i.qty for i in items),
        currency=request.currency.upper(),
        external_order_id=request.orderNumber,
        idempotency_key=f"{platform}:{request.orderNumber}",
        actor=Actor.STORE,
        platform=platform,
        payment=store_payment(request),
        delivery_address=request.deliveryAddress,
    )  # fmt: skip


# What the view keeps of an order's PlaceOrder body, under the same names.
_PLACED_IN_VIEW = ("order_id", "order_number", "source", "customer", "items", "total", "currency",
                   "external_order_id", "idempotency_key", "platform", "payment",
                   "delivery_address")  # fmt: skip


def place_from_view(row: dict[str, Any]) -> PlaceOrderBody:
    """The PlaceOrder body of an order the view already shows (the ledger has it, so it is moot)."""
    return PlaceOrderBody.model_validate(
        {**{name: row[name] for name in _PLACED_IN_VIEW}, "actor": Actor.STORE}
    )
