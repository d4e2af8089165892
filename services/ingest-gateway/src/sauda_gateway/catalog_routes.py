"""The merchant's catalog: products, FAQs, and importing a store's products from its address."""

import uuid
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
from sauda_gateway import handlers
from sauda_gateway.adapters.catalog import DuplicateSku
from sauda_gateway.app import json_response, parse_id, refusals
from sauda_gateway.deps import ContainerDep, StoreBusinessDep
from sauda_gateway.handlers import ApiProblem

catalog = APIRouter(prefix="/api/v1", tags=["Catalog"])

# Columns a product or FAQ always has: a PATCH may change them but not empty them.
_NOT_NULL = frozenset({"name", "price", "currency", "in_stock", "aliases", "question", "answer",
                       "keywords"})  # fmt: skip

Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Page = Annotated[int | None, Query(ge=1, le=1_000_000, description="1-based page of `limit` "
                                   "items; wins over `offset`.")]  # fmt: skip


def _search(where: str) -> Any:
    return Query(min_length=1, max_length=200, pattern=NO_NUL, description=f"Finds it in {where}.")


def _id(raw: str, what: str) -> uuid.UUID:
    return parse_id(raw, code=f"{what}_not_found", message=f"no such {what}", field=f"{what}_id")


def _not_found(what: str) -> ApiProblem:
    return ApiProblem(404, f"{what}_not_found", f"no such {what}", field=f"{what}_id")


def _changes(body: ProductPatch | FaqPatch) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None and name in _NOT_NULL:
            raise ApiProblem(400, "invalid_field", f"{name}: may be changed but not null",
                             field=name)  # fmt: skip
    return changes


def _duplicate_sku(sku: str | None) -> ApiProblem:
    return ApiProblem(409, "duplicate_sku", f"another product already has SKU {sku}", field="sku")


def _product(row: dict[str, Any]) -> dict[str, Any]:
    return ProductOut.model_validate(row).model_dump(mode="json")


def _faq(row: dict[str, Any]) -> dict[str, Any]:
    return FaqOut.model_validate(row).model_dump(mode="json")


# --- products ---


@catalog.get("/products", response_model=ProductList, responses=refusals())
async def list_products(
    business: StoreBusinessDep,
    c: ContainerDep,
    q: Annotated[str | None, _search("the name or an alias")] = None,
    in_stock: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
    page: Page = None,
) -> Response:
    """The business's products by name."""
    if page is not None:
        offset = (page - 1) * limit
    rows, total = await c.catalog.products(business.business_id, q=q, in_stock=in_stock,
                                           limit=limit, offset=offset)  # fmt: skip
    payload: dict[str, Any] = {"products": [_product(r) for r in rows], "total": total,
                               "limit": limit, "offset": offset}  # fmt: skip
    if page is not None:
        payload["page"] = page
    return json_response(payload)


@catalog.post("/products", status_code=201, response_model=ProductOut, responses=refusals(409))
async def create_product(body: ProductIn, business: StoreBusinessDep, c: ContainerDep) -> Response:
    try:
        row = await c.catalog.create_product(business.business_id, body.model_dump())
    except DuplicateSku:
        raise _duplicate_sku(body.sku) from None
    return json_response(_product(row), status_code=201,
                         headers={"Location": f"/api/v1/products/{row['product_id']}"})  # fmt: skip


@catalog.post("/products/import", response_model=ImportReport, responses=refusals(502))
async def import_products(
    body: ImportRequest, business: StoreBusinessDep, c: ContainerDep
) -> Response:
    """Read a store's products from its address: a Shopify store's `/products.json`, a
    WooCommerce store's Store API, or else the schema.org Product JSON-LD of the pages in its
    sitemap. Importing again updates what the last import made (prices, stock, …) and adds
    nothing twice; aliases the merchant added are kept. Pages that fail are listed in
    `skipped`. 400 `unsafe_url`, 400 `currency_required`, 502 `store_unreachable`, 502
    `catalog_not_found`."""
    report = await handlers.import_catalog(
        body.url,
        business_id=business.business_id,
        currency=body.currency,
        crawler=c.crawler,
        catalog=c.catalog,
    )
    return json_response(report.model_dump(mode="json"))


@catalog.get("/products/{product_id}", response_model=ProductOut, responses=refusals(404))
async def get_product(product_id: str, business: StoreBusinessDep, c: ContainerDep) -> Response:
    row = await c.catalog.product(business.business_id, _id(product_id, "product"))
    if row is None:
        raise _not_found("product")
    return json_response(_product(row))


@catalog.patch("/products/{product_id}", response_model=ProductOut, responses=refusals(404, 409))
async def update_product(
    product_id: str, body: ProductPatch, business: StoreBusinessDep, c: ContainerDep
) -> Response:
    """Change the fields sent; `null` clears description, sku or image_url."""
    pid, changes = _id(product_id, "product"), _changes(body)
    try:
        row = await c.catalog.update_product(business.business_id, pid, changes)
    except DuplicateSku:
        raise _duplicate_sku(changes.get("sku")) from None
    if row is None:
        raise _not_found("product")
    return json_response(_product(row))


@catalog.delete("/products/{product_id}", status_code=204, responses=refusals(404))
async def delete_product(product_id: str, business: StoreBusinessDep, c: ContainerDep) -> Response:
    if not await c.catalog.delete_product(business.business_id, _id(product_id, "product")):
        raise _not_found("product")
    return Response(status_code=204)


# --- FAQs ---


@catalog.get("/faqs", response_model=FaqList, responses=refusals())
async def list_faqs(
    business: StoreBusinessDep,
    c: ContainerDep,
    q: Annotated[str | None, _search("the question or a keyword")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """The business's FAQs, oldest first."""
    rows, total = await c.catalog.faqs(business.business_id, q=q, limit=limit, offset=offset)
    return json_response({"faqs": [_faq(r) for r in rows], "total": total, "limit": limit,
                          "offset": offset})  # fmt: skip


@catalog.post("/faqs", status_code=201, response_model=FaqOut, responses=refusals())
async def create_faq(body: FaqIn, business: StoreBusinessDep, c: ContainerDep) -> Response:
    row = await c.catalog.create_faq(business.business_id, body.model_dump())
    return json_response(_faq(row), status_code=201,
                         headers={"Location": f"/api/v1/faqs/{row['faq_id']}"})  # fmt: skip


@catalog.get("/faqs/{faq_id}", response_model=FaqOut, responses=refusals(404))
async def get_faq(faq_id: str, business: StoreBusinessDep, c: ContainerDep) -> Response:
    row = await c.catalog.faq(business.business_id, _id(faq_id, "faq"))
    if row is None:
        raise _not_found("faq")
    return json_response(_faq(row))


@catalog.patch("/faqs/{faq_id}", response_model=FaqOut, responses=refusals(404))
async def update_faq(
    faq_id: str, body: FaqPatch, business: StoreBusinessDep, c: ContainerDep
) -> Response:
    row = await c.catalog.update_faq(business.business_id, _id(faq_id, "faq"), _changes(body))
    if row is None:
        raise _not_found("faq")
    return json_response(_faq(row))


@catalog.delete("/faqs/{faq_id}", status_code=204, responses=refusals(404))
async def delete_faq(faq_id: str, business: StoreBusinessDep, c: ContainerDep) -> Response:
    if not await c.catalog.delete_faq(business.business_id, _id(faq_id, "faq")):
        raise _not_found("faq")
    return Response(status_code=204)
