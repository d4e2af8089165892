"""The merchant's messaging use cases, shared by Sauda's REST and the Wabotick-compatible routes:
send a message (once per idempotency key, free-form only inside the customer's window), look a
message up, connect a WhatsApp number."""

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from asyncpg.exceptions import UniqueViolationError

from sauda_contracts import Topic
from sauda_contracts.messaging import SendMessageRequest, WhatsAppConnectRequest
from sauda_contracts.sends import outbound_message_id
from sauda_contracts.whatsapp import SendWhatsAppMessage, chat_key
from sauda_gateway import clock
from sauda_gateway.chats import recipient
from sauda_gateway.domain import Business
from sauda_gateway.merchant.accounts import WhatsAppAccount, WhatsAppAccounts
from sauda_gateway.merchant.domain import WhatsAppNotConnected
from sauda_gateway.messaging.domain import (
    MessageNotFound,
    SendKeyReused,
    WhatsAppNumberTaken,
    accepted,
    fingerprint,
    idempotency_key,
    inside_window,
    needs_window,
    send_body,
    window_refusal,
)
from sauda_gateway.messaging.store import MessageRequests, SendRecord
from sauda_gateway.messaging.waiting import SendWaiter
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.secrets import SecretBox

log = get_logger(__name__)


@dataclass(frozen=True)
class Sent:
    answer: dict[str, Any]  # a MessageAccepted
    replayed: bool  # the key was used before with this very request: no second send


async def send_message(
    request: SendMessageRequest,
    *,
    business: Business,
    raw_key: str | None,
    correlation_id: str,
    accounts: WhatsAppAccounts,
    requests: MessageRequests,
    waiter: SendWaiter | None,
    wake_relay: Callable[[], None],
    wait_seconds: float,
) -> Sent:
    """Record the send and its SendWhatsAppMessage in one statement (the key decides whether
    it is new), wake the relay, and wait a moment for the notifier's record."""
    if await accounts.of_business(business.business_id) is None:
        raise WhatsAppNotConnected("no WhatsApp number is connected: nothing can be sent")
    chat = recipient(request.to, request.user_id, business, phone_field="to")
    key = idempotency_key(raw_key, clock.new_id())
    body = send_body(request, chat=chat, key=key)
    digest = fingerprint(request, chat)
    message_id = outbound_message_id(business.business_id, body.message_key)
    with bound_contextvars(message_id=str(message_id), kind=request.type):
        earlier = await requests.find(business.business_id, key)
        if earlier is not None:
            return await _replay(business, earlier, digest, requests)
        if needs_window(request.type):
            last = await requests.last_inbound(business.business_id, chat)
            if not inside_window(last, clock.now()):
                log.info("message_send_outside_window")
                raise window_refusal(chat, last, field="to" if request.user_id is None
                                     else "user_id")  # fmt: skip
        command = SendWhatsAppMessage(**clock.fresh_envelope(business, correlation_id), body=body)
        row = (Topic.WHATSAPP_OUTBOUND.value, chat_key(business.business_id, chat),
               command.to_bytes())  # fmt: skip
        with waiter.expect(message_id) if waiter is not None else nullcontext() as expectation:
            new, record = await requests.record(
                business_id=business.business_id, key=key, message_id=message_id,
                body_hash=digest, chat=chat, kind=request.type, text=request.text,
                command=row,
            )  # fmt: skip
            if not new:  # the same key, a moment ago, from another request
                return await _replay(business, record, digest, requests)
            wake_relay()
            log.info("message_send_accepted")
            outcome = await expectation.wait(wait_seconds) if expectation is not None else None
        return Sent(accepted(message_id, outcome), replayed=False)


async def _replay(
    business: Business, earlier: SendRecord, digest: str, requests: MessageRequests
) -> Sent:
    if earlier.body_hash != digest:
        raise SendKeyReused(details={"message_id": str(earlier.message_id)})
    found = await requests.message(business.business_id, earlier.message_id)
    log.info("message_send_replayed")
    return Sent(accepted(earlier.message_id, found), replayed=True)


def message_ident(raw: str) -> UUID | str:
    """A message is named by Sauda's id or by Meta's wamid."""
    try:
        return UUID(raw)
    except ValueError:
        return raw


async def find_message(
    business: Business, raw: str, *, requests: MessageRequests
) -> dict[str, Any]:
    found = await requests.message(business.business_id, message_ident(raw))
    if found is None:
        raise MessageNotFound()
    return found


async def connect_number(
    business: Business,
    request: WhatsAppConnectRequest,
    *,
    accounts: WhatsAppAccounts,
    box: SecretBox,
    graph_url: str,
) -> WhatsAppAccount:
    """Connect (or reconnect) the business's number; its admin phone and language are kept."""
    current = await accounts.of_business(business.business_id)
    same = current is not None and current.phone_number_id == request.phone_number_id
    try:
        account = await accounts.connect(
            business.business_id,
            phone_number_id=request.phone_number_id,
            waba_id=request.waba_id,
            access_token=request.access_token,
            box=box,
            graph_url=graph_url,
            api_version=request.api_version,
            display_phone_number=request.display_phone_number
            or (current.display_phone_number if same and current else None),
            admin_phone=current.admin_phone if current else None,
            language=current.language if current else "en",
            sandbox=False,
        )
    except UniqueViolationError:
        raise WhatsAppNumberTaken() from None
    log.info("whatsapp_connected", business_id=str(business.business_id),
             phone_number_id=account.phone_number_id, waba_id=account.waba_id)  # fmt: skip
    return account
