"""Wabotick-compatible routes: the document's paths, form fields and answers, on the same
handlers as Sauda's messaging REST. `apiToken` in the form is a Sauda API key (the key headers
and the dashboard session work too); `phone_number_id` must be the business's number."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sauda_contracts.api import ApiError
from sauda_contracts.wabotick import (
    ConnectForm,
    ConversationForm,
    MessageStatusForm,
    SendButtonsForm,
    SendFileForm,
    SendTemplateForm,
    SendTextForm,
    WabotickConversation,
    WabotickDone,
    WabotickMessageStatus,
    WabotickRefusal,
    WabotickSent,
    WabotickTemplateSent,
)
from sauda_gateway.api.responses import json_response
from sauda_gateway.chats import recipient
from sauda_gateway.domain import MissingField
from sauda_gateway.media.deps import MediaDep
from sauda_gateway.media.domain import MediaStillUploading
from sauda_gateway.messaging.deps import IdempotencyKey, MessagingDep
from sauda_gateway.messaging.handlers import Sent
from sauda_gateway.wabotick import translate
from sauda_gateway.wabotick.forms import (
    MessageNotSent,
    WabotickCallDep,
    WabotickRoute,
    form_body,
    form_file,
    own_number,
    owner_only,
)
from sauda_gateway.wabotick.media import uploaded_answer

wabotick = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp (Wabotick-compatible)"],
                     route_class=WabotickRoute)  # fmt: skip


def _answers(success: type, *extra: int) -> dict[int | str, dict[str, Any]]:
    refused: dict[int | str, dict[str, Any]] = {
        code: {"model": WabotickRefusal} for code in (400, 401, 403, 404, 409, 415, 429)
    }
    return {200: {"model": success}, **refused, 413: {"model": ApiError},
            **{code: {"model": success} for code in extra}}  # fmt: skip


def _not_sent(sent: Sent) -> None:
    """A send the notifier refused or Meta failed: the document's refusal, with the reason."""
    answer = sent.answer
    if answer["status"] in ("failed", "skipped"):
        error = answer.get("error") or {}
        raise MessageNotSent(f"Message not sent: {translate.failure_reason(error) or 'failed'}",
                             details={"message_id": answer["message_id"]})  # fmt: skip


def _sent(sent: Sent) -> Response:
    _not_sent(sent)
    wamid = sent.answer["wamid"]
    body = WabotickSent(wa_message_id=wamid, message_id=sent.answer["message_id"],
                        message="Message sent successfully." if wamid
                        else "Message accepted; it is being sent.")  # fmt: skip
    return json_response(body.model_dump(), 200 if wamid else 202)


@wabotick.post("/send", summary="Send Message Inside 24 Hours Window",
               responses=_answers(WabotickSent, 202), openapi_extra=form_body(SendTextForm))  # fmt: skip
async def send_text(
    call: WabotickCallDep, messages: MessagingDep, idempotency_key: IdempotencyKey = None
) -> Response:
    """A plain text to a customer who wrote in the last 24 hours (else 409
    `outside_customer_window`)."""
    form = translate.parse(SendTextForm, call.form)
    await own_number(call.business, form.phone_number_id, messages.accounts)
    return _sent(await messages.send(translate.text_request(form), call.business, idempotency_key))


@wabotick.post("/send/template", summary="Send Template Message",
               responses=_answers(WabotickTemplateSent, 202),
               openapi_extra=form_body(SendTemplateForm))  # fmt: skip
async def send_template(
    call: WabotickCallDep, messages: MessagingDep, idempotency_key: IdempotencyKey = None
) -> Response:
    """An approved template by Meta's `template_id` (or Sauda's `template_name` + `language`),
    with `parameters` for its body as a JSON array."""
    form = translate.parse(SendTemplateForm, call.form)
    await own_number(call.business, form.phone_number_id, messages.accounts)
    request = translate.template_request(form)
    sent = await messages.send(request, call.business, idempotency_key)
    _not_sent(sent)
    wamid = sent.answer["wamid"]
    body = WabotickTemplateSent(
        message="Template message sent successfully." if wamid
        else "Template message accepted; it is being sent.",
        data={"message_id": wamid, "sauda_message_id": sent.answer["message_id"]},
    )  # fmt: skip
    return json_response(body.model_dump(), 200 if wamid else 202)


@wabotick.post("/send/interactive-buttons", summary="Send Interactive Buttons",
               responses=_answers(WabotickSent, 202),
               openapi_extra=form_body(SendButtonsForm))  # fmt: skip
