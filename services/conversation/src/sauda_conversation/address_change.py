"""The change-address use case: a tapped "Change address" opens a change for one of this chat's
own orders; the next messages (the typed address, the read-back's Yes / No) move it, in the
kit's transaction; a confirmed address goes to the ledger as a ChangeDeliveryAddress command.
Questions about orders mid-change are the order questions' (the change stays open); a question
the shop's FAQs answer is answered and the step asked again."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sauda_contracts import Topic
from sauda_contracts.language import Language
from sauda_contracts.templates import CodAction
from sauda_contracts.whatsapp import InboundMessageReceived, chat_key
from sauda_conversation.adapters.address_changes import load_change, save_change
from sauda_conversation.adapters.shopper_orders import orders_of_chat
from sauda_conversation.adapters.store import TapCommand, remember_tap
from sauda_conversation.domain.address import (
    address_command,
    address_turn,
    start_address_change,
    still_open,
)
from sauda_conversation.domain.chat import reply_sends
from sauda_conversation.domain.flow import Said, Session, language_after
from sauda_conversation.domain.intents import is_question
from sauda_conversation.domain.replies import Reply
from sauda_conversation.domain.shop import Ranker, Shelf, Shop
from sauda_conversation.order_questions import order_ask
from sauda_runtime.kit import Transaction
from sauda_runtime.logging import get_logger

log = get_logger(__name__)


async def begin_address_change(
    tx: Transaction, message: InboundMessageReceived, order_id: UUID, *, language: Language,
    now: datetime,
) -> int:  # fmt: skip
    """The shopper tapped "Change address" for `order_id` (the COD message's button, or any
    other message's that names an order): ask for the new address if the order is this chat's
    own and still open, else say why not. Returns the replies queued. Callable from any
    handler that runs in the kit's transaction for the shopper's message."""
    chat = message.body.chat_with
    orders = await orders_of_chat(tx.conn, message.business_id, chat)
    started = start_address_change(order_id, orders, language)
    if started.change is not None:
        await save_change(tx.conn, message.business_id, chat, started.change, now)
    log.info("address_change_started", order_id=str(order_id), opened=started.change is not None,
             correlation_id=message.correlation_id)  # fmt: skip
    return _send(tx, message, started.replies, now, order_id=order_id)


async def continue_address_change(
    tx: Transaction, message: InboundMessageReceived, session: Session, said: Said, shop: Shop,
    *, ranker: Ranker, now: datetime,
) -> int | None:  # fmt: skip
    """Move the chat's open change by this message; None when none is open or the message is
    not for it (the rest of the bot answers it)."""
    chat = message.body.chat_with
    change = await load_change(tx.conn, message.business_id, chat)
    if change is None or not still_open(change, now) or order_ask(session, said) is not None:
        return None
    language = language_after(session.language, said.text)
    faq = None
    if said.text and is_question(said.text) and (found := Shelf(shop, ranker).answer(said.text)):
        faq = found.answer
    moved = address_turn(change, text=said.text, reply_id=said.reply_id, language=language,
                         faq=faq)  # fmt: skip
    if moved is None:
        return None
    queued = 0
    if moved.confirmed is not None:
        command = address_command(message, change.order_id, moved.confirmed, now=now)
        # Remembered as a tap's would be, so a refusal (delivered meanwhile) is answered.
        await remember_tap(tx.conn, TapCommand(command.event_id, message.business_id, chat,
                                               change.order_id, change.order_number,
                                               CodAction.CHANGE_ADDRESS.value,
                                               message.body.wamid))  # fmt: skip
        tx.publish(Topic.ORDERS_COMMANDS, str(change.order_id), command.to_bytes())
        queued += 1
    await save_change(tx.conn, message.business_id, chat, moved.change, now)
    log.info("address_change_turn", order_id=str(change.order_id), step_from=change.step.value,
             step_to=moved.change.step.value if moved.change else "done",
             confirmed=moved.confirmed is not None,
             correlation_id=message.correlation_id)  # fmt: skip
    return queued + _send(tx, message, moved.replies, now, order_id=change.order_id)


def _send(tx: Transaction, message: InboundMessageReceived, replies: Sequence[Reply],
          now: datetime, *, order_id: UUID) -> int:  # fmt: skip
    key = chat_key(message.business_id, message.body.chat_with)
    sends = reply_sends(message, replies, now=now, order_id=order_id)
    for send in sends:
        tx.publish(Topic.WHATSAPP_OUTBOUND, key, send.to_bytes())
    return len(sends)
