"""BusinessOnBot-compatible push endpoints under /bob/: Shopify-shaped bodies in, BOB answers out.

A store that pushes order, cancellation, fulfillment, delivery and abandoned-cart events to
BusinessOnBot can push them here unchanged (authenticated by `x-guest-id`).
"""

from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from sauda_contracts import Customer, Fulfillment, LineItem, PaymentStatus, StoreStatus
from sauda_contracts.api import ApiError, StoreItem, UpsertOrderRequest
from sauda_contracts.bob import (
    BobDeliveryEvent,
    BobResponse,
    ShopifyCheckout,
    ShopifyCustomer,
    ShopifyFulfillment,
    ShopifyLineItem,
    ShopifyOrder,
)
from sauda_contracts.carts import CartAbandoned, CartAbandonedBody
from sauda_gateway import handlers
from sauda_gateway.adapters.businesses import Business
from sauda_gateway.deps import Container, ContainerDep, CorrelationDep, StoreBusinessDep
from sauda_gateway.handlers import ApiProblem, fresh_envelope, phone_of

PLATFORM = "shopify"  # BusinessOnBot stores are Shopify stores

# Shopify financial_status → Sauda payment status (anything else: not paid yet).
FINANCIAL = {
    "paid": PaymentStatus.PAID,
    "refunded": PaymentStatus.REFUNDED,
    "partially_refunded": PaymentStatus.PAID,
    "voided": PaymentStatus.FAILED,
}
# BusinessOnBot delivery statuses → order status.
DELIVERY = {
    "Dispatched": StoreStatus.SHIPPED,
    "In-transit": StoreStatus.SHIPPED,
    "Delivered": StoreStatus.DELIVERED,
    "Returned": StoreStatus.RETURNED,
}


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
            except ApiProblem as exc:
                return _answer(exc.status, exc.message, exc.code, exc.field, exc.headers)
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


def _name(customer: ShopifyCustomer | None, *fallbacks: str | None) -> str | None:
    if customer and (customer.first_name or customer.last_name):
        return " ".join(p for p in (customer.first_name, customer.last_name) if p)
    return next((f for f in fallbacks if f), None)


def _items(lines: tuple[ShopifyLineItem, ...]) -> tuple[StoreItem, ...]:
    return tuple(
        StoreItem(name=line.title or line.name or "item", quantity=line.quantity, price=line.price,
                  sku=line.sku)
        for line in lines
    )  # fmt: skip


def order_request(order: ShopifyOrder, status: StoreStatus) -> UpsertOrderRequest:
    """A Shopify order as the store-upsert request Sauda already understands."""
    address = order.shipping_address or order.billing_address
    phone = (order.customer and order.customer.phone) or order.phone or (address and address.phone)
    payment = FINANCIAL.get((order.financial_status or "").lower())
    return UpsertOrderRequest(
        platform=PLATFORM,
        orderNumber=order.id,
        orderStatus=status.value,
        customerEmail=(order.customer and order.customer.email) or order.email,
        customerName=_name(order.customer, address and address.name),
        customerPhone=phone or None,
        consent=True,  # the store turned on WhatsApp order updates in BusinessOnBot
        items=_items(order.line_items),
        total=order.total_price,
        currency=order.currency,
        paymentStatus=payment or (PaymentStatus.PENDING if order.gateway else None),
        paymentMethod=order.gateway,
    )


async def _upsert(order: ShopifyOrder, status: StoreStatus, business: Business, c: Container,
                  correlation_id: str, reason: str | None = None) -> Response:  # fmt: skip
    await handlers.upsert_order(
        order_request(order, status),
        business=business,
        correlation_id=correlation_id,
        keys=c.store_keys,
        orders=c.commands,
        reason=reason,
    )
    return _answer(200)


@bob.post("/orders-create", response_model=BobResponse, responses=RESPONSES)
async def orders_create(body: ShopifyOrder, business: StoreBusinessDep, c: ContainerDep,
                        correlation_id: CorrelationDep) -> Response:  # fmt: skip
    """A new order (or an update of one): placed, and confirmed at once when already paid."""
    return await _upsert(body, StoreStatus.PROCESSING, business, c, correlation_id)


