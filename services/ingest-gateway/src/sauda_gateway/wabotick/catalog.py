"""Wabotick-compatible catalog routes: the document's `catalog/…` paths, forms and answers, on
the same handlers as Sauda's catalog REST (`wa_catalog/routes.py`). The catalog id is the
business id (one catalog per business); its orders are the ones placed in the WhatsApp chat."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.api import ApiError
from sauda_contracts.wabotick import WabotickRefusal
from sauda_contracts.wabotick_catalog import (
    CatalogListForm,
    CatalogOrderListForm,
    CatalogOrderStatusForm,
    CatalogSyncForm,
    WabotickCartStatusChanged,
    WabotickCatalog,
    WabotickCatalogList,
    WabotickCatalogOrder,
    WabotickCatalogOrders,
    WabotickCatalogSynced,
)
from sauda_gateway.api.responses import json_response, order_json
from sauda_gateway.subscribers.domain import page
from sauda_gateway.wa_catalog.deps import CatalogsDep
from sauda_gateway.wa_catalog.domain import (
    RAW_LABELS,
    catalog_of,
    checkout_settings,
    shipping_address,
)
from sauda_gateway.wa_catalog.handlers import Catalog
from sauda_gateway.wabotick import translate
from sauda_gateway.wabotick.forms import WabotickCallDep, WabotickRoute, form_body

wabotick_catalog = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp catalog (Wabotick-compatible)"],
                             route_class=WabotickRoute)  # fmt: skip


def _doc(model: type, success: type) -> dict[str, Any]:
    refused: dict[int | str, dict[str, Any]] = {
        code: {"model": WabotickRefusal} for code in (400, 401, 403, 404, 409, 415, 429)
    }
    return {"responses": {200: {"model": success}, 202: {"model": success}, **refused,
                          413: {"model": ApiError}},
            "openapi_extra": form_body(model)}  # fmt: skip


def catalog_line(found: Catalog) -> WabotickCatalog:
    return WabotickCatalog(catalog_id=str(found.catalog_id), catalog_name=found.name,
                           catalog_url=found.facts.url,
                           checkout_settings=checkout_settings(found.facts.currency,
                                                               found.facts.products))  # fmt: skip


def order_line(row: dict[str, Any], catalog_id: str, catalog_name: str) -> WabotickCatalogOrder:
    """An order of the view as the document lists a catalog order."""
    customer = row["customer"] if isinstance(row["customer"], dict) else {}
    payment = row.get("payment") if isinstance(row.get("payment"), dict) else None
    method = (payment or {}).get("method") or "Cash on Delivery"
    paid = payment is not None and payment.get("status") == "paid"
    status = row["status"]
    name = customer.get("name") or None
    total = float(row["total"])
    return WabotickCatalogOrder(
        order_unique_id=str(row["order_id"]), order_number=row["order_number"],
        catalog_id=catalog_id, chat_id=customer.get("phone") or customer.get("whatsapp_user_id"),
        catalog_name=catalog_name, first_name=name.split()[0] if name else None,
        cart_total=total, cart_currency=row["currency"],
        cart_status_raw=RAW_LABELS.get(status, str(status).title()), cart_status=str(status),
        ordered_at=translate.wabotick_time(row["created_at"]),
        updated_at=translate.wabotick_time(row["updated_at"]),
        payment_amount=total, payment_method=method, shipping_address=shipping_address(customer),
        paid_at=translate.wabotick_time(row["updated_at"]) if paid else None,
        status_changed_at=translate.wabotick_time(row["updated_at"]),
    )  # fmt: skip


@wabotick_catalog.post("/catalog/list", summary="Get Catalog List",
                       **_doc(CatalogListForm, WabotickCatalogList))  # fmt: skip
async def catalog_list(call: WabotickCallDep, catalogs: CatalogsDep) -> Response:
    """The business's catalog: Sauda keeps one (its products). `catalog_id` is the business id,
    `catalog_url` the store's site its products were imported from, `checkout_settings` a JSON
    text of its currency, product count and payment method (cash on delivery)."""
    translate.parse(CatalogListForm, call.form)
    found = await catalogs.catalog(call.business)
    return json_response(WabotickCatalogList(message=[catalog_line(found)]).model_dump())


@wabotick_catalog.post("/catalog/sync", summary="Catalog Sync",
                       **_doc(CatalogSyncForm, WabotickCatalogSynced))  # fmt: skip
async def catalog_sync(call: WabotickCallDep, catalogs: CatalogsDep) -> Response:
    """Re-import the products from the store's site (the address of the latest import), as a
    job in the background: `import_id` names it. 404 for another catalog id, 409 while an
    import runs or before the first one."""
    form = translate.parse(CatalogSyncForm, call.form)
    catalog_of(call.business, form.whatsapp_catalog_id)
    job = await catalogs.sync(call.business)
    body = WabotickCatalogSynced(message="Catalog products have been synced successfully.",
                                 import_id=str(job.import_id))  # fmt: skip
    return json_response(body.model_dump(), 202)


@wabotick_catalog.post("/catalog/order/list", summary="Catalog Order List",
                       **_doc(CatalogOrderListForm, WabotickCatalogOrders))  # fmt: skip
async def catalog_order_list(call: WabotickCallDep, catalogs: CatalogsDep) -> Response:
    """The orders shoppers placed in the WhatsApp chat, newest first, `limit` (1–100, 20) from
    `offset`."""
    form = translate.parse(CatalogOrderListForm, call.form)
    catalog_id = catalog_of(call.business, form.whatsapp_catalog_id)
    limit, offset = page(form.limit, form.offset)
    rows, _ = await catalogs.orders(call.business, limit=limit, offset=offset)
    lines = [order_line(r, str(catalog_id), call.business.name) for r in rows]
    return json_response(WabotickCatalogOrders(message=lines).model_dump())


@wabotick_catalog.post("/catalog/order/status-change", summary="Update Catalog Order Status",
                       **_doc(CatalogOrderStatusForm, WabotickCartStatusChanged))  # fmt: skip
async def catalog_order_status(call: WabotickCallDep, catalogs: CatalogsDep) -> Response:
    """Approve (confirm), decline (cancel), ship, deliver or return a chat order, through the
    ledger's FSM: 409 `invalid_transition` for a move it refuses, 400 `invalid_cart_status`
    for a word it does not know, 404 for another business's order."""
    form = translate.parse(CatalogOrderStatusForm, call.form)
    changed = await catalogs.change(call.business, form.order_unique_id, form.cart_status)
    if not changed.applied or changed.order is None:
        body = WabotickCartStatusChanged(message="Cart status change accepted; the order will "
                                         "show it shortly")  # fmt: skip
        return json_response(body.model_dump(), 202)
    body = WabotickCartStatusChanged(message="Cart status has been updated successfully",
                                     order=order_json(changed.order, with_history=False))  # fmt: skip
    return json_response(body.model_dump())
