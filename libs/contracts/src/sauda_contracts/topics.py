"""Topic names and their provisioning specs: the only place a topic name is spelled."""

from enum import StrEnum

from pydantic import Field

from sauda_contracts.envelope import Contract


class Topic(StrEnum):
    """Every Kafka topic Sauda reads or writes. A breaking change is a new `.vN` name."""

    ORDERS_COMMANDS = "orders.commands.v1"
    ORDERS_EVENTS = "orders.events.v1"
    ORDERS_REJECTIONS = "orders.rejections.v1"
    WHATSAPP_INBOUND = "whatsapp.inbound.v1"
    WHATSAPP_STATUS = "whatsapp.status.v1"
    WHATSAPP_OUTBOUND = "whatsapp.outbound.v1"
    CARTS = "carts.v1"
    NOTIFIER_EVENTS = "notifier.events.v1"
    NOTIFIER_RETRY_5S = "notifier.retry.5s"
    NOTIFIER_RETRY_30S = "notifier.retry.30s"
    NOTIFIER_RETRY_120S = "notifier.retry.120s"
    NOTIFIER_DLQ = "notifier.dlq.v1"
    WEBHOOKS_COMMANDS = "webhooks.commands.v1"
    WEBHOOKS_EVENTS = "webhooks.events.v1"
    WEBHOOKS_RETRY_1S = "webhooks.retry.1s"
    WEBHOOKS_RETRY_4S = "webhooks.retry.4s"
    WEBHOOKS_RETRY_16S = "webhooks.retry.16s"
    WEBHOOKS_DLQ = "webhooks.dlq.v1"


class TopicSpec(Contract):
    """How a topic is created: partitions and topic-level configuration."""

    name: str = Field(description="Topic name.")
    partitions: int = Field(ge=1, description="Partition count, fixed at creation.")
    config: dict[str, str] = Field(default_factory=dict, description="Topic-level settings.")
    key: str = Field(description="What the message key is, so one entity stays in order.")


_WEEK_MS = str(7 * 24 * 3600 * 1000)

TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(
        name=Topic.ORDERS_COMMANDS,
        partitions=12,
        config={"retention.ms": _WEEK_MS},
        key="order id",
    ),
    # The public, replayable history: kept forever so any view can be rebuilt from offset 0.
    TopicSpec(
        name=Topic.ORDERS_EVENTS,
        partitions=12,
        config={"retention.ms": "-1", "retention.bytes": "-1"},
        key="order id",
    ),
    TopicSpec(
        name=Topic.ORDERS_REJECTIONS,
        partitions=12,
        config={"retention.ms": _WEEK_MS},
        key="order id",
    ),
    TopicSpec(
        name=Topic.CARTS,
        partitions=12,
        config={"retention.ms": _WEEK_MS},
        key="business id + cart id",
    ),
    *(
        TopicSpec(
            name=t, partitions=12, config={"retention.ms": _WEEK_MS}, key="business id + phone"
        )
        for t in (Topic.WHATSAPP_INBOUND, Topic.WHATSAPP_STATUS, Topic.WHATSAPP_OUTBOUND)
    ),
    # The notifier's message log and notices: the gateway's message view is rebuilt from it.
    TopicSpec(
        name=Topic.NOTIFIER_EVENTS,
        partitions=12,
        config={"retention.ms": "-1"},
        key="business id + phone",
    ),
    *(
        TopicSpec(name=t, partitions=6, config={"retention.ms": _WEEK_MS}, key="message id")
        for t in (Topic.NOTIFIER_RETRY_5S, Topic.NOTIFIER_RETRY_30S, Topic.NOTIFIER_RETRY_120S)
    ),
    *(
        TopicSpec(name=t, partitions=6, config={"retention.ms": _WEEK_MS}, key="endpoint id")
        for t in (Topic.WEBHOOKS_RETRY_1S, Topic.WEBHOOKS_RETRY_4S, Topic.WEBHOOKS_RETRY_16S)
    ),
    TopicSpec(
        name=Topic.WEBHOOKS_COMMANDS,
        partitions=6,
        config={"retention.ms": _WEEK_MS},
        key="endpoint id",
    ),
    # The delivery log: the gateway's delivery view is rebuilt from it.
    TopicSpec(
        name=Topic.WEBHOOKS_EVENTS,
        partitions=6,
        config={"retention.ms": "-1"},
        key="endpoint id",
    ),
    TopicSpec(
        name=Topic.WEBHOOKS_DLQ, partitions=3, config={"retention.ms": "-1"}, key="endpoint id"
    ),
    TopicSpec(
        name=Topic.NOTIFIER_DLQ,
        partitions=3,
        config={"retention.ms": "-1"},
        key="business id + phone",
    ),
)
