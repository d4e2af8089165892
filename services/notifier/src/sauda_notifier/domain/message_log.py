"""The message log: one row per message, its send state, and the notices about it."""

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from sauda_contracts.identity import identity_fields
from sauda_contracts.templates import TEMPLATES
from sauda_contracts.whatsapp import (
    DeliveryStatus,
    GraphError,
    MessagePurpose,
    MessageRecordedBody,
    NoticeKind,
    OutboundKind,
    SendMessageBody,
    StatusChange,
)
from sauda_notifier.domain.facts import Account, Notice, message_id_for, notice_id_for
from sauda_notifier.domain.graph_requests import (
    chat_request,
    template_call_request,
    template_request,
)
from sauda_notifier.domain.merchant import chat_text
from sauda_notifier.domain.templates import TemplateMessage

D = DeliveryStatus


MessageKind = Literal[
    "template", "text", "buttons", "list", "image", "document", "audio", "video", "sticker"
]


class SendState(StrEnum):
    """The sending discipline, apart from the status the rest of Sauda sees."""

    QUEUED = "queued"  # to be sent (first time, or waiting on a retry topic until next_attempt_at)
    SENDING = "sending"  # claimed and committed; the Graph call is (or was) in flight
    DONE = "done"  # sent, failed for good, or skipped


@dataclass(frozen=True, slots=True)
class Message:
    """One row of the message log."""

    message_id: UUID
    business_id: UUID
    dedupe_key: str
    phone_number_id: str
    # Whom it goes to, `chat_identity`: the phone, or Meta's user id of a username shopper (the
    # column kept its name; a phone shopper's rows are as they were).
    customer_phone: str
    order_id: UUID | None
    purpose: MessagePurpose
    template: str | None
    language: str | None
    kind: MessageKind
    text: str
    request: dict[str, Any]
    state: SendState
    status: DeliveryStatus
    attempts: int
    history: tuple[StatusChange, ...]
    revision: int
    correlation_id: str
    created_at: datetime
    wamid: str | None = None
    error: GraphError | None = None
    claimed_at: datetime | None = None
    next_attempt_at: datetime | None = None
    order_number: str | None = None  # joined from the order, for notices


S = DeliveryStatus
# The one table of a message's life: the statuses each status may move to. A message is queued
# (or skipped, or scheduled for the end of the shop's quiet hours) when recorded; an attempt leaves it sent, retrying or failed; Meta's receipts move
# it forward only (sent < delivered < read; failed unless already delivered). A receipt may name
# a skipped message by our id: it can only mean Meta has it.
ALLOWED: dict[DeliveryStatus, frozenset[DeliveryStatus]] = {
    S.SCHEDULED: frozenset({S.QUEUED, S.SKIPPED}),  # its time came: sent, or not after all
    S.QUEUED: frozenset({S.SKIPPED, S.RETRYING, S.SENT, S.DELIVERED, S.READ, S.FAILED}),
    S.RETRYING: frozenset({S.RETRYING, S.SENT, S.DELIVERED, S.READ, S.FAILED}),
    S.SKIPPED: frozenset({S.SENT, S.DELIVERED, S.READ, S.FAILED}),
    S.SENT: frozenset({S.DELIVERED, S.READ, S.FAILED}),
    S.DELIVERED: frozenset({S.READ}),
    S.READ: frozenset(),
    S.FAILED: frozenset(),
}


class InvalidTransition(ValueError):
    """A step the FSM table does not allow (a bug in the caller, never Meta's doing)."""


@dataclass(frozen=True, slots=True)
class StatusMoved:
    """One step of a message's life: its new status and send state, when, and the error it
    carries; `wamid` (if given) is the id Meta gave it; `retry_at` (if given) is when the next
    attempt is due, the claim released until then."""

    status: DeliveryStatus
    at: datetime
    state: SendState
    error: GraphError | None
    wamid: str | None = None
    retry_at: datetime | None = None


