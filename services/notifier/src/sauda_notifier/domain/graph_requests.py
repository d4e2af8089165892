"""The Graph API request bodies of template and free-form (chat) messages."""

from typing import Any
from uuid import UUID

from sauda_contracts.identity import is_user_id
from sauda_contracts.whatsapp import (
    OutboundKind,
    SendMessageBody,
)
from sauda_notifier.domain.templates import TemplateMessage


def addressed_to(chat: str) -> dict[str, str]:
    """Whom a send goes to: `to` a phone, or `recipient` (Meta's user id, which the Cloud API
    takes in place of `to`) for a username user who shares no number."""
    return {"recipient": chat} if is_user_id(chat) else {"to": chat}


def template_request(msg: TemplateMessage, message_id: UUID) -> dict[str, Any]:
    name, code = msg.meta_ref
    components: list[dict[str, Any]] = [
        {"type": "body", "parameters": [{"type": "text", "text": p} for p in msg.params]}
    ]
    components += [
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": str(index),
            "parameters": [{"type": "payload", "payload": payload}],
        }
        for index, payload in enumerate(msg.payloads)
    ]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        **addressed_to(msg.to),
        "type": "template",
        "template": {"name": name, "language": {"code": code}, "components": components},
        "biz_opaque_callback_data": str(message_id),
    }


def chat_request(body: SendMessageBody, message_id: UUID) -> dict[str, Any]:
    request: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        **addressed_to(body.chat_with),
        "biz_opaque_callback_data": str(message_id),
    }
    if body.reply_to:
        request["context"] = {"message_id": body.reply_to}
    if body.kind is OutboundKind.TEXT:
        request |= {"type": "text", "text": {"body": body.text, "preview_url": False}}
        return request
    interactive: dict[str, Any] = {"body": {"text": body.text}}
    if body.header:
        interactive["header"] = {"type": "text", "text": body.header}
    if body.footer:
        interactive["footer"] = {"text": body.footer}
    if body.kind is OutboundKind.BUTTONS:
        interactive["type"] = "button"
        interactive["action"] = {
            "buttons": [
                {"type": "reply", "reply": {"id": b.id, "title": b.title}} for b in body.buttons
            ]
        }
    else:
        assert body.menu is not None
        interactive["type"] = "list"
        interactive["action"] = {
            "button": body.menu.button,
            "sections": [
                {
                    **({"title": s.title} if s.title else {}),
                    "rows": [r.model_dump(exclude_none=True) for r in s.rows],
                }
                for s in body.menu.sections
            ],
        }
    request |= {"type": "interactive", "interactive": interactive}
    return request
