"""The one place the conversation service's objects are built and started."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sauda_conversation.adapters.catalog import Catalogs
from sauda_conversation.adapters.ranking import FuzzyRanker
from sauda_conversation.app import OnMessages, subscribe
from sauda_conversation.settings import ConversationSettings
from sauda_runtime.consumer import make_broker
from sauda_runtime.db import create_pool, migrate
from sauda_runtime.kafka import make_producer, wait_for_kafka
from sauda_runtime.kit import KIT_MIGRATIONS, ConsumerKit
from sauda_runtime.logging import configure_logging, get_logger
from sauda_runtime.outbox import OutboxRelay
from sauda_runtime.service import consumer_health, run_until_stopped

# The runtime's kit tables (outbox, processed events, poison) first, then this service's own.
MIGRATIONS = (KIT_MIGRATIONS, Path(__file__).parent / "migrations")


def utc_now() -> datetime:
    """The clock the handlers are given (tests give the same, or a fixed one)."""
    return datetime.now(UTC)


async def main(settings: ConversationSettings | None = None) -> None:
    settings = settings or ConversationSettings()
    configure_logging("conversation", settings.log_level)
    log = get_logger(__name__)
    await wait_for_kafka(settings.kafka_bootstrap_servers)
    schema = settings.conversation_db_schema
    pool = await create_pool(settings.database_url, schema, size=settings.db_pool_size)
    await migrate(pool, schema, MIGRATIONS)
    producer = make_producer(settings.kafka_bootstrap_servers, "sauda-conversation-outbox")
    await producer.start()
    relay = OutboxRelay(pool, producer, name="conversation", ordered=True)
    broker = make_broker(settings.kafka_bootstrap_servers, "sauda-conversation")
    on_messages = OnMessages(
        shops=Catalogs(pool, schema=settings.conversation_gateway_schema,
                       cache_seconds=settings.conversation_catalog_cache_seconds),
        ranker=FuzzyRanker(),
        clock=utc_now,
        cart_ttl=timedelta(hours=settings.conversation_cart_ttl_hours),
    )  # fmt: skip
    kit = ConsumerKit(broker=broker, pool=pool, relay=relay, service="conversation")
    subscribe(kit, group_id=settings.conversation_group_id, on_messages=on_messages)

    health = consumer_health("conversation", pool, producer, settings.conversation_health_port)
    await broker.start()
    log.info("conversation_started", health_port=settings.conversation_health_port)
    try:
        await run_until_stopped([relay.run(), health.serve()])
    finally:
        await broker.stop()
        await producer.stop()
        await pool.close()
        log.info("conversation_stopped")
