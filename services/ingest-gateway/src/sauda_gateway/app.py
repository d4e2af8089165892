"""Gateway HTTP routes: validate, call a use case or read the view, shape the answer. No domain logic."""

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import orjson
from asyncpg.exceptions import CharacterNotInRepertoireError, UntranslatableCharacterError
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import bind_contextvars, clear_contextvars

from sauda_contracts import Actor, OrderSource, OrderStatus
from sauda_contracts.api import (
    NO_NUL,
    ApiError,
    CancelRequest,
    CustomerList,
    CustomerOrders,
    CustomerOut,
    IngestRequest,
    IngestResponse,
    OrderList,
    OrderOut,
    Readiness,
    StatusChangeRequest,
    UpsertOrderQueued,
    UpsertOrderRequest,
    UpsertOrderResponse,
)
from sauda_gateway import handlers
from sauda_gateway.adapters.businesses import Business
from sauda_gateway.deps import Container, ContainerDep, CorrelationDep, StoreBusinessDep
from sauda_gateway.handlers import ApiProblem
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

router = APIRouter(prefix="/api/v1")
zapier = APIRouter(prefix="/api/zapier")
health = APIRouter()


def json_response(
    payload: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(payload),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )


def _order_json(row: dict[str, Any], *, with_history: bool) -> dict[str, Any]:
    data = dict(row)
    if not with_history:
        data.pop("history", None)
    return OrderOut.model_validate(data).model_dump(mode="json", exclude_none=not with_history)


