"""A shopper's answer to a failed delivery attempt, pure: the tap, the ledger command (one per
attempt, whatever is tapped after the first), and the bot's reply in the shopper's language."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sauda_contracts.deliveries import (
    AnswerDeliveryAttempt,
    AnswerDeliveryAttemptBody,
    DeliveryAnswer,
    answer_command_id,
    parse_delivery_payload,
)
from sauda_contracts.language import Language
from sauda_contracts.orders import Actor
from sauda_contracts.whatsapp import InboundKind, InboundMessageBody, InboundMessageReceived
from sauda_conversation.domain.chat import caused_by

A, L = DeliveryAnswer, Language


@dataclass(frozen=True, slots=True)
class DeliveryTap:
    """A shopper tapped one of the three buttons under a failed-delivery message."""

    answer: DeliveryAnswer
    order_id: UUID
    attempt: int
    language: Language


def delivery_tap(message: InboundMessageBody) -> DeliveryTap | None:
    if message.kind not in (InboundKind.BUTTON, InboundKind.BUTTON_REPLY):
        return None
    parsed = parse_delivery_payload(message.reply_id)
    return DeliveryTap(*parsed) if parsed else None


def answer_command(
    message: InboundMessageReceived, tap: DeliveryTap, *, now: datetime
) -> AnswerDeliveryAttempt:
    """The ledger command (actor `customer`); its id is the attempt's, so a second tap on the
    same message names the command the ledger already has."""
    return AnswerDeliveryAttempt(
        **caused_by(message, answer_command_id(tap.order_id, tap.attempt), now=now),
        body=AnswerDeliveryAttemptBody(
            order_id=tap.order_id, attempt=tap.attempt, answer=tap.answer, actor=Actor.CUSTOMER
        ),
    )


_REPLIES: dict[DeliveryAnswer, dict[Language, str]] = {
    A.DELIVER_AGAIN: {
        L.EN: "Thank you! We have asked the courier to deliver your order again.",
        L.UR: "شکریہ! ہم نے کوریئر سے آپ کا آرڈر دوبارہ پہنچانے کو کہہ دیا ہے۔",
        L.UR_LATN: "Shukriya! Hum ne courier se aap ka order dobara deliver karne ko keh diya hai.",
    },
    A.CANCEL: {
        L.EN: "Understood. We have told the store you no longer want this order.",
        L.UR: "ٹھیک ہے۔ ہم نے اسٹور کو بتا دیا ہے کہ آپ یہ آرڈر نہیں چاہتے۔",
        L.UR_LATN: "Theek hai. Hum ne store ko bata diya hai ke aap yeh order nahi chahte.",
    },
}
_ALREADY = {
    L.EN: "You have already answered for this delivery; the store has your first answer.",
    L.UR: "آپ اس ترسیل کا جواب پہلے ہی دے چکے ہیں؛ اسٹور کے پاس آپ کا پہلا جواب ہے۔",
    L.UR_LATN: "Aap is delivery ka jawab pehle hi de chuke hain; store ke paas aap ka pehla "
    "jawab hai.",
}


def reply_to_answer(tap: DeliveryTap, *, first: bool) -> str:
    """What the bot says to a tap: the answer acknowledged, or (a later tap on an attempt
    already answered) that the first answer stands."""
    if not first:
        return _ALREADY[tap.language]
    return _REPLIES[tap.answer][tap.language]


def starts_address_change(tap: DeliveryTap, *, first: bool) -> bool:
    """The first "Change address" on an attempt asks for the new address (the address flow,
    `address_change.begin_address_change`): read back for a yes, it becomes an order event."""
    return first and tap.answer is A.CHANGE_ADDRESS
