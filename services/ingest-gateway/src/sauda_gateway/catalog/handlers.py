"""Catalog use cases: import a store's products (crawl, then write in one transaction)."""

from uuid import UUID

from sauda_contracts.catalog import ImportReport
from sauda_gateway.catalog.crawler import StoreCrawler
from sauda_gateway.catalog.fetching import Progress
from sauda_gateway.catalog.store import CatalogStore
from sauda_gateway.domain import UnsafeAddress
from sauda_runtime.logging import get_logger
from sauda_runtime.netguard import UnsafeUrl

log = get_logger(__name__)


async def import_catalog(
    url: str,
    *,
    business_id: UUID,
    currency: str | None,
    crawler: StoreCrawler,
    catalog: CatalogStore,
    on_progress: Progress | None = None,
) -> ImportReport:
    """Read a store's catalog and write it into the business's products: a re-import updates
    what it imported before and never adds a product twice."""
    try:
        crawl = await crawler.crawl(url, currency=currency, on_progress=on_progress)
    except UnsafeUrl as exc:
        raise UnsafeAddress(f"url: {exc}", field="url") from None
    counts = await catalog.save_imported(business_id, crawl.products)
    log.info("catalog_imported", source=crawl.source.value, created=counts.created,
             updated=counts.updated, unchanged=counts.unchanged)  # fmt: skip
    return ImportReport(
        source=crawl.source,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        skipped=(*crawl.skipped, *counts.skipped),
        products=counts.created + counts.updated + counts.unchanged,
        pages=crawl.pages,
    )
