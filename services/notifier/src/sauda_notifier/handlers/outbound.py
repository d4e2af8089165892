"""The conversation's requests: free-form messages to record and send, STOP / START."""

from collections.abc import Callable, Sequence
from datetime import datetime

from sauda_contracts.whatsapp import (
    ContactOptOutChanged,
    NoticeKind,
    SendWhatsAppMessage,
)
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.store import Cause, NotifierUnitOfWork, PgNotifierStore
from sauda_notifier.domain.facts import Account, Notice, notice_id_for
from sauda_notifier.domain.message_log import Message, new_chat_message
from sauda_notifier.handlers.common import count_recorded
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.retrying import Clock

log = get_logger(__name__)


async def handle_outbound_batch(
    commands: Sequence[SendWhatsAppMessage | ContactOptOutChanged],
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    wake: Callable[[], None],
    clock: Clock,
) -> list[Message]:
    """A batch of the conversation's requests, in order, in one transaction: each free-form
    message recorded once (its message key), each STOP / START applied once; returns the
    messages queued for sending."""
    if not commands:
        return []
    accounts = {c.business_id: await accounts.of_business(c.business_id) for c in commands}
    now = clock()
    queued: list[Message] = []
    async with store.unit_of_work() as uow:
        fresh = await uow.first_times("outbound", [c.event_id for c in commands])
        for command in commands:
            if command.event_id not in fresh:
                continue  # redelivered, here or in an earlier batch
            fresh.discard(command.event_id)
            if isinstance(command, ContactOptOutChanged):
                await _opt_out(uow, command)
                continue
            with bound_contextvars(**_outbound_context(command)):
                message = await _record_outbound(uow, command, accounts[command.business_id], now)
            queued += [message] if message else []
    if queued:
        wake()
    count_recorded(queued, [])
    return queued


def _outbound_context(command: SendWhatsAppMessage) -> dict[str, str | None]:
    body = command.body
    return {
        "business_id": str(command.business_id),
        "order_id": str(body.order_id) if body.order_id else None,
        "correlation_id": command.correlation_id,
        "message_key": body.message_key,
    }


async def _record_outbound(
    uow: NotifierUnitOfWork, command: SendWhatsAppMessage, account: Account | None, now: datetime
) -> Message | None:
    body = command.body
    cause = Cause(command.business_id, command.correlation_id, str(command.event_id))
    if account is None:
        notice = Notice(
            notice_id=notice_id_for(command.event_id, NoticeKind.WHATSAPP_NOT_CONNECTED),
            kind=NoticeKind.WHATSAPP_NOT_CONNECTED,
            message="A WhatsApp message was not sent: WhatsApp is not connected for this business.",
            order_id=body.order_id,
            customer_phone=body.customer_phone,
            customer_user_id=None if body.customer_phone else body.customer_user_id,
            details={"message_key": body.message_key},
        )
        await uow.raise_notices([notice], cause, now)
        log.warning("outbound_without_account")
        return None
    message = new_chat_message(body, account, correlation_id=command.correlation_id, now=now)
    if not await uow.add_message(message, cause, now):
        log.info("outbound_duplicate_key")
        return None
    return message


async def _opt_out(uow: NotifierUnitOfWork, command: ContactOptOutChanged) -> None:
    """STOP / START from a shopper (typed, or set in WhatsApp and reported by Meta): reminders
    (and any marketing) honour it from now on. The contact is the chat (`chat_identity`)."""
    body = command.body
    await uow.set_opt_out(command.business_id, body.chat_with, body.opted_out)
    log.info("contact_opt_out", opted_out=body.opted_out, business_id=str(command.business_id),
             correlation_id=command.correlation_id)  # fmt: skip
