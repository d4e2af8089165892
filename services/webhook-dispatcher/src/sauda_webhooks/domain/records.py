"""What the dispatcher publishes: delivery snapshots, deactivations, retry records, dead letters."""

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from sauda_contracts import Topic
from sauda_contracts.dead_letters import DeadLetter, DeadLetterBody
from sauda_contracts.webhooks import (
    AttemptDueBody,
    DeliveryRecorded,
    DeliveryRecordedBody,
    EndpointDeactivated,
    EndpointDeactivatedBody,
    WebhookAttemptDue,
)
from sauda_webhooks.domain.deliveries import EXCERPT_BYTES, MAX_ATTEMPTS, Delivery, retry_topic
from sauda_webhooks.domain.endpoints import EndpointHealth
from sauda_webhooks.domain.orders import NAMESPACE


def _about(
    delivery: Delivery, name: str, *, at: datetime, cause: UUID | None = None
) -> dict[str, Any]:
    """The envelope of a record about `delivery`: its id derived from `name` (so a repeat is the
    same record), caused by the delivery itself unless `cause` says otherwise."""
    return {
        "event_id": uuid5(NAMESPACE, name),
        "occurred_at": at,
        "business_id": delivery.business_id,
        "correlation_id": delivery.correlation_id,
        "causation_id": str(cause or delivery.delivery_id),
    }


def recorded(delivery: Delivery) -> DeliveryRecorded:
    """The delivery's snapshot for webhooks.events.v1 (newest revision wins)."""
    return DeliveryRecorded(
        **_about(
            delivery,
            f"recorded:{delivery.delivery_id}:{delivery.revision}",
            at=delivery.updated_at,
            cause=delivery.event_id,
        ),
        # The snapshot is the delivery's own fields, its texts cut to the wire's limits.
        body=DeliveryRecordedBody(
            **{name: getattr(delivery, name) for name in DeliveryRecordedBody.model_fields}
            | {
                "response_excerpt": (delivery.response_excerpt or None)
                and delivery.response_excerpt[:EXCERPT_BYTES],
                "error": delivery.error and delivery.error[:1000],
            }
        ),
    )


def deactivated(delivery: Delivery, health: EndpointHealth) -> EndpointDeactivated:
    at = health.deactivated_at or delivery.updated_at
    return EndpointDeactivated(
        **_about(delivery, f"deactivated:{delivery.endpoint_id}:{at.isoformat()}", at=at),
        body=EndpointDeactivatedBody(
            endpoint_id=delivery.endpoint_id,
            consecutive_failures=health.consecutive_failures,
            deactivated_at=at,
        ),
    )


def attempt_due(delivery: Delivery, *, now: datetime) -> WebhookAttemptDue:
    """The retry record of a `retrying` delivery's next attempt."""
    assert delivery.next_attempt_at is not None
    return WebhookAttemptDue(
        **_about(delivery, f"due:{delivery.delivery_id}:{delivery.attempts + 1}", at=now),
        body=AttemptDueBody(
            delivery_id=delivery.delivery_id,
            endpoint_id=delivery.endpoint_id,
            attempt=delivery.attempts + 1,
            due_at=delivery.next_attempt_at,
        ),
    )


def dead_letter(delivery: Delivery) -> DeadLetter:
    """A delivery failed for good: its last snapshot, for webhooks.dlq.v1."""
    return DeadLetter(
        **_about(delivery, f"dlq:{delivery.delivery_id}", at=delivery.updated_at),
        body=DeadLetterBody(
            source_topic=retry_topic(MAX_ATTEMPTS)
            if delivery.attempts > 1
            else Topic.ORDERS_EVENTS,
            error=(delivery.error or "failed")[:2000],
            payload=recorded(delivery).model_dump_json(),
        ),
    )
