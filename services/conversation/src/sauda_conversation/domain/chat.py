"""What a chat turn sends, pure: the PlaceOrder for a cart confirmed in chat, the bot's replies,
an opt-out change."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from sauda_contracts import (
    Actor,
    Customer,
    LineItem,
    OrderSource,
    PlaceOrder,
    PlaceOrderBody,
)
from sauda_contracts.addresses import DeliveryAddress
from sauda_contracts.bot_flows import TriggerBotFlow, trigger_wamid
from sauda_contracts.language import Language
from sauda_contracts.orders import place_command_id
from sauda_contracts.whatsapp import (
    ContactOptOutChanged,
    InboundKind,
    InboundMessageBody,
    InboundMessageReceived,
    OptOutBody,
    SendMessageBody,
    SendWhatsAppMessage,
)
from sauda_conversation.domain.flow import Checkout, Said
from sauda_conversation.domain.replies import MENU, Reply


def said_in(message: InboundMessageBody) -> Said:
    """The flow's view of a message: typed text, or the id of what was tapped."""
    if message.kind in (InboundKind.BUTTON, InboundKind.BUTTON_REPLY, InboundKind.LIST_REPLY):
        return Said(reply_id=message.reply_id or "")
    if message.kind is InboundKind.TEXT:
        return Said(text=message.text or "")
    return Said()  # media, location: the current step is asked again


def triggered_message(trigger: TriggerBotFlow) -> InboundMessageReceived:
    """The merchant's start of a bot flow as the shopper's message that starts it: `order` as a
    message the bot answers with its welcome (or the step the shopper is at), `menu` as a tap
    on Order now. Its wamid is the trigger's, so the flow moves once per trigger."""
    body = trigger.body
    menu = body.flow_id == "menu"
    message = InboundMessageBody(
        phone_number_id=body.phone_number_id, customer_phone=body.customer_phone,
        wamid=trigger_wamid(body.trigger_id), sent_at=trigger.occurred_at,
        kind=InboundKind.BUTTON_REPLY if menu else InboundKind.OTHER,
        meta_type="sauda_trigger", reply_id=MENU if menu else None,
    )  # fmt: skip
    return InboundMessageReceived(event_id=trigger.event_id, occurred_at=trigger.occurred_at,
                                  business_id=trigger.business_id,
                                  correlation_id=trigger.correlation_id,
                                  causation_id=trigger.causation_id, body=message)  # fmt: skip


def caused_by(message: InboundMessageReceived, event_id: UUID, *, now: datetime) -> dict[str, Any]:
    """The envelope of a record a shopper's message causes: its business and correlation."""
    return {
        "event_id": event_id,
        "occurred_at": now,
        "business_id": message.business_id,
        "correlation_id": message.correlation_id,
        "causation_id": str(message.event_id),
    }


def chat_order_id(business_id: UUID, wamid: str) -> UUID:
    """The order a Confirm tap places: the same tap, redelivered, names the same order."""
    return uuid5(NAMESPACE_URL, f"sauda:chat-order:{business_id}:{wamid}")


def chat_order_number(n: int) -> str:
    """Chat orders have their own series, so a number tells where the order came from."""
    return f"WA-{n:06d}"


def place_order(
    message: InboundMessageReceived,
    checkout: Checkout,
    *,
    order_id: UUID,
    order_number: str,
    language: Language,
    now: datetime,
) -> PlaceOrder:
    """The ledger command for a cart the shopper confirmed in chat (source `whatsapp`). The
    shopper wrote to the business first, so WhatsApp messages about it are consented to. A
    username user who shares no number is the customer by Meta's user id alone."""
    body = message.body
    return PlaceOrder(
        **caused_by(message, place_command_id(order_id), now=now),
        body=PlaceOrderBody(
            order_id=order_id,
            order_number=order_number,
            source=OrderSource.WHATSAPP,
            customer=Customer(
                phone=body.customer_phone,
                whatsapp_user_id=body.customer_user_id,
                whatsapp_username=body.customer_username,
                name=body.profile_name,
                consent=True,
                language=language,
            ),
            items=tuple(
                LineItem(name=p.name[:200], qty=qty, price=p.price) for p, qty in checkout.lines
            ),
            total=checkout.total,
            currency=checkout.currency,
            idempotency_key=f"whatsapp:{order_id}",
            actor=Actor.CUSTOMER,
            platform="whatsapp",
            delivery_address=DeliveryAddress(address1=checkout.address)
            if checkout.address
            else None,
        ),
    )


def opt_out_changed(
    message: InboundMessageReceived, opted_out: bool, *, now: datetime
) -> ContactOptOutChanged:
    """STOP (True) or START (False), for the notifier to honour on every later send."""
    body = message.body
    return ContactOptOutChanged(
        **caused_by(message, uuid5(message.event_id, "opt-out"), now=now),
        body=OptOutBody(
            customer_phone=body.customer_phone,
            customer_user_id=body.customer_user_id,
            opted_out=opted_out,
            wamid=body.wamid,
            at=body.sent_at,
        ),
    )


def reply_sends(
    message: InboundMessageReceived,
    replies: Sequence[Reply],
    *,
    now: datetime,
    order_id: UUID | None = None,
) -> list[SendWhatsAppMessage]:
    """The bot's answers to one shopper message, in order, each with an id of its own."""
    body = message.body
    return [
        SendWhatsAppMessage(
            **caused_by(message, uuid5(message.event_id, f"reply:{index}"), now=now),
            body=SendMessageBody(
                message_key=f"chat:{body.wamid}:{index}"[:200],
                customer_phone=body.customer_phone,
                customer_user_id=body.customer_user_id,
                order_id=order_id,
                **reply.message_fields(),
            ),
        )
        for index, reply in enumerate(replies)
    ]
