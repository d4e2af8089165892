"""Models of the public HTTP API (request bodies, responses, errors): Botaura-compatible names."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from sauda_contracts.envelope import Contract
from sauda_contracts.orders import (
    Actor,
    Customer,
    LineItem,
    Money,
    OrderSource,
    OrderStatus,
)


class IngestOrder(Contract):
    items: tuple[LineItem, ...] = Field(min_length=1, max_length=200, description="Line items.")
    total: Money | None = Field(
        default=None, description="Order total; the sum of the items when left out."
    )
    currency: str = Field(default="PKR", pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")
    external_order_id: str | None = Field(
        default=None, max_length=200, description="The store's own order id, e.g. WC-456."
    )


class IngestRequest(Contract):
    """Body of `POST /api/v1/events/ingest` (the Botaura Store API's shape)."""

    event_type: Literal["order_created"] = Field(description="Only `order_created` is accepted.")
    idempotency_key: str = Field(
        min_length=1, max_length=200, description="Unique per order; a retry reuses it."
    )
    customer: Customer
    order: IngestOrder


class IngestResponse(Contract):
    order_id: UUID = Field(description="The order's id (the same for every retry of one key).")
    order_number: str = Field(description="Per-business order number, e.g. ORD-000042.")
    status: OrderStatus | Literal["accepted"] = Field(
        description="`pending` once the ledger recorded it; `accepted` while it is still queued."
    )


class StatusChangeRequest(Contract):
    status: OrderStatus = Field(description="The status to move the order to.")
    reason: str | None = Field(default=None, max_length=500, description="Why, kept in history.")


class HistoryEntry(Contract):
    version: int = Field(description="Order version after this change.")
    status: OrderStatus = Field(description="Status after this change.")
    at: datetime = Field(description="When it changed.")
    actor: Actor = Field(description="Who changed it.")
    reason: str | None = Field(default=None, description="Why, if given.")


class OrderOut(Contract):
    order_id: UUID
    order_number: str
    status: OrderStatus
    source: OrderSource
    customer: Customer
    items: tuple[LineItem, ...]
    total: Money
    currency: str
    external_order_id: str | None
    idempotency_key: str
    version: int = Field(description="Number of events applied to this order.")
    created_at: datetime
    updated_at: datetime
    history: tuple[HistoryEntry, ...] | None = Field(
        default=None, description="Every status change with time and actor (detail view only)."
    )


class OrderList(Contract):
    orders: tuple[OrderOut, ...]
    total: int = Field(description="Orders matching the filters, across all pages.")
    limit: int
    offset: int


class ApiError(Contract):
    """Every 4xx/5xx body: a stable `code`, a human `message`, and the offending `field`."""

    code: str = Field(description="Stable machine-readable error code.")
    message: str = Field(description="What went wrong, for a human.")
    field: str | None = Field(default=None, description="Dotted path of the offending field.")
    details: dict[str, object] | None = Field(default=None, description="Extra facts, per code.")
