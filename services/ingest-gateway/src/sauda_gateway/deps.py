"""Shared request dependencies: the wired services, the caller's business, the correlation id."""

import time
from dataclasses import dataclass
from typing import Annotated

import asyncpg
from aiokafka import AIOKafkaProducer
from fastapi import Depends, Request
from structlog.contextvars import bind_contextvars, get_contextvars

from sauda_gateway.adapters.access import AccessStore
from sauda_gateway.adapters.businesses import Business, BusinessStore
from sauda_gateway.adapters.carts import CartStore
from sauda_gateway.adapters.catalog import CatalogStore
from sauda_gateway.adapters.ingest import IngestStore
from sauda_gateway.adapters.outcomes import OutcomeWaiter
from sauda_gateway.adapters.store_crawler import StoreCrawler
from sauda_gateway.adapters.store_keys import StoreOrderKeys
from sauda_gateway.adapters.view import OrderView
from sauda_gateway.adapters.webhooks import WebhookEndpoints
from sauda_gateway.adapters.whatsapp import MessageLog, WhatsAppAccounts
from sauda_gateway.domain import STORE_API
from sauda_gateway.handlers import ApiProblem, OrderCommands, admit_request
from sauda_gateway.settings import GatewaySettings
from sauda_runtime.outbox import OutboxRelay


@dataclass
class Container:
    settings: GatewaySettings
    pool: asyncpg.Pool
    producer: AIOKafkaProducer
    businesses: BusinessStore
    ingest: IngestStore
    view: OrderView
    waiter: OutcomeWaiter
    relay: OutboxRelay
    access: AccessStore
    store_keys: StoreOrderKeys
    carts: CartStore
    whatsapp: WhatsAppAccounts
    messages: MessageLog
    webhooks: WebhookEndpoints
    catalog: CatalogStore
    crawler: StoreCrawler

    @property
    def commands(self) -> OrderCommands:
        return OrderCommands(
            self.view, self.producer, self.waiter, self.settings.status_wait_ms / 1000
        )


async def container(request: Request) -> Container:
    return request.app.state.container


# Async on purpose: FastAPI runs plain `def` dependencies in a thread pool, costly per request.
ContainerDep = Annotated[Container, Depends(container)]

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


async def current_business(request: Request, c: ContainerDep) -> Business:
    raw = _presented_key(request)
    if not raw:
        raise ApiProblem(
            401, "missing_api_key", "send your API key in the X-API-Key header", field="X-API-Key"
        )
    business = await c.businesses.by_api_key(raw)
    if business is None:
        raise ApiProblem(401, "invalid_api_key", "this API key is not valid", field="X-API-Key")
    bind_contextvars(business_id=str(business.business_id))
    return business


BusinessDep = Annotated[Business, Depends(current_business)]


async def store_api_business(request: Request, business: BusinessDep, c: ContainerDep) -> Business:
    """The caller's business, once its plan includes the Store API and its hour has room left."""
    decision = await admit_request(
        business,
        access=c.access,
        api=STORE_API,
        now_epoch=time.time(),
        count=c.settings.rate_limit_enabled,
    )
    if decision is not None:
        request.state.response_headers = decision.headers()
    return business


StoreBusinessDep = Annotated[Business, Depends(store_api_business)]


async def correlation_id() -> str:
    return str(get_contextvars().get("correlation_id", ""))


CorrelationDep = Annotated[str, Depends(correlation_id)]
