"""The order stream's records: commands (`orders.commands.v1`), events (`orders.events.v1`) and
rejections (`orders.rejections.v1`), each keyed by the order id, with their parsers. The shapes
they carry (bodies, statuses, the FSM's table) live in `orders`."""

from typing import Annotated, Literal, TypeAlias

from pydantic import Field, TypeAdapter

from sauda_contracts.address_changes import ChangeDeliveryAddress, OrderAddressChanged
from sauda_contracts.deliveries import (
    AnswerDeliveryAttempt,
    OrderDeliveryAttemptAnswered,
    OrderDeliveryAttemptFailed,
    RecordDeliveryAttempt,
)
from sauda_contracts.envelope import Contract, Envelope
from sauda_contracts.order_review import HoldOrderForReview, OrderHeldForReview
from sauda_contracts.orders import (
    ChangeOrderStatusBody,
    FulfillmentUpdatedBody,
    OrderPlacedBody,
    OrderStatus,
    OrderStatusChangedBody,
    PaymentChangedBody,
    PlaceOrderBody,
    RejectionBody,
    UpsertOrderBody,
)

S = OrderStatus


# --- commands (topic orders.commands.v1, key = order id) ---


class PlaceOrder(Envelope):
    type: Literal["PlaceOrder"] = "PlaceOrder"
    body: PlaceOrderBody


class ChangeOrderStatus(Envelope):
    type: Literal["ChangeOrderStatus"] = "ChangeOrderStatus"
    body: ChangeOrderStatusBody


class UpsertOrder(Envelope):
    type: Literal["UpsertOrder"] = "UpsertOrder"
    body: UpsertOrderBody


AnyOrderCommand: TypeAlias = (
    PlaceOrder
    | ChangeOrderStatus
    | UpsertOrder
    | HoldOrderForReview
    | RecordDeliveryAttempt
    | AnswerDeliveryAttempt
    | ChangeDeliveryAddress
)
OrderCommand = Annotated[AnyOrderCommand, Field(discriminator="type")]


# --- events (topic orders.events.v1, key = order id) ---


class OrderPlaced(Envelope):
    type: Literal["OrderPlaced"] = "OrderPlaced"
    body: OrderPlacedBody


class _StatusChange(Contract):
    """The body the five status events share (each is `_StatusChange, Envelope`, so the
    envelope's fields still come first); they differ only in `type`."""

    body: OrderStatusChangedBody


class OrderConfirmed(_StatusChange, Envelope):
    type: Literal["OrderConfirmed"] = "OrderConfirmed"


class OrderShipped(_StatusChange, Envelope):
    type: Literal["OrderShipped"] = "OrderShipped"


class OrderDelivered(_StatusChange, Envelope):
    type: Literal["OrderDelivered"] = "OrderDelivered"


class OrderCancelled(_StatusChange, Envelope):
    type: Literal["OrderCancelled"] = "OrderCancelled"


class OrderReturned(_StatusChange, Envelope):
    type: Literal["OrderReturned"] = "OrderReturned"


class OrderPaymentChanged(Envelope):
    type: Literal["OrderPaymentChanged"] = "OrderPaymentChanged"
    body: PaymentChangedBody


class OrderFulfillmentUpdated(Envelope):
    type: Literal["OrderFulfillmentUpdated"] = "OrderFulfillmentUpdated"
    body: FulfillmentUpdatedBody


StatusEvent = OrderConfirmed | OrderShipped | OrderDelivered | OrderCancelled | OrderReturned
AnyOrderEvent: TypeAlias = (
    OrderPlaced
    | StatusEvent
    | OrderPaymentChanged
    | OrderFulfillmentUpdated
    | OrderHeldForReview
    | OrderDeliveryAttemptFailed
    | OrderDeliveryAttemptAnswered
    | OrderAddressChanged
)
OrderEvent = Annotated[AnyOrderEvent, Field(discriminator="type")]

STATUS_EVENT_TYPES: dict[OrderStatus, type[StatusEvent]] = {
    S.CONFIRMED: OrderConfirmed,
    S.SHIPPED: OrderShipped,
    S.DELIVERED: OrderDelivered,
    S.CANCELLED: OrderCancelled,
    S.RETURNED: OrderReturned,
}


# --- rejections (topic orders.rejections.v1, key = order id) ---


class OrderCommandRejected(Envelope):
    type: Literal["OrderCommandRejected"] = "OrderCommandRejected"
    body: RejectionBody


_commands: TypeAdapter[AnyOrderCommand] = TypeAdapter(OrderCommand)
_events: TypeAdapter[AnyOrderEvent] = TypeAdapter(OrderEvent)


def parse_order_command(raw: bytes | str) -> AnyOrderCommand:
    return _commands.validate_json(raw)


def parse_order_event(raw: bytes | str) -> AnyOrderEvent:
    return _events.validate_json(raw)


def parse_order_rejection(raw: bytes | str) -> OrderCommandRejected:
    return OrderCommandRejected.model_validate_json(raw)
