"""Changing an order's delivery address in the chat, pure: the shopper taps "Change address"
(under the COD message, or any other message that offers it), types the new address, the bot
reads it back with Yes / No, and Yes becomes a ChangeDeliveryAddress command (actor
`customer`); No asks again. Entry: `start_address_change`; every later message: `address_turn`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from sauda_contracts import FINAL_STATUSES, Actor
from sauda_contracts.address_changes import ChangeDeliveryAddress, ChangeDeliveryAddressBody
from sauda_contracts.addresses import DeliveryAddress
from sauda_contracts.language import Language
from sauda_contracts.whatsapp import InboundMessageReceived
from sauda_conversation.domain import replies as r
from sauda_conversation.domain.chat import caused_by
from sauda_conversation.domain.chat_address import typed_address
from sauda_conversation.domain.cod import command_id_for
from sauda_conversation.domain.intents import Command, cod_answer, command_of
from sauda_conversation.domain.language import normalize
from sauda_conversation.domain.my_orders import ShopperOrder
from sauda_conversation.domain.replies import Reply

CHANGED_REASON = "changed by the customer on WhatsApp"
YES_PREFIX = "addr:yes:"  # + order id: the read-back's Yes
NO_PREFIX = "addr:no:"  # + order id: the read-back's No (type it again)
CHANGE_TTL = timedelta(hours=24)  # an address typed a day later is about something else

EN, UR, RO = Language.EN, Language.UR, Language.UR_LATN
# Roman Urdu is also what Hindi speakers get, as in `replies`.
TEXTS: dict[str, dict[Language, str]] = {
    "ask": {
        EN: "Please type the new delivery address for order {number} (house, street, area "
        "and city) in one message.",
        UR: "آرڈر {number} کے لیے نیا پتہ ایک پیغام میں لکھیں (مکان، گلی، علاقہ اور شہر)۔",
        RO: "Order {number} ke liye naya pata ek message mein likhein (ghar, gali, ilaqa aur "
        "shehar).",
    },
    "too_short": {
        EN: "That looks too short for an address. Please type the house, street, area and city.",
        UR: "یہ پتہ بہت مختصر ہے۔ براہ کرم مکان، گلی، علاقہ اور شہر لکھیں۔",
        RO: "Yeh pata bohat chhota hai. Ghar, gali, ilaqa aur shehar likhein.",
    },
    "read_back": {
        EN: "Deliver order {number} to:\n{address}\nIs this right?",
        UR: "آرڈر {number} اس پتے پر بھیجیں:\n{address}\nکیا یہ درست ہے؟",
        RO: "Order {number} is pate par bhejein:\n{address}\nKya yeh sahi hai?",
    },
    "yes": {EN: "Yes", UR: "جی ہاں", RO: "Haan"},
    "no": {EN: "No, type again", UR: "نہیں، دوبارہ", RO: "Nahi, dobara"},
    "ask_again": {
        EN: "Okay, please type the delivery address for order {number} again.",
        UR: "ٹھیک ہے، آرڈر {number} کا پتہ دوبارہ لکھیں۔",
        RO: "Theek hai, order {number} ka pata dobara likhein.",
    },
    "saved": {
        EN: "Thank you! Order {number} will be delivered to:\n{address}",
        UR: "شکریہ! آرڈر {number} اس پتے پر پہنچایا جائے گا:\n{address}",
        RO: "Shukriya! Order {number} is pate par deliver hoga:\n{address}",
    },
    "kept": {
        EN: "Okay, the delivery address of order {number} stays as it was.",
        UR: "ٹھیک ہے، آرڈر {number} کا پتہ پہلے والا ہی رہے گا۔",
        RO: "Theek hai, order {number} ka pata pehle wala hi rahega.",
    },
    "closed": {
        EN: "Order {number} is {status}, so its delivery address can no longer be changed.",
        UR: "آرڈر {number} {status} ہے، اس لیے اب اس کا پتہ نہیں بدلا جا سکتا۔",
        RO: "Order {number} {status} hai, is liye ab is ka pata nahi badla ja sakta.",
    },
    "not_found": {
        EN: "Sorry, we could not find that order for this WhatsApp number.",
        UR: "معاف کیجیے، اس واٹس ایپ نمبر کا یہ آرڈر نہیں ملا۔",
        RO: "Maaf kijiye, is WhatsApp number ka ye order nahi mila.",
    },
}
_STATUS = {
    "delivered": {EN: "delivered", UR: "پہنچ چکا", RO: "deliver ho chuka"},
    "cancelled": {EN: "cancelled", UR: "منسوخ", RO: "cancel ho chuka"},
    "returned": {EN: "returned to the store", UR: "اسٹور کو واپس", RO: "store ko wapas"},
}
_NO_ANSWERS = frozenset({"no", "nope", "nahi", "nahin", "na", "نہیں", "नहीं", "nahi ji"})


def say(key: str, language: Language, **values: object) -> str:
    return TEXTS[key][language].format(**values)


class AddressStep(StrEnum):
    TYPING = "typing"  # the bot asked for the address
    CONFIRMING = "confirming"  # the bot read it back with Yes / No


@dataclass(frozen=True, slots=True)
class AddressChange:
    """A chat's address change in progress (one per chat: the latest tap wins)."""

    order_id: UUID
    order_number: str
    step: AddressStep = AddressStep.TYPING
    typed: str | None = None  # the address read back, at CONFIRMING
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AddressTurn:
    """What one message does: the change after it (None: over), the replies, and the
    confirmed address when the shopper said Yes."""

    change: AddressChange | None
    replies: tuple[Reply, ...]
    confirmed: DeliveryAddress | None = None


