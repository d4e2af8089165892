"""The WhatsApp catalog, both ways in: the Wabotick document's `catalog/…` forms and answers
(its exact field names and shapes, `"status": true` where the document has it) and Sauda's
REST bodies (`GET /api/v1/whatsapp/catalogs`, …).

Sauda keeps one catalog per business: its products (`/api/v1/products`), imported from the
store's site. The catalog's id is the business id; its orders are the orders placed in the
WhatsApp chat (source `whatsapp`), moved through the ledger's FSM like any other order.
"""

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from sauda_contracts.api import NO_NUL
from sauda_contracts.catalog import ImportJob
from sauda_contracts.envelope import Contract
from sauda_contracts.wabotick import WabotickForm

CATALOG_ID = Field(min_length=1, max_length=64, pattern=NO_NUL,
                   description="The catalog's id, as catalog/list gives it (Sauda: the business "
                   "id).")  # fmt: skip


# --- Wabotick forms ---


class CatalogListForm(WabotickForm): ...


class CatalogSyncForm(WabotickForm):
    whatsapp_catalog_id: str = CATALOG_ID


class CatalogOrderListForm(WabotickForm):
    whatsapp_catalog_id: str = CATALOG_ID
    limit: str | None = Field(default=None, max_length=7, description="Sauda: 1–100 (20).")
    offset: str | None = Field(default=None, max_length=9, description="Sauda: orders to skip.")


class CatalogOrderStatusForm(WabotickForm):
    order_unique_id: str = Field(min_length=1, max_length=64, pattern=NO_NUL,
                                 description="The order's `order_unique_id` (Sauda's order id).")  # fmt: skip
    cart_status: str = Field(min_length=1, max_length=40, pattern=NO_NUL,
                             description="approved, declined, shipped, delivered or returned "
                             "(or Sauda's confirmed, cancelled).")  # fmt: skip


# --- Wabotick answers ---


class WabotickCatalog(BaseModel):
    catalog_id: str = Field(description="Sauda: the business id (one catalog per business).")
    catalog_name: str = Field(description="The business's name.")
    catalog_url: str | None = Field(description="The store's site its products were last "
                                    "imported from; null before the first import.")  # fmt: skip
    checkout_settings: str = Field(description="A JSON text: `currency` (of its products), "
                                   "`products` (how many), `payment_method` (cash on delivery).")  # fmt: skip


class WabotickCatalogList(BaseModel):
    status: Literal[True] = True
    message: list[WabotickCatalog]


class WabotickCatalogSynced(BaseModel):
    status: Literal["1"] = "1"
    message: str
    import_id: str = Field(description="Sauda: the import job re-reading the store's products "
                           "(GET /api/v1/products/imports/{import_id}).")  # fmt: skip


class WabotickCatalogOrder(BaseModel):
    order_unique_id: str = Field(description="Sauda's order id.")
    order_number: str = Field(description="Sauda: the order number, e.g. ORD-000042.")
    catalog_id: str
    chat_id: str | None = Field(description="The shopper's number (or WhatsApp user id).")
    catalog_name: str
    first_name: str | None
    cart_total: float
    cart_currency: str
    cart_status_raw: str = Field(description="Submitted, Approved, Declined, Shipped, "
                                 "Delivered or Returned.")  # fmt: skip
    cart_status: str = Field(description="Sauda's status: pending, confirmed, …")
    ordered_at: str | None = Field(description="YYYY-MM-DD HH:MM:SS, UTC.")
    updated_at: str | None
    payment_amount: float
    payment_method: str
    shipping_address: str = Field(description="A JSON text: name, phone_number, email, address.")
    checkout_account_email: str | None = None
    checkout_amount: str = "0"
    checkout_timestamp: str | None = None
    transaction_id: str | None = None
    paid_at: str | None = None
    status_changed_at: str | None


class WabotickCatalogOrders(BaseModel):
    status: Literal["1"] = "1"
    message: list[WabotickCatalogOrder]


class WabotickCartStatusChanged(BaseModel):
    status: Literal[True] = True
    message: str
    order: dict[str, Any] | None = Field(default=None, description="Sauda: the order now.")


# --- Sauda's REST ---


class CatalogOut(Contract):
    catalog_id: UUID = Field(description="The business id: Sauda keeps one catalog per business.")
    name: str = Field(description="The business's name.")
    url: str | None = Field(description="The store's site the products were last imported "
                            "from (what a sync re-reads); null before the first import.")  # fmt: skip
    products: int = Field(description="Products in the catalog.")
    currency: str | None = Field(description="Their currency (the most common one).")
    last_import: ImportJob | None = Field(description="The latest import, if any.")


class CatalogList(Contract):
    catalogs: tuple[CatalogOut, ...] = Field(description="The business's one catalog.")


class CartStatusRequest(Contract):
    """Body of `POST /api/v1/whatsapp/catalogs/orders/{order_id}/status`."""

    cart_status: str = Field(min_length=1, max_length=40, pattern=NO_NUL,
                             description="approved or confirmed, declined or cancelled, shipped, "
                             "delivered, returned.")  # fmt: skip
    reason: str | None = Field(default=None, max_length=500, pattern=NO_NUL,
                               description="Why; shown in the order's history.")  # fmt: skip