def evolve(message: Message, event: StatusMoved) -> Message:
    """The message once `event` is recorded (its history grows by one); a step the table
    forbids raises."""
    if event.status not in ALLOWED[message.status]:
        raise InvalidTransition(f"a message cannot move from {message.status} to {event.status}")
    update: dict[str, Any] = {}
    if event.wamid is not None:
        update["wamid"] = event.wamid
    if event.retry_at is not None:
        update |= {"next_attempt_at": event.retry_at, "claimed_at": None}
    change = StatusChange(status=event.status, at=event.at, error=event.error)
    return dataclasses.replace(
        message,
        status=event.status,
        state=event.state,
        error=event.error,
        history=(*message.history, change),
        revision=message.revision + 1,
        **update,
    )


def new_template_message(
    msg: TemplateMessage,
    account: Account,
    *,
    approved: bool,
    template_status: str | None,
    correlation_id: str,
    now: datetime,
) -> tuple[Message, list[Notice]]:
    """The log row for a template message: queued to send, or skipped if Meta has not approved
    the template (the order's status changed all the same; that is not the notifier's call)."""
    message_id = message_id_for(account.business_id, msg.dedupe_key)
    name, code = msg.meta_ref
    message = Message(
        **_first_record(message_id, msg.dedupe_key, account, correlation_id, now, queued=approved),
        customer_phone=msg.to,
        order_id=msg.order_id,
        purpose=msg.purpose,
        template=name,
        language=code,
        kind="template",
        text=TEMPLATES[msg.purpose].render(msg.language, msg.params)[:4096],
        request=template_request(msg, message_id),
        order_number=msg.order_number,
    )
    if approved:
        return message, []
    return message, [not_approved_notice(message, template_status or "UNKNOWN")]


def not_approved_notice(message: Message, template_status: str) -> Notice:
    about = f"order {message.order_number}" if message.order_number else "a message"
    return Notice(
        notice_id=notice_id_for(message.message_id, NoticeKind.TEMPLATE_NOT_APPROVED),
        kind=NoticeKind.TEMPLATE_NOT_APPROVED,
        message=f"WhatsApp template {message.template} ({message.language}) is not approved "
        f"by Meta ({template_status}), so the {message.purpose.value} message for {about} "
        "was not sent.",
        order_id=message.order_id,
        order_number=message.order_number,
        **recipient(message),
        details={
            "template": message.template or "",
            "language": message.language or "",
            "template_status": template_status,
            "purpose": message.purpose.value,
        },
    )


def new_chat_message(
    body: SendMessageBody,
    account: Account,
    *,
    correlation_id: str,
    now: datetime,
    template: tuple[str, str] | None = None,
    refused: GraphError | None = None,
) -> Message:
    """The log row of a message asked for on whatsapp.outbound.v1: queued to send, or skipped
    with the reason Sauda `refused` it. A template goes by the (name, language) resolved from
    the notifier's template book."""
    key = f"out:{body.message_key}"
    message_id = message_id_for(account.business_id, key)
    request: dict[str, Any] = {}
    if body.kind is OutboundKind.TEMPLATE:
        if template is not None:
            request = template_call_request(body, *template, message_id)
    else:
        request = chat_request(body, message_id)
    first = _first_record(message_id, key, account, correlation_id, now, queued=refused is None)
    if refused is not None:
        first |= {"error": refused, "history": (StatusChange(status=D.SKIPPED, at=now,
                                                             error=refused),)}  # fmt: skip
    return Message(
        **first,
        customer_phone=body.chat_with,
        order_id=body.order_id,
        purpose=MessagePurpose.MERCHANT if body.merchant else MessagePurpose.CHAT,
        template=template[0] if template else None,
        language=template[1] if template else None,
        kind=body.media.type.value if body.media is not None else body.kind.value,
        text=chat_text(body, template)[:4096],
        request=request,
    )


