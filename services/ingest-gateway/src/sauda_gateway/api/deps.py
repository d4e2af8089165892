"""Route dependencies as `Annotated` aliases: the caller's business (key checked, plan and hour
admitted), the correlation id, and each collaborator bootstrap built, by its role.

Routes name the collaborators they use (`view: OrderViewDep`) and hand them to handlers as
keyword arguments; nothing else reads `app.state`.
"""

import time
from dataclasses import dataclass, fields
from typing import Annotated, Any

import asyncpg
from aiokafka import AIOKafkaProducer
from fastapi import Depends, Request
from structlog.contextvars import bind_contextvars, get_contextvars

from sauda_gateway.carts.store import CartStore
from sauda_gateway.catalog.crawler import StoreCrawler
from sauda_gateway.catalog.store import CatalogStore
from sauda_gateway.domain import Business
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.merchant.domain import STORE_API, InvalidApiKey, MissingApiKey
from sauda_gateway.merchant.endpoints import WebhookEndpoints
from sauda_gateway.merchant.handlers import admit_request
from sauda_gateway.merchant.store import AccessStore, BusinessStore
from sauda_gateway.orders.ledger import Ledger
from sauda_gateway.orders.outcomes import OutcomeWaiter
from sauda_gateway.orders.store import IngestStore, StoreOrderKeys
from sauda_gateway.outbox import Outbox
from sauda_gateway.settings import GatewaySettings
from sauda_gateway.view.queries import MessageLog, OrderView


@dataclass(frozen=True)
class Wiring:
    """What `bootstrap.wire` built for the HTTP side, kept on `app.state.wiring`."""

    settings: GatewaySettings
    pool: asyncpg.Pool
    producer: AIOKafkaProducer | None  # None: served without Kafka (tests)
    businesses: BusinessStore
    access: AccessStore
    outbox: Outbox
    ingest: IngestStore
    waiter: OutcomeWaiter | None
    ledger: Ledger | None
    keys: StoreOrderKeys
    view: OrderView
    messages: MessageLog
    carts: CartStore
    whatsapp: WhatsAppAccounts
    webhooks: WebhookEndpoints
    catalog: CatalogStore
    crawler: StoreCrawler


_NAMES = {f.name for f in fields(Wiring)}


def _part(name: str) -> Any:
    """A dependency giving one collaborator. Async on purpose: FastAPI runs plain `def`
    dependencies in a thread pool, costly per request."""
    assert name in _NAMES, name

    async def part(request: Request) -> Any:
        return getattr(request.app.state.wiring, name)

    part.__name__ = f"wired_{name}"
    return Depends(part)


SettingsDep = Annotated[GatewaySettings, _part("settings")]
PoolDep = Annotated[asyncpg.Pool, _part("pool")]
ProducerDep = Annotated[AIOKafkaProducer, _part("producer")]
BusinessesDep = Annotated[BusinessStore, _part("businesses")]
AccessDep = Annotated[AccessStore, _part("access")]
OutboxDep = Annotated[Outbox, _part("outbox")]
IngestStoreDep = Annotated[IngestStore, _part("ingest")]
OutcomesDep = Annotated[OutcomeWaiter, _part("waiter")]
LedgerDep = Annotated[Ledger, _part("ledger")]
StoreKeysDep = Annotated[StoreOrderKeys, _part("keys")]
OrderViewDep = Annotated[OrderView, _part("view")]
MessageLogDep = Annotated[MessageLog, _part("messages")]
CartsDep = Annotated[CartStore, _part("carts")]
WhatsAppDep = Annotated[WhatsAppAccounts, _part("whatsapp")]
WebhooksDep = Annotated[WebhookEndpoints, _part("webhooks")]
CatalogDep = Annotated[CatalogStore, _part("catalog")]
CrawlerDep = Annotated[StoreCrawler, _part("crawler")]

# Header names of the stores Sauda stands in for, so their integrations work unchanged.
_KEY_HEADERS = ("x-api-key", "x-botaura-key", "x-guest-id")


def _presented_key(request: Request) -> str | None:
    for name in _KEY_HEADERS:
        if value := request.headers.get(name):
            return value.strip()
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


async def current_business(request: Request, businesses: BusinessesDep) -> Business:
    raw = _presented_key(request)
    if not raw:
        raise MissingApiKey("send your API key in the X-API-Key header", field="X-API-Key")
    business = await businesses.by_api_key(raw)
    if business is None:
        raise InvalidApiKey("this API key is not valid", field="X-API-Key")
    bind_contextvars(business_id=str(business.business_id))
    return business


BusinessDep = Annotated[Business, Depends(current_business)]


async def store_api_business(
    request: Request, business: BusinessDep, access: AccessDep, settings: SettingsDep
) -> Business:
    """The caller's business, once its plan includes the Store API and its hour has room left."""
    decision = await admit_request(
        business,
        access=access,
        api=STORE_API,
        now_epoch=time.time(),
        count=settings.rate_limit_enabled,
    )
    if decision is not None:
        request.state.response_headers = decision.headers()
    return business


StoreBusinessDep = Annotated[Business, Depends(store_api_business)]


async def correlation_id() -> str:
    return str(get_contextvars().get("correlation_id", ""))


CorrelationDep = Annotated[str, Depends(correlation_id)]
