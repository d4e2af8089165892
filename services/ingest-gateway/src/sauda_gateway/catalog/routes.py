"""Catalog routes: products and FAQs (CRUD within the business), and store imports."""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sauda_contracts.api import NO_NUL
from sauda_contracts.catalog import (
    FaqIn,
    FaqList,
    FaqOut,
    FaqPatch,
    ImportReport,
    ImportRequest,
    ProductIn,
    ProductList,
    ProductOut,
    ProductPatch,
)
from sauda_gateway.api.deps import CatalogDep, CrawlerDep, StoreBusinessDep
from sauda_gateway.api.responses import json_response, offset_of, page_json, refusals
from sauda_gateway.catalog import handlers
from sauda_gateway.catalog.domain import FaqNotFound, ProductNotFound, checked_changes
from sauda_gateway.domain import parse_id

catalog = APIRouter(prefix="/api/v1", tags=["Catalog"])

Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Page = Annotated[int | None, Query(ge=1, le=1_000_000, description="1-based page of `limit` "
                                   "items; wins over `offset`.")]  # fmt: skip


def _search(where: str) -> Any:
    return Query(min_length=1, max_length=200, pattern=NO_NUL, description=f"Finds it in {where}.")


def _shown(model: type[ProductOut] | type[FaqOut], row: dict[str, Any]) -> dict[str, Any]:
    return model.model_validate(row).model_dump(mode="json")


def _product(row: dict[str, Any] | None) -> Response:
    if row is None:
        raise ProductNotFound()
    return json_response(_shown(ProductOut, row))


def _faq(row: dict[str, Any] | None) -> Response:
    if row is None:
        raise FaqNotFound()
    return json_response(_shown(FaqOut, row))


def _deleted(done: bool, not_found: type[ProductNotFound] | type[FaqNotFound]) -> Response:
    if not done:
        raise not_found()
    return Response(status_code=204)


# --- products ---


@catalog.get("/products", response_model=ProductList, responses=refusals())
async def list_products(
    business: StoreBusinessDep,
    store: CatalogDep,
    q: Annotated[str | None, _search("the name or an alias")] = None,
    in_stock: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
    page: Page = None,
) -> Response:
    """The business's products by name."""
    offset = offset_of(limit, offset, page)
    rows, total = await store.products(business.business_id, q=q, in_stock=in_stock,
                                       limit=limit, offset=offset)  # fmt: skip
    items = [_shown(ProductOut, r) for r in rows]
    return json_response(page_json("products", items, total=total, limit=limit, offset=offset,
                                   page=page))  # fmt: skip


@catalog.post("/products", status_code=201, response_model=ProductOut, responses=refusals(409))
async def create_product(
    body: ProductIn, business: StoreBusinessDep, store: CatalogDep
) -> Response:
    row = await store.create_product(business.business_id, body.model_dump())
    return json_response(_shown(ProductOut, row), status_code=201,
                         headers={"Location": f"/api/v1/products/{row['product_id']}"})  # fmt: skip


@catalog.post("/products/import", response_model=ImportReport, responses=refusals(502))
async def import_products(
    body: ImportRequest, business: StoreBusinessDep, store: CatalogDep, crawler: CrawlerDep
) -> Response:
    """Read a store's products from its address: a Shopify store's `/products.json`, a
    WooCommerce store's Store API, or else the schema.org Product JSON-LD of the pages in its
    sitemap. Importing again updates what the last import made (prices, stock, …) and adds
    nothing twice; aliases the merchant added are kept. Pages that fail are listed in
    `skipped`. 400 `unsafe_url`, 400 `currency_required`, 502 `store_unreachable`, 502
    `catalog_not_found`."""
    report = await handlers.import_catalog(body.url, business_id=business.business_id,
                                           currency=body.currency, crawler=crawler,
                                           catalog=store)  # fmt: skip
    return json_response(report.model_dump(mode="json"))


@catalog.get("/products/{product_id}", response_model=ProductOut, responses=refusals(404))
async def get_product(product_id: str, business: StoreBusinessDep, store: CatalogDep) -> Response:
    return _product(
        await store.product(business.business_id, parse_id(product_id, ProductNotFound))
    )


@catalog.patch("/products/{product_id}", response_model=ProductOut, responses=refusals(404, 409))
async def update_product(
    product_id: str, body: ProductPatch, business: StoreBusinessDep, store: CatalogDep
) -> Response:
    """Change the fields sent; `null` clears description, sku or image_url."""
    pid = parse_id(product_id, ProductNotFound)
    changes = checked_changes(body.model_dump(exclude_unset=True))
    return _product(await store.update_product(business.business_id, pid, changes))


@catalog.delete("/products/{product_id}", status_code=204, responses=refusals(404))
async def delete_product(
    product_id: str, business: StoreBusinessDep, store: CatalogDep
) -> Response:
    pid = parse_id(product_id, ProductNotFound)
    return _deleted(await store.delete_product(business.business_id, pid), ProductNotFound)


# --- FAQs ---


@catalog.get("/faqs", response_model=FaqList, responses=refusals())
async def list_faqs(
    business: StoreBusinessDep,
    store: CatalogDep,
    q: Annotated[str | None, _search("the question or a keyword")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """The business's FAQs, oldest first."""
    rows, total = await store.faqs(business.business_id, q=q, limit=limit, offset=offset)
    items = [_shown(FaqOut, r) for r in rows]
    return json_response(page_json("faqs", items, total=total, limit=limit, offset=offset))


@catalog.post("/faqs", status_code=201, response_model=FaqOut, responses=refusals())
async def create_faq(body: FaqIn, business: StoreBusinessDep, store: CatalogDep) -> Response:
    row = await store.create_faq(business.business_id, body.model_dump())
    return json_response(_shown(FaqOut, row), status_code=201,
                         headers={"Location": f"/api/v1/faqs/{row['faq_id']}"})  # fmt: skip


@catalog.get("/faqs/{faq_id}", response_model=FaqOut, responses=refusals(404))
async def get_faq(faq_id: str, business: StoreBusinessDep, store: CatalogDep) -> Response:
    return _faq(await store.faq(business.business_id, parse_id(faq_id, FaqNotFound)))


@catalog.patch("/faqs/{faq_id}", response_model=FaqOut, responses=refusals(404))
async def update_faq(
    faq_id: str, body: FaqPatch, business: StoreBusinessDep, store: CatalogDep
) -> Response:
    fid = parse_id(faq_id, FaqNotFound)
    changes = checked_changes(body.model_dump(exclude_unset=True))
    return _faq(await store.update_faq(business.business_id, fid, changes))


@catalog.delete("/faqs/{faq_id}", status_code=204, responses=refusals(404))
async def delete_faq(faq_id: str, business: StoreBusinessDep, store: CatalogDep) -> Response:
    fid = parse_id(faq_id, FaqNotFound)
    return _deleted(await store.delete_faq(business.business_id, fid), FaqNotFound)
