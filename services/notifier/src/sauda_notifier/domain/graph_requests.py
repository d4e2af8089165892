"""The Graph API request bodies of template, free-form (chat) and media messages."""

from typing import Any
from uuid import UUID

from sauda_contracts.identity import is_user_id
from sauda_contracts.sends import MediaToSend, TemplateToSend
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
        request |= {"type": "text", "text": {"body": body.text, "preview_url": body.preview_url}}
        return request
    if body.kind is OutboundKind.MEDIA:
        assert body.media is not None
        kind = body.media.type.value
        return request | {"type": kind, kind: media_object(body.media)}
    if body.kind is OutboundKind.TEMPLATE:
        raise ValueError("a template is sent by template_call_request, once it is resolved")
    interactive: dict[str, Any] = {"body": {"text": body.text}}
    if body.header_media:
        kind = body.header_media.type.value
        interactive["header"] = {"type": kind, kind: media_object(body.header_media)}
    elif body.header:
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


def media_object(media: MediaToSend) -> dict[str, Any]:
    """Meta's `{link | id, caption?, filename?}` of a media message or header."""
    found = {"link": media.link, "id": media.id, "caption": media.caption,
             "filename": media.filename}  # fmt: skip
    return {key: value for key, value in found.items() if value is not None}


def template_call_request(
    body: SendMessageBody, name: str, language: str, message_id: UUID
) -> dict[str, Any]:
    """A merchant's template (`name`, `language` as Meta knows it) with its parameters."""
    call = body.template
    assert call is not None
    components: list[dict[str, Any]] = []
    if call.header is not None:
        components.append({"type": "header", "parameters": [_header_parameter(call)]})
    if call.body:
        components.append(
            {"type": "body", "parameters": [{"type": "text", "text": p} for p in call.body]}
        )
    for button in call.buttons:
        value = (
            {"type": "payload", "payload": button.value}
            if button.sub_type == "quick_reply"
            else {"type": "text", "text": button.value}
        )
        components.append({"type": "button", "sub_type": button.sub_type,
                           "index": str(button.index), "parameters": [value]})  # fmt: skip
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if components:
        template["components"] = components
    request: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        **addressed_to(body.chat_with),
        "type": "template",
        "template": template,
        "biz_opaque_callback_data": str(message_id),
    }
    if body.reply_to:
        request["context"] = {"message_id": body.reply_to}
    return request


def _header_parameter(call: TemplateToSend) -> dict[str, Any]:
    header = call.header
    assert header is not None
    if header.media is None:
        return {"type": "text", "text": header.text}
    kind = header.media.type.value
    return {"type": kind, kind: media_object(header.media)}
