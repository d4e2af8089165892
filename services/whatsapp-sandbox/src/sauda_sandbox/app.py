"""Sandbox HTTP routes: Meta's Graph surface, the sandbox management API and the chat page."""

import json
import secrets
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from sauda_sandbox.api_models import (
    Fault,
    NewNumber,
    NewShopper,
    ShopperMessage,
    TemplateCategoryChange,
    TemplateStatusChange,
    parse_send,
    parse_template_definition,
)
from sauda_sandbox.deps import (
    EmitterDep,
    MediaDep,
    NumbersDep,
    SendingDep,
    ShopperDep,
    TemplatesDep,
    TokenDep,
    VersionDep,
    WabaDep,
)
from sauda_sandbox.domain.graph import GraphError, error_body
from sauda_sandbox.domain.numbers import Conflict, Invalid, NotFound
from sauda_sandbox.domain.templates import TemplateQuery
from sauda_sandbox.handlers.media import DOWNLOAD_PATH, Upload

PAGE = Path(__file__).parent / "static" / "index.html"

graph = APIRouter(tags=["graph"])
sandbox = APIRouter(prefix="/sandbox", tags=["sandbox"])
page = APIRouter(include_in_schema=False)


def fbtrace_id() -> str:
    return "A" + secrets.token_urlsafe(16)[:22]


def comma_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        raise GraphError(100, "The request body is empty; send a JSON object.")
    try:
        return json.loads(raw)
    except ValueError:
        raise GraphError(100, "The request body is not valid JSON.") from None


