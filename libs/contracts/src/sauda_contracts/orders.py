"""Order commands, events and rejections, and the order FSM's table of allowed transitions."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, ClassVar, Literal, Self
from uuid import UUID, uuid5

from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    StringConstraints,
    model_validator,
)

from sauda_contracts.addresses import DeliveryAddress
from sauda_contracts.envelope import Additive, Contract
from sauda_contracts.identity import UserId, Username
from sauda_contracts.language import Language
from sauda_contracts.patterns import EMAIL


class OrderStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"


class OrderSource(StrEnum):
    INGEST = "ingest"
    WHATSAPP = "whatsapp"


class Actor(StrEnum):
    """Who moved an order: shown in its history."""

    STORE = "store"
    MERCHANT = "merchant"
    CUSTOMER = "customer"
    PAYMENT = "payment"
    SYSTEM = "system"


S = OrderStatus
# The order's whole life in one table. `returned` (a COD parcel that came back) is Sauda's own.
ALLOWED_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PENDING: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.RETURNED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
    S.RETURNED: frozenset(),
}
FINAL_STATUSES = frozenset(s for s, nxt in ALLOWED_TRANSITIONS.items() if not nxt)


def _normalize_phone(value: object) -> object:
    # Stores send "+92 300-1234567" as often as "923001234567"; keep digits only.
    if isinstance(value, str):
        return "".join(ch for ch in value if ch.isdigit() or ch.isalpha())
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Phone = Annotated[
    str,
    BeforeValidator(_normalize_phone),
    StringConstraints(pattern=r"^[1-9][0-9]{7,14}$"),
    Field(
        description="Customer's WhatsApp number in international format, digits only "
        "(country code first, e.g. 923001234567).",
        examples=["923001234567"],
    ),
]


def _money_json(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2),
    PlainSerializer(_money_json, return_type=int | float, when_used="json"),
]


def format_money(amount: Decimal, currency: str) -> str:
    """How a shopper reads an amount: `PKR 3,000`, or `EUR 12.50` when there are cents."""
    if amount == amount.to_integral_value():
        return f"{currency} {int(amount):,}"
    return f"{currency} {amount.quantize(Decimal('0.01')):,}"


class LineItem(Contract):
    name: str = Field(
        min_length=1, max_length=200, description="Product name as the store shows it."
    )
    qty: int = Field(ge=1, le=10_000, description="Quantity ordered (at least 1).")
    price: Money = Field(description="Unit price in the order's currency (not negative).")
    sku: str | None = Field(default=None, max_length=100, description="Store's SKU, if any.")


class PaymentStatus(StrEnum):
    PENDING = "pending"  # cash on delivery, or not paid yet
    PAID = "paid"
    REFUNDED = "refunded"
    FAILED = "failed"


class Payment(Contract):
    status: PaymentStatus = Field(description="Payment status as the store reports it.")
    method: str | None = Field(
        default=None, max_length=100, description="How it is paid, e.g. COD, iDEAL, card."
    )


class Fulfillment(Contract):
    """Shipping facts attached to an order by the store or its courier."""

    fulfillment_id: str | None = Field(default=None, max_length=200, description="Store's id.")
    tracking_code: str | None = Field(default=None, max_length=200, description="Courier code.")
    tracking_url: str | None = Field(default=None, max_length=2000, description="Tracking page.")
    delivered_at: datetime | None = Field(default=None, description="When it was delivered.")


class Customer(Additive):
    ADDED: ClassVar[frozenset[str]] = frozenset({"whatsapp_user_id", "whatsapp_username"})

    phone: Phone | None = Field(
        default=None,
        description="None only for store orders without one, and for orders placed in a "
        "WhatsApp chat by a username user who shares no number (see `whatsapp_user_id`).",
    )
    whatsapp_user_id: UserId | None = Field(
        default=None,
        description="Meta's business-scoped user id of a shopper who ordered in a WhatsApp chat "
        "(orders of source `whatsapp` only; stores key customers by phone). Messages about the "
        "order go to the phone if there is one, else to this id.",
    )
    whatsapp_username: Username | None = Field(
        default=None,
        description="The shopper's WhatsApp username (`@…`), when Meta gave one with the chat "
        "the order was placed in (orders of source `whatsapp` only).",
    )
    name: str | None = Field(default=None, max_length=200, description="Customer's name.")
    email: str | None = Field(
        default=None,
        max_length=320,
        pattern=EMAIL,
        description="Customer's email, if the store has it.",
    )
    consent: bool = Field(
        default=False,
        description="Whether the customer agreed to WhatsApp messages about this order.",
    )
    language: Language | None = Field(
        default=None,
        description="Language to message this customer in, if known; else the business's default.",
    )


class PlaceOrderBody(Additive):
    ADDED: ClassVar[frozenset[str]] = frozenset({"delivery_address"})

    order_id: UUID = Field(
        description="Deterministic order id (UUIDv5 of business + idempotency key)."
    )
    order_number: str = Field(
        max_length=40, description="Per-business order number, e.g. ORD-000042."
    )
    source: OrderSource = Field(description="Where the order came from: `ingest` or `whatsapp`.")
    customer: Customer
    items: tuple[LineItem, ...] = Field(max_length=200, description="Line items.")
    total: Money = Field(description="Order total in `currency`.")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code.")
    external_order_id: str | None = Field(
        default=None, max_length=200, description="The store's own order id."
    )
    idempotency_key: str = Field(
        max_length=200, description="The key the store sent with the order."
    )
    actor: Actor = Field(description="Who placed the order.")
    platform: str | None = Field(
        default=None,
        max_length=50,
        description="Store platform (shopify, woocommerce, custom, ...).",
    )
    payment: Payment | None = Field(
        default=None, description="Payment as reported at placing; none means cash on delivery."
    )
    delivery_address: DeliveryAddress | None = Field(
        default=None,
        description="Where the order goes, if the store (or the chat) gave an address; left "
        "out of the record when none. Changed later by `OrderAddressChanged`.",
    )

    @model_validator(mode="after")
    def _user_ids_are_for_chat_orders(self) -> Self:
        if self.source is not OrderSource.WHATSAPP:
            for name in ("whatsapp_user_id", "whatsapp_username"):
                if getattr(self.customer, name) is not None:
                    raise ValueError(f"customer.{name} is for orders placed in a WhatsApp chat")
        return self


def asks_cod_answer(body: PlaceOrderBody) -> bool:
    """Whether the customer is asked to Confirm / Cancel this order on WhatsApp: they agreed to
    messages, can be reached (a number, or Meta's user id for a chat order), and will pay on
    delivery (a paid order is confirmed at once)."""
    paid = body.payment is not None and body.payment.status is PaymentStatus.PAID
    reachable = body.customer.phone is not None or body.customer.whatsapp_user_id is not None
    return body.customer.consent and reachable and not paid


class ChangeOrderStatusBody(Contract):
    order_id: UUID = Field(description="Order to move.")
    status: OrderStatus = Field(description="Requested next status.")
    actor: Actor = Field(description="Who asks for the change.")
    reason: str | None = Field(default=None, max_length=500, description="Why, shown in history.")
    fulfillment: Fulfillment | None = Field(
        default=None, description="Shipping facts that come with this change, if any."
    )


class StoreStatus(StrEnum):
    """Statuses a store reports. `processing` (Bugalou's) is an order being worked on: pending
    or confirmed; every other value is the order status of the same name."""

    PROCESSING = "processing"
    PENDING = "pending"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"


STORE_STATUS_MEANS: dict[StoreStatus, frozenset[OrderStatus]] = {
    StoreStatus.PROCESSING: frozenset({OrderStatus.PENDING, OrderStatus.CONFIRMED}),
    **{s: frozenset({OrderStatus(s.value)}) for s in StoreStatus if s != StoreStatus.PROCESSING},
}


class UpsertOrderBody(Contract):
    """A store's view of one of its orders: create it, or bring the order up to it."""

    order_id: UUID = Field(description="Deterministic id (UUIDv5 of business + platform + number).")
    place: PlaceOrderBody = Field(description="The order to place if it does not exist yet.")
    status: StoreStatus | None = Field(
        default=None, description="Status the store reports; reached through the FSM's legal steps."
    )
    payment: Payment | None = Field(default=None, description="Payment the store reports.")
    fulfillment: Fulfillment | None = Field(default=None, description="Shipping facts, if any.")
    reason: str | None = Field(
        default=None,
        max_length=500,
        description="Why (e.g. a cancellation reason), kept in history.",
    )


class OrderPlacedBody(PlaceOrderBody):
    version: Literal[1] = Field(default=1, description="Order version after this event (always 1).")
    status: Literal[OrderStatus.PENDING] = Field(
        default=OrderStatus.PENDING, description="Status after this event."
    )


class _OrderChangeBody(Contract):
    """What the body of every event after OrderPlaced starts with: the order and its version."""

    order_id: UUID = Field(description="The order.")
    version: int = Field(ge=2, description="Order version after this event.")


class OrderStatusChangedBody(_OrderChangeBody):
    status: OrderStatus = Field(description="Status after this event.")
    previous_status: OrderStatus = Field(description="Status before this event.")
    actor: Actor = Field(description="Who moved the order.")
    reason: str | None = Field(default=None, max_length=500, description="Why, if given.")
    fulfillment: Fulfillment | None = Field(default=None, description="Shipping facts, if any.")


class _OrderFactBody(_OrderChangeBody):
    """The body of an event that records a fact (payment, shipping) and leaves the status as is."""

    status: OrderStatus = Field(description="Order status (unchanged by this event).")


class PaymentChangedBody(_OrderFactBody):
    payment: Payment = Field(description="Payment after this event.")
    previous_payment_status: PaymentStatus | None = Field(description="Payment status before.")
    actor: Actor = Field(description="Who reported it.")


class FulfillmentUpdatedBody(_OrderFactBody):
    fulfillment: Fulfillment = Field(description="Shipping facts after this event.")
    actor: Actor = Field(description="Who reported it.")


class RejectionCode(StrEnum):
    INVALID_TRANSITION = "invalid_transition"
    ORDER_NOT_FOUND = "order_not_found"
    ORDER_CLOSED = "order_closed"  # delivered, cancelled or returned: its address is history


class RejectionBody(Contract):
    order_id: UUID = Field(description="Order the rejected command named.")
    command_id: UUID = Field(description="`event_id` of the rejected command.")
    command_type: str = Field(description="Type of the rejected command.")
    code: RejectionCode = Field(description="Machine-readable reason.")
    message: str = Field(description="Human-readable reason.")
    current_status: OrderStatus | None = Field(description="Order's status when rejected.")
    requested_status: OrderStatus | None = Field(default=None, description="Status asked for.")
    allowed_next: tuple[OrderStatus, ...] = Field(
        default=(), description="Statuses the order may move to from its current one."
    )


def place_command_id(order_id: UUID) -> UUID:
    """The id of the one PlaceOrder an order can have: whoever sends it again (a retried
    request, a redelivered tap) sends the very same command, which the ledger drops."""
    return uuid5(order_id, "PlaceOrder")
