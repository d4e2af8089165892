"""The merchant's message log, notices and live updates as the HTTP API shows them."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from sauda_contracts.envelope import Contract
from sauda_contracts.orders import OrderStatus
from sauda_contracts.whatsapp import GraphError, MessagePurpose, NoticeKind, StatusChange


class MessageOut(Contract):
    message_id: UUID
    order_id: UUID | None = None
    customer_phone: str = Field(
        description="The chat: the shopper's phone, or Meta's user id of one who shares none."
    )
    direction: Literal["outbound", "inbound"]
    purpose: MessagePurpose | None = Field(default=None, description="Why Sauda sent it.")
    kind: str = Field(description="template, text, buttons or list; for inbound, what was sent.")
    template: str | None = None
    language: str | None = None
    text: str = Field(description="What the shopper read, or wrote.")
    wamid: str | None = Field(default=None, description="Meta's message id.")
    status: str | None = Field(
        default=None,
        description="scheduled, queued, retrying, sent, delivered, read, failed, skipped; "
        "inbound: received.",
    )
    scheduled_for: datetime | None = Field(
        default=None, description="A scheduled message: when it goes (the shop's quiet hours end)."
    )
    history: tuple[StatusChange, ...] = Field(default=(), description="Every status, oldest first.")
    error: GraphError | None = None
    attempts: int = 0
    created_at: datetime
    updated_at: datetime


class OrderMessages(Contract):
    order_id: UUID
    messages: tuple[MessageOut, ...]


class Conversation(Contract):
    """A customer's chat, newest first, paged like the Wabotick seed (limit 20 by default)."""

    customer_phone: str = Field(
        description="The chat: the shopper's phone, or Meta's user id of one who shares none."
    )
    messages: tuple[MessageOut, ...]
    total: int
    limit: int
    offset: int


class NoticeOut(Contract):
    notice_id: UUID
    kind: NoticeKind
    message: str
    order_id: UUID | None = None
    order_number: str | None = None
    customer_phone: str | None = None
    details: dict[str, str] = Field(default_factory=dict)
    created_at: datetime


class NoticeList(Contract):
    notices: tuple[NoticeOut, ...]
    total: int
    limit: int
    offset: int
    unread: int | None = Field(
        default=None,
        description="Notices newer than this user last marked read (POST /api/v1/notices/read); "
        "null with an API key, which is no user.",
    )


class LiveOrder(Contract):
    """Data of an `event: order` on GET /api/v1/stream: an order was placed or changed."""

    order_id: UUID
    order_number: str
    status: OrderStatus = Field(description="Its status now.")
    version: int = Field(description="Its version now; an older one than you hold is stale.")
    placed: bool = Field(description="True when this event is the order being placed.")
