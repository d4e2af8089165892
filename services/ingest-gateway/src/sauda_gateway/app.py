"""Gateway HTTP routes: validate, call a use case or read the view, shape the answer. No domain logic."""

import re
import uuid
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import bind_contextvars, clear_contextvars

from sauda_contracts import Actor, OrderSource, OrderStatus
from sauda_contracts.api import (
    ApiError,
    CancelRequest,
    CustomerList,
    CustomerOrders,
    CustomerOut,
    IngestRequest,
    IngestResponse,
    OrderList,
    OrderOut,
    StatusChangeRequest,
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


def _parse_order_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ApiProblem(404, "order_not_found", "no such order", field="order_id") from None


# Every Store API route can answer these; documented so clients (and schemathesis) know them.
COMMON: dict[int | str, dict[str, Any]] = {
    code: {"model": ApiError} for code in (400, 401, 403, 404, 409, 413, 429, 503)
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
    responses={202: {"model": IngestResponse}, **COMMON},
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
        view=c.view,
        producer=c.producer,
        waiter=c.waiter,
        wait_seconds=c.settings.status_wait_ms / 1000,
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


@router.post(
    "/orders",
    response_model=UpsertOrderResponse,
    responses={201: {"model": UpsertOrderResponse}, 202: {"model": UpsertOrderResponse}, **COMMON},
)
async def upsert_order(
    body: UpsertOrderRequest,
    business: StoreBusinessDep,
    c: ContainerDep,
    correlation_id: CorrelationDep,
) -> Response:
    """Create or update an order by platform + orderNumber (Bugalou's Orders API)."""
    return await _upsert(body, business, c, correlation_id)


@zapier.post(
    "/order",
    response_model=UpsertOrderResponse,
    responses={201: {"model": UpsertOrderResponse}, 202: {"model": UpsertOrderResponse}, **COMMON},
)
async def zapier_order(
    body: UpsertOrderRequest,
    business: StoreBusinessDep,
    c: ContainerDep,
    correlation_id: CorrelationDep,
) -> Response:
    """The same upsert, at the path Zapier integrations call."""
    return await _upsert(body, business, c, correlation_id)


@router.get("/orders/{order_id}", response_model=OrderOut, responses=COMMON)
async def get_order(order_id: str, business: StoreBusinessDep, c: ContainerDep) -> Response:
    row = await c.view.get(business.business_id, _parse_order_id(order_id))
    if row is None:
        raise ApiProblem(404, "order_not_found", "no such order", field="order_id")
    return json_response(_order_json(row, with_history=True))


async def _move(order_id: str, status: OrderStatus, reason: str | None, actor: Actor,
                business: Business, c: Container, correlation_id: str) -> Response:  # fmt: skip
    oid = _parse_order_id(order_id)
    bind_contextvars(order_id=str(oid))
    result = await handlers.change_status(
        oid,
        status,
        reason=reason,
        actor=actor,
        business=business,
        correlation_id=correlation_id,
        view=c.view,
        producer=c.producer,
        waiter=c.waiter,
        wait_seconds=c.settings.status_wait_ms / 1000,
    )
    if not result.applied or result.order is None:
        return _accepted(oid, result.command_id)
    return json_response(_order_json(result.order, with_history=True))


@router.patch(
    "/orders/{order_id}/status",
    response_model=OrderOut,
    responses={202: {"model": ApiError}, **COMMON},
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
    responses={202: {"model": ApiError}, **COMMON},
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


@router.get("/customers/{phone}", response_model=CustomerOut, responses=COMMON)
async def get_customer(phone: str, business: StoreBusinessDep, c: ContainerDep) -> Response:
    found = await c.view.customer(business.business_id, phone=_customer_phone(phone, business))
    if not found:
        raise ApiProblem(
            404, "customer_not_found", "no orders from this phone number", field="phone"
        )
    return json_response(_customer_json(found[0]))


@router.get("/customers/{phone}/orders", response_model=CustomerOrders, responses=COMMON)
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


@health.get("/readyz")
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

_LOC_ROOTS = ("body", "query", "path", "header")
_FIELD_CODES = {"event_type": "unsupported_event_type", "status": "invalid_status"}


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
    return json_response(body, status_code=status, headers=headers)


async def on_api_problem(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiProblem)
    return _error(exc.status, exc.code, exc.message, exc.field, exc.details, exc.headers)


async def on_validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"type": "invalid", "loc": (), "msg": "invalid request"}
    loc = [str(p) for p in first.get("loc", ()) if p not in _LOC_ROOTS]
    field = ".".join(loc) or None
    if first["type"] == "json_invalid":
        return _error(400, "invalid_json", "the request body is not valid JSON")
    if first["type"] == "missing":
        code = "missing_field"
    else:
        code = _FIELD_CODES.get(loc[-1] if loc else "", "invalid_field")
    message = f"{field}: {first['msg']}" if field else str(first["msg"])
    details = {
        "errors": [
            {
                "field": ".".join(str(p) for p in e.get("loc", ()) if p not in _LOC_ROOTS),
                "message": e["msg"],
                "type": e["type"],
            }
            for e in errors[:20]
        ]
    }
    return _error(400, code, message, field, details)


async def on_http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    return _error(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))


async def on_unexpected(_request: Request, exc: Exception) -> Response:
    log.exception("unhandled_error", error=repr(exc))
    return _error(500, "internal_error", "something went wrong on our side; it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiProblem, on_api_problem)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
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


class JsonBodyMiddleware:
    """The API speaks only JSON: a body sent without a JSON content type (curl -d) is read as JSON."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PATCH", "PUT"):
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
            original = dict(scope["headers"]).get(b"content-type", b"")
            if not original.startswith(b"application/json"):
                scope = {**scope, "headers": [*headers, (b"content-type", b"application/json")]}
        await self.app(scope, receive, send)
