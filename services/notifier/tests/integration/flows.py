"""Steps and readers the notifier integration tests share: place an order, stall a send, build a
Meta receipt, read back the snapshots and notices the notifier published."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sauda_contracts import Topic
from sauda_contracts.whatsapp import (
    GraphError,
    MessageStatusReported,
    StatusReportBody,
    parse_notifier_event,
)
from sauda_notifier.handlers.orders import handle_order_event
from sauda_notifier.handlers.sending import send_all


async def handle(world: Any, event: Any) -> None:
    """One order event handled and its messages sent, as the consumer and the sender would."""
    await send_all(
        await handle_order_event(event, **world.n.deps(handle_order_event)),
        **world.n.deps(send_all),
    )


async def place(world: Any, make_order: Any, **fields: Any) -> Any:
    """A connected business's order placed and handled; the OrderPlaced event it came from."""
    await world.connect()
    placed = make_order(world.business_id, **fields)
    await handle(world, placed)
    return placed


async def stall(world: Any, make_order: Any) -> tuple[Any, Any]:
    """An order's first message claimed by a sender that then "dies" before (or while) calling
    Meta: the queued message and what the claim returned."""
    await world.connect()
    placed = make_order(world.business_id)
    [queued] = await handle_order_event(placed, **world.n.deps(handle_order_event))
    async with world.store.unit_of_work() as uow:
        claimed = await uow.claim(queued.message_id, now=world.clock())
    return queued, claimed


def receipt(
    world: Any,
    wamid: str,
    status: str,
    *,
    at: datetime | None = None,
    callback: str | None = None,
    errors: tuple[GraphError, ...] = (),
) -> MessageStatusReported:
    """A Meta status receipt for one of the world's messages (reported now unless `at`)."""
    return MessageStatusReported(
        event_id=uuid4(),
        occurred_at=datetime.now(UTC),
        business_id=world.business_id,
        correlation_id="meta-webhook",
        body=StatusReportBody(
            phone_number_id=f"pn{world.business_id.hex[:10]}",
            customer_phone="923001234567",
            wamid=wamid,
            status=status,
            at=at or datetime.now(UTC),
            errors=errors,
            callback_data=callback,
        ),
    )


async def snapshots(world: Any) -> list[Any]:
    """The MessageRecorded snapshots in the outbox, oldest first."""
    return [
        e
        for r in await world.outbox(Topic.NOTIFIER_EVENTS)
        if (e := parse_notifier_event(r["value"])).type == "MessageRecorded"
    ]


async def notices(world: Any) -> list[Any]:
    """The NoticeRaised events in the outbox, oldest first."""
    events = [parse_notifier_event(r["value"]) for r in await world.outbox(Topic.NOTIFIER_EVENTS)]
    return [e for e in events if e.type == "NoticeRaised"]
