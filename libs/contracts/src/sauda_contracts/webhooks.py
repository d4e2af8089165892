"""Merchant webhooks: what a receiver gets, and what the dispatcher and the gateway tell each other.

Topics:
- `webhooks.commands.v1` (key = endpoint id): the gateway asks the dispatcher to send a test
  event or to deliver a past delivery again.
- `webhooks.events.v1` (key = endpoint id): the dispatcher's delivery log (one snapshot per
  change, newest `revision` wins) and endpoint deactivations; the gateway folds it into the
  merchant's view.
- `webhooks.retry.1s` / `.4s` / `.16s` (key = endpoint id): deliveries waiting for their next
  attempt; `webhooks.dlq.v1`: deliveries that used every attempt, and records that do not parse.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import Field, TypeAdapter

from sauda_contracts.addresses import DeliveryAddress
from sauda_contracts.deliveries import DeliveryAttemptData
from sauda_contracts.envelope import Additive, Contract, Envelope
from sauda_contracts.orders import Money, OrderSource, OrderStatus


class WebhookEvent(StrEnum):
    """Event names a merchant endpoint subscribes to (the first two are the Botaura seed's)."""

    ORDER_CREATED = "order_created"
    ORDER_STATUS_CHANGED = "order_status_changed"
    ORDER_PAYMENT_CHANGED = "order_payment_changed"
    ORDER_FULFILLMENT_UPDATED = "order_fulfillment_updated"
    ORDER_HELD_FOR_REVIEW = "order_held_for_review"  # no COD answer by the policy's expiry
    ORDER_DELIVERY_ATTEMPT_FAILED = "order_delivery_attempt_failed"  # a courier's failed attempt
    ORDER_DELIVERY_ATTEMPT_ANSWERED = "order_delivery_attempt_answered"  # the shopper's answer
    ORDER_ADDRESS_CHANGED = "order_address_changed"  # `data.delivery_address` is the new one
    WEBHOOK_TEST = "webhook_test"  # sent by POST /api/v1/webhooks/{id}/test, to that endpoint only


SUBSCRIBABLE = tuple(e for e in WebhookEvent if e is not WebhookEvent.WEBHOOK_TEST)
MAX_ENDPOINTS_PER_BUSINESS = 5


class WebhookOrderData(Additive):
    """The order a merchant's webhook is about. `customer_user_id` came later and is left out
    of the body unless set: a phone customer's payload is what it always was."""

    ADDED: ClassVar[frozenset[str]] = frozenset(
        {"customer_user_id", "delivery_attempt", "delivery_address"}
    )

    order_id: UUID
    order_number: str
    status: OrderStatus
    total: Money
    customer_phone: str | None = Field(
        description="The customer's phone; null for an order placed in a WhatsApp chat by a "
        "username user who shares no number (see `customer_user_id`)."
    )
    source: OrderSource
    customer_user_id: str | None = Field(
        default=None,
        description="Meta's business-scoped user id (`US.…`) of a WhatsApp username user who "
        "ordered in the chat; message them with `user_id` in the messaging API.",
    )
    delivery_attempt: DeliveryAttemptData | None = Field(
        default=None,
        description="The failed delivery attempt an `order_delivery_attempt_*` event is about "
        "(left out of every other event).",
    )
    delivery_address: DeliveryAddress | None = Field(
        default=None,
        description="The order's delivery address after this event (`order_address_changed`); "
        "left out when the event does not carry one.",
    )


class WebhookPayload(Contract):
    """The body a merchant's endpoint receives: the seed's `event`, `timestamp` and `data`, plus
    `event_id` (drop repeats by it) and `order_version` (put events back in order by it)."""

    event: WebhookEvent
    timestamp: datetime
    data: WebhookOrderData
    event_id: UUID = Field(description="Same on every attempt and redelivery of this event.")
    order_version: int = Field(ge=1, description="The order's version after this event.")


class StoreCancelPayload(Contract):
    """BusinessOnBot's cancel call to the store's own endpoint."""

    id: str = Field(description="The store's order id (external order id), else Sauda's.")
    cancellationReason: str
    cancelledBy: Literal["bot"] = "bot"


class WebhookDeliveryStatus(StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


# --- webhooks.commands.v1 ---


class SendTestBody(Contract):
    endpoint_id: UUID


class SendTestWebhook(Envelope):
    type: Literal["SendTestWebhook"] = "SendTestWebhook"
    body: SendTestBody


class RedeliverBody(Contract):
    endpoint_id: UUID
    delivery_id: UUID


class RedeliverWebhook(Envelope):
    type: Literal["RedeliverWebhook"] = "RedeliverWebhook"
    body: RedeliverBody


WebhookCommand = Annotated[SendTestWebhook | RedeliverWebhook, Field(discriminator="type")]

# --- webhooks.events.v1 ---


class DeliveryRecordedBody(Contract):
    delivery_id: UUID
    revision: int = Field(ge=1)
    endpoint_id: UUID
    event_id: UUID
    event: str
    order_id: UUID | None = None
    status: WebhookDeliveryStatus
    attempts: int = Field(ge=0)
    response_status: int | None = None
    duration_ms: float | None = None
    response_excerpt: str | None = Field(default=None, max_length=1024)
    error: str | None = Field(default=None, max_length=1000)
    created_at: datetime
    updated_at: datetime


class DeliveryRecorded(Envelope):
    type: Literal["DeliveryRecorded"] = "DeliveryRecorded"
    body: DeliveryRecordedBody


class EndpointDeactivatedBody(Contract):
    endpoint_id: UUID
    consecutive_failures: int
    deactivated_at: datetime


class EndpointDeactivated(Envelope):
    type: Literal["EndpointDeactivated"] = "EndpointDeactivated"
    body: EndpointDeactivatedBody


WebhookLogEvent = Annotated[DeliveryRecorded | EndpointDeactivated, Field(discriminator="type")]

# --- webhooks.retry.* ---


class AttemptDueBody(Contract):
    delivery_id: UUID
    endpoint_id: UUID
    attempt: int = Field(ge=2, description="Number of the attempt this record asks for.")
    due_at: datetime


class WebhookAttemptDue(Envelope):
    type: Literal["WebhookAttemptDue"] = "WebhookAttemptDue"
    body: AttemptDueBody


_commands: TypeAdapter[SendTestWebhook | RedeliverWebhook] = TypeAdapter(WebhookCommand)
_log: TypeAdapter[DeliveryRecorded | EndpointDeactivated] = TypeAdapter(WebhookLogEvent)


def parse_webhook_command(raw: bytes | str) -> SendTestWebhook | RedeliverWebhook:
    return _commands.validate_json(raw)


def parse_webhook_log_event(raw: bytes | str) -> DeliveryRecorded | EndpointDeactivated:
    return _log.validate_json(raw)
