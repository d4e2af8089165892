"""Requests on whatsapp.outbound.v1 (the conversation's and the merchant's): messages to record
and send, each once, templates checked against the template book first; STOP / START; a
broadcast to start (the broadcaster sends it); a failed send an operator re-drove; a sequence
to assign or remove (the sequencer sends its steps)."""

from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID

from sauda_contracts.broadcasts import StartBroadcast
from sauda_contracts.cart_recovery import SetCartRecovery
from sauda_contracts.cod_policy import CodPolicyChanged
from sauda_contracts.dead_letters import RedriveMessage
from sauda_contracts.handover import ChatHandedOver
from sauda_contracts.media import UploadMedia
from sauda_contracts.sequences import AssignSequence, RemoveSequence, StopReason
from sauda_contracts.template_admin import CreateTemplate, SyncTemplates
from sauda_contracts.whatsapp import (
    AnyOutbound,
    ContactOptOutChanged,
    NoticeKind,
    OutboundKind,
    SendWhatsAppMessage,
)
from sauda_notifier.adapters import carts
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.cod_policies import keep_policy
from sauda_notifier.adapters.media import MediaUploader
from sauda_notifier.adapters.store import Cause, NotifierUnitOfWork, PgNotifierStore
from sauda_notifier.adapters.template_lookup import find_template
from sauda_notifier.domain.facts import Account, Notice, handover_notice, notice_id_for
from sauda_notifier.domain.merchant import (
    TemplateFacts,
    refusal_notice,
    template_ref,
    template_refusal,
)
from sauda_notifier.domain.message_log import Message, new_chat_message, send_again
from sauda_notifier.handlers.broadcasts import start_broadcast
from sauda_notifier.handlers.common import count_recorded
from sauda_notifier.handlers.media import handle_uploads
from sauda_notifier.handlers.sequences import assign_sequence, remove_sequence, stop_chat
from sauda_notifier.handlers.template_admin import handle_template_requests
from sauda_notifier.handlers.templates import TemplateBook
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.retrying import Clock

log = get_logger(__name__)


async def handle_outbound_batch(
    batch: Sequence[AnyOutbound],
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    templates: TemplateBook,
    wake: Callable[[], None],
    clock: Clock,
    media: MediaUploader | None = None,
) -> list[Message]:
    """A batch of requests, in order, in one transaction: each message recorded once (its
    message key), each STOP / START applied once; returns the messages queued for sending.
    The templates named are looked up first (a sync with Meta may be needed), outside it.
    Uploads (about no chat) and a merchant's template requests (create, sync) are carried out
    first, each in its own transaction."""
    uploads = [c for c in batch if isinstance(c, UploadMedia)]
    if uploads:
        await handle_uploads(uploads, store=store, accounts=accounts, media=media, wake=wake,
                             clock=clock)  # fmt: skip
    requests = [c for c in batch if isinstance(c, CreateTemplate | SyncTemplates)]
    if requests:
        await handle_template_requests(requests, store=store, accounts=accounts,
                                       templates=templates, wake=wake, clock=clock)  # fmt: skip
    commands = [c for c in batch if not isinstance(c, UploadMedia | CreateTemplate | SyncTemplates)]
    if not commands:
        return []
    accounts = {c.business_id: await accounts.of_business(c.business_id) for c in commands}
    found = await _templates_named(commands, accounts, store=store, templates=templates)
    now = clock()
    queued: list[Message] = []
    async with store.unit_of_work() as uow:
        fresh = await uow.first_times("outbound", [c.event_id for c in commands])
        for command in commands:
            if command.event_id not in fresh:
                continue  # redelivered, here or in an earlier batch
            fresh.discard(command.event_id)
            if isinstance(command, ContactOptOutChanged):
                await _opt_out(uow, command, now)
                continue
            if isinstance(command, AssignSequence):
                await assign_sequence(uow, command, now)
                continue
            if isinstance(command, RemoveSequence):
                await remove_sequence(uow, command, now)
                continue
            if isinstance(command, StartBroadcast):
                await start_broadcast(uow, command, clock)
                continue
            if isinstance(command, CodPolicyChanged):
                await keep_policy(uow.conn, command)
                continue
            if isinstance(command, SetCartRecovery):
                await carts.set_delay(uow.conn, command)
                continue
            if isinstance(command, ChatHandedOver):
                await uow.raise_notices([handover_notice(command)], _cause(command), now)
                continue
            if isinstance(command, RedriveMessage):
                queued += await _redrive(uow, command, now)
                continue
            with bound_contextvars(**_outbound_context(command)):
                message = await _record_outbound(uow, command, accounts[command.business_id],
                                                 now, found.get(command.event_id))  # fmt: skip
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