@bob.post("/orders-cancelled", response_model=BobResponse, responses=RESPONSES)
async def orders_cancelled(body: ShopifyOrder, business: StoreBusinessDep, c: ContainerDep,
                           correlation_id: CorrelationDep) -> Response:  # fmt: skip
    """The store cancelled an order; its cancel_reason goes into the order's history."""
    return await _upsert(body, StoreStatus.CANCELLED, business, c, correlation_id,
                         reason=body.cancel_reason)  # fmt: skip


async def _move(number: str, status: StoreStatus, fulfillment: Fulfillment, business: Business,
                c: Container, correlation_id: str) -> Response:  # fmt: skip
    await handlers.update_store_order(
        PLATFORM,
        number,
        status=status,
        fulfillment=fulfillment,
        business=business,
        correlation_id=correlation_id,
        orders=c.commands,
    )
    return _answer(200)


@bob.post("/fulfillments-create", response_model=BobResponse, responses=RESPONSES)
async def fulfillments_create(body: ShopifyFulfillment, business: StoreBusinessDep,
                              c: ContainerDep, correlation_id: CorrelationDep) -> Response:  # fmt: skip
    """The order left the warehouse: shipped, with its fulfillment id and tracking."""
    delivered = (body.shipment_status or "").lower() == "delivered"
    fulfillment = Fulfillment(fulfillment_id=body.id, tracking_code=body.tracking_number,
                              tracking_url=body.tracking_url)  # fmt: skip
    status = StoreStatus.DELIVERED if delivered else StoreStatus.SHIPPED
    return await _move(body.order_id, status, fulfillment, business, c, correlation_id)


@bob.post("/fulfillments-events-create", response_model=BobResponse, responses=RESPONSES)
async def fulfillment_events_create(body: BobDeliveryEvent, business: StoreBusinessDep,
                                    c: ContainerDep, correlation_id: CorrelationDep) -> Response:  # fmt: skip
    """Courier news: Dispatched / In-transit → shipped, Delivered → delivered, Returned → returned."""
    fulfillment = Fulfillment(fulfillment_id=body.fulfillment_id, delivered_at=body.delivered_at)
    return await _move(body.id, DELIVERY[body.status], fulfillment, business, c, correlation_id)


@bob.post("/abandoned-cart", response_model=BobResponse, responses=RESPONSES)
async def abandoned_cart(body: ShopifyCheckout, business: StoreBusinessDep, c: ContainerDep,
                         correlation_id: CorrelationDep) -> Response:  # fmt: skip
    """A shopper left at checkout: recorded, and published on carts.v1 for the notifier."""
    raw_phone = (
        (body.customer and body.customer.phone)
        or body.phone
        or (body.shipping_address and body.shipping_address.phone)
    )
    items = tuple(LineItem(name=i.name, qty=i.quantity, price=i.price, sku=i.sku)
                  for i in _items(body.line_items))  # fmt: skip
    customer = Customer(
        phone=phone_of(raw_phone, business, field="phone") if raw_phone else None,
        name=_name(body.customer, body.shipping_address and body.shipping_address.name),
        email=(body.customer and body.customer.email) or body.email,
        consent=True,
    )
    if customer.phone is None and customer.email is None:
        raise ApiProblem(400, "missing_field", "a cart needs the customer's phone or email",
                         field="phone")  # fmt: skip
    cart = CartAbandoned(
        **fresh_envelope(business, correlation_id),
        body=CartAbandonedBody(
            cart_id=body.id,
            customer=customer,
            items=items,
            total=body.total_price
            if body.total_price is not None
            else sum((i.price * i.qty for i in items), Decimal(0)),
            currency=body.currency.upper(),
            checkout_url=body.abandoned_checkout_url,
        ),
    )
    await c.carts.record(cart)
    c.relay.wake()
    return _answer(200)
