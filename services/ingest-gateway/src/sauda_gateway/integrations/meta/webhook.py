"""Meta's WhatsApp webhooks: the signature check and the payload read into Sauda's contracts.

Pure functions: bytes and dicts in, contract bodies out. Meta's payloads are read leniently
(unknown fields ignored, unknown message types kept as `other`), because Meta adds fields
without notice and a webhook we refuse is a webhook Meta retries for days.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from sauda_contracts.whatsapp import (
    GraphError,
    InboundKind,
    InboundMessageBody,
    StatusReportBody,
    TemplateStatusBody,
)


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`, in constant time."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Metadata(_Lenient):
    phone_number_id: str
    display_phone_number: str | None = None


class _Value(_Lenient):
    metadata: _Metadata | None = None
    contacts: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    statuses: list[dict[str, Any]] = []
    # message_template_status_update
    event: str | None = None
    message_template_name: str | None = None
    message_template_language: str | None = None
    reason: str | None = None


class _Change(_Lenient):
    field: str
    value: _Value


class _Entry(_Lenient):
    id: str
    changes: list[_Change] = []


class MetaWebhook(_Lenient):
    object: str
    entry: list[_Entry] = []


@dataclass(frozen=True, slots=True)
class Received:
    """What one webhook carried: per business number, messages and receipts; per WABA, reviews."""

    inbound: list[InboundMessageBody]
    statuses: list[StatusReportBody]
    templates: list[TemplateStatusBody]
    skipped: int  # items that could not be read (logged, acknowledged, not published)


def _when(raw: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(raw), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return datetime.now(UTC)


def _inbound(
    phone_number_id: str, msg: dict[str, Any], names: dict[str, str]
) -> InboundMessageBody:
    meta_type = str(msg.get("type", ""))
    kind, text, reply_id = InboundKind.OTHER, None, None
    if meta_type == "text":
        kind, text = InboundKind.TEXT, (msg.get("text") or {}).get("body")
    elif meta_type == "button":
        button = msg.get("button") or {}
        kind, text, reply_id = InboundKind.BUTTON, button.get("text"), button.get("payload")
    elif meta_type == "interactive":
        interactive = msg.get("interactive") or {}
        sub = interactive.get("type")
        if sub in ("button_reply", "list_reply"):
            reply = interactive.get(sub) or {}
            kind = InboundKind.BUTTON_REPLY if sub == "button_reply" else InboundKind.LIST_REPLY
            text, reply_id = reply.get("title"), reply.get("id")
    sender = str(msg.get("from", ""))
    return InboundMessageBody(
        phone_number_id=phone_number_id,
        customer_phone=sender,
        wamid=str(msg["id"]),
        sent_at=_when(msg.get("timestamp")),
        kind=kind,
        meta_type=meta_type[:40] or "unknown",
        text=text[:4096] if isinstance(text, str) else None,
        reply_id=reply_id[:256] if isinstance(reply_id, str) else None,
        context_wamid=(msg.get("context") or {}).get("id"),
        profile_name=(names.get(sender) or None),
    )


def _status(phone_number_id: str, st: dict[str, Any]) -> StatusReportBody:
    errors = tuple(
        GraphError(
            code=int(e.get("code", 0)),
            title=str(e.get("title") or e.get("message") or "")[:500],
            details=((e.get("error_data") or {}).get("details") or None),
        )
        for e in st.get("errors") or ()
    )
    return StatusReportBody(
        phone_number_id=phone_number_id,
        customer_phone=str(st.get("recipient_id", "")),
        wamid=str(st["id"]),
        status=st["status"],
        at=_when(st.get("timestamp")),
        errors=errors,
        callback_data=st.get("biz_opaque_callback_data"),
    )


def read_webhook(payload: MetaWebhook) -> Received:
    inbound: list[InboundMessageBody] = []
    statuses: list[StatusReportBody] = []
    templates: list[TemplateStatusBody] = []
    skipped = 0
    for entry in payload.entry:
        for change in entry.changes:
            value = change.value
            if change.field == "message_template_status_update":
                if value.event and value.message_template_name:
                    templates.append(
                        TemplateStatusBody(
                            waba_id=entry.id,
                            name=value.message_template_name,
                            language=value.message_template_language or "",
                            status=value.event,
                            reason=value.reason,
                        )
                    )
                continue
            if change.field != "messages" or value.metadata is None:
                continue
            number = value.metadata.phone_number_id
            names = {
                str(c.get("wa_id")): str((c.get("profile") or {}).get("name") or "")[:200]
                for c in value.contacts
            }
            for msg in value.messages:
                try:
                    inbound.append(_inbound(number, msg, names))
                except (KeyError, ValidationError, ValueError):
                    skipped += 1
            for st in value.statuses:
                if st.get("status") not in ("sent", "delivered", "read", "failed"):
                    continue  # `deleted`, `played`: nothing Sauda acts on
                try:
                    statuses.append(_status(number, st))
                except (KeyError, ValidationError, ValueError):
                    skipped += 1
    return Received(inbound, statuses, templates, skipped)
