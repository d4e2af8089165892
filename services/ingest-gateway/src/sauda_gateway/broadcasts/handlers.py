"""The broadcast use cases, shared by Sauda's REST and the Wabotick-compatible route: start a
broadcast (once per idempotency key: the key names the broadcast), read its progress, page
through its recipients' results."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sauda_contracts import Topic
from sauda_contracts.broadcast_api import BroadcastRequest
from sauda_contracts.broadcasts import (
    StartBroadcast,
    StartBroadcastBody,
    broadcast_id_for,
    broadcast_message_id,
)
from sauda_contracts.identity import is_user_id
from sauda_gateway import clock
from sauda_gateway.broadcasts.domain import (
    BroadcastNotFound,
    distinct_phones,
    fingerprint,
    one_way_to_choose,
    recipient_filter,
)
from sauda_gateway.broadcasts.labels import RecipientsForLabel
from sauda_gateway.broadcasts.store import BroadcastRecord, BroadcastStore
from sauda_gateway.domain import Business
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.merchant.domain import WhatsAppNotConnected
from sauda_gateway.messaging.domain import SendKeyReused, idempotency_key
from sauda_gateway.phones import normalize_phone, phone_of
from sauda_runtime.logging import bound_contextvars, get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Started:
    broadcast_id: UUID
    recipients: int
    status: str
    replayed: bool  # the key was used before with this very request: the same broadcast


def template_label(request: BroadcastRequest) -> str:
    call = request.template
    name = call.name or f"id {call.template_id}"
    return f"{name} ({call.language})" if call.language else name


async def _chats(
    request: BroadcastRequest, business: Business, labels: RecipientsForLabel
) -> list[str]:
    """The recipients' chats: a list's phones, or a label's subscribers (phones, and the user
    ids of username subscribers, who share no number)."""
    if request.label_id is not None:
        found = await labels(business.business_id, request.label_id)
        usable = [c for raw in found if (c := _label_chat(raw, business))]
        return distinct_phones(usable, lambda c, _: c, field="label_id")
    assert request.recipients is not None
    return distinct_phones(request.recipients,
                           lambda raw, field: phone_of(raw, business, field=field))  # fmt: skip


def _label_chat(chat: str, business: Business) -> str | None:
    return chat if is_user_id(chat) else normalize_phone(chat, business.default_country)


async def start_broadcast(
    request: BroadcastRequest,
    *,
    business: Business,
    raw_key: str | None,
    correlation_id: str,
    accounts: WhatsAppAccounts,
    broadcasts: BroadcastStore,
    labels: RecipientsForLabel,
    wake_relay: Callable[[], None],
) -> Started:
    """Record the broadcast, its recipients and its StartBroadcast in one transaction and wake
    the relay; the notifier runs it. A retry with the key answers the same broadcast."""
    if await accounts.of_business(business.business_id) is None:
        raise WhatsAppNotConnected("no WhatsApp number is connected: nothing can be sent")
    one_way_to_choose(request)
    chats = await _chats(request, business, labels)
    key = idempotency_key(raw_key, clock.new_id())
    broadcast_id = broadcast_id_for(business.business_id, key)
    digest = fingerprint(request, chats)
    with bound_contextvars(broadcast_id=str(broadcast_id), correlation_id=correlation_id):
        earlier = await broadcasts.find(business.business_id, key)
        if earlier is not None:
            return _replay(earlier, digest)
        users = tuple(c for c in chats if is_user_id(c))
        body = StartBroadcastBody(broadcast_id=broadcast_id, template=request.template,
                                  recipients=tuple(c for c in chats if not is_user_id(c)),
                                  recipient_user_ids=users or None, label_id=request.label_id)  # fmt: skip
        chats = list(body.chats)  # the order the notifier numbers them in
        command = StartBroadcast(**clock.fresh_envelope(business, correlation_id), body=body)
        new = await broadcasts.record(
            business_id=business.business_id, broadcast_id=broadcast_id, key=key,
            body_hash=digest, template_label=template_label(request), label_id=request.label_id,
            chats=chats,
            message_ids=[broadcast_message_id(business.business_id, broadcast_id, c)
                         for c in chats],
            command=(Topic.WHATSAPP_OUTBOUND.value, str(business.business_id).encode(),
                     command.to_bytes()),
        )  # fmt: skip
        if not new:  # the same key, a moment ago, from another request
            again = await broadcasts.find(business.business_id, key)
            assert again is not None
            return _replay(again, digest)
        wake_relay()
        log.info("broadcast_accepted", recipients=len(chats), business_id=str(business.business_id))
        return Started(broadcast_id, len(chats), "accepted", replayed=False)


def _replay(earlier: BroadcastRecord, digest: str) -> Started:
    if earlier.body_hash != digest:
        raise SendKeyReused(details={"broadcast_id": str(earlier.broadcast_id)})
    log.info("broadcast_replayed")
    return Started(earlier.broadcast_id, earlier.total, earlier.status, replayed=True)


def broadcast_ident(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise BroadcastNotFound() from None


async def find_broadcast(
    business: Business, raw: str, *, broadcasts: BroadcastStore
) -> dict[str, Any]:
    found = await broadcasts.get(business.business_id, broadcast_ident(raw))
    if found is None:
        raise BroadcastNotFound()
    return found


async def broadcast_recipients(
    business: Business, raw: str, *, status: str | None, limit: int, offset: int,
    broadcasts: BroadcastStore,
) -> dict[str, Any]:  # fmt: skip
    broadcast_id = broadcast_ident(raw)
    if await broadcasts.get(business.business_id, broadcast_id) is None:
        raise BroadcastNotFound()
    rows, total = await broadcasts.recipients(
        business.business_id, broadcast_id, status=recipient_filter(status), limit=limit,
        offset=offset,
    )  # fmt: skip
    return {"recipients": rows, "total": total, "limit": limit, "offset": offset}
