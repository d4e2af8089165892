"""The order-questions use case: "where is my order?", a typed order number, "cancel my order"
and the taps of its steps, answered from the chat's own orders in the kit's transaction; a
cancel the shopper confirmed goes to the ledger as a ChangeOrderStatus command. Mid-cart, the
cart's prompt follows the answer, as after an FAQ."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from sauda_contracts import Topic
from sauda_contracts.templates import CodAction
from sauda_contracts.whatsapp import InboundMessageReceived
from sauda_conversation.adapters.shopper_orders import orders_of_chat
from sauda_conversation.adapters.store import TapCommand, remember_tap, save_session
from sauda_conversation.domain import replies as r
from sauda_conversation.domain.flow import Said, Session, Step, language_after, resume
from sauda_conversation.domain.my_orders import (
    OrderAnswer,
    answer_question,
    answer_tap,
    cancel_command,
    is_order_tap,
)
from sauda_conversation.domain.order_intents import OrderAsk, OrderQuestion, order_question
from sauda_conversation.domain.replies import Reply
from sauda_conversation.domain.shop import Ranker, Shelf, Shop
from sauda_runtime.kit import Transaction
from sauda_runtime.logging import get_logger

log = get_logger(__name__)


def order_ask(session: Session, said: Said) -> OrderQuestion | str | None:
    """What of this message is about placed orders: a cancel step's tap (its reply id), a
    question, or None. A bare "cancel" while a cart is open is the cart's own."""
    if is_order_tap(said.reply_id):
        return said.reply_id
    if said.reply_id or not said.text:
        return None
    question = order_question(said.text)
    ordering = session.step is not Step.IDLE or bool(session.cart)
    if question and question.ask is OrderAsk.CANCEL and question.number is None and ordering:
        return None
    return question


async def answer_orders(
    tx: Transaction,
    message: InboundMessageReceived,
    session: Session,
    said: Said,
    shop: Shop,
    *,
    ranker: Ranker,
    now: datetime,
    send: Callable[[Sequence[Reply]], int],
) -> int | None:
    """Answer a message about placed orders; None when it is not one (the flow takes it)."""
    ask = order_ask(session, said)
    if ask is None:
        return None
    body = message.body
    s = replace(session, language=language_after(session.language, said.text))
    orders = await orders_of_chat(tx.conn, message.business_id, body.chat_with)
    answer: OrderAnswer = (
        answer_tap(ask, orders, s.language) if isinstance(ask, str)
        else answer_question(ask, orders, s.language)
    )  # fmt: skip
    queued = 0
    if answer.cancel is not None:
        order = answer.cancel
        command = cancel_command(message, order, now=now)
        # Remembered as a tap's would be, so a refusal (it shipped meanwhile) is answered.
        await remember_tap(tx.conn, TapCommand(command.event_id, message.business_id,
                                               body.chat_with, order.order_id, order.order_number,
                                               CodAction.CANCEL.value, body.wamid))  # fmt: skip
        tx.publish(Topic.ORDERS_COMMANDS, str(order.order_id), command.to_bytes())
        queued += 1
        log.info("chat_order_cancel", order_id=str(order.order_id),
                 correlation_id=message.correlation_id)  # fmt: skip
    shelf = Shelf(shop, ranker)
    ordering = s.step is not Step.IDLE or bool(s.cart)
    replies = list(answer.replies)
    more: tuple[Reply, ...] = ()
    if ordering:
        resumed = resume(s, shelf)
        s, more = resumed.session, resumed.replies
    elif answer.offer_menu and shelf.in_stock:  # the menu's button under the answer itself
        replies[-1] = r.buttons(replies[-1].text, (r.MENU, r.say("order_now", s.language)))
    queued += send([*replies, *more])
    await save_session(tx.conn, message.business_id, body.chat_with, s, now)
    log.info("chat_order_question", ask=ask if isinstance(ask, str) else ask.ask.value,
             orders=len(orders), resumed=bool(more) and ordering,
             correlation_id=message.correlation_id)  # fmt: skip
    return queued
