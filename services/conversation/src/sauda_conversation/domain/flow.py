"""The chat-ordering flow, pure: a session, what the shopper said, the shop → the next session,
the bot's replies and, on Confirm, the cart to place as an order.

Steps follow the WhatsApp Orders spec: product list → quantity list → Add More / Checkout →
summary with Confirm / Cancel. Commands (cart, cancel, help, menu, stop, start) work at any
step; a question is answered from the shop's FAQs and the flow resumes where it was; anything
else re-prompts the current step without losing the cart.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from sauda_contracts.language import Language
from sauda_contracts.orders import format_money
from sauda_conversation.domain import replies as r
from sauda_conversation.domain.chat_address import (
    address_line,
    ask_text,
    too_short_text,
    typed_address,
)
from sauda_conversation.domain.handover import is_acknowledgement
from sauda_conversation.domain.intents import (
    Command,
    command_of,
    is_question,
    parse_quantity,
    wants_to_order,
)
from sauda_conversation.domain.language import Script, normalize, reply_language, script_of
from sauda_conversation.domain.replies import Reply, Row, say
from sauda_conversation.domain.shop import Product, Ranker, Shelf, Shop

MAX_LINES = 15  # different products in one cart: the summary must fit one WhatsApp message
MAX_LINE_QTY = 10_000  # an order line's ceiling (contracts)
CART_TTL = timedelta(days=3)  # a silent cart is kept at least this long


class Step(StrEnum):
    IDLE = "idle"
    PRODUCT = "product"  # the product list is out
    QUANTITY = "quantity"  # the quantity list is out for `pending`
    MORE = "more"  # Add More / Checkout are out
    SUMMARY = "summary"  # Confirm / Cancel are out
    ADDRESS = "address"  # the delivery address is asked for (shops that want one)


@dataclass(frozen=True, slots=True)
class Line:
    product_id: UUID
    qty: int


@dataclass(frozen=True, slots=True)
class Session:
    step: Step = Step.IDLE
    cart: tuple[Line, ...] = ()
    pending: UUID | None = None
    language: Language = Language.EN
    query: str = ""  # what the product list was last ranked by
    address: str | None = None  # the delivery address typed at Step.ADDRESS


@dataclass(frozen=True, slots=True)
class Said:
    """A shopper's message as the flow sees it: typed text, or the id of a tapped row/button."""

    text: str | None = None
    reply_id: str | None = None


@dataclass(frozen=True, slots=True)
class Checkout:
    """A confirmed cart: the order to place."""

    lines: tuple[tuple[Product, int], ...]
    total: Decimal
    currency: str
    address: str | None = None  # the delivery address, for shops that ask for one


@dataclass(frozen=True, slots=True)
class Turn:
    session: Session
    replies: tuple[Reply, ...]
    checkout: Checkout | None = None
    opt_out: bool | None = None  # True: STOP, False: START
    understood: bool = True  # False: free text the flow could only answer with a fallback


def expired(updated_at: datetime, now: datetime, ttl: timedelta = CART_TTL) -> bool:
    return now - updated_at > ttl


# --- the flow ------------------------------------------------------------------------------


def turn(session: Session, said: Said, shop: Shop, *, ranker: Ranker) -> Turn:
    """The shopper's message at the session's step: the next session, the replies, any order."""
    return _turn(session, said, Shelf(shop, ranker))


