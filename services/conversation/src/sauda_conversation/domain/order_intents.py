"""What a shopper asks about orders already placed, pure: "where is my order?", a typed order
number, "cancel my order", in English, Roman Urdu/Hindi, Urdu and Hindi.

Like `intents`, every table is compared after `normalize`; a few common typos are listed
rather than guessed at, so "where is my oder" is understood and "order karna hai" (a new
order) never is.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from sauda_conversation.domain.intents import FILLERS
from sauda_conversation.domain.language import normalize


class OrderAsk(StrEnum):
    STATUS = "status"  # where is it, what is its status
    CANCEL = "cancel"  # cancel it


@dataclass(frozen=True, slots=True)
class OrderQuestion:
    ask: OrderAsk
    number: str | None = None  # the order number typed, as the shopper typed it


def _words(*phrases: str) -> frozenset[str]:
    return frozenset(normalize(phrase) for phrase in phrases)


# "my order" in every way shoppers write it (and a few typos: oder, ordr, odr, ordar).
_MY_ORDER = _words(
    *(f"{my} {order}" for my in ("my", "mera", "meri", "mere", "mra", "hamara", "apna")
      for order in ("order", "oder", "ordr", "odr", "ordar", "orders", "parcel", "delivery")),
    "میرا آرڈر", "میرے آرڈر", "میری آرڈر", "ہمارا آرڈر", "میرا آڈر", "میرا پارسل", "میرا آرڈرز",
    "मेरा ऑर्डर", "मेरा आर्डर", "मेरे ऑर्डर", "मेरी ऑर्डर", "मेरा ओर्डर", "हमारा ऑर्डर", "मेरा पार्सल",
)  # fmt: skip
# Words that make any mention of an order a question about where it is ("order kahan hai").
_WHERE = _words(
    "where", "wheres", "status", "track", "tracking", "arrive", "arriving", "coming", "update",
    "kahan", "kahaan", "kaha", "kidhar", "aaya", "aya", "ayega", "aayega", "aega", "pohncha",
    "pohanch", "pahuncha", "pahunchega",
    "کہاں", "کدھر", "آیا", "آئے", "پہنچا", "پہنچے", "اسٹیٹس", "سٹیٹس", "ٹریک",
    "कहाँ", "कहां", "किधर", "आया", "आएगा", "पहुंचा", "पहुँचा", "स्टेटस", "ट्रैक",
)  # fmt: skip
# Words that do so only about "my order" ("mera order kab aayega", "what happened to my
# order"): "when can I order?" and "kya order kar sakte hain?" are about a new one.
_WHAT = _words(
    "when", "what", "happened", "details", "detail", "come", "check", "kab", "kya", "kia",
    "hua", "batao", "bataen", "bataein", "dikhao",
    "کب", "کیا", "ہوا", "بتائیں", "بتاؤ", "دکھاؤ", "کب",
    "कब", "क्या", "हुआ", "बताओ", "बताएं", "दिखाओ",
)  # fmt: skip
# Said alone, these already are the question.
_STATUS_PHRASES = _words(
    "order status", "oder status", "status", "my order", "my orders", "my order status",
    "order kahan hai", "order kidhar hai", "track order", "track my order", "order tracking",
    "where is my order", "wheres my order", "where is my oder", "where my order",
    "order ka status", "order ki status", "status batao", "last order", "my last order",
    "previous orders", "past orders", "order history", "mere orders", "mera order",
    "آرڈر کا اسٹیٹس", "آرڈر کہاں ہے", "میرا آرڈر", "آرڈر اسٹیٹس",
    "ऑर्डर स्टेटस", "ऑर्डर कहाँ है", "मेरा ऑर्डर", "ऑर्डर का स्टेटस",
)  # fmt: skip
# Cancelling a placed order; the cart's own "cancel" stays the flow's (see `order_question`).
_CANCEL_WORDS = _words(
    "cancel", "cancle", "cancell", "cansel", "kancel", "cancelled", "canceled", "mansookh", "mansukh", "radd",
    "منسوخ", "کینسل", "کینسل", "रद्द", "कैंसल", "कैंसिल", "कैन्सल",
)  # fmt: skip
_ORDER_WORDS = _words(
    "order", "oder", "ordr", "odr", "orders", "آرڈر", "آڈر", "ऑर्डर", "आर्डर", "ओर्डर"
)

_WHY = _words("why", "kyun", "kyon", "kiun", "کیوں", "क्यों")

# An order number as shoppers type one: letters, an optional dash, digits ("ORD-000123",
# "WA-000045", "wa45"), or "#" and digits ("#1001", a Shopify number). Money is not one.
_NUMBER = re.compile(r"(?<![\w-])(?:([A-Za-z]{2,6})([-_ ]?)(\d{2,12})|#(\d{3,12}))(?![\w-])")
_NOT_A_PREFIX = frozenset({"rs", "pkr", "inr", "usd", "aed", "sar", "rupees", "qty", "no", "x"})


def order_number_in(text: str) -> str | None:
    """The order number the message names, as typed, or None."""
    for match in _NUMBER.finditer(text):
        prefix, separator, digits, hashed = match.groups()
        if hashed:
            return f"#{hashed}"
        if prefix.lower() in _NOT_A_PREFIX or (separator == " " and not prefix.isupper()):
            continue  # "Rs 500", "chai 500 gram"
        if len(digits) >= 3 or prefix.isupper():
            return f"{prefix}-{digits}"
    return None


def same_number(typed: str, number: str) -> bool:
    """Whether a typed number names an order number: case, dashes and leading zeros aside
    ("wa45" is WA-000045)."""
    return _number_key(typed) == _number_key(number)


def _number_key(number: str) -> tuple[str, int | None]:
    letters = "".join(ch for ch in number.upper() if ch.isalpha())
    digits = "".join(ch for ch in number if ch.isdigit())
    return letters, int(digits) if digits else None


def order_question(text: str) -> OrderQuestion | None:
    """The message asks about an order already placed: where it is or its status ("where is
    my order", "mera order kahan hai", "میرا آرڈر کہاں ہے", "मेरा ऑर्डर कहाँ है", "order
    status"), names an order by its number, or asks to cancel one ("cancel my order", "mera
    order cancel kar do", "آرڈر منسوخ کریں", "ऑर्डर रद्द करें"). A bare "cancel" is a CANCEL
    without a number; the flow decides whether it means the cart. New orders ("order karna
    hai") are not questions about old ones."""
    number = order_number_in(text)
    words = [w for w in normalize(text).split() if w not in FILLERS]
    phrase = " ".join(words)
    padded = f" {phrase} "
    cancel = any(word in _CANCEL_WORDS for word in words)
    if cancel and any(word in _WHY for word in words):
        return OrderQuestion(OrderAsk.STATUS, number)  # "why was my order cancelled?"
    if cancel and (number or len(words) <= 6):
        return OrderQuestion(OrderAsk.CANCEL, number)
    if number:
        return OrderQuestion(OrderAsk.STATUS, number)
    if phrase in _STATUS_PHRASES:
        return OrderQuestion(OrderAsk.STATUS)
    mine = any(f" {p} " in padded for p in _MY_ORDER)
    about_order = mine or any(word in _ORDER_WORDS for word in words)
    where = any(word in _WHERE for word in words)
    if (about_order and where) or (mine and any(word in _WHAT for word in words)):
        # "where is my order", "order kab aayega", "order kahan hai": a new order is asked
        # with words of wanting ("order karna hai"), never with where / when / status.
        return OrderQuestion(OrderAsk.STATUS)
    return None
