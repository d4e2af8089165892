"""A merchant's sends through the messaging API: the template they name and whether it may go
(approved by Meta; no marketing to a customer who wrote STOP), and what the log shows of each
kind of message."""

from dataclasses import dataclass
from uuid import UUID

from sauda_contracts.identity import identity_fields
from sauda_contracts.sends import TemplateToSend
from sauda_contracts.whatsapp import GraphError, NoticeKind, OutboundKind, SendMessageBody
from sauda_notifier.domain.facts import Notice, notice_id_for

# Meta's codes for what Sauda refuses before calling Meta: the answer Meta would give.
TEMPLATE_UNUSABLE = 132001  # no such template in this language, or not approved
TEMPLATE_PAUSED = 132015
TEMPLATE_DISABLED = 132016
MARKETING_OPTED_OUT = 131050
_BY_STATUS = {"PAUSED": TEMPLATE_PAUSED, "DISABLED": TEMPLATE_DISABLED}
NOT_SENT = "not sent: Sauda decided this before calling Meta"


@dataclass(frozen=True, slots=True)
class TemplateFacts:
    """A template of the WABA as the notifier's book last had it from Meta."""

    name: str
    language: str
    status: str
    category: str | None
    template_id: str | None


def template_ref(call: TemplateToSend, found: TemplateFacts | None) -> tuple[str, str] | None:
    """(name, language) to send: the book's, or the call's own when it names the template; None
    for an id the book does not hold."""
    if found is not None:
        return found.name, found.language
    if call.name is not None and call.language is not None:
        return call.name, call.language
    return None


def template_refusal(
    call: TemplateToSend, found: TemplateFacts | None, *, opted_out: bool
) -> GraphError | None:
    """Why this template may not be sent to this customer, or None. A template named but not in
    the book is sent all the same: the book may be behind Meta, and Meta refuses one it lacks
    (132001), which is recorded as such."""
    if found is None:
        if call.name is None:
            return GraphError(code=TEMPLATE_UNUSABLE, details=NOT_SENT,
                              title=f"template id {call.template_id} is not a template of this "
                              "WhatsApp account")  # fmt: skip
        return None
    status = found.status.upper()
    if status != "APPROVED":
        return GraphError(code=_BY_STATUS.get(status, TEMPLATE_UNUSABLE), details=NOT_SENT,
                          title=f"template {found.name} ({found.language}) is not approved by "
                          f"Meta ({status})")  # fmt: skip
    if opted_out and (found.category or "").upper() == "MARKETING":
        return GraphError(code=MARKETING_OPTED_OUT, details=NOT_SENT,
                          title="the customer opted out (STOP): no marketing templates are "
                          "sent to them")  # fmt: skip
    return None


def chat_text(body: SendMessageBody, ref: tuple[str, str] | None) -> str:
    """What the log shows of a message: its text, a template's name and values, a file."""
    if body.kind is OutboundKind.TEMPLATE:
        call = body.template
        assert call is not None
        name, language = ref or (call.name or f"id {call.template_id}", call.language or "?")
        values = " | ".join(call.body)
        return f"[template {name} ({language})]" + (f" {values}" if values else "")
    if body.kind is OutboundKind.MEDIA:
        media = body.media
        assert media is not None
        shown = media.caption or media.filename or media.link or f"media {media.id}"
        return f"[{media.type.value}] {shown}"
    return body.text


def refusal_notice(message_id: UUID, chat: str, reason: GraphError, template: str | None) -> Notice:
    """What the merchant is told of a send Sauda refused (`chat`: the phone, or a username
    shopper's user id)."""
    kind = (
        NoticeKind.OPTED_OUT if reason.code == MARKETING_OPTED_OUT
        else NoticeKind.TEMPLATE_NOT_APPROVED
    )  # fmt: skip
    return Notice(
        notice_id=notice_id_for(message_id, kind),
        kind=kind,
        message=f"Your WhatsApp message to {chat} was not sent: {reason.title}.",
        **identity_fields(chat),
        details={"message_id": str(message_id), "code": str(reason.code),
                 "template": template or ""},
    )  # fmt: skip
