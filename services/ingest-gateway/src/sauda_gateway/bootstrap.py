"""The one place the gateway's objects are built: pools, producer, relay, the view's consumers,
every store and adapter the routes use (`wire`), and the app."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from sauda_gateway import clock
from sauda_gateway.accounts.domain import login_window
from sauda_gateway.accounts.invites import InviteStore
from sauda_gateway.accounts.keys import ApiKeyStore
from sauda_gateway.accounts.passwords import Passwords
from sauda_gateway.accounts.store import AccountStore
from sauda_gateway.analytics.store import AnalyticsStore
from sauda_gateway.api.deps import Wiring
from sauda_gateway.app import build_app
from sauda_gateway.carts.store import CartStore
from sauda_gateway.catalog.background import Background
from sauda_gateway.catalog.crawler import StoreCrawler
from sauda_gateway.catalog.fetching import CrawlLimits
from sauda_gateway.catalog.jobs import ImportJobs
from sauda_gateway.catalog.store import CatalogStore
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.merchant.domain import WINDOW_SECONDS, window_start
from sauda_gateway.merchant.endpoints import WebhookEndpoints
from sauda_gateway.merchant.store import AccessStore, BusinessStore
from sauda_gateway.messaging.store import MessageRequests
from sauda_gateway.messaging.waiting import SendWaiter
from sauda_gateway.orders.ledger import Ledger
from sauda_gateway.orders.outcomes import OutcomeWaiter
from sauda_gateway.orders.store import IngestStore, StoreOrderKeys
from sauda_gateway.outbox import Outbox
from sauda_gateway.settings import GatewaySettings
from sauda_gateway.subscribers.store import SubscriberStore
from sauda_gateway.templates.store import TemplateStore
from sauda_gateway.view.live import LiveFeed
from sauda_gateway.view.projector import subscribe_view
from sauda_gateway.view.queries import MessageLog, OrderView
from sauda_gateway.widget.store import WidgetStore
from sauda_runtime.consumer import make_broker
from sauda_runtime.db import create_pool, migrate
from sauda_runtime.kafka import make_producer, wait_for_kafka
from sauda_runtime.kit import KIT_MIGRATIONS, ConsumerKit
from sauda_runtime.logging import configure_logging, get_logger
from sauda_runtime.outbox import OutboxRelay
from sauda_runtime.secrets import SecretBox
from sauda_runtime.tracing import configure_tracing

# The runtime's kit tables (outbox, processed events, poison) first, then this service's own.
MIGRATIONS = (KIT_MIGRATIONS, Path(__file__).parent / "migrations")


def outcome_channel(schema: str) -> str:
    return f"{schema}_command_outcomes"


def sends_channel(schema: str) -> str:
    """Where the view tells waiting sends of their message's record (one per schema)."""
    return f"{schema}_sends"


def live_channel(schema: str) -> str:
    """The live stream's channel: one per deployment's schema, so test schemas never cross."""
    return f"{schema}_live"


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


def import_jobs(settings: GatewaySettings, pool: asyncpg.Pool) -> ImportJobs:
    """Import jobs' rows; their changes go to the live stream's channel."""
    return ImportJobs(pool, channel=live_channel(settings.gateway_db_schema),
                      stale_seconds=settings.catalog_import_stale_seconds)  # fmt: skip


def wire(
    settings: GatewaySettings,
    pool: asyncpg.Pool,
    *,
    producer: AIOKafkaProducer | None = None,
    relay: OutboxRelay | None = None,
    waiter: OutcomeWaiter | None = None,
    live: LiveFeed | None = None,
    api_key_cache_seconds: float | None = None,
    sends: SendWaiter | None = None,
) -> Wiring:
    """Every collaborator the routes hand to handlers, on this pool. Without Kafka (tests that
    publish nothing) the producer, relay and waiter are left out."""
    outbox = Outbox(pool, relay)
    cache = (
        settings.api_key_cache_seconds if api_key_cache_seconds is None else api_key_cache_seconds
    )
    return Wiring(
        settings=settings,
        pool=pool,
        producer=producer,
        businesses=BusinessStore(pool, cache_seconds=cache),
        access=AccessStore(pool),
        outbox=outbox,
        ingest=IngestStore(pool),
        waiter=waiter,
        ledger=Ledger(outbox, waiter, wait_seconds=settings.status_wait_ms / 1000)
        if waiter is not None
        else None,
        keys=StoreOrderKeys(),
        view=OrderView(pool),
        messages=MessageLog(pool),
        carts=CartStore(),
        whatsapp=WhatsAppAccounts(pool),
        webhooks=WebhookEndpoints(
            pool, SecretBox(settings.sauda_secret_key) if settings.sauda_secret_key else None
        ),
        catalog=CatalogStore(pool),
        crawler=store_crawler(settings),
        imports=import_jobs(settings, pool),
        background=Background(),
        accounts=AccountStore(pool),
        passwords=Passwords(),
        widget=WidgetStore(pool),
        api_keys=ApiKeyStore(pool),
        invites=InviteStore(pool),
        templates=TemplateStore(pool),
        message_requests=MessageRequests(pool),
        subscribers=SubscriberStore(pool),
        live=live,
        analytics=AnalyticsStore(pool),
        sends=sends,
    )


