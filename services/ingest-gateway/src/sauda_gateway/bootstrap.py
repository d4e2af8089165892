"""The one place the gateway's objects are built: pools, producer, relay, view subscriber, the app."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import asyncpg
from fastapi import FastAPI

from sauda_gateway.adapters.access import AccessStore
from sauda_gateway.adapters.businesses import BusinessStore
from sauda_gateway.adapters.carts import CartStore
from sauda_gateway.adapters.catalog import CatalogStore
from sauda_gateway.adapters.ingest import IngestStore
from sauda_gateway.adapters.outcomes import OutcomeWaiter
from sauda_gateway.adapters.store_crawler import CrawlLimits, StoreCrawler
from sauda_gateway.adapters.store_keys import StoreOrderKeys
from sauda_gateway.adapters.view import OrderView
from sauda_gateway.adapters.webhooks import WebhookEndpoints
from sauda_gateway.adapters.whatsapp import MessageLog, WhatsAppAccounts
from sauda_gateway.app import (
    BodySizeLimitMiddleware,
    CorrelationMiddleware,
    health,
    install_error_handlers,
    router,
    zapier,
)
from sauda_gateway.bob import bob
from sauda_gateway.catalog_routes import catalog
from sauda_gateway.deps import Container
from sauda_gateway.domain import WINDOW_SECONDS, window_start
from sauda_gateway.projector import MESSAGE_TOPICS, TOPICS, on_message_stream, on_order_stream
from sauda_gateway.settings import GatewaySettings
from sauda_gateway.webhook_routes import webhooks
from sauda_gateway.whatsapp_routes import meta_webhooks, whatsapp
from sauda_runtime.consumer import make_broker, subscribe_batch
from sauda_runtime.db import create_pool, migrate
from sauda_runtime.kafka import make_producer, wait_for_kafka
from sauda_runtime.logging import configure_logging, get_logger
from sauda_runtime.outbox import OutboxRelay
from sauda_runtime.secrets import SecretBox
from sauda_runtime.service import JsonBodyMiddleware

MIGRATIONS = Path(__file__).parent / "migrations"


def outcome_channel(schema: str) -> str:
    return f"{schema}_command_outcomes"


async def open_pool(settings: GatewaySettings) -> asyncpg.Pool:
    pool = await create_pool(
        settings.database_url, settings.gateway_db_schema, size=settings.db_pool_size
    )
    await migrate(pool, settings.gateway_db_schema, MIGRATIONS)
    return pool


def store_crawler(settings: GatewaySettings) -> StoreCrawler:
    """The store importer: its caps are settings, its URL rules the webhooks' (same switch)."""
    return StoreCrawler(
        CrawlLimits(
            max_pages=settings.catalog_import_max_pages,
            timeout=settings.catalog_import_timeout_seconds,
            max_bytes=settings.catalog_import_max_bytes,
            concurrency=settings.catalog_import_concurrency,
            budget=settings.catalog_import_budget_seconds,
            allow_private=settings.webhooks_allow_private_urls,
        )
    )


async def forget_old_windows(access: AccessStore, every: float = 600.0) -> None:
    """Drop request counters of hours long gone, now and then."""
    while True:
        try:
            await access.forget_old_windows(before=window_start(time.time()) - WINDOW_SECONDS)
        except Exception as exc:  # the database being away must not end the gateway
            get_logger(__name__).warning("rate_window_cleanup_failed", error=repr(exc))
        await asyncio.sleep(every)


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    configure_logging("ingest-gateway", settings.log_level)
    log = get_logger(__name__)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await wait_for_kafka(settings.kafka_bootstrap_servers)
        pool = await open_pool(settings)
        producer = make_producer(settings.kafka_bootstrap_servers, "sauda-gateway")
        await producer.start()
        relay = OutboxRelay(pool, producer, name="gateway", ordered=False)
        channel = outcome_channel(settings.gateway_db_schema)
        waiter = OutcomeWaiter(pool, settings.database_url, channel)
        await waiter.start()
        broker = make_broker(settings.kafka_bootstrap_servers, "sauda-gateway-view")
        subscribe_batch(
            broker,
            TOPICS,
            group_id=settings.gateway_view_group_id,
            handler=on_order_stream(pool, channel=channel),
        )
        subscribe_batch(
            broker,
            MESSAGE_TOPICS,
            group_id=settings.gateway_messages_group_id,
            handler=on_message_stream(pool),
        )
        await broker.start()
        access = AccessStore(pool)
        tasks = [
            asyncio.create_task(relay.run()),
            asyncio.create_task(forget_old_windows(access)),
        ]
        app.state.container = Container(
            settings=settings,
            pool=pool,
            producer=producer,
            businesses=BusinessStore(pool, cache_seconds=settings.api_key_cache_seconds),
            ingest=IngestStore(pool),
            view=OrderView(pool),
            waiter=waiter,
            relay=relay,
            access=access,
            store_keys=StoreOrderKeys(pool),
            carts=CartStore(pool),
            whatsapp=WhatsAppAccounts(pool),
            messages=MessageLog(pool),
            webhooks=WebhookEndpoints(
                pool, SecretBox(settings.sauda_secret_key) if settings.sauda_secret_key else None
            ),
            catalog=CatalogStore(pool),
            crawler=store_crawler(settings),
        )
        log.info("gateway_started", port=settings.gateway_port)
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await broker.stop()
            await waiter.stop()
            await producer.stop()
            await pool.close()
            log.info("gateway_stopped")

    return build_app(lifespan)


def build_app(
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
) -> FastAPI:
    """Every route, error handler and middleware; `create_app`'s lifespan wires the container
    (tests that need no Kafka set `app.state.container` themselves)."""
    app = FastAPI(
        title="Sauda API",
        version="1.0",
        description="Sauda: WhatsApp COD order confirmation for online stores.",
        lifespan=lifespan,
    )
    app.include_router(router)
    app.include_router(zapier)
    app.include_router(bob)
    app.include_router(whatsapp)
    app.include_router(webhooks)
    app.include_router(catalog)
    app.include_router(meta_webhooks)
    app.include_router(health)
    install_error_handlers(app)
    app.add_middleware(JsonBodyMiddleware)
    app.add_middleware(BodySizeLimitMiddleware)
    app.add_middleware(CorrelationMiddleware)
    return app