def _turn(session: Session, said: Said, shop: Shelf) -> Turn:
    s = replace(session, language=language_after(session.language, said.text))
    if not shop.in_stock and s.step is Step.IDLE and not s.cart:
        return _no_catalog(s, said, shop)
    if said.reply_id:
        return _tap(s, said.reply_id, shop)
    text = said.text or ""
    if command := command_of(text):
        return _command(s, command, shop)
    if s.step is Step.QUANTITY and (qty := parse_quantity(text)):
        return _add(s, qty, shop)
    asked = is_question(text)
    if s.step is Step.ADDRESS and not (asked and shop.answer(text)):
        return take_address(s, text, shop)
    if asked and (faq := shop.answer(text)):
        return Turn(s, (r.text(faq.answer), *resume(s, shop).replies))
    named = shop.named(text)
    if named and not asked and s.step is Step.PRODUCT:
        return _choose(s, named, shop)  # the name typed instead of tapped
    if typed := _typed_choice(text):
        return _tap(s, typed, shop)
    if named or (not asked and wants_to_order(text)):
        # The spec's step 1: the list, by relevance. A question about a product ("chai ki
        # price kya hai?") gets the same list: its rows carry the prices.
        return show_products(s, shop, query=text)
    if faq := shop.answer(text):
        return Turn(s, (r.text(faq.answer), *resume(s, shop).replies))
    understood = is_acknowledgement(text)  # else a miss: the second in a row hands over
    if s.step is Step.IDLE and not s.cart:
        # "thanks", "ok": the welcome, nothing to be sorry about
        return replace(resume(s, shop), understood=understood)
    return replace(resume(s, shop, prefix=say("sorry", s.language)), understood=understood)


def _no_catalog(s: Session, said: Said, shop: Shelf) -> Turn:
    """A business that sells nothing in chat (COD confirmations only): the bot keeps quiet but
    for STOP / START and the FAQs, and the merchant's own people answer the rest."""
    text = said.text or ""
    command = command_of(text)
    if command in (Command.STOP, Command.START):
        return _command(s, command, shop)
    if said.text and (faq := shop.answer(text)):
        return Turn(s, (r.text(faq.answer),))
    return Turn(s, ())


def language_after(current: Language, text: str | None) -> Language:
    """A message in Urdu or Hindi script, or a sentence, says which language to answer in; a
    bare number or command word says nothing."""
    if not text or parse_quantity(text) is not None:
        return current
    if script_of(text) is not Script.LATIN or len(normalize(text).split()) >= 2:
        return Language(reply_language(text))
    return current


_TYPED = {
    normalize(typed): choice
    for choice, labels in {
        r.CHECKOUT: ("checkout", "check out", "چیک آؤٹ", "चेकआउट"),
        r.ADD_MORE: ("add more", "more", "aur"),
        r.CONFIRM: ("confirm", "confirm karein", "تصدیق"),
    }.items()
    for typed in labels
}


def _typed_choice(text: str) -> str | None:
    """A button's label typed instead of tapped ("checkout", "confirm")."""
    return _TYPED.get(normalize(text))


def _tap(s: Session, reply_id: str, shop: Shelf) -> Turn:
    if reply_id.startswith(r.PRODUCT_PREFIX):
        product = shop.product(_uuid(reply_id.removeprefix(r.PRODUCT_PREFIX)))
        if product is None:
            return show_products(s, shop, prefix=say("sorry", s.language))
        return _choose(s, product, shop)
    if reply_id.startswith(r.QTY_PREFIX) and s.step is Step.QUANTITY:
        qty = _int(reply_id.removeprefix(r.QTY_PREFIX))
        if qty is not None and qty in r.QUANTITIES:
            return _add(s, qty, shop)
    if reply_id in (r.ADD_MORE, r.MENU):
        return show_products(s, shop)
    if reply_id == r.CHECKOUT:
        return ask_address(s) if shop.shop.asks_address else _summary(s, shop)
    if reply_id == r.CONFIRM:
        return _confirm(s, shop)
    if reply_id == r.CANCEL:
        return _clear(s)
    return resume(s, shop, prefix=say("sorry", s.language))


def _command(s: Session, command: Command, shop: Shelf) -> Turn:
    match command:
        case Command.STOP:
            return Turn(s, (r.text(say("stopped", s.language)),), opt_out=True)
        case Command.START:
            back = r.text(say("started", s.language))
            return Turn(s, (back, *_resume_if_ordering(s, shop)), opt_out=False)
        case Command.CANCEL:
            return _clear(s)
        case Command.MENU:
            return show_products(s, shop)
        case Command.HELP:
            return Turn(s, (r.text(say("help", s.language)), *_resume_if_ordering(s, shop)))
    # Command.CART
    if not s.cart:
        return resume(s, shop, prefix=say("cart_empty", s.language))
    return resume(s, shop, prefix=cart_text(s, shop) if s.step is not Step.MORE else None)


