"""The Wabotick layer's HTTP edge: the form read from the body (urlencoded or JSON), the caller's
business from `apiToken` in it (or the usual headers and session), and refusals answered in
the document's `{"status": "0", "message": …}` shape whatever raised them."""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qsl

import orjson
from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute

from sauda_contracts.wabotick import WabotickForm, WabotickRefusal
from sauda_gateway.accounts.domain import Area, OwnerOnly, may_manage
from sauda_gateway.api.deps import (
    AccessDep,
    AccountsDep,
    BusinessesDep,
    SettingsDep,
    WidgetDep,
    admitted,
    business_of_key,
    current_business,
)
from sauda_gateway.api.errors import headers_of, status_of
from sauda_gateway.api.middleware import MEDIA_PATHS
from sauda_gateway.api.responses import json_response
from sauda_gateway.domain import (
    Business,
    Conflict,
    DomainError,
    Invalid,
    InvalidField,
    NotFound,
)
from sauda_gateway.media.multipart import FilePart, read_multipart
from sauda_gateway.merchant.accounts import WhatsAppAccount, WhatsAppAccounts
from sauda_gateway.merchant.domain import MissingApiKey, WhatsAppNotConnected
from sauda_gateway.wabotick.translate import form_field

MAX_FIELDS = 100


class UnsupportedBody(Invalid, code="unsupported_media_type"):
    """A file sent to a route that takes none."""


class NotTheNumber(NotFound, code="whatsapp_number_not_found", field="phone_number_id"): ...


class MessageNotSent(Conflict, code="message_not_sent"):
    """The notifier skipped the send or Meta failed it: the document answers status 0."""


STATUS_OVERRIDES: dict[type[DomainError], int] = {UnsupportedBody: 415}


def _content_type(request: Request) -> str:
    # The JSON middleware relabels every body as JSON; it keeps what the client said.
    sent = getattr(request.state, "sent_content_type", None)
    raw = sent if sent is not None else request.headers.get("content-type", "")
    return raw.split(";")[0].strip().lower()


async def read_form(request: Request) -> dict[str, Any]:
    """The body's fields (the query string's under them): urlencoded, multipart (its files kept
    in `request.state.form_files`, on the routes that take a file), or a JSON object."""
    kind, raw = _content_type(request), await request.body()
    if kind == "multipart/form-data":
        body = await read_multipart(request)
        if body.files and request.url.path not in MEDIA_PATHS:
            raise UnsupportedBody(
                "this route takes no file: upload one with upload/media (or send it with "
                "send/file's media_file), then send it by media_id",
                field=next(iter(body.files)),
            )
        request.state.form_files = body.files
        return dict(request.query_params) | body.fields
    fields: dict[str, Any] = dict(request.query_params)
    if kind == "application/json" or (not kind and raw.lstrip().startswith(b"{")):
        try:
            body = orjson.loads(raw) if raw.strip() else {}
        except orjson.JSONDecodeError:
            raise InvalidField("the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise InvalidField("the body is not a JSON object of fields")
        return fields | body
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise InvalidField("the body is not an urlencoded form of UTF-8 text") from None
    return fields | dict(pairs)


@dataclass(frozen=True)
class WabotickCall:
    """A call of a Wabotick route: whose it is, and what its form says."""

    business: Business
    form: dict[str, Any]


async def wabotick_call(
    request: Request, businesses: BusinessesDep, accounts: AccountsDep, widgets: WidgetDep,
    access: AccessDep, settings: SettingsDep,
) -> WabotickCall:  # fmt: skip
    """The form and the caller's business: by `apiToken` in the form (a Sauda API key), else by
    the key headers or the dashboard session; admitted by plan and hourly allowance."""
    form = await read_form(request)
    token = form.get("apiToken")
    if isinstance(token, str) and token.strip():
        business = await business_of_key(request, token.strip(), businesses, widgets,
                                         field="apiToken")  # fmt: skip
    else:
        try:
            business = await current_business(request, businesses, accounts, widgets)
        except MissingApiKey:
            raise MissingApiKey("send your apiToken (a Sauda API key) in the form, or the "
                                "X-API-Key header", field="apiToken") from None  # fmt: skip
    return WabotickCall(await admitted(request, business, access, settings), form)


WabotickCallDep = Annotated[WabotickCall, Depends(wabotick_call)]


def form_file(request: Request, name: str) -> FilePart | None:
    """The file part `name` of a multipart form, if one came."""
    files: dict[str, FilePart] = getattr(request.state, "form_files", None) or {}
    return files.get(name)


def owner_only(request: Request) -> None:
    if not may_manage(request.state.role, Area.WHATSAPP):
        raise OwnerOnly()


async def own_number(
    business: Business, phone_number_id: str | None, accounts: WhatsAppAccounts
) -> WhatsAppAccount:
    """The business's connected number, which the form's phone_number_id must name."""
    account = await accounts.of_business(business.business_id)
    if account is None:
        raise WhatsAppNotConnected("WhatsApp account not found.", field="phone_number_id")
    if phone_number_id is not None and phone_number_id != account.phone_number_id:
        raise NotTheNumber(f"phone_number_id {phone_number_id} is not this business's WhatsApp "
                           "number: WhatsApp account not found.")  # fmt: skip
    return account


def refusal(exc: DomainError) -> Response:
    status = STATUS_OVERRIDES.get(type(exc)) or status_of(exc)
    message_id = (exc.details or {}).get("message_id")
    body = WabotickRefusal(message=exc.message, code=exc.code, field=form_field(exc.field),
                           message_id=str(message_id) if message_id else None)  # fmt: skip
    return json_response(body.model_dump(exclude_none=True), status, headers_of(exc))


class WabotickRoute(APIRoute):
    """A route whose every refusal, from its dependencies too, is in Wabotick's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except DomainError as exc:
                return refusal(exc)
            except RequestValidationError as exc:
                first = (exc.errors() or [{"loc": (), "msg": "invalid request"}])[0]
                field = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
                return refusal(InvalidField(f"{field or 'the request'}: {first['msg']}",
                                            field=field))  # fmt: skip

        return answer


def form_body(model: type[WabotickForm]) -> dict[str, Any]:
    """OpenAPI of a form: its fields, each a string, as urlencoded and as JSON. An urlencoded
    value has no JSON type (every value is text), so only its length and pattern are stated."""
    schema = model.model_json_schema()
    properties: dict[str, dict[str, Any]] = {}
    for name, spec in schema["properties"].items():
        one: dict[str, Any] = next(
            (s for s in spec.get("anyOf", [spec]) if s.get("type") == "string"), {}
        )
        properties[name] = {"description": spec.get("description", "")} | {
            k: v for k, v in one.items() if k in ("maxLength", "minLength", "pattern")
        }
    required = schema.get("required", [])
    form = {"type": "object", "properties": properties, "required": required}
    # As JSON, an optional field may also be null (read as absent, as the model does).
    typed = {
        name: {"type": "string" if name in required else ["string", "null"]} | spec
        for name, spec in properties.items()
    }
    content = {
        "application/x-www-form-urlencoded": {"schema": form},
        "application/json": {"schema": form | {"properties": typed}},
    }
    return {"requestBody": {"required": True, "content": content}}