def parse_id(raw: str, *, code: str, message: str, field: str) -> uuid.UUID:
    """A path id; one that is not a UUID names nothing, so it is the route's 404."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ApiProblem(404, code, message, field=field) from None


def parse_order_id(raw: str) -> uuid.UUID:
    return parse_id(raw, code="order_not_found", message="no such order", field="order_id")


# Every Store API route can answer these; documented so clients (and schemathesis) know them.
# "4XX" says any other client error (404 of an unknown path, 405) is an ApiError too, and keeps
# FastAPI from documenting a 422 that the gateway never sends (bad input is a 400).
COMMON: dict[int | str, dict[str, Any]] = {
    code: {"model": ApiError} for code in (400, 401, 403, 413, 429, "4XX")
}


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """COMMON plus the refusals only some routes give (404 unknown order, 409, 503 broker)."""
    return {**COMMON, **{status: {"model": ApiError} for status in statuses}}


UPSERT_RESPONSES = {
    201: {"model": UpsertOrderResponse},
    202: {"model": UpsertOrderQueued},
    **refusals(404, 409, 503),
}


def _accepted(order_id: uuid.UUID, command_id: uuid.UUID) -> Response:
    return json_response(
        {"code": "status_change_pending", "message": "queued; the order will show the change shortly",
         "details": {"command_id": str(command_id), "order_id": str(order_id)}},
        status_code=202,
        headers={"Location": f"/api/v1/orders/{order_id}"},
    )  # fmt: skip


@router.post(
    "/events/ingest",
    status_code=201,
    response_model=IngestResponse,
    responses={202: {"model": IngestResponse}, **refusals(409)},
)
async def ingest_event(
    body: IngestRequest, business: StoreBusinessDep, c: ContainerDep, correlation_id: CorrelationDep
) -> Response:
    result = await handlers.ingest_order(
        body,
        business=business,
        correlation_id=correlation_id,
        store=c.ingest,
        waiter=c.waiter,
        wake_relay=c.relay.wake,
        wait_seconds=c.settings.ingest_wait_ms / 1000,
    )
    payload = {
        "order_id": str(result.order_id),
        "order_number": result.order_number,
        "status": "pending" if result.created else "accepted",
    }
    if result.created:
        return json_response(payload, status_code=201)
    return json_response(
        payload, status_code=202, headers={"Location": f"/api/v1/orders/{result.order_id}"}
    )


@router.get("/orders", response_model=OrderList, responses=COMMON)
async def list_orders(
    business: StoreBusinessDep,
    c: ContainerDep,
    status: OrderStatus | None = None,
    source: OrderSource | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    page: Annotated[int | None, Query(ge=1, le=1_000_000, description="1-based page of `limit` "
                                      "orders (Bugalou style); wins over `offset`.")] = None,
) -> Response:  # fmt: skip
    if page is not None:
        offset = (page - 1) * limit
    rows, total = await c.view.page(
        business.business_id,
        status=status.value if status else None,
        source=source.value if source else None,
        limit=limit,
        offset=offset,
    )
    payload = {
        "orders": [_order_json(r, with_history=False) for r in rows],
        "total": total,
        "limit": limit,
        "offset": offset,
    }
    if page is not None:
        payload["page"] = page
    return json_response(payload)


async def _upsert(body: UpsertOrderRequest, business: Business, c: Container,
                  correlation_id: str) -> Response:  # fmt: skip
    outcome = await handlers.upsert_order(
        body,
        business=business,
        correlation_id=correlation_id,
        keys=c.store_keys,
        orders=c.commands,
    )
    if not outcome.result.applied or outcome.result.order is None:
        pending = {"order_id": str(outcome.order_id), "order_number": outcome.order_number,
                   "status": "accepted"}  # fmt: skip
        return json_response({"success": True, "order": pending}, status_code=202,
                             headers={"Location": f"/api/v1/orders/{outcome.order_id}"})  # fmt: skip
    order = _order_json(outcome.result.order, with_history=True)
    return json_response(
        {"success": True, "order": order}, status_code=201 if outcome.created else 200
    )


@zapier.post("/order", response_model=UpsertOrderResponse, responses=UPSERT_RESPONSES)
@router.post("/orders", response_model=UpsertOrderResponse, responses=UPSERT_RESPONSES)
async def upsert_order(
    body: UpsertOrderRequest,
    business: StoreBusinessDep,
    c: ContainerDep,
    correlation_id: CorrelationDep,
) -> Response:
    """Create or update an order by platform + orderNumber (Bugalou's Orders API; Zapier's too)."""
    return await _upsert(body, business, c, correlation_id)


@router.get("/orders/{order_id}", response_model=OrderOut, responses=refusals(404))
async def get_order(order_id: str, business: StoreBusinessDep, c: ContainerDep) -> Response:
    oid = parse_order_id(order_id)
    row = await c.view.get(business.business_id, oid)
    if row is None:
        raise ApiProblem(404, "order_not_found", "no such order", field="order_id")
    notices, _ = await c.messages.notices(business.business_id, order_id=oid, limit=100, offset=0)
    return json_response(_order_json({**row, "notices": notices}, with_history=True))


async def _move(order_id: str, status: OrderStatus, reason: str | None, actor: Actor,
                business: Business, c: Container, correlation_id: str) -> Response:  # fmt: skip
    oid = parse_order_id(order_id)
    bind_contextvars(order_id=str(oid))
    result = await handlers.change_status(
        oid,
        status,
        reason=reason,
        actor=actor,
        business=business,
        correlation_id=correlation_id,
        orders=c.commands,
    )
    if not result.applied or result.order is None:
        return _accepted(oid, result.command_id)
    return json_response(_order_json(result.order, with_history=True))


@router.patch(
    "/orders/{order_id}/status",
    response_model=OrderOut,
    responses={202: {"model": ApiError}, **refusals(404, 409, 503)},
)
async def change_order_status(
    order_id: str,
    body: StatusChangeRequest,
    business: StoreBusinessDep,
    c: ContainerDep,
    correlation_id: CorrelationDep,
) -> Response:
    return await _move(
        order_id, body.status, body.reason, Actor.MERCHANT, business, c, correlation_id
    )


@router.post(
    "/orders/{order_id}/cancel",
    response_model=OrderOut,
    responses={202: {"model": ApiError}, **refusals(404, 409, 503)},
)
async def cancel_order(
    order_id: str,
    body: CancelRequest,
    business: StoreBusinessDep,
    c: ContainerDep,
    correlation_id: CorrelationDep,
) -> Response:
    """Cancel with a reason; the reason and who cancelled show in the order's history."""
    return await _move(order_id, OrderStatus.CANCELLED, body.reason, body.cancelled_by, business, c,
                       correlation_id)  # fmt: skip


def _customer_phone(raw: str, business: Business) -> str:
    return handlers.phone_of(raw, business, field="phone")


