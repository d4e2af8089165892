"""Meta's WhatsApp webhooks: the signature check, and a delivery read into Sauda's contracts.

Pure functions: bytes and dicts in, contract bodies out. Reading is lenient and total: unknown
fields and fields of unknown changes are ignored, a string may be an int and the other way
round, and an item that cannot be read is counted and logged, never a refusal, because Meta
adds fields without notice and a webhook we refuse is a webhook Meta retries for days.
"""

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from sauda_contracts.whatsapp import (
    GraphError,
    InboundMessageBody,
    OptOutBody,
    StatusReportBody,
    TemplateStatusBody,
)
from sauda_gateway.integrations.meta import payloads
from sauda_gateway.integrations.meta.payloads import Ignored, obj, objs, text_of

OBJECT = "whatsapp_business_account"
# Changes Sauda reads; any other `field` (quality, category, account updates) is ignored.
MESSAGES, PREFERENCES, TEMPLATE_STATUS = (
    "messages",
    "user_preferences",
    "message_template_status_update",
)


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`, in constant time."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


@dataclass(frozen=True, slots=True)
class Preference:
    """A shopper's marketing preference, by the business number it was set for."""

    phone_number_id: str
    body: OptOutBody


@dataclass(slots=True)
class Received:
    """What one webhook carried: per business number, messages, receipts and preferences; per
    WABA, template reviews; and what was left alone (`ignored`) or could not be read
    (`unreadable`, each with why), for the log."""

    inbound: list[InboundMessageBody] = field(default_factory=list)
    statuses: list[StatusReportBody] = field(default_factory=list)
    preferences: list[Preference] = field(default_factory=list)
    templates: list[TemplateStatusBody] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    errors: list[GraphError] = field(default_factory=list)  # Meta's own, of a whole value

    def take(self, into: list[Any], what: str, read: Callable[..., Any], *args: Any) -> None:
        """Read one item with `read(*args)`: its body into `into`, or noted as ignored or
        unreadable."""
        try:
            item = read(*args)
        except (ValidationError, ValueError, TypeError, KeyError) as exc:
            self.unreadable.append(f"{what}: {_why(exc)}")
            return
        if isinstance(item, Ignored):
            self.ignored.append(item.what)
        else:
            into.append(item)


def _why(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"[:200]
    return str(exc)[:200]


def read_webhook(payload: Any) -> Received:
    """Everything a decoded webhook body carries, in the order Meta put it."""
    received = Received()
    payload = obj(payload)
    if text_of(payload.get("object")) != OBJECT:
        received.ignored.append(f"object:{text_of(payload.get('object'))}")
        return received
    for entry in objs(payload.get("entry")):
        waba_id = text_of(entry.get("id")) or ""
        for change in objs(entry.get("changes")):
            _read_change(received, waba_id, text_of(change.get("field")), obj(change.get("value")))
    return received


def _read_change(received: Received, waba_id: str, kind: str | None, value: dict[str, Any]) -> None:
    if kind == TEMPLATE_STATUS:
        received.take(received.templates, "template status", _template_status, waba_id, value)
        return
    if kind not in (MESSAGES, PREFERENCES):
        received.ignored.append(f"field:{kind}")
        return
    number = text_of(obj(value.get("metadata")).get("phone_number_id"))
    if not number:
        received.unreadable.append(f"{kind}: no metadata.phone_number_id")
        return
    contacts = objs(value.get("contacts"))
    received.errors.extend(payloads.graph_errors(value.get("errors")))
    for msg in objs(value.get("messages")):
        received.take(received.inbound, "message", payloads.inbound, number, msg, contacts)
    for st in objs(value.get("statuses")):
        received.take(received.statuses, "status", payloads.status, number, st, contacts)
    for pref in objs(value.get("user_preferences")):
        received.take(received.preferences, "user preference", _preference, number, pref,
                      contacts)  # fmt: skip


def _preference(
    number: str, pref: dict[str, Any], contacts: list[dict[str, Any]]
) -> Preference | Ignored:
    body = payloads.preference(pref, contacts)
    return body if isinstance(body, Ignored) else Preference(number, body)


def _template_status(waba_id: str, value: dict[str, Any]) -> TemplateStatusBody:
    """A template's review result (`message_template_status_update`)."""
    name, event = text_of(value.get("message_template_name")), text_of(value.get("event"))
    if not name or not event:
        raise ValueError("no message_template_name or event")
    return TemplateStatusBody(
        waba_id=waba_id,
        name=name,
        language=(text_of(value.get("message_template_language")) or "")[:20],
        status=event[:40],
        reason=(text_of(value.get("reason")) or "")[:500] or None,
    )
