"""Ledger subscriber: order commands through the consumer kit, a batch decided in one transaction."""

from collections.abc import Sequence

from prometheus_client import Counter

from sauda_contracts import Topic, parse_order_command
from sauda_ledger.adapters.store import TxEventStore
from sauda_ledger.domain import OrderCommand
from sauda_ledger.handlers import handle_commands
from sauda_runtime.kit import ConsumerKit, Transaction

COMMANDS = Counter("sauda_ledger_commands_total", "Order commands handled", ["outcome"])


async def on_order_commands(commands: Sequence[OrderCommand], tx: Transaction) -> None:
    outcome = await handle_commands(commands, store=TxEventStore(tx.conn))
    COMMANDS.labels("applied").inc(len(outcome.events))
    COMMANDS.labels("rejected").inc(len(outcome.rejections))
    COMMANDS.labels("duplicate").inc(outcome.duplicates)


def subscribe(kit: ConsumerKit, *, group_id: str, batch_size: int) -> None:
    # claim=False: the ledger claims each command itself, all or none, so that a racing writer
    # makes it reload the orders and decide again rather than skip (see handlers.py).
    kit.subscribe(
        (Topic.ORDERS_COMMANDS,),
        group_id=group_id,
        consumer="ledger",
        parse=parse_order_command,
        handle=on_order_commands,
        claim=False,
        max_records=batch_size,
    )
