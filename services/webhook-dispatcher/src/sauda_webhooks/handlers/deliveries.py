"""Order events and the gateway's commands → delivery rows, in the kit's transaction (which has
already claimed each record's event id), with their log records through the outbox."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID, uuid5

from sauda_contracts import AnyOrderEvent, Topic
from sauda_contracts.webhooks import RedeliverWebhook, SendTestWebhook
from sauda_runtime.kit import Transaction
from sauda_runtime.logging import get_logger
from sauda_webhooks.adapters.store import PgWebhookStore, Tx
from sauda_webhooks.domain.deliveries import Delivery, new_delivery
from sauda_webhooks.domain.orders import (
    NAMESPACE,
    OrderFacts,
    evolve_order,
    payload_bytes,
    test_payload,
)
from sauda_webhooks.domain.planning import plan_deliveries
from sauda_webhooks.domain.records import recorded
from sauda_webhooks.handlers.attempts import Clock, DispatcherConfig

log = get_logger(__name__)

ORDERS_CONSUMER = "webhooks-orders"
COMMANDS_CONSUMER = "webhooks-commands"


def recorded_row(d: Delivery) -> tuple[str, bytes, bytes]:
    return (Topic.WEBHOOKS_EVENTS, str(d.endpoint_id).encode(), recorded(d).to_bytes())


async def on_order_events(
    events: Sequence[AnyOrderEvent],
    tx: Transaction,
    *,
    store: PgWebhookStore,
    clock: Clock,
    config: DispatcherConfig,
) -> list[Delivery]:
    """Fold the batch's events into our orders and record every delivery they owe; returns the
    new deliveries (claimed by this process, to be sent after commit)."""
    now = clock()
    db = store.bind(tx)
    created: list[Delivery] = []
    orders = await db.orders({e.body.order_id for e in events})
    endpoints = await db.endpoints_of({e.business_id for e in events}, now)
    changed: dict[UUID, OrderFacts] = {}
    max_age = timedelta(seconds=config.max_event_age)
    for e in events:
        facts = evolve_order(orders.get(e.body.order_id), e)
        if facts is None:
            log.info("order_unknown", order_id=str(e.body.order_id), event_type=e.type,
                     correlation_id=e.correlation_id)  # fmt: skip
            continue
        orders[facts.order_id] = changed[facts.order_id] = facts
        if now - e.occurred_at > max_age:
            continue  # a replay or a backlog: merchants are not told old news again
        for delivery in plan_deliveries(e, facts, endpoints.get(e.business_id, []), now=now):
            if await db.insert_delivery(delivery, claimed_at=now):
                created.append(delivery)
    await db.save_orders(changed.values())
    db.publish(recorded_row(c) for c in created)
    for c in created:
        _log_created(c, order_id=str(c.order_id))
    return created


async def on_commands(
    commands: Sequence[SendTestWebhook | RedeliverWebhook],
    tx: Transaction,
    *,
    store: PgWebhookStore,
    clock: Clock,
) -> list[Delivery]:
    """The gateway's test and redeliver commands, each one delivery (sent even to an inactive
    endpoint: the merchant asked for it)."""
    now = clock()
    db = store.bind(tx)
    created: list[Delivery] = []
    for command in commands:
        delivery = await _command_delivery(db, command, now)
        if delivery is not None and await db.insert_delivery(delivery, claimed_at=now):
            created.append(delivery)
            db.publish([recorded_row(delivery)])
    for c in created:
        _log_created(c, redelivery_of=str(c.redelivery_of) if c.redelivery_of else None)
    return created


def _log_created(d: Delivery, **about: str | None) -> None:
    log.info(
        "delivery_created",
        delivery_id=str(d.delivery_id),
        endpoint_id=str(d.endpoint_id),
        webhook_event=d.event,
        **about,
    )


async def _command_delivery(
    db: Tx, command: SendTestWebhook | RedeliverWebhook, now: datetime
) -> Delivery | None:
    endpoint = await db.endpoint(command.body.endpoint_id, now)
    if endpoint is None or endpoint.business_id != command.business_id:
        log.warning("command_endpoint_unknown", endpoint_id=str(command.body.endpoint_id))
        return None
    if isinstance(command, SendTestWebhook):
        return new_delivery(
            endpoint,
            event="webhook_test",
            event_id=command.event_id,
            order_id=None,
            body=payload_bytes(test_payload(event_id=command.event_id, at=now)),
            correlation_id=command.correlation_id,
            now=now,
            manual=True,
        )
    original = await db.delivery(command.body.delivery_id)
    if original is None or original.endpoint_id != endpoint.endpoint_id:
        log.warning("redeliver_unknown", delivery_id=str(command.body.delivery_id))
        return None
    return new_delivery(
        endpoint,
        event=original.event,
        event_id=original.event_id,
        order_id=original.order_id,
        body=original.body,
        correlation_id=command.correlation_id,
        now=now,
        delivery_id=uuid5(NAMESPACE, f"redelivery:{command.event_id}"),
        manual=True,
        redelivery_of=original.delivery_id,
    )
