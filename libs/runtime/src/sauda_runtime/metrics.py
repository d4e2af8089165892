"""Every Prometheus metric Sauda exports, in one place (the Grafana dashboard is checked against
this list), and the small pure functions that turn what a service saw into bounded labels.

Labels are bounded by design: service, consumer, group, topic, partition, route template, HTTP
status, Meta error code — never an order id, a phone number or a URL.
"""

from collections.abc import Iterable, Mapping, Sequence

from aiokafka import ConsumerRecord
from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.metrics_core import Metric

# Batches take from a millisecond (a duplicate) to tens of seconds (a retry topic's wait).
BATCH_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

CONSUMER_LAG = Gauge(
    "sauda_consumer_lag_records",
    "Records between a consumer group's position and the partition's high watermark, "
    "as the consumer last saw them (updated after each batch)",
    ["service", "group", "topic", "partition"],
)
BATCH_SECONDS = Histogram(
    "sauda_consumer_batch_duration_seconds",
    "Time the consumer kit spent on one batch: parse, transaction, and the after-commit calls",
    ["service", "consumer"],
    buckets=BATCH_BUCKETS,
)
OUTBOX_PENDING = Gauge(
    "sauda_outbox_pending_rows",
    "Outbox rows written and not yet published to Kafka (as the relay last counted)",
    ["service"],
)
OUTBOX_OLDEST = Gauge(
    "sauda_outbox_oldest_age_seconds",
    "Age of the oldest outbox row not yet published (0 when the outbox is empty)",
    ["service"],
)
OUTBOX_PUBLISHED = Counter(
    "sauda_outbox_published_total",
    "Records the outbox relay published to Kafka, by topic",
    ["service", "topic"],
)
RETRIES = Counter(
    "sauda_retries_scheduled_total",
    "Records published to a retry topic (a failed call to be tried again later)",
    ["service", "topic"],
)
DEAD_LETTERS = Counter(
    "sauda_dead_letters_total",
    "Records published to a dead-letter topic (the last attempt failed, or a poison record)",
    ["service", "topic"],
)
GRAPH_CALLS = Counter(
    "sauda_graph_api_requests_total",
    "Calls to Meta's Graph API by HTTP status (0: no answer) and Meta error code ('' on success)",
    ["method", "status", "code"],
)
WEBHOOK_DELIVERIES = Counter(
    "sauda_webhook_deliveries_total",
    "Webhook delivery attempts by outcome (delivered, rejected, refused, timeout, error) "
    "and response status class (2xx … 5xx, none)",
    ["outcome", "status_class"],
)
HTTP_REQUESTS = Counter(
    "sauda_http_requests_total",
    "HTTP requests served, by route template (not the raw path) and status",
    ["service", "method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "sauda_http_request_duration_seconds",
    "Time to serve an HTTP request, by route template",
    ["service", "method", "route"],
    buckets=HTTP_BUCKETS,
)

ALL = (
    CONSUMER_LAG, BATCH_SECONDS, OUTBOX_PENDING, OUTBOX_OLDEST, OUTBOX_PUBLISHED, RETRIES,
    DEAD_LETTERS, GRAPH_CALLS, WEBHOOK_DELIVERIES, HTTP_REQUESTS, HTTP_SECONDS,
)  # fmt: skip


def exported_names(families: Iterable[Metric]) -> set[str]:
    """The series names metric families export (a counter `x` exports `x_total` and
    `x_created`, a histogram `_bucket`, `_count`, `_sum`), for checking what a dashboard may
    query: pass `REGISTRY.collect()` for everything this process registered."""
    names: set[str] = set()
    for family in families:
        names.add(family.name)
        if family.type == "counter":
            names |= {f"{family.name}_total", f"{family.name}_created"}
        elif family.type == "histogram":
            names |= {f"{family.name}_{s}" for s in ("bucket", "count", "sum", "created")}
    return names


def batch_lag(
    records: Sequence[ConsumerRecord], highwater: Mapping[tuple[str, int], int | None]
) -> dict[tuple[str, int], int]:
    """Per (topic, partition) of a handled batch: the high watermark less the next offset the
    group will read (the last record's + 1); a partition whose watermark is unknown is left out."""
    nxt: dict[tuple[str, int], int] = {}
    for r in records:
        place = (r.topic, r.partition)
        nxt[place] = max(nxt.get(place, 0), r.offset + 1)
    return {
        place: max(0, hw - offset)
        for place, offset in nxt.items()
        if (hw := highwater.get(place)) is not None
    }


def topic_kind(topic: str) -> str:
    """'retry', 'dlq' or 'other', from the topic naming convention (`<svc>.retry.<delay>`,
    `<svc>.dlq.v1`)."""
    parts = str(topic).split(".")
    if "retry" in parts[1:]:
        return "retry"
    if "dlq" in parts[1:]:
        return "dlq"
    return "other"


def count_published(service: str, topics: Iterable[str]) -> None:
    """What the relay published: by topic, and retries and dead letters by their topic."""
    tally: dict[str, int] = {}
    for topic in topics:
        tally[topic] = tally.get(topic, 0) + 1
    for topic, n in tally.items():
        OUTBOX_PUBLISHED.labels(service, topic).inc(n)
        kind = topic_kind(topic)
        if kind == "retry":
            RETRIES.labels(service, topic).inc(n)
        elif kind == "dlq":
            DEAD_LETTERS.labels(service, topic).inc(n)


def status_class(status: int | None) -> str:
    return "none" if not status else f"{status // 100}xx"


def graph_labels(status: int | None, code: int | None) -> tuple[str, str]:
    """(status, code) labels of a Graph call: status 0 when no answer came."""
    return str(status or 0), "" if code is None else str(code)


def delivery_labels(status: int | None, error: str | None, permanent: bool) -> tuple[str, str]:
    """(outcome, status class) of one webhook attempt."""
    if error is None and status is not None and 200 <= status < 300:
        outcome = "delivered"
    elif permanent:
        outcome = "refused"
    elif error is not None and error.startswith("timed out"):
        outcome = "timeout"
    elif status is not None:
        outcome = "rejected"
    else:
        outcome = "error"
    return outcome, status_class(status)
