"""Meta's webhook in, topics out: the signature checked, the payload read, and what it carried
queued on the WhatsApp topics through the outbox, keyed by business + the chat (`chat_identity`:
the phone, or Meta's user id for a username user who shares none).

A shopper's marketing preference set in WhatsApp itself goes to `whatsapp.outbound.v1` as the
same opt-out a typed STOP makes (and on the same key), so the notifier applies a chat's
opt-outs in the order they happened, whichever way they came."""

from collections import Counter
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import orjson

from sauda_contracts import Topic
from sauda_contracts.whatsapp import (
    ContactOptOutChanged,
    InboundMessageReceived,
    MessageStatusReported,
    TemplateStatusChanged,
    chat_key,
)
from sauda_gateway import clock
from sauda_gateway.integrations.meta import webhook as meta
from sauda_gateway.integrations.meta.domain import InvalidPayload, InvalidSignature
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.outbox import Outbox
from sauda_runtime.kit import OutboxRow
from sauda_runtime.logging import get_logger

log = get_logger(__name__)


def _stable_id(*parts: str) -> UUID:
    """Meta retries a webhook with the same contents: the same fact gets the same event id."""
    return uuid5(NAMESPACE_URL, "sauda:" + ":".join(parts))


async def receive_whatsapp_webhook(
    raw: bytes,
    signature: str | None,
    *,
    app_secret: str,
    accounts: WhatsAppAccounts,
    outbox: Outbox,
    correlation_id: str,
) -> int:
    """Check Meta's signature, then queue what the webhook carried on its topics (one
    transaction). Returns how many messages were queued."""
    if not meta.signature_ok(app_secret, raw, signature):
        raise InvalidSignature("X-Hub-Signature-256 is missing or does not match the body",
                               field="X-Hub-Signature-256")  # fmt: skip
    try:
        payload: Any = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidPayload(f"not a WhatsApp webhook: the body is not JSON ({exc})",
                             field="body") from None  # fmt: skip
    if not isinstance(payload, dict):
        raise InvalidPayload("not a WhatsApp webhook: the body is not a JSON object", field="body")
    received = meta.read_webhook(payload)
    now = clock.now()
    rows: list[OutboxRow] = []

    async def business_of(phone_number_id: str) -> UUID | None:
        account = await accounts.by_phone_number_id(phone_number_id)
        if account is None:
            log.warning("webhook_unknown_number", phone_number_id=phone_number_id)
        return account.business_id if account else None

    for body in received.inbound:
        if (business_id := await business_of(body.phone_number_id)) is not None:
            event = InboundMessageReceived(
                event_id=_stable_id("inbound", body.wamid), occurred_at=now,
                business_id=business_id, correlation_id=correlation_id, body=body,
            )  # fmt: skip
            rows.append((Topic.WHATSAPP_INBOUND, chat_key(business_id, body.chat_with),
                         event.to_bytes()))  # fmt: skip
    for status in received.statuses:
        if (business_id := await business_of(status.phone_number_id)) is not None:
            report = MessageStatusReported(
                event_id=_stable_id("status", status.wamid, status.status), occurred_at=now,
                business_id=business_id, correlation_id=correlation_id, body=status,
            )  # fmt: skip
            rows.append((Topic.WHATSAPP_STATUS, chat_key(business_id, status.chat_with),
                         report.to_bytes()))  # fmt: skip
    for review in received.templates:
        for account in await accounts.by_waba_id(review.waba_id):
            changed = TemplateStatusChanged(
                event_id=_stable_id("template", str(account.business_id), review.name,
                                    review.language, review.status),
                occurred_at=now, business_id=account.business_id,
                correlation_id=correlation_id, body=review,
            )  # fmt: skip
            rows.append((Topic.WHATSAPP_STATUS, str(account.business_id).encode(),
                         changed.to_bytes()))  # fmt: skip
    for pref in received.preferences:
        if (business_id := await business_of(pref.phone_number_id)) is not None:
            body = pref.body
            changed = ContactOptOutChanged(
                event_id=_stable_id("preference", str(business_id), body.chat_with,
                                    str(body.opted_out), body.at.isoformat()),
                occurred_at=now, business_id=business_id, correlation_id=correlation_id,
                body=body,
            )  # fmt: skip
            rows.append((Topic.WHATSAPP_OUTBOUND, chat_key(business_id, body.chat_with),
                         changed.to_bytes()))  # fmt: skip
    _log_left_alone(received)
    await outbox.publish(rows)
    return len(rows)


def _log_left_alone(received: meta.Received) -> None:
    """What the webhook carried that Sauda does not publish: kinds it ignores (counted), items
    it could not read (each with why), and errors Meta reported for a whole value."""
    if received.ignored:
        log.info("webhook_items_ignored", ignored=dict(Counter(received.ignored)))
    for why in received.unreadable:
        log.warning("webhook_item_unreadable", why=why)
    for error in received.errors:
        log.warning("webhook_meta_error", code=error.code, title=error.title, details=error.details)
