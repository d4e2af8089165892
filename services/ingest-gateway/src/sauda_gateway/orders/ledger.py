"""Order commands to the ledger and its answers back: a command leaves through the outbox in the
caller's transaction; the answer is the command outcome the view projector records."""

from collections.abc import Awaitable, Callable
from typing import TypeAlias
from uuid import UUID

from sauda_contracts import ChangeOrderStatus, Topic, UpsertOrder
from sauda_contracts.deliveries import RecordDeliveryAttempt
from sauda_gateway.orders.outcomes import Outcome, OutcomeWaiter
from sauda_gateway.outbox import Outbox
from sauda_runtime.kit import Transaction
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

OrderCommand: TypeAlias = ChangeOrderStatus | UpsertOrder | RecordDeliveryAttempt


class Ledger:
    def __init__(self, outbox: Outbox, waiter: OutcomeWaiter, *, wait_seconds: float) -> None:
        self._outbox = outbox
        self._waiter = waiter
        self._wait_seconds = wait_seconds

    async def send(
        self, command_id: UUID, write: Callable[[Transaction], Awaitable[OrderCommand]]
    ) -> Outcome | None:
        """Run `write` (it returns the command, id `command_id`) in one transaction with the
        command's outbox row, then wait for the ledger's answer; None when none came in time.

        The expectation is made before the command can leave, so no answer is missed."""
        with self._waiter.expect(command_id) as expectation:
            async with self._outbox.transaction() as tx:
                command = await write(tx)
                order_id = str(command.body.order_id)
                tx.publish(Topic.ORDERS_COMMANDS, order_id, command.to_bytes())
            log.info("order_command_queued", order_id=order_id, command=command.type)
            return await expectation.wait(self._wait_seconds)
