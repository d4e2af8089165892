"""Ledger subscribers: parse order commands, bind log context, hand the batch to the handler."""

from collections.abc import Sequence

from aiokafka import ConsumerRecord
from prometheus_client import Counter
from pydantic import ValidationError

from sauda_contracts import Topic, parse_order_command
from sauda_ledger.adapters.store import PgEventStore
from sauda_ledger.domain import OrderCommand
from sauda_ledger.handlers import handle_commands
from sauda_runtime.consumer import BatchHandler
from sauda_runtime.logging import get_logger
from sauda_runtime.outbox import OutboxRelay

log = get_logger(__name__)

COMMANDS = Counter("sauda_ledger_commands_total", "Order commands handled", ["outcome"])


def on_order_commands(*, store: PgEventStore, relay: OutboxRelay) -> BatchHandler:
    async def handle(records: Sequence[ConsumerRecord]) -> None:
        commands: list[OrderCommand] = []
        for record in records:
            try:
                commands.append(parse_order_command(record.value))
            except (ValidationError, ValueError, TypeError) as exc:
                log.error(
                    "poison_command",
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                    error=str(exc)[:500],
                )
                await store.record_poison(
                    record.topic, record.partition, record.offset, str(exc), record.value or b""
                )
                COMMANDS.labels("poison").inc()
        if not commands:
            return
        outcome = await handle_commands(commands, store=store)
        relay.wake()
        COMMANDS.labels("applied").inc(len(outcome.events))
        COMMANDS.labels("rejected").inc(len(outcome.rejections))
        COMMANDS.labels("duplicate").inc(outcome.duplicates)

    return handle


TOPICS = (Topic.ORDERS_COMMANDS,)
