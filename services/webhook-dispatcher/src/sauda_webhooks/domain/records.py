"""What the dispatcher publishes: delivery snapshots, deactivations, retry records, dead letters."""

from datetime import datetime
from uuid import uuid5

from sauda_contracts import Topic
from sauda_contracts.webhooks import (
    AttemptDueBody,
    DeliveryRecorded,
    DeliveryRecordedBody,
    EndpointDeactivated,
    EndpointDeactivatedBody,
    WebhookAttemptDue,
)
from sauda_contracts.whatsapp import DeadLetter, DeadLetterBody
from sauda_webhooks.domain.deliveries import EXCERPT_BYTES, MAX_ATTEMPTS, Delivery, retry_topic
from sauda_webhooks.domain.endpoints import EndpointHealth
from sauda_webhooks.domain.orders import NAMESPACE


def recorded(delivery: Delivery) -> DeliveryRecorded:
    """The delivery's snapshot for webhooks.events.v1 (newest revision wins)."""
    return DeliveryRecorded(
        event_id=uuid5(NAMESPACE, f"recorded:{delivery.delivery_id}:{delivery.revision}"),
        occurred_at=delivery.updated_at,
        business_id=delivery.business_id,
        correlation_id=delivery.correlation_id,
        causation_id=str(delivery.event_id),
        body=DeliveryRecordedBody(
            delivery_id=delivery.delivery_id,
            revision=delivery.revision,
            endpoint_id=delivery.endpoint_id,
            event_id=delivery.event_id,
            event=delivery.event,
            order_id=delivery.order_id,
            status=delivery.status,
            attempts=delivery.attempts,
            response_status=delivery.response_status,
            duration_ms=delivery.duration_ms,
            response_excerpt=(delivery.response_excerpt or None)
            and delivery.response_excerpt[:EXCERPT_BYTES],
            error=delivery.error and delivery.error[:1000],
            created_at=delivery.created_at,
            updated_at=delivery.updated_at,
        ),
    )


def deactivated(delivery: Delivery, health: EndpointHealth) -> EndpointDeactivated:
    at = health.deactivated_at or delivery.updated_at
    return EndpointDeactivated(
        event_id=uuid5(NAMESPACE, f"deactivated:{delivery.endpoint_id}:{at.isoformat()}"),
        occurred_at=at,
        business_id=delivery.business_id,
        correlation_id=delivery.correlation_id,
        causation_id=str(delivery.delivery_id),
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
        event_id=uuid5(NAMESPACE, f"due:{delivery.delivery_id}:{delivery.attempts + 1}"),
        occurred_at=now,
        business_id=delivery.business_id,
        correlation_id=delivery.correlation_id,
        causation_id=str(delivery.delivery_id),
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
        event_id=uuid5(NAMESPACE, f"dlq:{delivery.delivery_id}"),
        occurred_at=delivery.updated_at,
        business_id=delivery.business_id,
        correlation_id=delivery.correlation_id,
        causation_id=str(delivery.delivery_id),
        body=DeadLetterBody(
            source_topic=retry_topic(MAX_ATTEMPTS)
            if delivery.attempts > 1
            else Topic.ORDERS_EVENTS,
            error=(delivery.error or "failed")[:2000],
            payload=recorded(delivery).model_dump_json(),
        ),
    )
