"""The WhatsApp catalog's use cases, one set for both ways in: the business's catalog, a sync
(the store import job again, on the address the latest import read), its orders (those placed
in the chat, from the orders view) and a status change through the ledger's FSM."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sauda_contracts import Actor
from sauda_contracts.catalog import ImportJob, ImportRequest
from sauda_gateway import clock
from sauda_gateway.catalog import handlers as imports
from sauda_gateway.catalog.background import Background
from sauda_gateway.catalog.crawler import StoreCrawler
from sauda_gateway.catalog.jobs import ImportJobs
from sauda_gateway.catalog.store import CatalogStore
from sauda_gateway.domain import Business
from sauda_gateway.orders import handlers as orders
from sauda_gateway.orders.domain import TransitionNotAllowed
from sauda_gateway.orders.ledger import Ledger
from sauda_gateway.view.queries import OrderView
from sauda_gateway.wa_catalog.domain import (
    CatalogOrderNotFound,
    NeverImported,
    cart_status_of,
    is_catalog_order,
    order_id_of,
)
from sauda_gateway.wa_catalog.store import CatalogFacts, CatalogFactsStore
from sauda_runtime.logging import bound_contextvars, get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Catalog:
    catalog_id: UUID
    name: str
    facts: CatalogFacts
    last_import: ImportJob | None


async def catalog(business: Business, *, facts: CatalogFactsStore, jobs: ImportJobs) -> Catalog:
    latest = await jobs.latest(business.business_id, limit=1)
    return Catalog(business.business_id, business.name, await facts.facts(business.business_id),
                   latest[0] if latest else None)  # fmt: skip


async def sync(
    business: Business, *, facts: CatalogFactsStore, crawler: StoreCrawler, store: CatalogStore,
    jobs: ImportJobs, background: Background,
) -> ImportJob:  # fmt: skip
    """Re-import the products from the store address the latest import read (with its
    currency): the import job POST /api/v1/products/imports starts, 409 `import_running` while
    one runs."""
    known = await facts.facts(business.business_id)
    if known.url is None:
        raise NeverImported()
    request = ImportRequest(url=known.url, currency=known.import_currency)
    job = await imports.start_import(request, import_id=clock.new_id(),
                                     business_id=business.business_id, crawler=crawler,
                                     catalog=store, jobs=jobs, background=background)  # fmt: skip
    log.info("catalog_sync_started", business_id=str(business.business_id),
             import_id=str(job.import_id))  # fmt: skip
    return job


async def catalog_orders(
    business: Business, *, view: OrderView, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """The orders placed in the WhatsApp chat, newest first."""
    return await view.page(business.business_id, status=None, source="whatsapp", limit=limit,
                           offset=offset)  # fmt: skip


@dataclass(frozen=True)
class StatusChanged:
    applied: bool  # False: queued, the ledger has not answered yet
    order_id: UUID
    order: dict[str, Any] | None
    command_id: UUID


async def change_cart_status(
    business: Business, raw_order_id: str, cart_status: str, *, reason: str | None,
    correlation_id: str, view: OrderView, ledger: Ledger,
) -> StatusChanged:  # fmt: skip
    """The document's cart status as the FSM's, sent to the ledger as the Store API's status
    change is (actor merchant); a move the FSM refuses is 409 `invalid_transition`."""
    order_id = order_id_of(raw_order_id)
    status = cart_status_of(cart_status)
    if not is_catalog_order(await view.get(business.business_id, order_id)):
        raise CatalogOrderNotFound()
    with bound_contextvars(order_id=str(order_id), correlation_id=correlation_id):
        try:
            result = await orders.change_status(order_id, status, reason=reason,
                                                actor=Actor.MERCHANT, business=business,
                                                correlation_id=correlation_id, view=view,
                                                ledger=ledger)  # fmt: skip
        except TransitionNotAllowed as exc:
            raise TransitionNotAllowed(exc.message, field="cart_status",
                                       details=exc.details) from None  # fmt: skip
        log.info("catalog_order_status_changed", status=status.value, applied=result.applied)
    return StatusChanged(result.applied, order_id, result.order, result.command_id)