def _first_record(
    message_id: UUID,
    dedupe_key: str,
    account: Account,
    correlation_id: str,
    now: datetime,
    *,
    queued: bool,
) -> dict[str, Any]:
    """A new message's record besides what it says: whose it is, and queued to send now or
    (not `queued`) skipped and done."""
    status = D.QUEUED if queued else D.SKIPPED
    return {
        "message_id": message_id,
        "business_id": account.business_id,
        "dedupe_key": dedupe_key,
        "phone_number_id": account.phone_number_id,
        "state": SendState.QUEUED if queued else SendState.DONE,
        "status": status,
        "attempts": 0,
        "history": (StatusChange(status=status, at=now),),
        "revision": 1,
        "correlation_id": correlation_id,
        "created_at": now,
        "next_attempt_at": now if queued else None,
    }


def skip(message: Message, now: datetime, reason: GraphError | None = None) -> Message:
    return evolve(message, StatusMoved(D.SKIPPED, now, SendState.DONE, error=reason))


def send_again(message: Message, now: datetime) -> Message | None:
    """A message that failed for good, queued once more with its attempts counted afresh (an
    operator re-drove its dead letter); None if it is not failed for good (already sent again,
    or never failed). The one step back from `failed`, outside the receipts' table on purpose:
    only an operator takes it."""
    if message.status is not D.FAILED or message.state is not SendState.DONE:
        return None
    change = StatusChange(status=D.QUEUED, at=now, error=None)
    return dataclasses.replace(
        message,
        status=D.QUEUED,
        state=SendState.QUEUED,
        attempts=0,
        error=None,
        claimed_at=None,
        next_attempt_at=now,
        history=(*message.history, change),
        revision=message.revision + 1,
    )


def recipient(message: Message) -> dict[str, str]:
    """The message's recipient as a contract names a shopper: `customer_phone`, or
    `customer_user_id` for a username shopper."""
    return identity_fields(message.customer_phone)


def scheduled(message: Message, until: datetime, now: datetime) -> Message:
    """A message recorded now to go at `until` (a COD step held by the shop's quiet hours): in
    the log as `scheduled`, no sender takes it (its send state is done) until `due` frees it."""
    return dataclasses.replace(
        message, status=D.SCHEDULED, state=SendState.DONE, next_attempt_at=until, error=None,
        history=(StatusChange(status=D.SCHEDULED, at=now),),
    )  # fmt: skip


def due(held: Message, fresh: Message, now: datetime) -> Message:
    """A scheduled message whose time came, as `fresh` (the same message built now) would be
    recorded: queued to send, or skipped (opted out since, template withdrawn)."""
    return evolve(dataclasses.replace(held, next_attempt_at=None),
                  StatusMoved(fresh.status, now, fresh.state, fresh.error))  # fmt: skip


def snapshot(message: Message) -> MessageRecordedBody:
    # The snapshot is the message's own fields, its text cut to the wire's limit.
    fields = {name: getattr(message, name) for name in MessageRecordedBody.model_fields
              if name not in ("customer_phone", "customer_user_id", "scheduled_for")}  # fmt: skip
    when = message.next_attempt_at if message.status is D.SCHEDULED else None
    return MessageRecordedBody(
        **fields | recipient(message) | {"text": message.text[:4096], "scheduled_for": when}
    )


def failed_notice(message: Message, error: GraphError) -> Notice:
    about = f"order {message.order_number}" if message.order_number else message.customer_phone
    return Notice(
        notice_id=notice_id_for(message.message_id, NoticeKind.MESSAGE_FAILED),
        kind=NoticeKind.MESSAGE_FAILED,
        message=f"The WhatsApp {message.purpose.value} message for {about} failed: "
        f"({error.code}) {error.title}"[:1000],
        order_id=message.order_id,
        order_number=message.order_number,
        **recipient(message),
        details={"code": str(error.code), "message_id": str(message.message_id)},
    )


def opted_out_notice(message: Message) -> Notice:
    return Notice(
        notice_id=notice_id_for(message.message_id, NoticeKind.OPTED_OUT),
        kind=NoticeKind.OPTED_OUT,
        message=f"No {message.purpose.value} message for order {message.order_number}: "
        "the customer opted out of WhatsApp messages.",
        order_id=message.order_id,
        order_number=message.order_number,
        **recipient(message),
    )