@router.get("/customers", response_model=CustomerList, responses=COMMON)
async def find_customers(
    business: StoreBusinessDep,
    c: ContainerDep,
    email: Annotated[str, Query(min_length=3, max_length=320, description="Customer's email.")],
) -> Response:
    found = await c.view.customer(business.business_id, email=email)
    return json_response({"customers": [_customer_json(r) for r in found]})


@router.get("/customers/{phone}", response_model=CustomerOut, responses=refusals(404))
async def get_customer(phone: str, business: StoreBusinessDep, c: ContainerDep) -> Response:
    found = await c.view.customer(business.business_id, phone=_customer_phone(phone, business))
    if not found:
        raise ApiProblem(
            404, "customer_not_found", "no orders from this phone number", field="phone"
        )
    return json_response(_customer_json(found[0]))


@router.get("/customers/{phone}/orders", response_model=CustomerOrders, responses=refusals(404))
async def get_customer_orders(
    phone: str,
    business: StoreBusinessDep,
    c: ContainerDep,
    limit: Annotated[int, Query(ge=1, le=50, description="How many, newest first.")] = 3,
) -> Response:
    """The customer's last orders, newest first (three by default, as BusinessOnBot asks)."""
    number = _customer_phone(phone, business)
    found = await c.view.customer(business.business_id, phone=number)
    if not found:
        raise ApiProblem(
            404, "customer_not_found", "no orders from this phone number", field="phone"
        )
    rows = await c.view.customer_orders(business.business_id, number, limit)
    return json_response({"customer": _customer_json(found[0]),
                          "orders": [_order_json(r, with_history=False) for r in rows]})  # fmt: skip


def _customer_json(row: dict[str, Any]) -> dict[str, Any]:
    return CustomerOut.model_validate(row).model_dump(mode="json")


@health.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok", "service": "ingest-gateway"}


@health.get("/readyz", responses={200: {"model": Readiness}, 503: {"model": Readiness}})
async def readyz(c: ContainerDep) -> Response:
    failures: dict[str, str] = {}
    try:
        await c.pool.fetchval("SELECT 1")
    except Exception as exc:
        failures["postgres"] = repr(exc)
    try:
        await c.producer.client.fetch_all_metadata()
    except Exception as exc:
        failures["kafka"] = repr(exc)
    return json_response(
        {"ready": not failures, "failures": failures}, status_code=503 if failures else 200
    )


# --- errors: every refusal is {code, message, field} ---

