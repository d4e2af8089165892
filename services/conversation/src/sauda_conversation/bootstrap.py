"""The one place the conversation service's objects are built and started."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sauda_conversation.adapters.catalog import Catalogs
from sauda_conversation.adapters.handover import HandoverDirectory
from sauda_conversation.adapters.ranking import FuzzyRanker
from sauda_conversation.app import OnMessages, subscribe
from sauda_conversation.settings import ConversationSettings
from sauda_runtime.consumer_service import ConsumerService
from sauda_runtime.kit import KIT_MIGRATIONS
from sauda_runtime.logging import get_logger

# The runtime's kit tables (outbox, processed events, poison) first, then this service's own.
MIGRATIONS = (KIT_MIGRATIONS, Path(__file__).parent / "migrations")


def utc_now() -> datetime:
    """The clock the handlers are given (tests give the same, or a fixed one)."""
    return datetime.now(UTC)


async def main(settings: ConversationSettings | None = None) -> None:
    settings = settings or ConversationSettings()
    service = await ConsumerService.start("conversation", settings, MIGRATIONS)
    log = get_logger(__name__)
    on_messages = OnMessages(
        shops=Catalogs(service.pool, schema=settings.conversation_gateway_schema,
                       cache_seconds=settings.conversation_catalog_cache_seconds),
        ranker=FuzzyRanker(),
        clock=utc_now,
        cart_ttl=timedelta(hours=settings.conversation_cart_ttl_hours),
        people=HandoverDirectory(schema=settings.conversation_gateway_schema),
    )  # fmt: skip
    subscribe(service.kit, group_id=settings.conversation_group_id, on_messages=on_messages)
    log.info("conversation_started", health_port=settings.conversation_health_port)
    try:
        await service.run([])
    finally:
        log.info("conversation_stopped")
