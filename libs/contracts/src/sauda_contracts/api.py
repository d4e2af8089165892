"""Models of the public HTTP API (request bodies, responses, errors): Botaura-compatible names."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sauda_contracts.addresses import DeliveryAddress
from sauda_contracts.envelope import Contract
from sauda_contracts.language import Language
from sauda_contracts.message_log import NoticeOut
from sauda_contracts.orders import (
    Actor,
    Customer,
    Fulfillment,
    LineItem,
    Money,
    OrderSource,
    OrderStatus,
    Payment,
    PaymentStatus,
)
from sauda_contracts.patterns import EMAIL_NO_NUL
from sauda_contracts.webhooks import SUBSCRIBABLE, WebhookEvent

# Postgres text and jsonb cannot hold NUL, and no order text needs one: refused at the door,
# before it could reach a topic and stop every consumer that stores it.
NO_NUL = r"^[^\x00]*$"

RawPhone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=32, pattern=NO_NUL),
    Field(
        description="Customer's phone: international (923001234567, +92 300 1234567) or local to "
        "the business's country (03001234567).",
        examples=["923001234567"],
    ),
]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=EMAIL_NO_NUL),
    Field(description="Customer's email."),
]


class IngestCustomer(Contract):
    phone: RawPhone
    name: str | None = Field(
        default=None, max_length=200, pattern=NO_NUL, description="Customer's name."
    )
    email: Email | None = None
    consent: bool = Field(
        default=False,
        description="Whether the customer agreed to WhatsApp messages about this order.",
    )
    language: Language | None = Field(
        default=None,
        description="Language for this customer's WhatsApp messages: en, ur (Nastaliq) or "
        "ur-Latn (Roman Urdu). Omitted: the business's default.",
    )


class IngestLineItem(LineItem):
    """A line item as a store sends it: a LineItem whose text Postgres can keep."""

    name: str = Field(
        min_length=1,
        max_length=200,
        pattern=NO_NUL,
        description="Product name as the store shows it.",
    )
    sku: str | None = Field(
        default=None, max_length=100, pattern=NO_NUL, description="Store's SKU, if any."
    )


class IngestOrder(Contract):
    items: tuple[IngestLineItem, ...] = Field(
        min_length=1, max_length=200, description="Line items."
    )
    total: Money | None = Field(
        default=None, description="Order total; the sum of the items when left out."
    )
    currency: str = Field(default="PKR", pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")
    external_order_id: str | None = Field(
        default=None,
        max_length=200,
        pattern=NO_NUL,
        description="The store's own order id, e.g. WC-456.",
    )
    delivery_address: DeliveryAddress | None = Field(
        default=None, description="Where the order goes; shown in the COD message."
    )


class IngestRequest(Contract):
    """Body of `POST /api/v1/events/ingest` (the Botaura Store API's shape)."""

    event_type: Literal["order_created"] = Field(description="Only `order_created` is accepted.")
    idempotency_key: str = Field(
        min_length=1,
        max_length=200,
        pattern=NO_NUL,
        description="Unique per order; a retry reuses it.",
    )
    customer: IngestCustomer
    order: IngestOrder


class IngestResponse(Contract):
    order_id: UUID = Field(description="The order's id (the same for every retry of one key).")
    order_number: str = Field(description="Per-business order number, e.g. ORD-000042.")
    status: OrderStatus | Literal["accepted"] = Field(
        description="`pending` once the ledger recorded it; `accepted` while it is still queued."
    )


class StatusChangeRequest(Contract):
    status: OrderStatus = Field(description="The status to move the order to.")
    reason: str | None = Field(
        default=None, max_length=500, pattern=NO_NUL, description="Why, kept in history."
    )


class HistoryEntry(Contract):
    version: int = Field(description="Order version after this change.")
    status: OrderStatus = Field(description="Status after this change.")
    event: str | None = Field(
        default=None, description="What happened, e.g. OrderShipped or OrderPaymentChanged."
    )
    at: datetime = Field(description="When it changed.")
    actor: Actor = Field(description="Who changed it.")
    reason: str | None = Field(default=None, description="Why, if given.")
    delivery_address: DeliveryAddress | None = Field(
        default=None, description="The new delivery address (`OrderAddressChanged` only)."
    )


class OrderOut(Contract):
    order_id: UUID
    order_number: str
    status: OrderStatus
    source: OrderSource
    customer: Customer
    items: tuple[LineItem, ...]
    total: Money
    currency: str
    external_order_id: str | None = Field(
        default=None, description="The store's own order id (left out of lists when none)."
    )
    idempotency_key: str
    platform: str | None = Field(default=None, description="Store platform, for store upserts.")
    payment: Payment | None = Field(default=None, description="Payment; none means COD.")
    fulfillment: Fulfillment | None = Field(default=None, description="Shipping facts.")
    needs_review: bool = Field(
        default=False, description="Held for the merchant's review: no COD answer came before "
        "the shop's expiry (its policy's `hold`); cleared by the order's next status.",
    )  # fmt: skip
    delivery_address: DeliveryAddress | None = Field(
        default=None, description="Where the order goes, if it has an address."
    )
    version: int = Field(description="Number of events applied to this order.")
    created_at: datetime
    updated_at: datetime
    history: tuple[HistoryEntry, ...] | None = Field(
        default=None, description="Every status change with time and actor (detail view only)."
    )
    notices: tuple[NoticeOut, ...] | None = Field(
        default=None,
        description="Notices about this order, e.g. why no WhatsApp message went out "
        "(detail view only).",
    )
    next_statuses: tuple[OrderStatus, ...] | None = Field(
        default=None,
        description="The statuses it may move to now, from the order FSM (detail view only).",
    )


class OrderList(Contract):
    orders: tuple[OrderOut, ...]
    total: int = Field(description="Orders matching the filters, across all pages.")
    limit: int
    offset: int
    page: int | None = Field(default=None, description="The `page` asked for, when one was.")
    next_cursor: str | None = Field(
        default=None,
        description="Pass as `cursor` for the next page, newest first (null on the last page).",
    )


class OrderCounts(Contract):
    """Body of `GET /api/v1/orders/counts`: the orders of each status under the same filters."""

    counts: dict[OrderStatus, int] = Field(description="Every status, 0 included.")
    total: int = Field(description="All of them.")


class ApiError(Contract):
    """Every 4xx/5xx body: a stable `code`, a human `message`, and the offending `field`."""

    code: str = Field(description="Stable machine-readable error code.")
    message: str = Field(description="What went wrong, for a human.")
    field: str | None = Field(default=None, description="Dotted path of the offending field.")
    details: dict[str, object] | None = Field(default=None, description="Extra facts, per code.")


class CancelRequest(Contract):
    reason: str = Field(
        min_length=1,
        max_length=500,
        pattern=NO_NUL,
        description="Why, kept in the order's history.",
    )
    cancelled_by: Actor = Field(
        default=Actor.MERCHANT, description="Who cancels: merchant, store, customer or system."
    )


class StoreItem(BaseModel):
    """A line item as Bugalou and Zapier send it."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL, description="Product name.")
    quantity: int = Field(default=1, ge=1, le=10_000, alias="quantity", description="Quantity.")
    price: Money = Field(default=0, description="Unit price (number or string).")
    sku: str | None = Field(default=None, max_length=100, pattern=NO_NUL, description="SKU.")


class UpsertOrderRequest(BaseModel):
    """Body of `POST /api/v1/orders` and `POST /api/zapier/order` (Bugalou's fields).

    Fields Sauda does not know are ignored, so Zapier zaps that send more keep working.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    platform: str = Field(
        min_length=1, max_length=50, pattern=NO_NUL, description="shopify, woocommerce, custom, ..."
    )
    orderNumber: str = Field(
        min_length=1, max_length=200, pattern=NO_NUL, description="The store's order number."
    )
    orderStatus: Literal[
        "processing", "pending", "confirmed", "shipped", "delivered", "cancelled", "returned"
    ] = Field(description="`processing` is a new order awaiting confirmation (pending).")
    customerEmail: Email | None = None
    customerName: str | None = Field(
        default=None, max_length=200, pattern=NO_NUL, description="Customer's name."
    )
    customerPhone: RawPhone | None = None
    consent: bool = Field(default=False, description="Customer agreed to WhatsApp messages.")
    items: tuple[StoreItem, ...] = Field(default=(), max_length=200, description="Line items.")
    total: Money | None = Field(default=None, description="Order total (number or string).")
    currency: str = Field(default="PKR", pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code.")
    paymentStatus: PaymentStatus | None = None
    paymentMethod: str | None = Field(
        default=None, max_length=100, pattern=NO_NUL, description="e.g. COD, iDEAL."
    )
    trackingCode: str | None = Field(
        default=None, max_length=200, pattern=NO_NUL, description="Courier code."
    )
    trackingUrl: str | None = Field(
        default=None, max_length=2000, pattern=NO_NUL, description="Tracking page."
    )
    deliveryAddress: DeliveryAddress | None = Field(
        default=None,
        description="Where the order goes (shown in the COD message); another address than the "
        "order has changes it (`OrderAddressChanged`) while it is not delivered, cancelled or "
        "returned.",
    )


class UpsertOrderResponse(Contract):
    success: bool
    order: OrderOut


class UpsertOrderQueued(Contract):
    """202 answer to a store upsert the ledger has not answered yet: the order comes shortly."""

    success: bool
    order: IngestResponse = Field(description="The order's id and number; `status` is `accepted`.")


class CustomerOut(Contract):
    phone: str | None = Field(description="International digits.")
    name: str | None
    email: str | None
    orders_count: int = Field(description="Orders this customer placed with the business.")
    total_spent: Money = Field(description="Sum of their orders' totals (all currencies added).")
    first_order_at: datetime
    last_order_at: datetime


class CustomerOrders(Contract):
    customer: CustomerOut
    orders: tuple[OrderOut, ...] = Field(description="Newest first.")


class CustomerList(Contract):
    customers: tuple[CustomerOut, ...]


class Readiness(Contract):
    """Body of `GET /readyz`: 200 when Postgres and Kafka answer, 503 naming what does not."""

    ready: bool = Field(description="Whether every dependency answered.")
    failures: dict[str, str] = Field(description="Dependency name → the error it gave.")


# --- WhatsApp: the connected account ---


class WhatsAppAccountOut(Contract):
    whatsapp_phone_number_id: str
    waba_id: str
    display_phone_number: str | None
    graph_url: str
    api_version: str
    admin_phone: str | None
    language: Language
    sandbox: bool


class WhatsAppAccountPatch(Contract):
    admin_phone: RawPhone | None = Field(
        default=None, description="Number that gets a WhatsApp message for every new order."
    )
    language: Language | None = Field(default=None, description="Default template language.")


# --- merchant webhooks ---


class WebhookEndpointIn(Contract):
    url: str = Field(min_length=8, max_length=2000, pattern=NO_NUL,
                     description="Where to POST events: https, on the public internet.")  # fmt: skip
    events: tuple[WebhookEvent, ...] = Field(
        default=(WebhookEvent.ORDER_CREATED, WebhookEvent.ORDER_STATUS_CHANGED),
        min_length=1,
        max_length=len(SUBSCRIBABLE),
        description="Events to receive: " + ", ".join(e.value for e in SUBSCRIBABLE) + ".",
    )
    active: bool = True


class WebhookEndpointPatch(Contract):
    url: str | None = Field(default=None, min_length=8, max_length=2000, pattern=NO_NUL)
    events: tuple[WebhookEvent, ...] | None = Field(default=None, min_length=1,
                                                    max_length=len(SUBSCRIBABLE))  # fmt: skip
    active: bool | None = Field(default=None, description="true reactivates a deactivated one.")


class WebhookEndpointOut(Contract):
    id: UUID
    url: str
    events: tuple[WebhookEvent, ...]
    active: bool
    consecutive_failures: int = Field(description="Failed deliveries in a row, as last reported.")
    deactivated_at: datetime | None = Field(default=None, description="When 10 failures in a row "
                                            "turned it off (null while active).")  # fmt: skip
    created_at: datetime
    updated_at: datetime


class WebhookEndpointCreated(WebhookEndpointOut):
    secret: str = Field(description="The signing secret: shown now and never again.")


class WebhookEndpointList(Contract):
    webhooks: tuple[WebhookEndpointOut, ...]


class WebhookSecret(Contract):
    id: UUID
    secret: str = Field(description="The new signing secret: shown now and never again.")
    previous_secret_valid_until: datetime = Field(
        description="Deliveries are signed with the old secret too until then."
    )


class DeliveryOut(Contract):
    delivery_id: UUID
    event_id: UUID
    event: str
    order_id: UUID | None
    status: str
    attempts: int
    response_status: int | None
    duration_ms: float | None
    response_excerpt: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime


class DeliveryList(Contract):
    deliveries: tuple[DeliveryOut, ...]
    total: int
    limit: int
    offset: int


class Queued(Contract):
    code: str
    message: str
    details: dict[str, str] = Field(default_factory=dict)


class StoreCallbacksIn(Contract):
    cancel_url: str = Field(min_length=8, max_length=2000, pattern=NO_NUL,
                            description="The store's cancel endpoint (BusinessOnBot style).")  # fmt: skip


class StoreCallbacksOut(Contract):
    id: UUID
    cancel_url: str
    active: bool
    created_at: datetime
    secret: str | None = Field(default=None, description="Signing secret, shown once at creation.")
