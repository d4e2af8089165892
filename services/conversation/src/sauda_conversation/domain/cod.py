"""COD answers, pure: a tapped (or typed) Confirm / Cancel as a command, the orders that wait
for one, and the polite answer to a tap the ledger refused."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from sauda_contracts import (
    Actor,
    AnyOrderEvent,
    ChangeOrderStatus,
    ChangeOrderStatusBody,
    OrderPlaced,
    OrderStatus,
    OrderStatusChangedBody,
    RejectionBody,
    RejectionCode,
)
from sauda_contracts.identity import chat_identity
from sauda_contracts.orders import asks_cod_answer, format_money
from sauda_contracts.templates import CodAction, parse_cod_payload
from sauda_contracts.whatsapp import InboundKind, InboundMessageBody, InboundMessageReceived
from sauda_conversation.domain.chat import caused_by

CANCEL_REASON = "customer cancelled on WhatsApp"
CONFIRM_REASON = "customer confirmed on WhatsApp"
# What each answer asks of the order: the status it moves to, and the reason recorded.
_ANSWERS = {
    CodAction.CONFIRM: (OrderStatus.CONFIRMED, CONFIRM_REASON),
    CodAction.CANCEL: (OrderStatus.CANCELLED, CANCEL_REASON),
}


@dataclass(frozen=True, slots=True)
class CodTap:
    """A shopper tapped Confirm or Cancel under a COD message."""

    action: CodAction
    order_id: UUID
    order_number: str

    @property
    def status(self) -> OrderStatus:
        return _ANSWERS[self.action][0]

    @property
    def reason(self) -> str:
        return _ANSWERS[self.action][1]


def cod_tap(message: InboundMessageBody) -> CodTap | None:
    """The COD answer this message carries: a template quick reply or a reply button whose
    payload names an order. Anything else (typed text, other buttons) is not a tap."""
    if message.kind not in (InboundKind.BUTTON, InboundKind.BUTTON_REPLY):
        return None
    parsed = parse_cod_payload(message.reply_id)
    return CodTap(*parsed) if parsed else None


def command_id_for(business_id: UUID, wamid: str) -> UUID:
    """One shopper message, one command: a redelivered message names the same command, which
    the ledger has already handled, so a tap never moves an order twice."""
    return uuid5(NAMESPACE_URL, f"sauda:conversation:{business_id}:{wamid}")


def tap_command(
    message: InboundMessageReceived, tap: CodTap, *, now: datetime
) -> ChangeOrderStatus:
    """The ledger command for a shopper's COD answer (actor `customer`)."""
    return ChangeOrderStatus(
        **caused_by(message, command_id_for(message.business_id, message.body.wamid), now=now),
        body=ChangeOrderStatusBody(
            order_id=tap.order_id, status=tap.status, actor=Actor.CUSTOMER, reason=tap.reason
        ),
    )


# --- COD answers typed instead of tapped ----------------------------------------------------

# How long an order waits for a typed answer: a "yes" weeks later is about something else.
COD_ANSWER_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class AwaitingOrder:
    """An order of a chat that asked the shopper for a COD answer (orders.events.v1)."""

    order_id: UUID
    business_id: UUID
    chat_with: str  # chat_identity of the order's shopper
    order_number: str
    total: str  # formatted, as the shopper saw it
    placed_at: datetime


@dataclass(frozen=True, slots=True)
class StatusMove:
    order_id: UUID
    status: OrderStatus
    version: int


def awaiting_orders(events: Sequence[AnyOrderEvent], now: datetime) -> list[AwaitingOrder]:
    """Placed orders whose shopper is asked to Confirm / Cancel, and still could answer."""
    return [
        AwaitingOrder(
            order_id=e.body.order_id,
            business_id=e.business_id,
            chat_with=chat_identity(e.body.customer.phone, e.body.customer.whatsapp_user_id),
            order_number=e.body.order_number,
            total=format_money(e.body.total, e.body.currency),
            placed_at=e.occurred_at,
        )
        for e in events
        if isinstance(e, OrderPlaced)
        and asks_cod_answer(e.body)  # so it has a phone or a user id
        and now - e.occurred_at < COD_ANSWER_WINDOW
    ]


def status_moves(events: Sequence[AnyOrderEvent]) -> list[StatusMove]:
    return [
        StatusMove(e.body.order_id, e.body.status, e.body.version)
        for e in events
        if isinstance(e.body, OrderStatusChangedBody)
    ]


_DONE = {
    OrderStatus.CONFIRMED: "is already confirmed",
    OrderStatus.SHIPPED: "has already shipped",
    OrderStatus.DELIVERED: "has already been delivered",
    OrderStatus.CANCELLED: "was cancelled",
    OrderStatus.RETURNED: "was returned to the store",
    OrderStatus.PENDING: "is still waiting for your confirmation",
}


def reply_to_refused_tap(rejection: RejectionBody, order_number: str, action: CodAction) -> str:
    """A polite answer to a tap on an order that has moved on: its status, nothing changed."""
    if rejection.code is RejectionCode.ORDER_NOT_FOUND or rejection.current_status is None:
        return f"Sorry, we could not find order {order_number}. Please contact the store."
    status = rejection.current_status
    if action is CodAction.CONFIRM and status is OrderStatus.CONFIRMED:
        return f"Your order {order_number} is already confirmed. Thank you!"
    if action is CodAction.CANCEL and status is OrderStatus.CANCELLED:
        return f"Your order {order_number} is already cancelled."
    tail = (
        " If you still want to cancel it, please contact the store."
        if action is CodAction.CANCEL
        else ""
    )
    return f"Your order {order_number} {_DONE[status]}, so nothing was changed.{tail}"