async def read_upload(request: Request) -> Upload:
    """`POST /{phone_number_id}/media`'s multipart form (python-multipart), as Graph reads it."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise GraphError(100, "The upload must be multipart/form-data with a file.")
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception:  # not multipart, or malformed: Graph's invalid parameter
        raise GraphError(100, "The upload must be multipart/form-data with a file.") from None
    file = form.get("file")
    text = {k: v for k, v in form.items() if isinstance(v, str)}
    if file is None or isinstance(file, str):
        return Upload(text.get("messaging_product"), text.get("type"), None, None, None)
    data = await file.read()
    return Upload(text.get("messaging_product"), text.get("type"), file.content_type,
                  file.filename, data)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Meta's Graph surface


@graph.post("/{version}/{phone_number_id}/messages")
async def post_messages(
    version: VersionDep,
    phone_number_id: str,
    request: Request,
    numbers: NumbersDep,
    sending: SendingDep,
    token: TokenDep,
) -> dict[str, Any]:
    number = numbers.authorize(phone_number_id, token)
    return sending.post_messages(number, parse_send(await json_body(request)))


@graph.get("/{version}/{waba_id}/message_templates")
async def get_message_templates(
    version: VersionDep,
    waba_id: str,
    request: Request,
    numbers: NumbersDep,
    templates: TemplatesDep,
    token: TokenDep,
    name: str | None = None,
    status: str | None = None,
    language: str | None = None,
    category: str | None = None,
    content: str | None = None,
    name_or_content: str | None = None,
    quality_score: str | None = None,
    fields: str | None = None,
    summary: str | None = None,
    limit: int = Query(default=25, ge=1),
    after: str | None = None,
    before: str | None = None,
) -> dict[str, Any]:
    numbers.authorize_waba(waba_id, token)
    filters = {
        key: value
        for key, value in (
            ("name", name),
            ("status", status),
            ("language", language),
            ("category", category),
            ("content", content),
            ("name_or_content", name_or_content),
            ("quality_score", quality_score),
        )
        if value
    }
    query = TemplateQuery(
        filters=filters,
        fields=comma_list(fields) or None,
        limit=limit,
        after=after,
        before=before,
        summary=comma_list(summary),
    )
    found = templates.list_templates(waba_id, query)
    answer: dict[str, Any] = {"data": found.items}
    if found.summary is not None:
        answer["summary"] = found.summary
    if found.items:
        paging: dict[str, Any] = {"cursors": {"before": found.before, "after": found.after}}
        if found.has_next:
            paging["next"] = str(
                request.url.remove_query_params(["before", "after"]).include_query_params(
                    after=found.after
                )
            )
        if found.has_previous:
            paging["previous"] = str(
                request.url.remove_query_params(["before", "after"]).include_query_params(
                    before=found.before
                )
            )
        answer["paging"] = paging
    return answer


@graph.post("/{version}/{waba_id}/message_templates")
async def post_message_templates(
    version: VersionDep, waba_id: WabaDep, request: Request, templates: TemplatesDep
) -> dict[str, Any]:
    definition = parse_template_definition(await json_body(request))
    return templates.create_template(waba_id, definition)


@graph.post("/{version}/{phone_number_id}/media")
async def post_media(
    version: VersionDep,
    phone_number_id: str,
    request: Request,
    numbers: NumbersDep,
    media: MediaDep,
    token: TokenDep,
) -> dict[str, str]:
    number = numbers.authorize(phone_number_id, token)
    return media.upload(number, await read_upload(request))


@graph.get("/{version}/{media_id}")
async def get_media(
    version: VersionDep,
    media_id: str,
    request: Request,
    media: MediaDep,
    token: TokenDep,
    phone_number_id: str | None = None,
) -> dict[str, Any]:
    return media.info(
        media_id, token, base_url=str(request.base_url), phone_number_id=phone_number_id
    )


@graph.delete("/{version}/{media_id}")
async def delete_media(
    version: VersionDep,
    media_id: str,
    media: MediaDep,
    token: TokenDep,
    phone_number_id: str | None = None,
) -> dict[str, bool]:
    return media.delete(media_id, token, phone_number_id)


@graph.get(f"/{DOWNLOAD_PATH}")
async def download_media(
    media: MediaDep, token: TokenDep, mid: str = "", ext: str = "", hash: str = ""
) -> Response:
    """The URL `GET /{media_id}` hands out (Meta's lookaside path); it needs the Bearer token."""
    found = media.download(mid, ext, hash, token)
    return Response(found.data, media_type=found.mime_type)


# --------------------------------------------------------------------------------------------
# Sandbox management


@sandbox.post("/numbers", status_code=201)
async def create_number(numbers: NumbersDep, body: NewNumber | None = None) -> dict[str, Any]:
    return asdict(numbers.create_number(body or NewNumber()))


@sandbox.get("/numbers")
async def list_numbers(numbers: NumbersDep) -> list[dict[str, Any]]:
    return [asdict(n) for n in numbers.all()]


@sandbox.get("/numbers/{phone_number_id}")
async def get_number(phone_number_id: str, numbers: NumbersDep) -> dict[str, Any]:
    return asdict(numbers.number(phone_number_id))


@sandbox.post("/{waba_id}/templates/status")
async def set_template_status(
    waba_id: str, change: TemplateStatusChange, templates: TemplatesDep
) -> dict[str, Any]:
    return templates.set_template_status(waba_id, change)


@sandbox.post("/{waba_id}/templates/category")
async def set_template_category(
    waba_id: str, change: TemplateCategoryChange, templates: TemplatesDep
) -> dict[str, Any]:
    return templates.set_template_category(waba_id, change)


@sandbox.post("/{phone_number_id}/shoppers")
async def create_shopper(
    phone_number_id: str, body: NewShopper, shopper: ShopperDep, response: Response
) -> dict[str, Any]:
    made, created = shopper.create_shopper(phone_number_id, body)
    response.status_code = 201 if created else 200
    return made.view()


@sandbox.get("/{phone_number_id}/shoppers")
async def list_shoppers(phone_number_id: str, shopper: ShopperDep) -> dict[str, Any]:
    return {"phone_number_id": phone_number_id, "shoppers": shopper.shoppers(phone_number_id)}


@sandbox.get("/{phone_number_id}/shoppers/{shopper_ref}")
async def get_shopper(
    phone_number_id: str, shopper_ref: str, shopper: ShopperDep
) -> dict[str, Any]:
    return shopper.find(phone_number_id, shopper_ref).view()


@sandbox.get("/media/{media_id}")
async def sandbox_media(media_id: str, media: MediaDep) -> Response:
    """A file for the chat page (no token: bind the sandbox to loopback only)."""
    found = media.file(media_id)
    return Response(found.data, media_type=found.mime_type)


@sandbox.post("/{phone_number_id}/faults", status_code=201)
async def add_fault(phone_number_id: str, fault: Fault, numbers: NumbersDep) -> dict[str, Any]:
    pending = numbers.add_fault(phone_number_id, fault)
    return {"phone_number_id": phone_number_id, "pending": pending}


@sandbox.get("/{phone_number_id}/faults")
async def get_faults(phone_number_id: str, numbers: NumbersDep) -> dict[str, Any]:
    numbers.number(phone_number_id)
    return {"phone_number_id": phone_number_id, "pending": numbers.faults(phone_number_id)}


@sandbox.delete("/{phone_number_id}/faults", status_code=204)
async def clear_faults(phone_number_id: str, numbers: NumbersDep) -> Response:
    numbers.clear_faults(phone_number_id)
    return Response(status_code=204)


@sandbox.get("/{phone_number_id}/chats")
async def list_chats(phone_number_id: str, shopper: ShopperDep) -> dict[str, Any]:
    return {"phone_number_id": phone_number_id, "chats": shopper.chats(phone_number_id)}


@sandbox.get("/{phone_number_id}/chats/{shopper_ref}")
async def view_chat(
    phone_number_id: str, shopper_ref: str, shopper: ShopperDep, mark_read: bool = True
) -> dict[str, Any]:
    """A shopper's screen; `shopper_ref` is a phone or a business-scoped user id."""
    return shopper.view_chat(phone_number_id, shopper_ref, mark_read=mark_read)


@sandbox.post("/{phone_number_id}/chats/{shopper_ref}", status_code=201)
async def shopper_says(
    phone_number_id: str, shopper_ref: str, said: ShopperMessage, shopper: ShopperDep
) -> dict[str, str]:
    return {"message_id": shopper.shopper_says(phone_number_id, shopper_ref, said)}


@sandbox.get("/webhooks")
async def recent_webhooks(emitter: EmitterDep) -> dict[str, Any]:
    """The latest webhook deliveries, newest first (for debugging a receiver)."""
    return {"deliveries": [asdict(d) for d in reversed(emitter.log)]}


# --------------------------------------------------------------------------------------------
# The chat page


@page.get("/")
@page.get("/sandbox/")
async def chat_page() -> FileResponse:
    return FileResponse(PAGE, media_type="text/html", headers={"Cache-Control": "no-store"})


def install_error_handlers(app: FastAPI) -> None:
    async def on_graph_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, GraphError)
        return JSONResponse(error_body(exc, fbtrace_id()), status_code=exc.http_status)

    async def on_not_found(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    async def on_conflict(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    async def on_invalid(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    app.add_exception_handler(GraphError, on_graph_error)
    app.add_exception_handler(NotFound, on_not_found)
    app.add_exception_handler(Conflict, on_conflict)
    app.add_exception_handler(Invalid, on_invalid)
