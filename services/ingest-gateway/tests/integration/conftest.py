"""Gateway integration fixtures: a freshly migrated Postgres schema per test, dropped afterwards;
a business in it; the gateway's HTTP app on that schema."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from sauda_gateway.adapters.access import AccessStore
from sauda_gateway.adapters.businesses import Business, BusinessStore
from sauda_gateway.adapters.carts import CartStore
from sauda_gateway.adapters.catalog import CatalogStore
from sauda_gateway.adapters.ingest import IngestStore
from sauda_gateway.adapters.store_keys import StoreOrderKeys
from sauda_gateway.adapters.view import OrderView
from sauda_gateway.adapters.webhooks import WebhookEndpoints
from sauda_gateway.adapters.whatsapp import MessageLog, WhatsAppAccounts
from sauda_gateway.bootstrap import MIGRATIONS, build_app, store_crawler
from sauda_gateway.deps import Container
from sauda_gateway.handlers import create_business
from sauda_gateway.settings import GatewaySettings
from sauda_runtime.testing import migrated_schema, required_env


@pytest.fixture
def dsn() -> str:
    return required_env("DATABASE_URL")


@pytest.fixture
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a schema of its own, migrated with the gateway's migrations."""
    async with migrated_schema(dsn, MIGRATIONS) as db:
        yield db


@pytest.fixture
async def business(pool: asyncpg.Pool) -> tuple[Business, str]:
    """A business on the business plan (it has the Store API) and its API key."""
    return await create_business(BusinessStore(pool), name="Test shop", plan="business")


def gateway_app(pool: asyncpg.Pool, settings: GatewaySettings) -> FastAPI:
    """The gateway's routes, error handlers and middleware on this test's schema, without Kafka:
    the routes under test publish nothing, so the producer, relay and waiter are left out."""
    app = build_app()
    app.state.container = Container(
        settings=settings,
        pool=pool,
        producer=None,  # type: ignore[arg-type]
        businesses=BusinessStore(pool, cache_seconds=0),
        ingest=IngestStore(pool),
        view=OrderView(pool),
        waiter=None,  # type: ignore[arg-type]
        relay=None,  # type: ignore[arg-type]
        access=AccessStore(pool),
        store_keys=StoreOrderKeys(pool),
        carts=CartStore(pool),
        whatsapp=WhatsAppAccounts(pool),
        messages=MessageLog(pool),
        webhooks=WebhookEndpoints(pool, None),
        catalog=CatalogStore(pool),
        crawler=store_crawler(settings),
    )
    return app


@pytest.fixture
def api(pool: asyncpg.Pool) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """api(allow_private=False, **settings) -> an HTTP client of the gateway app. Private URLs
    are off unless asked for, whatever the environment says (the e2e harness turns them on)."""

    @asynccontextmanager
    async def client(
        allow_private: bool = False, **overrides: Any
    ) -> AsyncIterator[httpx.AsyncClient]:
        settings = GatewaySettings(
            rate_limit_enabled=False, webhooks_allow_private_urls=allow_private, **overrides
        )
        transport = httpx.ASGITransport(app=gateway_app(pool, settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield http

    return client
