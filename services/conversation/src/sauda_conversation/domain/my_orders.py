"""A shopper's own orders as the chat knows them, pure: folded from order events, and the
answers to "where is my order?" and "cancel my order" (which order, a confirm step, or the
polite "it has shipped")."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sauda_contracts import (
    Actor,
    AnyOrderEvent,
    ChangeOrderStatus,
    ChangeOrderStatusBody,
    OrderPlaced,
    OrderStatus,
)
from sauda_contracts.identity import chat_identity
from sauda_contracts.language import Language
from sauda_contracts.orders import format_money
from sauda_contracts.whatsapp import InboundMessageReceived
from sauda_conversation.domain import replies as r
from sauda_conversation.domain.chat import caused_by
from sauda_conversation.domain.cod import command_id_for
from sauda_conversation.domain.order_intents import OrderAsk, OrderQuestion, same_number
from sauda_conversation.domain.order_texts import order_say

CANCEL_REASON = "cancelled by the customer on WhatsApp"
SHOWN = 3  # orders listed for "where is my order?", newest first
CANCELLABLE = frozenset({OrderStatus.PENDING, OrderStatus.CONFIRMED})
# Reply ids of the cancel steps: which order, then yes or keep it.
CHOOSE_PREFIX = "myorder:cancel:"
YES_PREFIX = "myorder:cancel-yes:"
KEEP_PREFIX = "myorder:keep:"


@dataclass(frozen=True, slots=True)
class ShopperOrder:
    order_id: UUID
    business_id: UUID
    chat_with: str  # chat_identity of the order's shopper
    order_number: str
    items: tuple[tuple[str, int], ...]  # (name, qty)
    total: str  # formatted, as the shopper saw it
    status: OrderStatus
    placed_at: datetime
    tracking_url: str | None = None


@dataclass(frozen=True, slots=True)
class OrderMove:
    """What a later event says of an order: its status and, if given, its tracking page."""

    order_id: UUID
    status: OrderStatus
    version: int
    tracking_url: str | None


def placed_orders(events: Sequence[AnyOrderEvent]) -> list[ShopperOrder]:
    """Placed orders whose shopper a chat can be with (a phone, or Meta's user id)."""
    return [
        ShopperOrder(
            order_id=e.body.order_id,
            business_id=e.business_id,
            chat_with=chat_identity(e.body.customer.phone, e.body.customer.whatsapp_user_id),
            order_number=e.body.order_number,
            items=tuple((item.name, item.qty) for item in e.body.items),
            total=format_money(e.body.total, e.body.currency),
            status=OrderStatus.PENDING,
            placed_at=e.occurred_at,
        )
        for e in events
        if isinstance(e, OrderPlaced)
        and (e.body.customer.phone is not None or e.body.customer.whatsapp_user_id is not None)
    ]


def order_moves(events: Sequence[AnyOrderEvent]) -> list[OrderMove]:
    """Status changes, payment and fulfillment facts: each names the status after it."""
    moves = []
    for e in events:
        if isinstance(e, OrderPlaced):
            continue
        fulfillment = getattr(e.body, "fulfillment", None)
        tracking = fulfillment.tracking_url if fulfillment is not None else None
        moves.append(OrderMove(e.body.order_id, e.body.status, e.body.version, tracking))
    return moves


# --- the answers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderAnswer:
    """The bot's answer about placed orders; `cancel` is the order to cancel now, if any;
    `resume` whether the cart flow's prompt follows (the shopper was ordering)."""

    replies: tuple[r.Reply, ...]
    cancel: ShopperOrder | None = None
    offer_menu: bool = False


def _named(orders: Sequence[ShopperOrder], number: str) -> ShopperOrder | None:
    return next((o for o in orders if same_number(number, o.order_number)), None)


def answer_question(
    question: OrderQuestion, orders: Sequence[ShopperOrder], language: Language
) -> OrderAnswer:
    """ "Where is my order?" or "cancel my order", answered from this chat's own orders
    (`orders`, newest first): an order of anyone else is simply not among them."""
    if question.number is not None:
        named = _named(orders, question.number)
        if named is None:
            return OrderAnswer((r.text(order_say("not_found", language, number=question.number)),))
        if question.ask is OrderAsk.CANCEL:
            return _confirm_step(named, language)
        return OrderAnswer((r.text(describe([named], language)),))
    if question.ask is OrderAsk.CANCEL:
        return _which_to_cancel(orders, language)
    if not orders:
        return OrderAnswer((r.text(order_say("no_orders", language)),), offer_menu=True)
    return OrderAnswer((r.text(describe(orders[:SHOWN], language)),))


def _which_to_cancel(orders: Sequence[ShopperOrder], language: Language) -> OrderAnswer:
    open_ = [o for o in orders if o.status in CANCELLABLE][:SHOWN]
    if len(open_) == 1:
        return _confirm_step(open_[0], language)
    if open_:
        choices = [(f"{CHOOSE_PREFIX}{o.order_id}", o.order_number) for o in open_]
        summary = describe(open_, language)
        message = r.body(order_say("which_to_cancel", language), summary)
        return OrderAnswer((r.buttons(message, *choices),))
    shipped = next((o for o in orders if o.status is OrderStatus.SHIPPED), None)
    if shipped is not None:
        return OrderAnswer((r.text(order_say("shipped", language, number=shipped.order_number)),))
    return OrderAnswer((r.text(order_say("none_to_cancel", language)),), offer_menu=True)


def _confirm_step(order: ShopperOrder, language: Language) -> OrderAnswer:
    if order.status not in CANCELLABLE:
        return OrderAnswer((r.text(not_cancellable(order, language)),))
    message = r.body(order_say("cancel_sure", language, number=order.order_number),
                     describe([order], language))  # fmt: skip
    return OrderAnswer((r.buttons(
        message,
        (f"{YES_PREFIX}{order.order_id}", order_say("yes_cancel", language)),
        (f"{KEEP_PREFIX}{order.order_id}", order_say("keep", language)),
    ),))  # fmt: skip


def not_cancellable(order: ShopperOrder, language: Language) -> str:
    key = {
        OrderStatus.SHIPPED: "shipped",
        OrderStatus.DELIVERED: "delivered",
        OrderStatus.CANCELLED: "already_cancelled",
        OrderStatus.RETURNED: "returned",
    }[order.status]
    return order_say(key, language, number=order.order_number)


def answer_tap(reply_id: str, orders: Sequence[ShopperOrder], language: Language) -> OrderAnswer:
    """A tap on a cancel step's button, checked against this chat's own orders as they are
    now: another chat's order id, or one that has shipped since, cancels nothing."""
    for prefix in (CHOOSE_PREFIX, YES_PREFIX, KEEP_PREFIX):
        if reply_id.startswith(prefix):
            order = next((o for o in orders if str(o.order_id) == reply_id[len(prefix) :]), None)
            break
    else:
        raise ValueError(f"not a cancel step's button: {reply_id}")
    if order is None:
        return OrderAnswer((r.text(order_say("tap_not_found", language)),))
    if prefix == KEEP_PREFIX:
        return OrderAnswer((r.text(order_say("kept", language, number=order.order_number)),))
    if prefix == CHOOSE_PREFIX:
        return _confirm_step(order, language)
    if order.status not in CANCELLABLE:
        return OrderAnswer((r.text(not_cancellable(order, language)),))
    return OrderAnswer((), cancel=order)


def is_order_tap(reply_id: str | None) -> bool:
    return bool(reply_id) and reply_id.startswith("myorder:")  # type: ignore[union-attr]


def describe(orders: Sequence[ShopperOrder], language: Language) -> str:
    """Each order: number and date, status, items, total and the tracking link if any."""
    return "\n\n".join(_one(o, language) for o in orders)


def _one(order: ShopperOrder, language: Language) -> str:
    lines = [
        f"{order.order_number} · {order_date(order.placed_at, language)}",
        order_say("status_line", language, status=order_say(f"status_{order.status}", language)),
        *(f"• {qty} × {r.clip(name, 60)}" for name, qty in order.items[:10]),
        order_say("total_line", language, total=order.total),
    ]
    if len(order.items) > 10:
        lines.insert(12, f"• … (+{len(order.items) - 10})")
    if order.tracking_url:
        lines.append(order_say("tracking_line", language, url=order.tracking_url))
    return "\n".join(lines)


_MONTHS = {
    Language.UR: "جنوری فروری مارچ اپریل مئی جون جولائی اگست ستمبر اکتوبر نومبر دسمبر".split(),
}
_LATIN_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def order_date(at: datetime, language: Language) -> str:
    months = _MONTHS.get(language, _LATIN_MONTHS)
    return f"{at.day} {months[at.month - 1]} {at.year}"


def cancel_command(
    message: InboundMessageReceived, order: ShopperOrder, *, now: datetime
) -> ChangeOrderStatus:
    """The ledger command for a cancel the shopper confirmed in chat (actor `customer`): one
    per tap, so a redelivered tap names the command the ledger already handled."""
    return ChangeOrderStatus(
        **caused_by(message, command_id_for(message.business_id, message.body.wamid), now=now),
        body=ChangeOrderStatusBody(order_id=order.order_id, status=OrderStatus.CANCELLED,
                                   actor=Actor.CUSTOMER, reason=CANCEL_REASON),
    )  # fmt: skip
