"""Catalog use cases: import a store's products (crawl, then write in one transaction), at once
or as a job in the background whose progress its row shows."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from sauda_contracts.catalog import ImportJob, ImportReport, ImportRequest, ImportStatus
from sauda_gateway.catalog.background import Background, progress_written
from sauda_gateway.catalog.crawler import StoreCrawler
from sauda_gateway.catalog.domain import INTERRUPTED, UNEXPECTED, problem_of
from sauda_gateway.catalog.fetching import Progress
from sauda_gateway.catalog.jobs import ImportJobs
from sauda_gateway.catalog.store import CatalogStore
from sauda_gateway.domain import DomainError, UnsafeAddress
from sauda_runtime.logging import get_logger
from sauda_runtime.netguard import UnsafeUrl

log = get_logger(__name__)


@contextmanager
def _address_refused() -> Iterator[None]:
    """An address the crawler will not fetch, refused as the API refuses unsafe URLs."""
    try:
        yield
    except UnsafeUrl as exc:
        raise UnsafeAddress(f"url: {exc}", field="url") from None


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
    with _address_refused():
        crawl = await crawler.crawl(url, currency=currency, on_progress=on_progress)
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


async def start_import(
    request: ImportRequest,
    *,
    import_id: UUID,
    business_id: UUID,
    crawler: StoreCrawler,
    catalog: CatalogStore,
    jobs: ImportJobs,
    background: Background,
) -> ImportJob:
    """Refuse what the synchronous import refuses before it reads anything (an unsafe address),
    record a running job (ImportRunning while the business has one) and run it in the
    background; the job is answered at once."""
    with _address_refused():
        await crawler.admit(request.url)
    job = await jobs.start(import_id, business_id, request.url, request.currency)
    work = run_import(job.import_id, request, business_id=business_id, crawler=crawler,
                      catalog=catalog, jobs=jobs)  # fmt: skip
    background.spawn(work, name=f"catalog-import-{job.import_id}")
    log.info("catalog_import_started", import_id=str(job.import_id), url=request.url)
    return job


async def run_import(
    import_id: UUID,
    request: ImportRequest,
    *,
    business_id: UUID,
    crawler: StoreCrawler,
    catalog: CatalogStore,
    jobs: ImportJobs,
) -> None:
    """One job to its end: done with its report, failed with the refusal the synchronous import
    would have answered, or interrupted when the gateway stops."""
    try:
        async with progress_written(jobs, import_id) as tracker:
            report = await import_catalog(request.url, business_id=business_id,
                                          currency=request.currency, crawler=crawler,
                                          catalog=catalog, on_progress=tracker.update)  # fmt: skip
        await jobs.finish(import_id, report)
    except DomainError as refusal:
        log.info("catalog_import_failed", import_id=str(import_id), code=refusal.code)
        await jobs.fail(import_id, problem_of(refusal))
    except asyncio.CancelledError:
        log.info("catalog_import_interrupted", import_id=str(import_id))
        await jobs.fail(import_id, INTERRUPTED, status=ImportStatus.INTERRUPTED)
        raise
    except Exception:
        log.exception("catalog_import_crashed", import_id=str(import_id))
        await jobs.fail(import_id, UNEXPECTED)