MAX_BODY_BYTES = 256 * 1024  # a store order is a few KiB; 256 KiB is generous
_LOC_ROOTS = ("body", "query", "path", "header")
_FIELD_CODES = {"event_type": "unsupported_event_type", "status": "invalid_status"}
_HTTP_CODES = {
    400: "invalid_json",  # FastAPI's own 400: a body it could not parse
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


def _error(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = ApiError(code=code, message=message, field=field, details=details).model_dump(
        exclude_none=True
    )
    try:
        return json_response(body, status_code=status, headers=headers)
    except TypeError:  # orjson refuses a lone surrogate echoed from the request ("\ud800": 1)
        printable = json.dumps(body, ensure_ascii=False).encode("utf-8", "replace")
        return Response(printable, status, headers, media_type="application/json")


async def on_api_problem(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiProblem)
    return _error(exc.status, exc.code, exc.message, exc.field, exc.details, exc.headers)


def _field_of(loc: Sequence[int | str]) -> str:
    """Dotted path of a pydantic error location, without its root (body, query, ...)."""
    return ".".join(str(p) for p in (loc[1:] if loc and loc[0] in _LOC_ROOTS else loc))


def _message_of(error: Mapping[str, Any]) -> str:
    if error["type"] == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == NO_NUL:
        return "must not contain NUL characters"
    return str(error["msg"])


async def on_validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"type": "invalid", "loc": (), "msg": "invalid request"}
    field = _field_of(first.get("loc", ())) or None
    if first["type"] == "json_invalid":
        return _error(400, "invalid_json", "the request body is not valid JSON")
    if first["type"] == "missing":
        code = "missing_field"
    else:
        code = _FIELD_CODES.get(str(first["loc"][-1]) if field else "", "invalid_field")
    if field:
        message = f"{field}: {_message_of(first)}"
    elif first["type"] == "missing":
        message = "the request body is missing; send a JSON object"
    else:
        message = f"the request body: {_message_of(first)}"
    details = {
        "errors": [
            {"field": _field_of(e.get("loc", ())), "message": _message_of(e), "type": e["type"]}
            for e in errors[:20]
        ]
    }
    return _error(400, code, message, field, details)


def _unreadable_body(cause: BaseException | None) -> str:
    """Why FastAPI could not parse the body (it answers every such failure with a bare 400)."""
    if isinstance(cause, UnicodeDecodeError):
        return "the request body is not UTF-8 text"
    if isinstance(cause, RecursionError):
        return "the request body is nested too deeply"
    if isinstance(cause, ValueError):  # Python refuses integers of more than 4300 digits
        return "the request body holds a number with too many digits"
    return "the request body is not valid JSON"


def _allowed_methods(request: Request) -> str:
    """Every method the OpenAPI lists at this path (Starlette's 405 names one route's only)."""
    path = request.scope["path"]
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        pattern = "[^/]+".join(re.escape(part) for part in re.split(r"{[^}]+}", template))
        if re.fullmatch(pattern, path):
            methods.update(method.upper() for method in operations)
    return ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    message = _unreadable_body(exc.__cause__) if status == 400 else str(exc.detail)
    details = {"max_bytes": MAX_BODY_BYTES} if status == 413 else None
    headers = dict(exc.headers or {})
    if status == 405:
        headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
    return _error(status, _HTTP_CODES.get(status, "http_error"), message, details=details,
                  headers=headers)  # fmt: skip


async def on_unstorable_text(request: Request, exc: Exception) -> Response:
    """Postgres text cannot hold NUL: a parameter carrying one is the client's mistake."""
    params = {**request.path_params, **request.query_params}
    field = next((name for name, value in params.items() if "\x00" in str(value)), None)
    log.warning("unstorable_text", error=repr(exc), field=field)
    return _error(
        400, "invalid_field", f"{field or 'a value'}: must not contain NUL characters", field
    )


async def on_unexpected(_request: Request, exc: Exception) -> Response:
    log.exception("unhandled_error", error=repr(exc))
    return _error(500, "internal_error", "something went wrong on our side; it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiProblem, on_api_problem)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    for unstorable in (CharacterNotInRepertoireError, UntranslatableCharacterError):
        app.add_exception_handler(unstorable, on_unstorable_text)
    app.add_exception_handler(Exception, on_unexpected)


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


class CorrelationMiddleware:
    """Takes `X-Request-ID` (or makes one), binds it to every log line, and echoes it back.

    It also adds any headers a route's dependencies left in `request.state.response_headers`
    (the rate-limit headers), whatever response the route built.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        correlation_id = raw if _REQUEST_ID.match(raw) else uuid.uuid4().hex
        clear_contextvars()
        bind_contextvars(service="ingest-gateway", correlation_id=correlation_id)
        state = scope.setdefault("state", {})  # shared with request.state further in

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.append((b"x-request-id", correlation_id.encode()))
                present = {k.lower() for k, _ in headers}
                for name, value in state.get("response_headers", {}).items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
            await send(message)

        await self.app(scope, receive, send_with_id)


class BodyTooLarge(StarletteHTTPException):
    """Raised from `receive` once a streamed body passes the limit; answered as a 413."""

    def __init__(self) -> None:
        super().__init__(413, f"the request body is larger than {MAX_BODY_BYTES // 1024} KiB")


class BodySizeLimitMiddleware:
    """Refuses a request body over MAX_BODY_BYTES with 413 `payload_too_large`, unread.

    A Content-Length over the limit is refused before the app runs; a chunked body is counted
    as it streams in and refused as soon as it passes the limit.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        # The HTTP server has parsed it already; the length test keeps int() cheap on absurd ones.
        if declared.isdigit() and (len(declared) > 12 or int(declared) > MAX_BODY_BYTES):
            await self.refuse(scope, receive, send, BodyTooLarge())
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY_BYTES:
                    raise BodyTooLarge()
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge as exc:  # read outside the routes' error handlers
            if started:
                raise
            await self.refuse(scope, receive, send, exc)

    @staticmethod
    async def refuse(scope: Scope, receive: Receive, send: Send, exc: BodyTooLarge) -> None:
        response = await on_http_error(Request(scope, receive), exc)
        await response(scope, receive, send)
