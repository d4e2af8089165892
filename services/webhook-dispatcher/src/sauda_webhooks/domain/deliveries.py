"""A delivery's life: the FSM table, `evolve`, what one attempt decides, and the retry schedule.

pending ──attempt──▶ succeeded | retrying | failed;  retrying ──attempt──▶ the same three.
`succeeded` and `failed` are final: nothing moves them (a redelivery is a new delivery).
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID, uuid5

from sauda_contracts import Topic
from sauda_contracts.webhooks import WebhookDeliveryStatus
from sauda_webhooks.domain.endpoints import Endpoint
from sauda_webhooks.domain.orders import NAMESPACE

S = WebhookDeliveryStatus
# The one table of a delivery's life: the statuses each status may move to.
ALLOWED: dict[WebhookDeliveryStatus, frozenset[WebhookDeliveryStatus]] = {
    S.PENDING: frozenset({S.SUCCEEDED, S.RETRYING, S.FAILED}),
    S.RETRYING: frozenset({S.SUCCEEDED, S.RETRYING, S.FAILED}),
    S.SUCCEEDED: frozenset(),
    S.FAILED: frozenset(),
}
FINAL = frozenset(s for s, nexts in ALLOWED.items() if not nexts)

# Where each retry waits and for how long: attempts 2, 3 and 4.
RETRY_STEPS: tuple[tuple[Topic, float], ...] = (
    (Topic.WEBHOOKS_RETRY_1S, 1.0),
    (Topic.WEBHOOKS_RETRY_4S, 4.0),
    (Topic.WEBHOOKS_RETRY_16S, 16.0),
)
RETRY_DELAYS = tuple(delay for _, delay in RETRY_STEPS)
RETRY_TOPICS = tuple(topic for topic, _ in RETRY_STEPS)
MAX_ATTEMPTS = len(RETRY_STEPS) + 1
EXCERPT_BYTES = 1024


class InvalidTransition(ValueError):
    """A step the FSM table does not allow (a bug in the caller, never a merchant's doing)."""


@dataclass(frozen=True)
class Delivery:
    delivery_id: UUID
    endpoint_id: UUID
    business_id: UUID
    event_id: UUID
    event: str
    order_id: UUID | None
    body: bytes
    status: WebhookDeliveryStatus
    attempts: int
    revision: int
    correlation_id: str
    created_at: datetime
    updated_at: datetime
    manual: bool = False
    redelivery_of: UUID | None = None
    response_status: int | None = None
    duration_ms: float | None = None
    response_excerpt: str | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None


def delivery_id_for(endpoint_id: UUID, event_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"delivery:{endpoint_id}:{event_id}")


def new_delivery(
    endpoint: Endpoint,
    *,
    event: str,
    event_id: UUID,
    order_id: UUID | None,
    body: bytes,
    correlation_id: str,
    now: datetime,
    delivery_id: UUID | None = None,
    manual: bool = False,
    redelivery_of: UUID | None = None,
) -> Delivery:
    return Delivery(
        delivery_id=delivery_id or delivery_id_for(endpoint.endpoint_id, event_id),
        endpoint_id=endpoint.endpoint_id,
        business_id=endpoint.business_id,
        event_id=event_id,
        event=event,
        order_id=order_id,
        body=body,
        status=S.PENDING,
        attempts=0,
        revision=1,
        correlation_id=correlation_id,
        created_at=now,
        updated_at=now,
        manual=manual,
        redelivery_of=redelivery_of,
    )


@dataclass(frozen=True)
class AttemptResult:
    """What one POST came to; `permanent` failures are not retried (a refused URL)."""

    status_code: int | None
    duration_ms: float | None
    excerpt: str | None
    error: str | None
    permanent: bool = False

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Attempted:
    """The event of one recorded attempt: where it leaves the delivery."""

    status: WebhookDeliveryStatus
    result: AttemptResult
    at: datetime
    next_attempt_at: datetime | None


def retry_delay(attempt: int, scale: float = 1.0) -> float | None:
    """Seconds to wait after failed attempt `attempt` (1-based), or None when it was the last."""
    if attempt < 1 or attempt >= MAX_ATTEMPTS:
        return None
    return RETRY_DELAYS[attempt - 1] * scale


def retry_topic(next_attempt: int) -> Topic:
    """The retry topic that carries attempt `next_attempt` (2, 3 or 4)."""
    return RETRY_TOPICS[next_attempt - 2]


def decide_attempt(
    delivery: Delivery, result: AttemptResult, *, now: datetime, retry_scale: float
) -> Attempted:
    """What one more attempt means: succeeded, retrying (and when), or failed for good."""
    attempts = delivery.attempts + 1
    delay = None if result.succeeded or result.permanent else retry_delay(attempts, retry_scale)
    if result.succeeded:
        status = S.SUCCEEDED
    elif delay is not None:
        status = S.RETRYING
    else:
        status = S.FAILED
    due = None if delay is None else now + timedelta(seconds=delay)
    return Attempted(status=status, result=result, at=now, next_attempt_at=due)


def evolve(delivery: Delivery, event: Attempted) -> Delivery:
    """The delivery once `event` is recorded; a step the table forbids raises."""
    if event.status not in ALLOWED[delivery.status]:
        raise InvalidTransition(f"a delivery cannot move from {delivery.status} to {event.status}")
    result = event.result
    return replace(
        delivery,
        status=event.status,
        attempts=delivery.attempts + 1,
        revision=delivery.revision + 1,
        response_status=result.status_code,
        duration_ms=result.duration_ms,
        response_excerpt=result.excerpt,
        error=None if result.succeeded else (result.error or f"HTTP {result.status_code}"),
        updated_at=event.at,
        next_attempt_at=event.next_attempt_at,
    )


def after_attempt(
    delivery: Delivery, result: AttemptResult, *, now: datetime, retry_scale: float
) -> Delivery:
    """The delivery once one more attempt is recorded; `next_attempt_at` set when it will retry."""
    return evolve(delivery, decide_attempt(delivery, result, now=now, retry_scale=retry_scale))


def outcome_error(status_code: int) -> str | None:
    if 200 <= status_code < 300:
        return None
    if 300 <= status_code < 400:
        return f"HTTP {status_code}: redirects are not followed"
    return f"HTTP {status_code}"
