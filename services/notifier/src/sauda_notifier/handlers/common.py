"""What the notifier's use cases share: their settings, metrics and log context."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter

from sauda_contracts import AnyOrderEvent
from sauda_notifier.domain.facts import Notice
from sauda_notifier.domain.message_log import Message
from sauda_runtime.logging import get_logger

log = get_logger(__name__)


# A retry record is never slept on for longer than this (the consumer's poll interval is 5 min).
MAX_RETRY_WAIT = 240.0


# A claim older than this share of `stale_sending` is renewed before the send: a message claimed
# with its batch may wait its turn (chat order, rate limits) before it is sent.
CLAIM_RENEW_SHARE = 0.25


MESSAGES = Counter("sauda_notifier_messages_total", "Messages recorded", ["purpose", "status"])


SENDS = Counter("sauda_notifier_sends_total", "Graph API send attempts", ["outcome"])


NOTICES = Counter("sauda_notifier_notices_total", "Notices raised", ["kind"])


@dataclass(frozen=True, slots=True)
class NotifierConfig:
    reminder_after: float = 21600.0
    retry_scale: float = 1.0
    stale_sending: float = 60.0
    pair_wait: float = 10.0
    template_resync: float = 30.0  # least time between two syncs of one WABA asked for on demand
    template_sync: float = 300.0  # the sweep lists each WABA's templates once per this period
    max_event_age: float = 86400.0  # older order events send nothing (see domain.too_old)
    cart_minute: float = 60.0  # how long a minute of a cart recovery delay lasts (tests: less)


def order_context(event: AnyOrderEvent) -> dict[str, Any]:
    return {
        "business_id": str(event.business_id),
        "order_id": str(event.body.order_id),
        "correlation_id": event.correlation_id,
        "event_type": event.type,
    }


def message_context(message: Message) -> dict[str, Any]:
    return {
        "business_id": str(message.business_id),
        "order_id": str(message.order_id) if message.order_id else None,
        "message_id": str(message.message_id),
        "correlation_id": message.correlation_id,
    }


def count_recorded(messages: Iterable[Message], notices: Iterable[Notice]) -> None:
    for m in messages:
        MESSAGES.labels(m.purpose.value, m.status.value).inc()
    for n in notices:
        NOTICES.labels(n.kind.value).inc()
