"""The deliveries one order event owes: each subscribed merchant endpoint, and the store's cancel
callback."""

from collections.abc import Iterable
from datetime import datetime

from sauda_contracts import Actor, AnyOrderEvent, OrderCancelled
from sauda_contracts.orders import OrderStatus
from sauda_webhooks.domain.deliveries import Delivery, new_delivery
from sauda_webhooks.domain.endpoints import STORE_CANCEL, Endpoint, is_usable, subscribed
from sauda_webhooks.domain.orders import (
    OrderFacts,
    delivery_attempt_of,
    order_payload,
    payload_bytes,
    store_cancel_payload,
    webhook_event_for,
)


def plan_deliveries(
    event: AnyOrderEvent,
    facts: OrderFacts,
    endpoints: Iterable[Endpoint],
    *,
    now: datetime,
) -> list[Delivery]:
    """The deliveries one order event owes: each subscribed merchant endpoint, plus the store's
    cancel callback for a cancellation."""
    name = webhook_event_for(event.type)
    if name is None:
        return []
    version: int = getattr(event.body, "version", facts.version)
    status: OrderStatus = getattr(event.body, "status", facts.status)
    body = payload_bytes(
        order_payload(
            facts,
            event=name,
            event_id=event.event_id,
            at=event.occurred_at,
            version=version,
            status=status,
            delivery_attempt=delivery_attempt_of(event),
            delivery_address=getattr(event.body, "delivery_address", None),
        )
    )
    planned: list[Delivery] = []
    for endpoint in endpoints:
        if subscribed(endpoint, name):
            planned.append(
                new_delivery(
                    endpoint,
                    event=name.value,
                    event_id=event.event_id,
                    order_id=facts.order_id,
                    body=body,
                    correlation_id=event.correlation_id,
                    now=now,
                )
            )
        elif (
            isinstance(event, OrderCancelled)
            and endpoint.kind == STORE_CANCEL
            and is_usable(endpoint)
            and getattr(event.body, "actor", None) != Actor.STORE  # the store knows: no echo
        ):
            reason: str | None = getattr(event.body, "reason", None)
            planned.append(
                new_delivery(
                    endpoint,
                    event=STORE_CANCEL,
                    event_id=event.event_id,
                    order_id=facts.order_id,
                    body=payload_bytes(store_cancel_payload(facts, reason)),
                    correlation_id=event.correlation_id,
                    now=now,
                )
            )
    return planned
