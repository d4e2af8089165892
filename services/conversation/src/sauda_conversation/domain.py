"""Conversation decisions, pure: what a shopper's message asks for, and what to answer."""

from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from sauda_contracts import OrderStatus, RejectionBody, RejectionCode
from sauda_contracts.templates import CodAction, parse_cod_payload
from sauda_contracts.whatsapp import InboundKind, InboundMessageBody

CANCEL_REASON = "customer cancelled on WhatsApp"
CONFIRM_REASON = "customer confirmed on WhatsApp"


@dataclass(frozen=True, slots=True)
class CodTap:
    """A shopper tapped Confirm or Cancel under a COD message."""

    action: CodAction
    order_id: UUID
    order_number: str

    @property
    def status(self) -> OrderStatus:
        return OrderStatus.CONFIRMED if self.action is CodAction.CONFIRM else OrderStatus.CANCELLED

    @property
    def reason(self) -> str:
        return CONFIRM_REASON if self.action is CodAction.CONFIRM else CANCEL_REASON


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
