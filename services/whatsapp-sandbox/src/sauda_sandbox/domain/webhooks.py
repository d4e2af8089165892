"""Webhook payloads and ids as Meta shapes them: wamids, signatures, envelopes, statuses (§3).

Inbound messages and template status updates are built here too, so every byte a receiver sees
comes from one module.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Literal

from sauda_sandbox.domain.graph import async_error


def message_id(wa: str, nonce: str) -> str:
    """A `wamid.` id shaped like Meta's: base64 of a small record holding the wa_id and a nonce."""
    raw = (
        b"\x1c\x18"
        + bytes([len(wa)])
        + wa.encode()
        + b"\x15\x02\x00\x11\x18\x12"
        + nonce.upper().encode()
        + b"\x00"
    )
    return "wamid." + base64.b64encode(raw).decode().rstrip("=")


def signature(app_secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 header value for a raw webhook body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def conversation_id(phone_number_id: str, wa: str, category: str, started: int) -> str:
    return hashlib.md5(
        f"{phone_number_id}:{wa}:{category}:{started}".encode(), usedforsecurity=False
    ).hexdigest()


def envelope(
    waba_id: str, field: str, value: dict[str, Any], *, time: int | None = None
) -> dict[str, Any]:
    """One POST's body: one entry (the WABA) with one change. Account-level fields (template
    updates) carry the entry's unix `time`, as Meta's do; message fields do not."""
    entry: dict[str, Any] = {"id": waba_id}
    if time is not None:
        entry["time"] = time
    entry["changes"] = [{"value": value, "field": field}]
    return {"object": "whatsapp_business_account", "entry": [entry]}


def messages_value(display_phone_number: str, phone_number_id: str, **parts: Any) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": display_phone_number,
            "phone_number_id": phone_number_id,
        },
        **parts,
    }


@dataclass(frozen=True)
class StatusFacts:
    """What a status webhook says about one business message."""

    message_id: str
    recipient: dict[str, str]  # recipient_id (sent to a phone), recipient_user_id, parent_…
    status: Literal["sent", "delivered", "read", "failed"]
    at: int
    category: str
    conversation_id: str
    conversation_expires: int
    in_window: bool
    callback_data: str | None = None
    error: dict[str, Any] | None = None


def status_item(facts: StatusFacts) -> dict[str, Any]:
    """One `value.statuses[]` item (fact sheet §3.5), per-message pricing (PMP)."""
    item: dict[str, Any] = {
        "id": facts.message_id,
        "status": facts.status,
        "timestamp": str(facts.at),
        **facts.recipient,
    }
    if facts.status == "failed":
        item["errors"] = [facts.error or async_error(131000)]
    else:
        conversation: dict[str, Any] = {
            "id": facts.conversation_id,
            "origin": {"type": facts.category},
        }
        if facts.status == "sent":
            conversation["expiration_timestamp"] = str(facts.conversation_expires)
        free = facts.category == "service" or (facts.category == "utility" and facts.in_window)
        item["conversation"] = conversation
        item["pricing"] = {
            "billable": not free,
            "pricing_model": "PMP",
            "type": "free_customer_service" if free else "regular",
            "category": facts.category,
        }
    if facts.callback_data is not None:
        item["biz_opaque_callback_data"] = facts.callback_data
    return item


RejectionReason = Literal[
    "ABUSIVE_CONTENT",
    "INCORRECT_CATEGORY",
    "INVALID_FORMAT",
    "PROMOTIONAL",
    "SCAM",
    "TAG_CONTENT_MISMATCH",
    "NONE",
]


def template_status_value(
    template: dict[str, Any],
    event: str,
    reason: str | None,
    rejection_info: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The `message_template_status_update` value announcing a template's new status: `reason`
    is one of Meta's rejection reasons for REJECTED (INVALID_FORMAT unless given), else NONE."""
    value: dict[str, Any] = {
        "event": event,
        "message_template_id": int(template["id"]),
        "message_template_name": template["name"],
        "message_template_language": template["language"],
        "reason": reason or ("INVALID_FORMAT" if event == "REJECTED" else "NONE"),
        "message_template_category": template["category"],
    }
    if rejection_info is not None:
        value["rejection_info"] = rejection_info
    return value


def template_category_value(template: dict[str, Any], previous: str) -> dict[str, Any]:
    """The `template_category_update` value: Meta recategorised a template."""
    return {
        "message_template_id": int(template["id"]),
        "message_template_name": template["name"],
        "message_template_language": template["language"],
        "previous_category": previous,
        "new_category": template["category"],
    }
