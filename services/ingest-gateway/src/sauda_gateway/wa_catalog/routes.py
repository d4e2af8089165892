"""Sauda's REST of the WhatsApp catalog: the business's one catalog, a sync (re-import from the
store's site, as a job), the orders placed in the chat and their status changes."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sauda_contracts.api import ApiError, OrderList, OrderOut
from sauda_contracts.catalog import ImportJob
from sauda_contracts.wabotick_catalog import CartStatusRequest, CatalogList, CatalogOut
from sauda_gateway.api.deps import StoreBusinessDep
from sauda_gateway.api.responses import json_response, order_json, page_json, refusals
from sauda_gateway.wa_catalog.deps import CatalogsDep
from sauda_gateway.wa_catalog.domain import catalog_of
from sauda_gateway.wa_catalog.handlers import Catalog

wa_catalogs = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp catalog"])


def catalog_json(found: Catalog) -> dict[str, object]:
    out = CatalogOut(catalog_id=found.catalog_id, name=found.name, url=found.facts.url,
                     products=found.facts.products, currency=found.facts.currency,
                     last_import=found.last_import)  # fmt: skip
    return out.model_dump(mode="json")


@wa_catalogs.get("/catalogs", response_model=CatalogList, responses=refusals())
async def list_catalogs(business: StoreBusinessDep, catalogs: CatalogsDep) -> Response:
    """The business's catalog (Sauda keeps one per business: its products; its id is the
    business id), with the store address a sync re-reads and the latest import."""
    found = await catalogs.catalog(business)
    return json_response({"catalogs": [catalog_json(found)]})


@wa_catalogs.post("/catalogs/{catalog_id}/sync", status_code=202, response_model=ImportJob,
                  responses=refusals(404, 409))  # fmt: skip
async def sync_catalog(catalog_id: str, business: StoreBusinessDep,
                       catalogs: CatalogsDep) -> Response:  # fmt: skip
    """Re-import the products from the store's site (the address the latest import read): 202
    with the import job (as POST /api/v1/products/imports answers). 404 `unknown_catalog`, 409
    `import_running`, 409 `catalog_never_imported` before any import."""
    catalog_of(business, catalog_id)
    job = await catalogs.sync(business)
    return json_response(job.model_dump(mode="json"), status_code=202,
                         headers={"Location": f"/api/v1/products/imports/{job.import_id}"})  # fmt: skip


@wa_catalogs.get("/catalogs/{catalog_id}/orders", response_model=OrderList,
                 responses=refusals(404))  # fmt: skip
async def catalog_orders(
    catalog_id: str,
    business: StoreBusinessDep,
    catalogs: CatalogsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """The orders shoppers placed in the WhatsApp chat (source `whatsapp`), newest first."""
    catalog_of(business, catalog_id)
    rows, total = await catalogs.orders(business, limit=limit, offset=offset)
    shown = [order_json(r, with_history=False) for r in rows]
    return json_response(page_json("orders", shown, total=total, limit=limit, offset=offset))


@wa_catalogs.post("/catalogs/orders/{order_id}/status", response_model=OrderOut,
                  responses={202: {"model": ApiError}, **refusals(404, 409, 503)})  # fmt: skip
async def change_catalog_order_status(
    order_id: str, body: CartStatusRequest, business: StoreBusinessDep, catalogs: CatalogsDep
) -> Response:
    """Move a chat order by the document's cart status (approved → confirmed, declined →
    cancelled, shipped, delivered, returned; Sauda's own words too) through the ledger's FSM,
    as PATCH /api/v1/orders/{id}/status does (actor merchant). 400 `invalid_cart_status`, 404
    `order_not_found` (also for another business's order or a store's), 409
    `invalid_transition` with the current status and the allowed ones; 202 if the ledger has
    not answered in time."""
    changed = await catalogs.change(business, order_id, body.cart_status, body.reason)
    if not changed.applied or changed.order is None:
        return json_response(
            {"code": "status_change_pending",
             "message": "queued; the order will show the change shortly",
             "details": {"command_id": str(changed.command_id),
                         "order_id": str(changed.order_id)}},
            status_code=202, headers={"Location": f"/api/v1/orders/{changed.order_id}"},
        )  # fmt: skip
    return json_response(order_json(changed.order, with_history=True))
