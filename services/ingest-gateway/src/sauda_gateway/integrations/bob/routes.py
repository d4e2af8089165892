"""BusinessOnBot-compatible push endpoints under /bob/: Shopify-shaped bodies in, BOB answers out.

A store that pushes order, cancellation, fulfillment, delivery and abandoned-cart events to
BusinessOnBot can push them here unchanged (authenticated by `x-guest-id`).
"""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from sauda_contracts import Fulfillment, StoreStatus
from sauda_contracts.api import ApiError
from sauda_contracts.bob import (
    BobDeliveryEvent,
    BobResponse,
    ShopifyCheckout,
    ShopifyFulfillment,
    ShopifyOrder,
)
from sauda_gateway import clock
from sauda_gateway.api.deps import (
    CartsDep,
    CorrelationDep,
    LedgerDep,
    OrderViewDep,
    OutboxDep,
    StoreBusinessDep,
    StoreKeysDep,
)
from sauda_gateway.api.errors import headers_of, status_of
from sauda_gateway.carts.handlers import abandon_cart
from sauda_gateway.domain import Business, DomainError
from sauda_gateway.integrations.bob.failed import failed_attempt
from sauda_gateway.integrations.bob.translate import (
    DELIVERY,
    FAILED_ATTEMPT,
    PLATFORM,
    order_request,
)
from sauda_gateway.integrations.bob.translate import abandoned_cart as cart_of
from sauda_gateway.orders import handlers
from sauda_gateway.orders.ledger import Ledger
from sauda_gateway.orders.store import StoreOrderKeys
from sauda_gateway.view.queries import OrderView


def _answer(status_code: int, error: str | None = None, code: str | None = None,
            field: str | None = None, headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    body = BobResponse(
        status="success" if status_code < 400 else "failure",
        statusCode=status_code,
        error=error,
        code=code,
        field=field,
    )
    return Response(body.model_dump_json(exclude_none=True), status_code=status_code,
                    media_type="application/json", headers=headers)  # fmt: skip


class BobRoute(APIRoute):
    """Refusals in BusinessOnBot's shape: {"status": "failure", "statusCode", "error", ...}."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handle(request)
            except DomainError as exc:
                return _answer(status_of(exc), exc.message, exc.code, exc.field, headers_of(exc))
            except (RequestValidationError, ValidationError) as exc:
                # Also a Shopify value that passes the lenient body but not Sauda's contracts
                # (say an email that is not one): the payload is bad, not the server.
                first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "bad payload"}
                field = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or None
                code = "invalid_json" if first.get("type") == "json_invalid" else "invalid_field"
                return _answer(400, f"Bad payload: {field or 'body'}: {first['msg']}", code, field)
            except StarletteHTTPException as exc:
                return _answer(exc.status_code, f"Bad payload: {exc.detail}", "invalid_json")

        return route


bob = APIRouter(prefix="/bob", route_class=BobRoute, tags=["BusinessOnBot"])
OK = {"model": BobResponse}
RESPONSES: dict[int | str, dict[str, Any]] = {
    **{code: OK for code in (200, 400, 401, 403, 404, 409, 429, 503, "4XX")},
    413: {"model": ApiError},  # refused by size before any route runs
}


async def _upsert(order: ShopifyOrder, status: StoreStatus, business: Business, view: OrderView,
                  keys: StoreOrderKeys, ledger: Ledger, correlation_id: str,
                  reason: str | None = None) -> Response:  # fmt: skip
    await handlers.upsert_order(order_request(order, status), business=business,
                                correlation_id=correlation_id, view=view, keys=keys,
                                ledger=ledger, reason=reason)  # fmt: skip
    return _answer(200)


@bob.post("/orders-create", response_model=BobResponse, responses=RESPONSES)
async def orders_create(body: ShopifyOrder, business: StoreBusinessDep, view: OrderViewDep,
                        keys: StoreKeysDep, ledger: LedgerDep,
                        correlation_id: CorrelationDep) -> Response:  # fmt: skip
    """A new order (or an update of one): placed, and confirmed at once when already paid."""
    return await _upsert(body, StoreStatus.PROCESSING, business, view, keys, ledger,
                         correlation_id)  # fmt: skip


@bob.post("/orders-cancelled", response_model=BobResponse, responses=RESPONSES)
async def orders_cancelled(body: ShopifyOrder, business: StoreBusinessDep, view: OrderViewDep,
                           keys: StoreKeysDep, ledger: LedgerDep,
                           correlation_id: CorrelationDep) -> Response:  # fmt: skip
    """The store cancelled an order; its cancel_reason goes into the order's history."""
    return await _upsert(body, StoreStatus.CANCELLED, business, view, keys, ledger,
                         correlation_id, reason=body.cancel_reason)  # fmt: skip


async def _move(number: str, status: StoreStatus, fulfillment: Fulfillment, business: Business,
                view: OrderView, ledger: Ledger, correlation_id: str) -> Response:  # fmt: skip
    await handlers.update_store_order(PLATFORM, number, status=status, fulfillment=fulfillment,
                                      business=business, correlation_id=correlation_id,
                                      view=view, ledger=ledger)  # fmt: skip
    return _answer(200)


@bob.post("/fulfillments-create", response_model=BobResponse, responses=RESPONSES)
async def fulfillments_create(body: ShopifyFulfillment, business: StoreBusinessDep,
                              view: OrderViewDep, ledger: LedgerDep,
                              correlation_id: CorrelationDep) -> Response:  # fmt: skip
    """The order left the warehouse: shipped, with its fulfillment id and tracking."""
    delivered = (body.shipment_status or "").lower() == "delivered"
    fulfillment = Fulfillment(fulfillment_id=body.id, tracking_code=body.tracking_number,
                              tracking_url=body.tracking_url)  # fmt: skip
    status = StoreStatus.DELIVERED if delivered else StoreStatus.SHIPPED
    return await _move(body.order_id, status, fulfillment, business, view, ledger, correlation_id)


@bob.post("/fulfillments-events-create", response_model=BobResponse, responses=RESPONSES)
async def fulfillment_events_create(body: BobDeliveryEvent, business: StoreBusinessDep,
                                    view: OrderViewDep, ledger: LedgerDep,
                                    correlation_id: CorrelationDep) -> Response:  # fmt: skip
    """Courier news: Dispatched / In-transit → shipped, Delivered → delivered, Returned → returned;
    Attempted-delivery / Failed-attempt / Failure → a failed delivery attempt (NDR)."""
    if body.status in FAILED_ATTEMPT:
        await failed_attempt(body, business=business, correlation_id=correlation_id, view=view,
                             ledger=ledger)  # fmt: skip
        return _answer(200)
    fulfillment = Fulfillment(fulfillment_id=body.fulfillment_id, delivered_at=body.delivered_at)
    return await _move(body.id, DELIVERY[body.status], fulfillment, business, view, ledger,
                       correlation_id)  # fmt: skip


@bob.post("/abandoned-cart", response_model=BobResponse, responses=RESPONSES)
async def abandoned_cart(body: ShopifyCheckout, business: StoreBusinessDep, carts: CartsDep,
                               outbox: OutboxDep, correlation_id: CorrelationDep) -> Response:  # fmt: skip
    """A shopper left at checkout: recorded, and published on carts.v1 for the notifier."""
    cart = cart_of(body, business, correlation_id=correlation_id, event_id=clock.new_id(),
                          now=clock.now())  # fmt: skip
    await abandon_cart(cart, carts=carts, outbox=outbox)
    return _answer(200)
