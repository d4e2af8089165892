"""What the catalog routes (Sauda's and the Wabotick-compatible ones) ask of FastAPI, bound once."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends

from sauda_contracts.catalog import ImportJob
from sauda_gateway.api.deps import (
    BackgroundDep,
    CatalogDep,
    CorrelationDep,
    CrawlerDep,
    ImportJobsDep,
    LedgerDep,
    OrderViewDep,
    PoolDep,
)
from sauda_gateway.domain import Business
from sauda_gateway.wa_catalog import handlers
from sauda_gateway.wa_catalog.store import CatalogFactsStore


@dataclass(frozen=True)
class _Catalogs:
    pool: PoolDep
    store: CatalogDep
    crawler: CrawlerDep
    jobs: ImportJobsDep
    background: BackgroundDep
    view: OrderViewDep
    ledger: LedgerDep
    correlation_id: CorrelationDep

    @property
    def facts(self) -> CatalogFactsStore:
        return CatalogFactsStore(self.pool)

    async def catalog(self, business: Business) -> handlers.Catalog:
        return await handlers.catalog(business, facts=self.facts, jobs=self.jobs)

    async def sync(self, business: Business) -> ImportJob:
        return await handlers.sync(business, facts=self.facts, crawler=self.crawler,
                                   store=self.store, jobs=self.jobs, background=self.background)  # fmt: skip

    async def orders(
        self, business: Business, *, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        return await handlers.catalog_orders(business, view=self.view, limit=limit, offset=offset)

    async def change(
        self, business: Business, order_id: str, cart_status: str, reason: str | None = None
    ) -> handlers.StatusChanged:
        return await handlers.change_cart_status(
            business, order_id, cart_status, reason=reason, correlation_id=self.correlation_id,
            view=self.view, ledger=self.ledger,
        )  # fmt: skip


CatalogsDep = Annotated[_Catalogs, Depends()]