def _resume_if_ordering(s: Session, shop: Shelf) -> tuple[Reply, ...]:
    return resume(s, shop).replies if s.step is not Step.IDLE or s.cart else ()


def resume(s: Session, shop: Shelf, *, prefix: str | None = None) -> Turn:
    """The current step's prompt again (after a question, a slip, a command)."""
    match s.step:
        case Step.PRODUCT:
            return show_products(s, shop, query=s.query, prefix=prefix)
        case Step.QUANTITY:
            product = shop.product(s.pending)
            if product is None or not product.in_stock:
                return show_products(s, shop, prefix=prefix)
            return _ask_quantity(s, product, prefix=prefix)
        case Step.SUMMARY:
            return _summary(s, shop, prefix=prefix)
        case Step.ADDRESS:
            return ask_address(s, prefix=prefix)
        case Step.MORE:
            return _more_or_checkout(s, shop, prefix=prefix)
        case Step.IDLE if s.cart:
            return _more_or_checkout(s, shop, prefix=prefix)
    welcome = r.buttons(r.body(prefix, say("welcome", s.language)),
                        (r.MENU, say("order_now", s.language)))  # fmt: skip
    return Turn(s, (welcome,))


def show_products(s: Session, shop: Shelf, *, query: str = "", prefix: str | None = None) -> Turn:
    ranked = shop.rank(query, limit=10)
    lang = s.language
    if not ranked:
        return Turn(replace(s, step=Step.IDLE, pending=None),
                    (r.text(r.body(prefix, say("no_products", lang))),))  # fmt: skip
    rows = [Row(r.product_row_id(p.product_id), p.name, _row_description(p)) for p in ranked]
    message = r.list_reply(r.body(prefix, say("pick_product", lang)), say("list_button", lang),
                           say("list_section", lang), rows)  # fmt: skip
    return Turn(replace(s, step=Step.PRODUCT, pending=None, query=query), (message,))


def _row_description(p: Product) -> str:
    price = format_money(p.price, p.currency)
    return f"{price} · {p.description}" if p.description else price


def _choose(s: Session, product: Product, shop: Shelf) -> Turn:
    lang = s.language
    if not product.in_stock:
        return show_products(s, shop, prefix=say("out_of_stock", lang, name=product.name))
    in_cart = {line.product_id for line in s.cart}
    if product.product_id not in in_cart and len(in_cart) >= MAX_LINES:
        return _more_or_checkout(s, shop, prefix=say("cart_full", lang, count=MAX_LINES))
    currency = _cart_currency(s, shop)
    if currency and product.currency != currency:
        return _more_or_checkout(s, shop, prefix=say(
            "other_currency", lang, name=product.name, currency=product.currency))  # fmt: skip
    return _ask_quantity(s, product)


def _ask_quantity(s: Session, product: Product, *, prefix: str | None = None) -> Turn:
    lang = s.language
    question = say("pick_quantity", lang, name=product.name,
                   price=format_money(product.price, product.currency))  # fmt: skip
    rows = [Row(f"{r.QTY_PREFIX}{n}", str(n)) for n in r.QUANTITIES]
    message = r.list_reply(r.body(prefix, question), say("quantity_button", lang),
                           product.name, rows)  # fmt: skip
    return Turn(replace(s, step=Step.QUANTITY, pending=product.product_id), (message,))


def _add(s: Session, qty: int, shop: Shelf) -> Turn:
    product = shop.product(s.pending)
    if product is None or not product.in_stock:
        name = product.name if product else "?"
        return show_products(s, shop, prefix=say("out_of_stock", s.language, name=name))
    s = replace(s, cart=add_to_cart(s.cart, product.product_id, qty), pending=None)
    added = say("added", s.language, qty=qty, name=product.name)
    return _more_or_checkout(s, shop, prefix=added)


def add_to_cart(cart: tuple[Line, ...], product_id: UUID, qty: int) -> tuple[Line, ...]:
    """The same product again merges quantities (2 + 3 = 5); a new one goes at the end."""
    if any(line.product_id == product_id for line in cart):
        return tuple(
            Line(line.product_id, min(line.qty + qty, MAX_LINE_QTY))
            if line.product_id == product_id
            else line
            for line in cart
        )
    return (*cart, Line(product_id, qty))


