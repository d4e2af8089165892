"""Gateway integration fixtures: a freshly migrated Postgres schema per test, dropped afterwards;
a business in it; the gateway's HTTP app on that schema."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from sauda_gateway.bootstrap import MIGRATIONS, build_app, wire
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.settings import GatewaySettings
from sauda_gateway.view.live import LiveFeed
from sauda_runtime.db import Migrations


@pytest.fixture
def migrations() -> Migrations:
    """The gateway's migrations, for the per-test schema the shared `pool` fixture builds."""
    return MIGRATIONS


@pytest.fixture
async def business(pool: asyncpg.Pool) -> tuple[Business, str]:
    """A business on the business plan (it has the Store API) and its API key."""
    return await create_business(BusinessStore(pool), name="Test shop", plan="business")


def gateway_app(
    pool: asyncpg.Pool, settings: GatewaySettings, live: LiveFeed | None = None
) -> FastAPI:
    """The gateway's routes, error handlers and middleware on this test's schema, without Kafka:
    the routes under test publish nothing, so the producer, relay and waiter are left out (and
    the live stream's feed, unless given)."""
    app = build_app()
    app.state.wiring = wire(settings, pool, live=live, api_key_cache_seconds=0)
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
