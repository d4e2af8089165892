"""Wabotick's forms read into Sauda's sends, and Sauda's answers written in Wabotick's shapes.
Pure: no I/O, no clock; a form Sauda cannot read is refused naming the form's own field."""

import json
import re
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sauda_contracts.broadcast_api import BroadcastRequest
from sauda_contracts.messaging import SendMessageRequest, WhatsAppConnectRequest
from sauda_contracts.sends import MEDIA_RULES, MediaKind, link_extension
from sauda_contracts.wabotick import (
    BroadcastFlowData,
    BroadcastTemplateForm,
    ConnectForm,
    ConversationForm,
    SendButtonsForm,
    SendFileForm,
    SendTemplateForm,
    SendTextForm,
)
from sauda_gateway.domain import InvalidField, MissingField

F = TypeVar("F", bound=BaseModel)

# Sauda's field names as the document calls them, so a refusal names what the caller sent.
FORM_FIELDS = {
    "to": "phone_number", "text": "message", "header": "button_header_text",
    "footer": "button_footer_text", "header_media": "media_url", "media": "media_url",
    "media.link": "media_url", "media.id": "media_id", "media.caption": "media_caption_text",
    "media.filename": "media_name", "template": "template_id", "template.body": "parameters",
    "template.header": "header_parameter", "template.buttons": "button_payloads",
    "X-API-Key": "apiToken", "waba_id": "whatsapp_business_account_id",
}  # fmt: skip


def form_field(field: str | None) -> str | None:
    """The form's name of a Sauda field (or of the nearest field holding it)."""
    if field is None:
        return None
    parts = field.split(".")
    for end in range(len(parts), 0, -1):
        if (named := FORM_FIELDS.get(".".join(parts[:end]))) is not None:
            return named
    return field


def parse(model: type[F], form: dict[str, Any]) -> F:
    """The form as `model`; a missing or bad field is refused by its name."""
    try:
        return model.model_validate(form)
    except ValidationError as exc:
        raise _refusal(exc) from None


def _refusal(exc: ValidationError, *, rename: bool = False) -> InvalidField | MissingField:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or None
    if rename:
        field = form_field(field)
    if first["type"] == "missing":
        return MissingField(f"{field} is required", field=field)
    return InvalidField(f"{field or 'the form'}: {first['msg']}", field=field)


def _request(**fields: Any) -> SendMessageRequest:
    try:
        return SendMessageRequest.model_validate(fields)
    except ValidationError as exc:
        raise _refusal(exc, rename=True) from None


def json_list(value: str | list[Any] | None, field: str) -> list[Any]:
    """A JSON array given as text (a form) or as itself (a JSON body)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    try:
        found = json.loads(value)
    except ValueError:
        raise InvalidField(f"{field}: not a JSON array", field=field) from None
    if not isinstance(found, list):
        raise InvalidField(f"{field}: not a JSON array", field=field)
    return found


def _strings(values: list[Any], field: str) -> list[str]:
    if not all(isinstance(v, str) for v in values):
        raise InvalidField(f"{field}: a JSON array of strings", field=field)
    return values


def text_request(form: SendTextForm) -> SendMessageRequest:
    return _request(to=form.phone_number, user_id=form.user_id, type="text", text=form.message)


def template_request(form: SendTemplateForm) -> SendMessageRequest:
    if form.template_id is None and form.template_name is None:
        raise MissingField("template_id is required", field="template_id")
    payloads = _strings(json_list(form.button_payloads, "button_payloads"), "button_payloads")
    template = {
        "template_id": form.template_id if form.template_name is None else None,
        "name": form.template_name,
        "language": form.language,
        "body": _strings(json_list(form.parameters, "parameters"), "parameters"),
        "header": {"text": form.header_parameter} if form.header_parameter else None,
        "buttons": [{"index": i, "sub_type": "quick_reply", "value": p}
                    for i, p in enumerate(payloads)],
    }  # fmt: skip
    return _request(to=form.phone_number, user_id=form.user_id, type="template", template=template)


def broadcast_request(form: BroadcastTemplateForm) -> BroadcastRequest:
    """`flow_data` (JSON text in a form, an object in a JSON body) as Sauda's broadcast."""
    data: Any = form.flow_data
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            raise InvalidField("flow_data: not a JSON object", field="flow_data") from None
    if not isinstance(data, dict):
        raise InvalidField("flow_data: not a JSON object", field="flow_data")
    try:
        flow = BroadcastFlowData.model_validate(data)
    except ValidationError as exc:
        refused = _refusal(exc)
        raise type(refused)(
            f"flow_data.{refused.message}", field=f"flow_data.{refused.field}"
        ) from None
    if flow.template_id is None and flow.template_name is None:
        raise MissingField("flow_data.template_id is required", field="flow_data.template_id")
    template = {
        "template_id": flow.template_id if flow.template_name is None else None,
        "name": flow.template_name, "language": flow.language, "body": flow.parameters or [],
        "header": {"text": flow.header_parameter} if flow.header_parameter else None,
        "buttons": [{"index": i, "sub_type": "quick_reply", "value": p}
                    for i, p in enumerate(flow.button_payloads or [])],
    }  # fmt: skip
    fields = {"template": template, "recipients": flow.phone_numbers, "label_id": flow.label_id}
    try:
        return BroadcastRequest.model_validate(fields)
    except ValidationError as exc:
        refused = _refusal(exc)
        named = {"recipients": "phone_numbers", "template": "template_id",
                 "template.body": "parameters"}  # fmt: skip
        field = re.sub(r"\.([0-9]+)", r"[\1]", refused.field or "")
        for ours, theirs in named.items():
            if field == ours or field.startswith((f"{ours}.", f"{ours}[")):
                field = theirs + field.removeprefix(ours)
                break
        raise type(refused)(
            f"flow_data.{field}: {refused.message.split(': ', 1)[-1]}", field=f"flow_data.{field}"
        ) from None