def live_feed(settings: GatewaySettings, pool: asyncpg.Pool) -> LiveFeed:
    """The live stream's feed of this deployment's schema (started by the caller)."""
    return LiveFeed(settings.database_url, live_channel(settings.gateway_db_schema),
                    view=OrderView(pool), messages=MessageLog(pool),
                    imports=import_jobs(settings, pool), templates=TemplateStore(pool),
                    queue_size=settings.gateway_stream_queue)  # fmt: skip


@asynccontextmanager
async def offline_wiring(settings: GatewaySettings | None = None) -> AsyncIterator[Wiring]:
    """The gateway's stores on its database (migrated first), without Kafka: what the operator's
    CLI works through, so it never builds an adapter of its own."""
    settings = settings or GatewaySettings()
    pool = await open_pool(settings)
    try:
        yield wire(settings, pool)
    finally:
        await pool.close()


async def forget_old_windows(wiring: Wiring, every: float = 600.0) -> None:
    """Drop request counters of hours long gone, login counts of windows gone by and sessions
    (dashboard and widget) that have ended and invites that expired, now and then."""
    access, accounts = wiring.access, wiring.accounts
    while True:
        try:
            await access.forget_old_windows(before=window_start(time.time()) - WINDOW_SECONDS)
            await accounts.forget_ended(before=login_window(clock.now()))
            await wiring.widget.forget_ended(before=login_window(clock.now()))
        except Exception as exc:  # the database being away must not end the gateway
            get_logger(__name__).warning("rate_window_cleanup_failed", error=repr(exc))
        await asyncio.sleep(every)


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    configure_logging("ingest-gateway", settings.log_level)
    configure_tracing("ingest-gateway")
    log = get_logger(__name__)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await wait_for_kafka(settings.kafka_bootstrap_servers)
        pool = await open_pool(settings)
        producer = make_producer(settings.kafka_bootstrap_servers, "sauda-gateway")
        await producer.start()
        relay = OutboxRelay(pool, producer, name="gateway", ordered=False, service="ingest-gateway")
        channel = outcome_channel(settings.gateway_db_schema)
        waiter = OutcomeWaiter(pool, settings.database_url, channel)
        await waiter.start()
        sends = SendWaiter(pool, settings.database_url, sends_channel(settings.gateway_db_schema))
        await sends.start()
        broker = make_broker(settings.kafka_bootstrap_servers, "sauda-gateway-view")
        kit = ConsumerKit(broker=broker, pool=pool, relay=relay, service="ingest-gateway")
        subscribe_view(kit, order_group=settings.gateway_view_group_id,
                       message_group=settings.gateway_messages_group_id, channel=channel,
                       live=live_channel(settings.gateway_db_schema),
                       sends=sends.channel)  # fmt: skip
        live = live_feed(settings, pool)
        await live.start()
        await broker.start()
        wiring = wire(
            settings, pool, producer=producer, relay=relay, waiter=waiter, live=live, sends=sends
        )
        # Imports a dead gateway left running (their heartbeat stopped) are shown interrupted.
        if stale := await wiring.imports.interrupt_stale():
            log.info("catalog_imports_interrupted", imports=stale)
        tasks = [
            asyncio.create_task(relay.run()),
            asyncio.create_task(forget_old_windows(wiring)),
        ]
        app.state.wiring = wiring
        log.info("gateway_started", port=settings.gateway_port)
        try:
            yield
        finally:
            await wiring.background.stop()  # each running import records itself interrupted
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await broker.stop()
            await live.stop()
            await waiter.stop()
            await sends.stop()
            await producer.stop()
            await pool.close()
            log.info("gateway_stopped")

    return build_app(lifespan)
