"""BusinessOnBot's Shopify-shaped bodies read into what Sauda already understands: the store
upsert request, a status move's fulfillment, an abandoned cart."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sauda_contracts import Customer, LineItem, PaymentStatus, StoreStatus
from sauda_contracts.addresses import DeliveryAddress
from sauda_contracts.api import StoreItem, UpsertOrderRequest
from sauda_contracts.bob import (
    ShopifyAddress,
    ShopifyCheckout,
    ShopifyCustomer,
    ShopifyLineItem,
    ShopifyOrder,
)
from sauda_contracts.carts import CartAbandoned, CartAbandonedBody
from sauda_gateway.domain import Business, MissingField, envelope
from sauda_gateway.phones import phone_of

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
# Courier statuses that mean a failed delivery attempt (NDR), not a status move.
FAILED_ATTEMPT = frozenset({"Attempted-delivery", "Failed-attempt", "Failure"})


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


def _country_code(code: str | None) -> str | None:
    code = (code or "").strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else None


def delivery_address(address: ShopifyAddress | None) -> DeliveryAddress | None:
    """Shopify's `shipping_address` in Sauda's words (the same names); none without a street."""
    if address is None or not (address.address1 or "").strip():
        return None
    return DeliveryAddress(
        address1=address.address1.strip(), address2=address.address2 or None,
        city=address.city or None, province=address.province or None, zip=address.zip or None,
        country=address.country or None, country_code=_country_code(address.country_code),
        name=address.name or None, phone=address.phone or None,
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
        deliveryAddress=delivery_address(order.shipping_address),
    )


def abandoned_cart(checkout: ShopifyCheckout, business: Business, *, correlation_id: str,
                   event_id: UUID, now: datetime) -> CartAbandoned:  # fmt: skip
    """A shopper's checkout left unpaid, as the cart event the notifier follows up on."""
    body = checkout
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
        raise MissingField("a cart needs the customer's phone or email", field="phone")
    return CartAbandoned(
        **envelope(business, correlation_id, event_id=event_id, now=now),
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
