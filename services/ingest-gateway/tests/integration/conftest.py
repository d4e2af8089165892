"""Gateway integration fixtures: a freshly migrated Postgres schema per test, dropped afterwards;
a business in it; the gateway's HTTP app on that schema, and a client of it signed in as a user."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from sauda_gateway import clock
from sauda_gateway.accounts.domain import Role
from sauda_gateway.accounts.handlers import create_user
from sauda_gateway.accounts.passwords import Passwords
from sauda_gateway.accounts.store import AccountStore
from sauda_gateway.bootstrap import MIGRATIONS, build_app, wire
from sauda_gateway.domain import Business
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.settings import GatewaySettings
from sauda_gateway.view.live import LiveFeed
from sauda_runtime.db import Migrations
from sauda_runtime.secrets import SecretBox

from .meta_webhooks import APP_SECRET, Meta


@pytest.fixture
def migrations() -> Migrations:
    """The gateway's migrations, for the per-test schema the shared `pool` fixture builds."""
    return MIGRATIONS


@pytest.fixture
async def business(pool: asyncpg.Pool) -> tuple[Business, str]:
    """A business on the business plan (it has the Store API) and its API key."""
    return await create_business(BusinessStore(pool), name="Test shop", plan="business")


def gateway_app(
    pool: asyncpg.Pool,
    settings: GatewaySettings,
    api_key_cache_seconds: float = 0,
    live: LiveFeed | None = None,
) -> FastAPI:
    """The gateway's routes, error handlers and middleware on this test's schema, without Kafka:
    the routes under test publish nothing, so the producer, relay and waiter are left out (and
    the live stream's feed, unless given)."""
    app = build_app()
    app.state.wiring = wire(settings, pool, live=live, api_key_cache_seconds=api_key_cache_seconds)
    return app


@pytest.fixture
def api(pool: asyncpg.Pool) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """api(allow_private=False, api_key_cache_seconds=0, **settings) -> an HTTP client of the
    gateway app. Private URLs are off unless asked for, whatever the environment says (the e2e
    harness turns them on); so is counting requests (rate_limit_enabled=True turns it on)."""

    @asynccontextmanager
    async def client(
        allow_private: bool = False, api_key_cache_seconds: float = 0, **overrides: Any
    ) -> AsyncIterator[httpx.AsyncClient]:
        settings = GatewaySettings(
            **{"rate_limit_enabled": False, "webhooks_allow_private_urls": allow_private}
            | overrides
        )
        transport = httpx.ASGITransport(app=gateway_app(pool, settings, api_key_cache_seconds))
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield http

    return client


@pytest.fixture
def signed_in(
    pool: asyncpg.Pool, business: tuple[Business, str], api: Callable[..., Any]
) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """signed_in(email, role="owner", of=None, **settings) -> a client of the gateway app signed
    in as a new user of `of` (else the `business` fixture's), sending the session's CSRF token.
    The user's password is "correct horse battery"."""

    @asynccontextmanager
    async def client(
        email: str, role: str = "owner", of: Business | None = None, **settings: Any
    ) -> AsyncIterator[httpx.AsyncClient]:
        password = "correct horse battery"
        await create_user((of or business[0]).business_id, email, password, Role(role),
                          store=AccountStore(pool), passwords=Passwords(), now=clock.now())  # fmt: skip
        async with api(gateway_cookie_secure=False, **settings) as http:
            signed = await http.post(
                "/api/v1/auth/login", json={"email": email, "password": password}
            )
            assert signed.status_code == 200, signed.text
            http.headers["X-CSRF-Token"] = signed.json()["csrf_token"]
            yield http

    return client


@pytest.fixture
async def meta(
    pool: asyncpg.Pool,
    business: tuple[Business, str],
    box: SecretBox,
    api: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
) -> AsyncIterator[Meta]:
    """Meta's side of the webhook, for the `business` fixture's newly connected number."""
    number, waba = f"pn{uuid4().hex[:12]}", f"waba{uuid4().hex[:12]}"
    await WhatsAppAccounts(pool).connect(
        business[0].business_id, phone_number_id=number, waba_id=waba, access_token="token",
        box=box, graph_url="https://graph.invalid", api_version="v21.0",
        display_phone_number="15550783881", admin_phone=None, language="en", sandbox=False,
    )  # fmt: skip
    async with api(whatsapp_app_secret=APP_SECRET) as http:
        yield Meta(http, number, waba)
