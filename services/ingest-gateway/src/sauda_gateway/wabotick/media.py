"""Wabotick-compatible `upload/media`: the document's multipart form (apiToken, phone_number_id,
file) on the same handler as Sauda's `POST /api/v1/whatsapp/media`, answered in its shape."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sauda_contracts.api import ApiError
from sauda_contracts.media import UPLOADABLE
from sauda_contracts.wabotick import WabotickRefusal
from sauda_contracts.wabotick_media import UploadMediaForm, WabotickUploaded
from sauda_gateway.api.responses import json_response
from sauda_gateway.media.deps import MediaDep
from sauda_gateway.media.handlers import Uploaded
from sauda_gateway.messaging.deps import IdempotencyKey, MessagingDep
from sauda_gateway.wabotick import translate
from sauda_gateway.wabotick.forms import (
    MessageNotSent,
    WabotickCallDep,
    WabotickRoute,
    form_file,
    own_number,
)

wabotick_media = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp (Wabotick-compatible)"],
                           route_class=WabotickRoute)  # fmt: skip

FORM: dict[str, Any] = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["phone_number_id", "file"],
        "properties": {
            "apiToken": {"type": "string", "description": "A Sauda API key (or X-API-Key)."},
            "phone_number_id": {"type": "string",
                                "description": "The business's WhatsApp phone number id."},
            "file": {"type": "string", "format": "binary",
                     "description": f"One of {', '.join(UPLOADABLE)}, within Meta's size for "
                     "its type (413 media_too_large; another type is 415)."},
        }}}}}
}  # fmt: skip
ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"model": WabotickUploaded}, 202: {"model": WabotickUploaded},
    **{code: {"model": WabotickRefusal} for code in (400, 401, 403, 404, 409, 413, 415, 429)},
    503: {"model": ApiError},
}  # fmt: skip


def uploaded_answer(uploaded: Uploaded) -> Response:
    """The document's `{"status": "success", "media_id": …}`; Meta's refusal as status 0."""
    answer = uploaded.answer
    if answer["status"] == "failed":
        error = answer.get("error") or {}
        raise MessageNotSent(f"Media not uploaded: {translate.failure_reason(error) or 'failed'}",
                             field="file")  # fmt: skip
    body = WabotickUploaded(media_id=answer.get("media_id"), upload_id=str(answer["upload_id"]),
                            message=None if uploaded.settled else
                            "Media accepted; it is being uploaded.")  # fmt: skip
    shown = body.model_dump(exclude={"message"} if body.message is None else set())
    return json_response(shown, 200 if uploaded.settled else 202)


@wabotick_media.post("/upload/media", summary="Upload Media Asset", responses=ANSWERS,
                     openapi_extra=FORM)  # fmt: skip
async def upload_media(
    request: Request,
    call: WabotickCallDep,
    media: MediaDep,
    messages: MessagingDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Upload a file to WhatsApp for a `media_id` (send it with send/file's media_id, or as a
    buttons header). Meta's type and size limits are checked first."""
    form = translate.parse(UploadMediaForm, call.form)
    await own_number(call.business, form.phone_number_id, messages.accounts)
    uploaded = await media.upload(form_file(request, "file"), call.business, idempotency_key)
    return uploaded_answer(uploaded)