async def send_buttons(
    call: WabotickCallDep, messages: MessagingDep, idempotency_key: IdempotencyKey = None
) -> Response:
    """1 to 3 reply buttons under a text, optionally headed by a text or by an image, video or
    document (`media_url` or `media_id` with `media_type`); inside the 24-hour window."""
    form = translate.parse(SendButtonsForm, call.form)
    await own_number(call.business, form.phone_number_id, messages.accounts)
    request = translate.buttons_request(form)
    return _sent(await messages.send(request, call.business, idempotency_key))


@wabotick.post("/send/file", summary="Send Media Message", responses=_answers(WabotickSent, 202),
               openapi_extra=form_body(SendFileForm))  # fmt: skip
async def send_file(
    request: Request, call: WabotickCallDep, messages: MessagingDep, media: MediaDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """An image, video, audio, document or sticker by `media_url`, `media_id`, or a multipart
    `media_file` (uploaded to WhatsApp first, within Meta's limits: 415 / 413), inside the
    24-hour window. A file still uploading after WHATSAPP_SEND_WAIT_MS is 409
    `media_upload_pending`: retry with the same Idempotency-Key to send it."""
    form = translate.parse(SendFileForm, call.form)
    await own_number(call.business, form.phone_number_id, messages.accounts)
    if (part := form_file(request, "media_file")) is not None:
        kind = translate.media_kind(form.media_type, None, field="media_type")
        key = f"send-file:{idempotency_key}" if idempotency_key else None
        uploaded = await media.upload(part, call.business, key, field="media_file", kind=kind)
        uploaded_answer(uploaded)  # Meta's refusal of the file, as the document's status 0
        if not uploaded.settled:
            raise MediaStillUploading(details={"upload_id": str(uploaded.answer["upload_id"])})
        form = form.model_copy(update={
            "media_id": uploaded.answer["media_id"], "media_url": None,
            "media_name": form.media_name or (part.filename if kind.value == "document" else None),
        })  # fmt: skip
    return _sent(await messages.send(translate.file_request(form), call.business, idempotency_key))


@wabotick.post("/get/message-status", summary="Get Message Status",
               responses=_answers(WabotickMessageStatus),
               openapi_extra=form_body(MessageStatusForm))  # fmt: skip
async def message_status(call: WabotickCallDep, messages: MessagingDep) -> Response:
    """A sent message's status by Meta's `wa_message_id` (or Sauda's message id)."""
    form = translate.parse(MessageStatusForm, call.form)
    await own_number(call.business, form.whatsapp_bot_id, messages.accounts)
    found = await messages.find(call.business, form.wa_message_id)
    body = WabotickMessageStatus(message=translate.delivery_status(found))
    return json_response(body.model_dump())


@wabotick.post("/get/conversation", summary="Get Conversation History",
               responses=_answers(WabotickConversation),
               openapi_extra=form_body(ConversationForm))  # fmt: skip
async def conversation(call: WabotickCallDep, messages: MessagingDep) -> Response:
    """The chat with a customer (`phone_number`, or Sauda's `user_id` of a username user),
    newest first, `limit` (20) from `offset`."""
    form = translate.parse(ConversationForm, call.form)
    account = await own_number(call.business, form.phone_number_id, messages.accounts)
    chat = recipient(form.phone_number, form.user_id, call.business, phone_field="phone_number")
    limit, offset = translate.page_of(form)
    rows, _ = await messages.log.of_customer(call.business.business_id, chat, limit=limit,
                                             offset=offset)  # fmt: skip
    lines = [translate.chat_line(r, account.phone_number_id) for r in rows]
    return json_response(WabotickConversation.model_validate({"message": lines}).model_dump())


@wabotick.post("/account/connect", summary="Connect WhatsApp Account",
               responses=_answers(WabotickDone), openapi_extra=form_body(ConnectForm))  # fmt: skip
async def connect_account(
    call: WabotickCallDep, messages: MessagingDep, request: Request
) -> Response:
    """Connect the business's number: the WABA id, the access token and (Sauda needs it: one
    number per business) its `phone_number_id`. Only an owner (or an API key)."""
    owner_only(request)
    form = translate.parse(ConnectForm, call.form)
    if form.phone_number_id is None:
        raise MissingField("phone_number_id is required: the number of this WhatsApp Business "
                           "Account to connect", field="phone_number_id")  # fmt: skip
    await messages.connect(call.business, translate.connect_request(form))
    done = WabotickDone(message="Whatsapp account has been connect successfully.")
    return json_response(done.model_dump())
