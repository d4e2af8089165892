"""Sauda's media REST: upload a file for a media id (the notifier puts it on Meta), and look
an upload up. Each validates, calls a handler and shapes the answer."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sauda_contracts.media import MAX_UPLOAD_BYTES, UPLOADABLE, MediaUploadOut
from sauda_gateway.api.deps import StoreBusinessDep
from sauda_gateway.api.responses import contract_response, json_response, refusals
from sauda_gateway.media.deps import MediaDep
from sauda_gateway.media.handlers import Uploaded
from sauda_gateway.media.multipart import read_multipart
from sauda_gateway.messaging.deps import IdempotencyKey

media = APIRouter(prefix="/api/v1/whatsapp/media", tags=["WhatsApp messaging"])

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary",
                                 "description": f"One of {', '.join(UPLOADABLE)}; at most "
                                 f"{MAX_UPLOAD_BYTES} bytes (5 MB an image, 16 MB audio or "
                                 "video, 100 MB a document, 500 KB a sticker)."},
                    },
                }
            }
        },
    }
}  # fmt: skip


def answered(uploaded: Uploaded) -> Response:
    answer = MediaUploadOut.model_validate(uploaded.answer).model_dump(mode="json")
    headers = {"Location": f"/api/v1/whatsapp/media/{answer['upload_id']}"}
    if uploaded.replayed:
        headers["Idempotent-Replayed"] = "true"
    return json_response(answer, 200 if uploaded.settled else 202, headers=headers)


@media.post("", response_model=MediaUploadOut, responses=refusals(404, 409, 413, 415) | {
    202: {"model": MediaUploadOut, "description": "Not uploaded yet: GET its Location."}},
    openapi_extra=UPLOAD_BODY)  # fmt: skip
async def upload_media(
    request: Request,
    business: StoreBusinessDep,
    uploads: MediaDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Upload an image, video, audio, document or sticker (multipart `file`) to WhatsApp for a
    `media_id` to send it by (`media.id` of a message). Meta's limits are checked first: a type
    WhatsApp cannot send is 415 `unsupported_media_type`, a file over its type's size 413
    `media_too_large`. Answers 200 with `media_id` once Meta took it (`status` uploaded, or
    failed with Meta's error), or 202 while it is still on its way (up to WHATSAPP_SEND_WAIT_MS).
    The Idempotency-Key names the upload: a retry answers the same one and uploads nothing."""
    body = await read_multipart(request)
    return answered(await uploads.upload(body.files.get("file"), business, idempotency_key))


@media.get("/{upload_id}", response_model=MediaUploadOut, responses=refusals(404))
async def get_upload(upload_id: str, business: StoreBusinessDep, uploads: MediaDep) -> Response:
    """An upload by its `upload_id` (or Meta's `media_id`): pending, uploaded with its
    `media_id`, or failed with Meta's error. Another business's is 404."""
    return contract_response(MediaUploadOut, await uploads.find(business, upload_id))
