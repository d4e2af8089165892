"""Ledger use cases: a batch of commands → decide → append events, rejections and outbox rows in one transaction."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from sauda_contracts import OrderCommandRejected
from sauda_ledger.adapters.store import BatchChanges, ConcurrencyConflict, EventStore
from sauda_ledger.domain import OrderCommand, OrderEvent, Rejected, decide, fold, initial_state
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

MAX_ATTEMPTS = 3


@dataclass
class BatchOutcome:
    events: list[OrderEvent] = field(default_factory=list)
    rejections: list[OrderCommandRejected] = field(default_factory=list)
    duplicates: int = 0


async def handle_commands(commands: Sequence[OrderCommand], *, store: EventStore) -> BatchOutcome:
    """Apply commands in order, each exactly once, atomically for the whole batch.

    A unique-key conflict means another ledger instance wrote the same order (during a
    rebalance): the batch is reloaded and decided again, a bounded number of times.
    """
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return await _apply(commands, store=store)
        except ConcurrencyConflict:
            if attempt == MAX_ATTEMPTS:
                raise
            log.warning("ledger_conflict_retry", attempt=attempt)
    raise AssertionError("unreachable")


async def _apply(commands: Sequence[OrderCommand], *, store: EventStore) -> BatchOutcome:
    outcome = BatchOutcome()
    async with store.unit_of_work() as uow:
        seen = await uow.processed_ids(c.event_id for c in commands)
        states = await uow.load({c.body.order_id for c in commands})
        changed = {}
        processed: dict[UUID, UUID] = {}
        for command in commands:
            order_id = command.body.order_id
            if command.event_id in seen:
                outcome.duplicates += 1
                continue
            seen.add(command.event_id)
            processed[command.event_id] = order_id
            state = states.get(order_id, initial_state)
            try:
                events = decide(state, command)
            except Rejected as rejected:
                outcome.rejections.append(rejected.rejection)
                log.info(
                    "command_rejected",
                    order_id=str(order_id),
                    correlation_id=command.correlation_id,
                    command=command.type,
                    reason=rejected.rejection.body.code,
                )
                continue
            if events:
                states[order_id] = changed[order_id] = fold(state, events)
                outcome.events.extend(events)
            for event in events:
                log.info(
                    "order_event_recorded",
                    order_id=str(order_id),
                    correlation_id=command.correlation_id,
                    event_type=event.type,
                    version=event.body.version,
                )
        await uow.record(
            changes=BatchChanges(outcome.events, outcome.rejections, changed, processed)
        )
    return outcome
