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


_WEEK = {"retention.ms": str(7 * 24 * 3600 * 1000)}
_FOREVER = {"retention.ms": "-1"}


def _specs(
    topics: tuple[Topic, ...], partitions: int, config: dict[str, str], key: str
) -> tuple[TopicSpec, ...]:
    return tuple(TopicSpec(name=t, partitions=partitions, config=config, key=key) for t in topics)


TOPICS: tuple[TopicSpec, ...] = (
    *_specs((Topic.ORDERS_COMMANDS, Topic.ORDERS_REJECTIONS), 12, _WEEK, "order id"),
    # The public, replayable history: kept forever so any view can be rebuilt from offset 0.
    *_specs((Topic.ORDERS_EVENTS,), 12, {**_FOREVER, "retention.bytes": "-1"}, "order id"),
    *_specs((Topic.CARTS,), 12, _WEEK, "business id + cart id"),
    *_specs(
        (Topic.WHATSAPP_INBOUND, Topic.WHATSAPP_STATUS),
        12,
        _WEEK,
        "business id + chat (phone, or Meta's user id)",
    ),
    # A broadcast (StartBroadcast) is about no one chat: keyed by the business id alone.
    *_specs(
        (Topic.WHATSAPP_OUTBOUND,),
        12,
        _WEEK,
        "business id + chat (phone, or Meta's user id), or business id",
    ),
    # The notifier's message log, notices and templates: the gateway's message view is rebuilt
    # from it. A business-wide record (a template, a notice about no one chat) is keyed by the
    # business id alone.
    *_specs(
        (Topic.NOTIFIER_EVENTS,),
        12,
        _FOREVER,
        "business id + chat (phone, or user id), or business id",
    ),
    *_specs(
        (Topic.NOTIFIER_RETRY_5S, Topic.NOTIFIER_RETRY_30S, Topic.NOTIFIER_RETRY_120S),
        6,
        _WEEK,
        "message id",
    ),
    *_specs(
        (Topic.WEBHOOKS_RETRY_1S, Topic.WEBHOOKS_RETRY_4S, Topic.WEBHOOKS_RETRY_16S),
        6,
        _WEEK,
        "endpoint id",
    ),
    *_specs((Topic.WEBHOOKS_COMMANDS,), 6, _WEEK, "endpoint id"),
    # The delivery log: the gateway's delivery view is rebuilt from it.
    *_specs((Topic.WEBHOOKS_EVENTS,), 6, _FOREVER, "endpoint id"),
    *_specs((Topic.WEBHOOKS_DLQ,), 3, _FOREVER, "endpoint id"),
    *_specs((Topic.NOTIFIER_DLQ,), 3, _FOREVER, "business id + phone"),
)