def _button(item: Any) -> dict[str, Any]:
    if isinstance(item, str):
        return {"id": item, "title": item}
    if isinstance(item, dict) and isinstance(item.get("title"), str):
        return {"id": str(item.get("id") or item["title"]), "title": item["title"]}
    raise InvalidField("buttons: each button is a string or an object with id and title",
                       field="buttons")  # fmt: skip


def media_kind(media_type: str | None, url: str | None, *, field: str) -> MediaKind:
    """The media type given, or the one a link's extension names."""
    if media_type is not None:
        try:
            return MediaKind(media_type.strip().lower())
        except ValueError:
            raise InvalidField(f"{field}: one of image, video, audio, document, sticker",
                               field=field) from None  # fmt: skip
    extension = link_extension(url) if url else None
    for kind, rule in MEDIA_RULES.items():
        if extension in rule.extensions:
            return kind
    raise MissingField(f"{field} is required (the link names no file type)", field=field)


def buttons_request(form: SendButtonsForm) -> SendMessageRequest:
    items = json_list(form.buttons, "buttons") if isinstance(form.buttons, str) else form.buttons
    if not 1 <= len(items) <= 3:
        raise InvalidField("buttons: 1 to 3 buttons", field="buttons")
    header_media = None
    if form.media_url is not None or form.media_id is not None:
        kind = media_kind(form.media_type, form.media_url, field="media_type")
        if kind not in (MediaKind.IMAGE, MediaKind.VIDEO, MediaKind.DOCUMENT):
            raise InvalidField("media_type: a header is an image, video or document",
                               field="media_type")  # fmt: skip
        header_media = {"type": kind, "link": form.media_url, "id": form.media_id,
                        "filename": form.media_name if kind is MediaKind.DOCUMENT else None}  # fmt: skip
    return _request(
        to=form.phone_number, user_id=form.user_id, type="buttons", text=form.message,
        buttons=[_button(b) for b in items], footer=form.button_footer_text,
        # The document: a text header is ignored when a media header is sent.
        header=None if header_media else form.button_header_text, header_media=header_media,
    )  # fmt: skip


def file_request(form: SendFileForm) -> SendMessageRequest:
    kind = media_kind(form.media_type, form.media_url, field="media_type")
    if form.media_url is None and form.media_id is None:
        raise MissingField("media_url or media_id is required", field="media_url")
    media = {"link": form.media_url, "id": form.media_id, "caption": form.media_caption_text,
             "filename": form.media_name}  # fmt: skip
    return _request(to=form.phone_number, user_id=form.user_id, type=kind.value, media=media)


def connect_request(form: ConnectForm) -> WhatsAppConnectRequest:
    fields = {"phone_number_id": form.phone_number_id, "access_token": form.access_token,
              "waba_id": form.whatsapp_business_account_id}  # fmt: skip
    try:
        return WhatsAppConnectRequest.model_validate(fields)
    except ValidationError as exc:
        raise _refusal(exc, rename=True) from None


def page_of(form: ConversationForm) -> tuple[int, int]:
    limit = int(form.limit) if form.limit is not None else 20
    if not 1 <= limit <= 100:
        raise InvalidField("limit: 1 to 100", field="limit")
    return limit, int(form.offset or 0)


# --- answers ---


def wabotick_time(value: datetime | str | None) -> str | None:
    """The document's `2024-07-28 13:21:03` (UTC)."""
    if value is None:
        return None
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def failure_reason(error: dict[str, Any] | None) -> str:
    return f"({error['code']}) {error.get('title') or ''}".strip() if error else ""


def delivery_status(message: dict[str, Any]) -> dict[str, Any]:
    """`get/message-status`'s `message`: the status and when it (and a read, a failure) came."""
    history = message.get("history") or []

    def first(status: str) -> str | None:
        return next((wabotick_time(h["at"]) for h in history if h["status"] == status), None)

    last = history[-1]["at"] if history else message.get("updated_at")
    return {
        "message_status": message.get("status"),
        "delivery_status_updated_at": wabotick_time(last),
        "read_time": first("read"),
        "failed_time": first("failed"),
        "failed_reason": failure_reason(message.get("error")),
    }


def chat_line(message: dict[str, Any], phone_number_id: str) -> dict[str, Any]:
    """One line of `get/conversation`."""
    history = message.get("history") or []
    return {
        "id": str(message["message_id"]),
        "whatsapp_bot_subscriber_subscriber_id": message["customer_phone"],
        "whatsapp_bot_id": phone_number_id,
        "sender": "user" if message["direction"] == "inbound" else "bot",
        "agent_name": None,
        "message_content": message["text"],
        "conversation_time": wabotick_time(message["created_at"]),
        "wa_message_id": message.get("wamid"),
        "reaction_data": None,
        "message_status": message.get("status"),
        "delivery_status_updated_at": wabotick_time(history[-1]["at"] if history else None),
        "failed_reason": failure_reason(message.get("error")),
    }
