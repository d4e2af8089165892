"""The one place the ledger's objects are built and started."""

from pathlib import Path

from sauda_ledger.app import subscribe
from sauda_ledger.settings import LedgerSettings
from sauda_runtime.consumer import make_broker
from sauda_runtime.db import create_pool, migrate
from sauda_runtime.kafka import make_producer, wait_for_kafka
from sauda_runtime.kit import KIT_MIGRATIONS, ConsumerKit
from sauda_runtime.logging import configure_logging, get_logger
from sauda_runtime.outbox import OutboxRelay
from sauda_runtime.service import consumer_health, run_until_stopped
from sauda_runtime.tracing import configure_tracing

# The runtime's kit tables (outbox, processed events, poison) first, then this service's own.
MIGRATIONS = (KIT_MIGRATIONS, Path(__file__).parent / "migrations")


async def main(settings: LedgerSettings | None = None) -> None:
    settings = settings or LedgerSettings()
    configure_logging("order-ledger", settings.log_level)
    configure_tracing("order-ledger")
    log = get_logger(__name__)
    await wait_for_kafka(settings.kafka_bootstrap_servers)
    pool = await create_pool(
        settings.database_url, settings.ledger_db_schema, size=settings.db_pool_size
    )
    await migrate(pool, settings.ledger_db_schema, MIGRATIONS)
    producer = make_producer(settings.kafka_bootstrap_servers, "sauda-ledger-outbox")
    await producer.start()
    relay = OutboxRelay(pool, producer, name="ledger", ordered=True, service="order-ledger")
    broker = make_broker(settings.kafka_bootstrap_servers, "sauda-ledger")
    kit = ConsumerKit(broker=broker, pool=pool, relay=relay, service="order-ledger")
    subscribe(kit, group_id=settings.ledger_group_id, batch_size=settings.ledger_batch_size)

    health = consumer_health(
        "order-ledger", pool, producer, settings.ledger_health_port, settings.health_host
    )
    await broker.start()
    log.info("ledger_started", health_port=settings.ledger_health_port)
    try:
        await run_until_stopped([relay.run(), health.serve()])
    finally:
        await broker.stop()
        await producer.stop()
        await pool.close()
        log.info("ledger_stopped")