def _more_or_checkout(s: Session, shop: Shelf, *, prefix: str | None = None) -> Turn:
    lang = s.language
    if not s.cart:
        return show_products(s, shop, prefix=r.body(prefix, say("cart_empty", lang)))
    message = r.buttons(
        r.body(prefix, cart_text(s, shop), say("more_or_checkout", lang)),
        (r.ADD_MORE, say("add_more", lang)),
        (r.CHECKOUT, say("checkout", lang)),
    )
    return Turn(replace(s, step=Step.MORE, pending=None), (message,))


def priced(cart: tuple[Line, ...], shop: Shelf) -> tuple[tuple[Product, int], ...]:
    """The cart's lines at today's catalog: products gone or out of stock drop out."""
    found = ((shop.product(line.product_id), line.qty) for line in cart)
    return tuple((p, qty) for p, qty in found if p is not None and p.in_stock)


def _cart_currency(s: Session, shop: Shelf) -> str | None:
    lines = priced(s.cart, shop)
    return lines[0][0].currency if lines else None


def cart_text(s: Session, shop: Shelf) -> str:
    lines = priced(s.cart, shop)
    if not lines:
        return say("cart_empty", s.language)
    total = format_money(_total(lines), lines[0][0].currency)
    return say("cart", s.language, lines=_lines(lines), total=total)


def _total(lines: tuple[tuple[Product, int], ...]) -> Decimal:
    return sum((p.price * qty for p, qty in lines), Decimal(0))


def _lines(lines: tuple[tuple[Product, int], ...]) -> str:
    return "\n".join(
        f"• {qty} × {r.clip(p.name, 60)}: {format_money(p.price * qty, p.currency)}"
        for p, qty in lines
    )


def _summary(s: Session, shop: Shelf, *, prefix: str | None = None) -> Turn:
    lines = priced(s.cart, shop)
    lang = s.language
    if not lines:
        return show_products(replace(s, cart=()), shop,
                             prefix=r.body(prefix, say("cart_empty", lang)))  # fmt: skip
    s = replace(s, cart=tuple(Line(p.product_id, qty) for p, qty in lines), step=Step.SUMMARY)
    total = format_money(_total(lines), lines[0][0].currency)
    summary = say("summary", lang, lines=_lines(lines), total=total)
    if s.address:
        summary = f"{summary}\n{address_line(s.address, lang)}"
    message = r.buttons(r.body(prefix, summary), (r.CONFIRM, say("confirm", lang)),
                        (r.CANCEL, say("cancel", lang)))  # fmt: skip
    return Turn(s, (message,))


def ask_address(s: Session, *, prefix: str | None = None) -> Turn:
    """After Checkout, in a shop that wants one: the delivery address, typed."""
    return Turn(replace(s, step=Step.ADDRESS, pending=None),
                (r.text(r.body(prefix, ask_text(s.language))),))  # fmt: skip


def take_address(s: Session, text: str, shop: Shelf) -> Turn:
    address = typed_address(text)
    if address is None:
        return ask_address(s, prefix=too_short_text(s.language))
    return _summary(replace(s, address=address), shop)


def _confirm(s: Session, shop: Shelf) -> Turn:
    lines = priced(s.cart, shop)
    if s.step is not Step.SUMMARY or not lines or len(lines) != len(s.cart):
        return _summary(s, shop)  # confirm only what the shopper was shown
    checkout = Checkout(lines, _total(lines), lines[0][0].currency, s.address)
    return Turn(Session(language=s.language), (), checkout=checkout)


def placed_reply(language: Language, order_number: str, checkout: Checkout) -> Reply:
    total = format_money(checkout.total, checkout.currency)
    return r.text(say("placed", language, number=order_number, total=total))


def _clear(s: Session) -> Turn:
    if not s.cart and s.step is Step.IDLE:  # "cancel my order": a placed order, not a cart
        return Turn(s, (r.text(say("nothing_to_cancel", s.language)),))
    return Turn(Session(language=s.language), (r.text(say("cleared", s.language)),))


def _uuid(raw: str) -> UUID | None:
    try:
        return UUID(raw)
    except ValueError:
        return None


def _int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None
