"""The one place the notifier's objects are built and started."""

import asyncio
from datetime import timedelta
from pathlib import Path

from sauda_notifier.adapters.accounts import PgAccountDirectory
from sauda_notifier.adapters.graph import GraphClient
from sauda_notifier.adapters.limits import SendLimiter
from sauda_notifier.adapters.store import PgNotifierStore
from sauda_notifier.app import subscribe
from sauda_notifier.handlers import (
    Notifier,
    NotifierConfig,
    TemplateBook,
    run_due_work,
    sync_all_templates,
)
from sauda_notifier.settings import NotifierSettings
from sauda_runtime.consumer import make_broker
from sauda_runtime.db import create_pool, migrate
from sauda_runtime.kafka import make_producer, wait_for_kafka
from sauda_runtime.logging import configure_logging, get_logger
from sauda_runtime.outbox import OutboxRelay
from sauda_runtime.secrets import SecretBox
from sauda_runtime.service import consumer_health, run_until_stopped

MIGRATIONS = Path(__file__).parent / "migrations"
# Processed-event ids are kept as long as the input topics keep records (a week).
PROCESSED_KEPT = timedelta(days=8)

log = get_logger(__name__)


async def reminder_loop(n: Notifier, *, poll: float) -> None:
    """Due reminders and stalled sends, every `poll` seconds, for as long as the service runs."""
    rounds = 0
    while True:
        try:
            await run_due_work(n=n)
            rounds += 1
            if rounds % 3600 == 0:
                await n.store.forget_processed(n.clock() - PROCESSED_KEPT)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # Postgres away for a moment: try again next round
            log.warning("reminder_round_failed", error=repr(exc))
        await asyncio.sleep(poll)


async def template_sync_loop(n: Notifier, *, every: float) -> None:
    """Sync every connected business's templates at start and then every `every` seconds."""
    while True:
        try:
            synced = await sync_all_templates(n=n)
            log.info("template_sync_round", accounts=synced)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("template_sync_round_failed", error=repr(exc))
        await asyncio.sleep(every)


async def main(settings: NotifierSettings | None = None) -> None:
    settings = settings or NotifierSettings()
    configure_logging("notifier", settings.log_level)
    await wait_for_kafka(settings.kafka_bootstrap_servers)
    schema = settings.notifier_db_schema
    pool = await create_pool(settings.database_url, schema, size=settings.db_pool_size)
    await migrate(pool, schema, MIGRATIONS)
    producer = make_producer(settings.kafka_bootstrap_servers, "sauda-notifier-outbox")
    await producer.start()
    # Ordered: a message's snapshots must reach notifier.events.v1 in revision order.
    relay = OutboxRelay(pool, producer, name="notifier", ordered=True)
    graph = GraphClient(timeout=settings.notifier_send_timeout)
    store = PgNotifierStore(pool)
    config = NotifierConfig(
        reminder_after=settings.notifier_reminder_after_seconds,
        retry_scale=settings.notifier_retry_scale,
        stale_sending=settings.notifier_stale_sending_seconds,
        pair_wait=settings.notifier_send_timeout,
        max_event_age=settings.notifier_max_event_age_seconds,
    )
    n = Notifier(
        store=store,
        accounts=PgAccountDirectory(
            pool,
            schema=settings.notifier_gateway_schema,
            box=SecretBox(settings.sauda_secret_key),
            cache_seconds=settings.notifier_account_cache_seconds,
        ),
        sender=graph,
        templates=TemplateBook(store, graph, min_resync=config.template_resync),
        limiter=SendLimiter(
            mps=settings.notifier_mps,
            pair_per_minute=settings.notifier_pair_per_minute,
            pair_burst=settings.notifier_pair_burst,
        ),
        config=config,
        wake=relay.wake,
    )

    broker = make_broker(settings.kafka_bootstrap_servers, "sauda-notifier")
    groups = subscribe(
        broker, n, group_id=settings.notifier_group_id, batch_size=settings.notifier_batch_size
    )

    health = consumer_health("notifier", pool, producer, settings.notifier_health_port)
    await broker.start()
    log.info("notifier_started", health_port=settings.notifier_health_port, groups=groups)
    try:
        await run_until_stopped(
            [
                relay.run(),
                health.serve(),
                reminder_loop(n, poll=settings.notifier_reminder_poll_seconds),
                template_sync_loop(n, every=settings.notifier_template_sync_seconds),
            ]
        )
    finally:
        await broker.stop()
        await graph.aclose()
        await producer.stop()
        await pool.close()
        log.info("notifier_stopped")
