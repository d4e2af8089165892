"""The WhatsApp catalog's rules, pure: which catalog an id names (one per business, its id the
business id), the document's cart statuses as the FSM's, and an order as the document lists it.

Cart statuses (case-insensitive) → the order FSM's status:

| cart_status                                   | status    | cart_status_raw shown |
|-----------------------------------------------|-----------|-----------------------|
| submitted, pending                            | pending   | Submitted             |
| approved, approve, accepted, confirmed        | confirmed | Approved              |
| declined, decline, rejected, cancelled, canceled | cancelled | Declined           |
| shipped                                       | shipped   | Shipped               |
| delivered, completed                          | delivered | Delivered             |
| returned                                      | returned  | Returned              |

Whether the move is legal is the ledger's FSM's to say (409 `invalid_transition`)."""

import json
from typing import Any
from uuid import UUID

from sauda_contracts.orders import OrderSource, OrderStatus
from sauda_gateway.domain import Business, Conflict, Invalid, NotFound

S = OrderStatus
CART_STATUSES: dict[str, OrderStatus] = {
    "submitted": S.PENDING, "pending": S.PENDING,
    "approved": S.CONFIRMED, "approve": S.CONFIRMED, "accepted": S.CONFIRMED,
    "confirmed": S.CONFIRMED,
    "declined": S.CANCELLED, "decline": S.CANCELLED, "rejected": S.CANCELLED,
    "cancelled": S.CANCELLED, "canceled": S.CANCELLED,
    "shipped": S.SHIPPED,
    "delivered": S.DELIVERED, "completed": S.DELIVERED,
    "returned": S.RETURNED,
}  # fmt: skip
RAW_LABELS: dict[OrderStatus, str] = {
    S.PENDING: "Submitted", S.CONFIRMED: "Approved", S.CANCELLED: "Declined",
    S.SHIPPED: "Shipped", S.DELIVERED: "Delivered", S.RETURNED: "Returned",
}  # fmt: skip
KNOWN = "approved, declined, shipped, delivered, returned (or confirmed, cancelled)"


class UnknownCatalog(NotFound, code="unknown_catalog", field="whatsapp_catalog_id",
                     message="no such catalog: catalog/list names this business's one"): ...  # fmt: skip


class CatalogOrderNotFound(NotFound, code="order_not_found", field="order_unique_id",
                           message="no such order placed in this business's WhatsApp chat"): ...  # fmt: skip


class InvalidCartStatus(Invalid, code="invalid_cart_status", field="cart_status",
                        message=f"cart_status: give one of {KNOWN}"): ...  # fmt: skip


class NeverImported(Conflict, code="catalog_never_imported", field="whatsapp_catalog_id",
                    message="the catalog has no store address yet: import the store's products "
                    "once (POST /api/v1/products/imports with its url); a sync re-reads that "
                    "address"): ...  # fmt: skip


def catalog_of(business: Business, raw: str) -> UUID:
    """The catalog an id names: the business's own, or none (another business's is unknown)."""
    try:
        named = UUID(raw.strip())
    except ValueError:
        raise UnknownCatalog() from None
    if named != business.business_id:
        raise UnknownCatalog()
    return named


def order_id_of(raw: str) -> UUID:
    try:
        return UUID(raw.strip())
    except ValueError:
        raise CatalogOrderNotFound() from None


def cart_status_of(raw: str) -> OrderStatus:
    found = CART_STATUSES.get(raw.strip().lower())
    if found is None:
        raise InvalidCartStatus(f"cart_status: {raw[:40]!r} is not a cart status; give one of "
                                f"{KNOWN}")  # fmt: skip
    return found


def is_catalog_order(order: dict[str, Any] | None) -> bool:
    """Orders of the catalog are those placed in the WhatsApp chat."""
    return order is not None and str(order["source"]) == OrderSource.WHATSAPP.value


def checkout_settings(currency: str | None, products: int) -> str:
    return json.dumps({"currency": currency, "products": products,
                       "payment_method": "Cash on Delivery"})  # fmt: skip


def shipping_address(customer: dict[str, Any]) -> str:
    return json.dumps({"name": customer.get("name"), "phone_number": customer.get("phone"),
                       "email": customer.get("email"), "address": customer.get("address")})  # fmt: skip