async def _templates_named(
    commands: Sequence[AnyOutbound],
    accounts: dict[UUID, Account | None],
    *,
    store: PgNotifierStore,
    templates: TemplateBook,
) -> dict[UUID, TemplateFacts | None]:
    """The book's entry of each template send's template; one not in the book is looked up
    again after a sync with Meta (unless one ran moments ago)."""
    found: dict[UUID, TemplateFacts | None] = {}
    for command in commands:
        account = accounts[command.business_id]
        if not isinstance(command, SendWhatsAppMessage) or account is None:
            continue
        call = command.body.template
        if command.body.kind is not OutboundKind.TEMPLATE or call is None:
            continue
        entry = await find_template(store.pool, account.waba_id, call)
        if entry is None and await templates.sync(account, force=False):
            entry = await find_template(store.pool, account.waba_id, call)
        found[command.event_id] = entry
    return found


async def _record_outbound(
    uow: NotifierUnitOfWork,
    command: SendWhatsAppMessage,
    account: Account | None,
    now: datetime,
    template: TemplateFacts | None,
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
    ref, refused = None, None
    if body.kind is OutboundKind.TEMPLATE and body.template is not None:
        opted_out = await uow.opted_out(command.business_id, body.chat_with)
        ref = template_ref(body.template, template)
        refused = template_refusal(body.template, template, opted_out=opted_out)
    message = new_chat_message(body, account, correlation_id=command.correlation_id, now=now,
                               template=ref, refused=refused)  # fmt: skip
    if not await uow.add_message(message, cause, now):
        log.info("outbound_duplicate_key")
        return None
    if refused is not None:
        notice = refusal_notice(message.message_id, body.chat_with, refused, message.template)
        await uow.raise_notices([notice], cause, now)
        log.info("outbound_refused", code=refused.code, reason=refused.title,
                 message_id=str(message.message_id))  # fmt: skip
        return None
    return message


async def _redrive(
    uow: NotifierUnitOfWork, command: RedriveMessage, now: datetime
) -> list[Message]:
    """A message that failed for good, queued again (once: the command is claimed, and a message
    no longer failed is left as it is)."""
    message_id = command.body.message_id
    found = (await uow.load_messages([message_id], lock=True)).get(message_id)
    again = send_again(found, now) if found and found.business_id == command.business_id else None
    log.info("message_redriven" if again else "redrive_ignored", message_id=str(message_id),
             letter_id=str(command.body.letter_id), business_id=str(command.business_id),
             correlation_id=command.correlation_id,
             status=found.status.value if found else None)  # fmt: skip
    if again is None:
        return []
    await uow.save_message(again, Cause(command.business_id, command.correlation_id,
                                        str(command.event_id)), now)  # fmt: skip
    return [again]


async def _opt_out(uow: NotifierUnitOfWork, command: ContactOptOutChanged, now: datetime) -> None:
    """STOP / START from a shopper (typed, or set in WhatsApp and reported by Meta): reminders
    (and any marketing) honour it from now on, and STOP ends their sequences. The contact is
    the chat (`chat_identity`)."""
    body = command.body
    await uow.set_opt_out(command.business_id, body.chat_with, body.opted_out)
    if body.opted_out:
        await stop_chat(uow.conn, command.business_id, body.chat_with, StopReason.OPTED_OUT, now)
    log.info("contact_opt_out", opted_out=body.opted_out, business_id=str(command.business_id),
             correlation_id=command.correlation_id)  # fmt: skip


def _cause(command: ChatHandedOver) -> Cause:
    return Cause(command.business_id, command.correlation_id, str(command.event_id))
