"""Catalog routes: products and FAQs (CRUD within the business), and store imports (at once, or
as a job in the background)."""

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sauda_contracts.api import NO_NUL
from sauda_contracts.catalog import (
    FaqIn,
    FaqList,
    FaqOut,
    FaqPatch,
    ImportJob,
    ImportJobList,
    ImportReport,
    ImportRequest,
    ProductIn,
    ProductList,
    ProductOut,
    ProductPatch,
)
from sauda_gateway import clock
from sauda_gateway.api.deps import (
    BackgroundDep,
    CatalogDep,
    CrawlerDep,
    ImportJobsDep,
    StoreBusinessDep,
)
from sauda_gateway.api.responses import json_response, offset_of, page_json, refusals
from sauda_gateway.catalog import handlers
from sauda_gateway.catalog.domain import (
    FaqNotFound,
    ImportNotFound,
    ProductNotFound,
    checked_changes,
)
from sauda_gateway.domain import NotFound, parse_id

catalog = APIRouter(prefix="/api/v1", tags=["Catalog"])

Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Page = Annotated[int | None, Query(ge=1, le=1_000_000, description="1-based page of `limit` "
                                   "items; wins over `offset`.")]  # fmt: skip


def _search(where: str) -> Any:
    return Query(min_length=1, max_length=200, pattern=NO_NUL, description=f"Finds it in {where}.")


@dataclass(frozen=True)
class _Records:
    """How the routes answer with one kind of catalog record (products or FAQs)."""

    model: type[ProductOut] | type[FaqOut]
    not_found: type[NotFound]
    path: str  # where the records are listed; one record is at {path}/{its id}
    id_column: str

    def id(self, raw: str) -> UUID:
        return parse_id(raw, self.not_found)

    def shown(self, row: dict[str, Any]) -> dict[str, Any]:
        return self.model.model_validate(row).model_dump(mode="json")

    def one(self, row: dict[str, Any] | None) -> Response:
        if row is None:
            raise self.not_found()
        return json_response(self.shown(row))

    def created(self, row: dict[str, Any]) -> Response:
        location = f"{self.path}/{row[self.id_column]}"
        return json_response(self.shown(row), status_code=201, headers={"Location": location})

    def deleted(self, done: bool) -> Response:
        if not done:
            raise self.not_found()
        return Response(status_code=204)


PRODUCTS = _Records(ProductOut, ProductNotFound, "/api/v1/products", "product_id")
FAQS = _Records(FaqOut, FaqNotFound, "/api/v1/faqs", "faq_id")


def _changes(body: ProductPatch | FaqPatch) -> dict[str, Any]:
    return checked_changes(body.model_dump(exclude_unset=True))


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
    items = [PRODUCTS.shown(r) for r in rows]
    return json_response(page_json("products", items, total=total, limit=limit, offset=offset,
                                   page=page))  # fmt: skip


@catalog.post("/products", status_code=201, response_model=ProductOut, responses=refusals(409))
async def create_product(
    body: ProductIn, business: StoreBusinessDep, store: CatalogDep
) -> Response:
    return PRODUCTS.created(await store.create_product(business.business_id, body.model_dump()))


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


def _job(job: ImportJob, status_code: int = 200) -> Response:
    headers = (
        {"Location": f"/api/v1/products/imports/{job.import_id}"} if status_code == 202 else None
    )
    return json_response(job.model_dump(mode="json"), status_code=status_code, headers=headers)


@catalog.post("/products/imports", status_code=202, response_model=ImportJob,
              responses=refusals(409))  # fmt: skip
async def start_import(
    body: ImportRequest,
    business: StoreBusinessDep,
    store: CatalogDep,
    crawler: CrawlerDep,
    jobs: ImportJobsDep,
    background: BackgroundDep,
) -> Response:
    """Start the import `POST /products/import` makes, in the background: 202 with the job at
    once (and its `Location`); read its progress with GET, or follow `event: import` on
    `GET /api/v1/stream`. One import runs per business at a time: 409 `import_running`
    (`details.import_id` names it). 400 `unsafe_url` before it starts; what the synchronous
    import answers with a 400 or 502 later ends the job `failed` with that `error.code`."""
    job = await handlers.start_import(body, import_id=clock.new_id(),
                                      business_id=business.business_id, crawler=crawler,
                                      catalog=store, jobs=jobs, background=background)  # fmt: skip
    return _job(job, status_code=202)


@catalog.get("/products/imports", response_model=ImportJobList, responses=refusals())
async def list_imports(
    business: StoreBusinessDep,
    jobs: ImportJobsDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    """The business's latest imports, newest first."""
    found = await jobs.latest(business.business_id, limit=limit)
    return json_response(ImportJobList(imports=tuple(found)).model_dump(mode="json"))


@catalog.get("/products/imports/{import_id}", response_model=ImportJob, responses=refusals(404))
async def get_import(import_id: str, business: StoreBusinessDep, jobs: ImportJobsDep) -> Response:
    """An import as it stands: a running one whose gateway stopped beating for
    CATALOG_IMPORT_STALE_SECONDS is `interrupted`."""
    job = await jobs.get(business.business_id, parse_id(import_id, ImportNotFound))
    if job is None:
        raise ImportNotFound()
    return _job(job)


@catalog.get("/products/{product_id}", response_model=ProductOut, responses=refusals(404))
async def get_product(product_id: str, business: StoreBusinessDep, store: CatalogDep) -> Response:
    return PRODUCTS.one(await store.product(business.business_id, PRODUCTS.id(product_id)))


@catalog.patch("/products/{product_id}", response_model=ProductOut, responses=refusals(404, 409))
async def update_product(
    product_id: str, body: ProductPatch, business: StoreBusinessDep, store: CatalogDep
) -> Response:
    """Change the fields sent; `null` clears description, sku or image_url."""
    pid = PRODUCTS.id(product_id)
    return PRODUCTS.one(await store.update_product(business.business_id, pid, _changes(body)))


@catalog.delete("/products/{product_id}", status_code=204, responses=refusals(404))
async def delete_product(
    product_id: str, business: StoreBusinessDep, store: CatalogDep
) -> Response:
    return PRODUCTS.deleted(
        await store.delete_product(business.business_id, PRODUCTS.id(product_id))
    )


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
    items = [FAQS.shown(r) for r in rows]
    return json_response(page_json("faqs", items, total=total, limit=limit, offset=offset))


@catalog.post("/faqs", status_code=201, response_model=FaqOut, responses=refusals())
async def create_faq(body: FaqIn, business: StoreBusinessDep, store: CatalogDep) -> Response:
    return FAQS.created(await store.create_faq(business.business_id, body.model_dump()))


@catalog.get("/faqs/{faq_id}", response_model=FaqOut, responses=refusals(404))
async def get_faq(faq_id: str, business: StoreBusinessDep, store: CatalogDep) -> Response:
    return FAQS.one(await store.faq(business.business_id, FAQS.id(faq_id)))


@catalog.patch("/faqs/{faq_id}", response_model=FaqOut, responses=refusals(404))
async def update_faq(
    faq_id: str, body: FaqPatch, business: StoreBusinessDep, store: CatalogDep
) -> Response:
    return FAQS.one(await store.update_faq(business.business_id, FAQS.id(faq_id), _changes(body)))


@catalog.delete("/faqs/{faq_id}", status_code=204, responses=refusals(404))
async def delete_faq(faq_id: str, business: StoreBusinessDep, store: CatalogDep) -> Response:
    return FAQS.deleted(await store.delete_faq(business.business_id, FAQS.id(faq_id)))