def start_address_change(
    order_id: UUID, orders: Sequence[ShopperOrder], language: Language
) -> AddressTurn:
    """The shopper asked to change the address of `order_id` (a tapped "Change address", from
    any message that offers it). Only an order of this chat's own (`orders`: the chat's orders
    in this business) that can still go somewhere; anything else is answered and changes
    nothing."""
    order = next((o for o in orders if o.order_id == order_id), None)
    if order is None:
        return AddressTurn(None, (r.text(say("not_found", language)),))
    if order.status in FINAL_STATUSES:
        status = _STATUS[order.status.value][language]
        return AddressTurn(None, (r.text(say("closed", language, number=order.order_number,
                                             status=status)),))  # fmt: skip
    change = AddressChange(order.order_id, order.order_number)
    return AddressTurn(change, (r.text(say("ask", language, number=order.order_number)),))


def is_address_tap(reply_id: str | None) -> bool:
    return bool(reply_id) and str(reply_id).startswith((YES_PREFIX, NO_PREFIX))


def still_open(change: AddressChange, now: datetime) -> bool:
    return change.updated_at is None or now - change.updated_at <= CHANGE_TTL


def address_turn(
    change: AddressChange,
    *,
    text: str | None,
    reply_id: str | None,
    language: Language,
    faq: str | None = None,
) -> AddressTurn | None:
    """The shopper's next message while a change is open; None when it is not for this flow
    (another button, a command like "menu", or a question about orders: the rest of the bot
    answers it and the change stays open). `faq` is the shop's answer to a question asked
    mid-flow: it is given, and the current step asked again."""
    number = change.order_number
    if reply_id:
        if reply_id == f"{YES_PREFIX}{change.order_id}" and change.typed:
            return _confirmed(change, language)
        if reply_id == f"{NO_PREFIX}{change.order_id}":
            return AddressTurn(replace(change, step=AddressStep.TYPING, typed=None),
                               (r.text(say("ask_again", language, number=number)),))  # fmt: skip
        return None
    typed = " ".join((text or "").split())
    if not typed:
        return None
    command = command_of(typed)
    if command is Command.CANCEL:
        return AddressTurn(None, (r.text(say("kept", language, number=number)),))
    if command is not None:
        return None
    if faq is not None:
        return AddressTurn(change, (r.text(faq), _prompt(change, language)))
    if change.step is AddressStep.CONFIRMING and change.typed:
        if cod_answer(typed) is not None:  # a typed "yes" / "haan"
            return _confirmed(change, language)
        if normalize(typed) in _NO_ANSWERS:
            return AddressTurn(replace(change, step=AddressStep.TYPING, typed=None),
                               (r.text(say("ask_again", language, number=number)),))  # fmt: skip
    address = typed_address(typed)
    if address is None:
        return AddressTurn(change, (r.text(say("too_short", language)),))
    read = replace(change, step=AddressStep.CONFIRMING, typed=address)
    return AddressTurn(read, (_prompt(read, language),))


def _prompt(change: AddressChange, language: Language) -> Reply:
    """The current step's question: the address asked for, or read back with Yes / No."""
    if change.step is AddressStep.TYPING or not change.typed:
        return r.text(say("ask", language, number=change.order_number))
    return r.buttons(
        say("read_back", language, number=change.order_number, address=change.typed),
        (f"{YES_PREFIX}{change.order_id}", say("yes", language)),
        (f"{NO_PREFIX}{change.order_id}", say("no", language)),
    )


def _confirmed(change: AddressChange, language: Language) -> AddressTurn:
    assert change.typed is not None
    saved = say("saved", language, number=change.order_number, address=change.typed)
    return AddressTurn(None, (r.text(saved),), DeliveryAddress(address1=change.typed))


def address_command(
    message: InboundMessageReceived, order_id: UUID, address: DeliveryAddress, *, now: datetime
) -> ChangeDeliveryAddress:
    """The ledger command for a confirmed address; its id is the confirming message's, so a
    redelivered Yes names the same command and changes the address once."""
    return ChangeDeliveryAddress(
        **caused_by(message, command_id_for(message.business_id, message.body.wamid), now=now),
        body=ChangeDeliveryAddressBody(
            order_id=order_id,
            delivery_address=address,
            actor=Actor.CUSTOMER,
            reason=CHANGED_REASON,
        ),
    )
