"""The one place the webhook dispatcher's objects are built and started."""

import asyncio
from datetime import timedelta
from pathlib import Path

from sauda_runtime.consumer import make_broker
from sauda_runtime.db import create_pool, migrate
from sauda_runtime.kafka import make_producer, wait_for_kafka
from sauda_runtime.logging import configure_logging, get_logger
from sauda_runtime.outbox import OutboxRelay
from sauda_runtime.secrets import SecretBox
from sauda_runtime.service import consumer_health, run_until_stopped
from sauda_webhooks.adapters.http import HttpSender
from sauda_webhooks.adapters.store import PgWebhookStore
from sauda_webhooks.app import subscribe
from sauda_webhooks.handlers import Dispatcher, DispatcherConfig, sweep_stale
from sauda_webhooks.settings import WebhooksSettings

MIGRATIONS = Path(__file__).parent / "migrations"
# Processed-event ids are kept as long as the input topics' redeliveries matter (a week).
PROCESSED_KEPT = timedelta(days=8)

log = get_logger(__name__)


async def sweep_loop(d: Dispatcher, *, every: float) -> None:
    """Stale deliveries at start and every `every` seconds: a crashed sender's rows are resent."""
    rounds = 0
    while True:
        try:
            await sweep_stale(d=d)
            rounds += 1
            if rounds % 720 == 0:
                await d.store.forget_processed(d.clock() - PROCESSED_KEPT)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # Postgres away for a moment: try again next round
            log.warning("sweep_round_failed", error=repr(exc))
        await asyncio.sleep(every)


async def main(settings: WebhooksSettings | None = None) -> None:
    settings = settings or WebhooksSettings()
    configure_logging("webhooks", settings.log_level)
    await wait_for_kafka(settings.kafka_bootstrap_servers)
    schema = settings.webhooks_db_schema
    pool = await create_pool(settings.database_url, schema, size=settings.db_pool_size)
    await migrate(pool, schema, MIGRATIONS)
    producer = make_producer(settings.kafka_bootstrap_servers, "sauda-webhooks-outbox")
    await producer.start()
    # Ordered: a delivery's snapshots must reach webhooks.events.v1 in revision order.
    relay = OutboxRelay(pool, producer, name="webhooks", ordered=True)
    sender = HttpSender(
        timeout=settings.webhooks_timeout_seconds,
        allow_private=settings.webhooks_allow_private_urls,
    )
    d = Dispatcher(
        store=PgWebhookStore(
            pool,
            gateway_schema=settings.webhooks_gateway_schema,
            box=SecretBox(settings.sauda_secret_key),
        ),
        sender=sender,
        config=DispatcherConfig(
            retry_scale=settings.webhooks_retry_scale,
            stale_after=settings.webhooks_stale_seconds,
            max_event_age=settings.webhooks_max_event_age_seconds,
            endpoint_concurrency=settings.webhooks_endpoint_concurrency,
        ),
        wake=relay.wake,
    )
    broker = make_broker(settings.kafka_bootstrap_servers, "sauda-webhooks")
    groups = subscribe(
        broker, d, group_id=settings.webhooks_group_id, batch_size=settings.webhooks_batch_size
    )
    health = consumer_health("webhooks", pool, producer, settings.webhooks_health_port)
    await broker.start()
    log.info("webhooks_started", health_port=settings.webhooks_health_port, groups=groups)
    try:
        await run_until_stopped(
            [relay.run(), health.serve(), sweep_loop(d, every=settings.webhooks_sweep_seconds)]
        )
    finally:
        await broker.stop()
        await d.drain()
        await sender.aclose()
        await producer.stop()
        await pool.close()
        log.info("webhooks_stopped")
