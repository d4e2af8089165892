"""Pure decisions of the merchant's sends: the 24-hour customer window, the idempotency key and
the request's fingerprint, the wire message a request becomes, and the refusals."""

import hashlib
import json
import re
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sauda_contracts.identity import identity_fields
from sauda_contracts.messaging import MEDIA_TYPES, SendMessageRequest, send_kind
from sauda_contracts.sends import (
    FREE_FORM,
    MediaKind,
    MediaToSend,
    media_problem,
    shape_problem,
)
from sauda_contracts.whatsapp import OutboundKind, SendMessageBody
from sauda_gateway.domain import Conflict, InvalidField, NotFound

# WhatsApp's customer service window: free-form messages only this long after the customer's
# last message.
CUSTOMER_WINDOW = timedelta(hours=24)

# A request still `accepted` (not yet recorded) or `queued` by the notifier is waited on; any
# other status is an answer worth giving at once.
UNSETTLED = frozenset({"accepted", "queued"})

_KEY = re.compile(r"^[\x21-\x7e]{1,190}$")  # printable ASCII, no spaces (message_key ≤ 200)


class OutsideCustomerWindow(Conflict, code="outside_customer_window"): ...


class MessageNotFound(NotFound, code="message_not_found", message="no such message"): ...


class SendKeyReused(
    Conflict,
    code="idempotency_key_reused",
    message="this Idempotency-Key was already used with a different request",
    field="Idempotency-Key",
): ...


class WhatsAppNumberTaken(
    Conflict,
    code="whatsapp_number_taken",
    message="this WhatsApp number is connected to another business",
    field="phone_number_id",
): ...


def inside_window(last_inbound: datetime | None, now: datetime) -> bool:
    """Whether a free-form message may go: the customer wrote less than 24 hours ago."""
    return last_inbound is not None and now - last_inbound < CUSTOMER_WINDOW


def needs_window(send_type: str) -> bool:
    """Every message but a template needs the customer's window open."""
    return send_kind(send_type) in FREE_FORM


def window_refusal(chat: str, last_inbound: datetime | None, *, field: str) -> Conflict:
    since = (
        f"last wrote at {last_inbound.isoformat(timespec='seconds')}"
        if last_inbound is not None
        else "has never written to this number"
    )
    return OutsideCustomerWindow(
        f"{chat} {since}: WhatsApp allows free-form messages only within the 24-hour "
        "customer service window after the customer's last message; send an approved "
        "template instead",
        field=field,
        details={**identity_fields(chat), "last_inbound_at": last_inbound.isoformat()
                 if last_inbound else None},
    )  # fmt: skip


def idempotency_key(raw: str | None, fresh: UUID) -> str:
    """The request's key (the header's, or a `fresh` one: a request without a key is never
    deduplicated); a key that cannot be one is refused."""
    if raw is None:
        return f"auto-{fresh.hex}"
    if not _KEY.match(raw):
        raise InvalidField(
            "Idempotency-Key: 1 to 190 printable characters, no spaces", field="Idempotency-Key"
        )
    return raw


def message_key(key: str) -> str:
    """The notifier's message key of an API send: its own space, apart from the chat's keys."""
    return f"api:{key}"


def fingerprint(request: SendMessageRequest, chat: str) -> str:
    """The request as it will be sent (the phone read into digits): a retry hashes the same. A
    phone send hashes as it did before `user_id` existed."""
    if request.user_id is None:
        data = request.model_dump(mode="json", exclude={"user_id"}) | {"to": chat}
    else:
        data = request.model_dump(mode="json") | {"user_id": chat}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def send_body(request: SendMessageRequest, *, chat: str, key: str) -> SendMessageBody:
    """The notifier's command body for this request; a shape Meta would refuse is refused here,
    naming the request's field."""
    kind = send_kind(request.type)
    media = None
    if request.media is not None:
        if request.type not in MEDIA_TYPES:
            raise InvalidField(f"media: a {request.type} message has no media", field="media")
        media_kind = MediaKind(request.type)
        if (wrong := media_problem(media_kind, request.media)) is not None:
            raise InvalidField(f"media.{wrong[0]}: {wrong[1]}", field=f"media.{wrong[0]}")
        media = MediaToSend(type=media_kind, **request.media.model_dump())
    problem = shape_problem(
        kind, text=request.text, header=request.header, footer=request.footer,
        buttons=len(request.buttons), menu=request.menu is not None,
        header_media=request.header_media, template=request.template, media=media,
    )  # fmt: skip
    if problem is not None:
        raise InvalidField(f"{problem[0]}: {problem[1]}", field=problem[0])
    for part in ("id", "title"):
        if len({getattr(b, part) for b in request.buttons}) != len(request.buttons):
            raise InvalidField(f"buttons: each button's {part} must be unique", field="buttons")
    fields: dict[str, Any] = {
        **identity_fields(chat), "message_key": message_key(key), "kind": OutboundKind(kind),
        "text": request.text, "header": request.header, "footer": request.footer,
        "buttons": request.buttons, "menu": request.menu, "reply_to": request.reply_to,
        "header_media": request.header_media, "template": request.template, "media": media,
        "preview_url": request.preview_url, "merchant": True,
    }  # fmt: skip
    return SendMessageBody(**fields)


def accepted(message_id: UUID, found: dict[str, Any] | None) -> dict[str, Any]:
    """A send's answer: the notifier's record as far as it got, or `accepted` without one."""
    if found is None:
        return {"message_id": str(message_id), "status": "accepted", "wamid": None, "error": None}
    return {"message_id": str(message_id), "status": found["status"],
            "wamid": found.get("wamid"), "error": found.get("error")}  # fmt: skip
