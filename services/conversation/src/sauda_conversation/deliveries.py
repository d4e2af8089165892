"""The shopper's tap under a failed-delivery message: the answer to the ledger (once per
attempt) and the bot's reply, in the kit's transaction (published through the outbox)."""

from datetime import datetime

from sauda_contracts import Topic
from sauda_contracts.whatsapp import InboundMessageReceived, chat_key
from sauda_conversation.address_change import begin_address_change
from sauda_conversation.domain.chat import reply_sends
from sauda_conversation.domain.deliveries import (
    DeliveryTap,
    answer_command,
    reply_to_answer,
    starts_address_change,
)
from sauda_conversation.domain.replies import Reply
from sauda_runtime.kit import Transaction
from sauda_runtime.logging import get_logger

log = get_logger(__name__)


async def answer_delivery(
    tx: Transaction, message: InboundMessageReceived, tap: DeliveryTap, *, now: datetime
) -> int:
    """Record the first answer to the attempt and send it to the ledger; a later tap (the same
    button again, or another) only hears that the first answer stands. Returns records queued."""
    first = await tx.conn.fetchval(
        "INSERT INTO delivery_answers (business_id, order_id, attempt, answer, wamid, answered_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING true",
        message.business_id, tap.order_id, tap.attempt, tap.answer.value, message.body.wamid, now,
    )  # fmt: skip
    queued = 0
    if first:
        command = answer_command(message, tap, now=now)
        tx.publish(Topic.ORDERS_COMMANDS, str(tap.order_id), command.to_bytes())
        queued += 1
    log.info("delivery_answer", order_id=str(tap.order_id), attempt=tap.attempt,
             answer=tap.answer.value, first=bool(first),
             correlation_id=message.correlation_id)  # fmt: skip
    if starts_address_change(tap, first=bool(first)):
        return queued + await begin_address_change(tx, message, tap.order_id,
                                                   language=tap.language, now=now)  # fmt: skip
    sends = reply_sends(message, [Reply(reply_to_answer(tap, first=bool(first)))], now=now,
                            order_id=tap.order_id)  # fmt: skip
    key = chat_key(message.business_id, message.body.chat_with)
    for send in sends:
        tx.publish(Topic.WHATSAPP_OUTBOUND, key, send.to_bytes())
    return queued + len(sends)
