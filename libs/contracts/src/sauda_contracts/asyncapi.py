"""The AsyncAPI 3.0 document of every Sauda topic, made from the contracts and the topic table.

Channels are the topics (address, partitions, retention, what the key is); messages are the
record types each carries, with the JSON Schema pydantic makes of the contract; operations say
which service sends to and which receives from each topic. Nothing here is written by hand
twice: a new record type on a topic (registry.TOPIC_RECORDS) or a new topic (topics.TOPICS)
appears in the document by itself. `FLOWS` is the one table kept by hand; a test holds it to
the topics each service's code names.
"""

from typing import Any

from pydantic.json_schema import models_json_schema

from sauda_contracts.envelope import Envelope, type_name
from sauda_contracts.registry import TOPIC_RECORDS
from sauda_contracts.topics import TOPICS, Topic, TopicSpec

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING = "0.5.0"
OPERATORS = "operators"  # `sauda dlq`: reads the dead letters, re-drives them, marks them

GATEWAY, LEDGER, CONVERSATION = "ingest-gateway", "order-ledger", "conversation"
NOTIFIER, WEBHOOKS = "notifier", "webhook-dispatcher"

# topic -> (services that send to it, services that receive from it)
FLOWS: dict[Topic, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Topic.ORDERS_COMMANDS: ((GATEWAY, CONVERSATION, NOTIFIER), (LEDGER,)),
    Topic.ORDERS_EVENTS: ((LEDGER,), (GATEWAY, CONVERSATION, NOTIFIER, WEBHOOKS)),
    Topic.ORDERS_REJECTIONS: ((LEDGER,), (GATEWAY, CONVERSATION)),
    Topic.CARTS: ((GATEWAY,), (NOTIFIER,)),
    Topic.WHATSAPP_INBOUND: ((GATEWAY,), (CONVERSATION, GATEWAY, NOTIFIER)),
    Topic.WHATSAPP_STATUS: ((GATEWAY,), (NOTIFIER,)),
    Topic.WHATSAPP_OUTBOUND: ((CONVERSATION, GATEWAY, OPERATORS), (NOTIFIER, GATEWAY)),
    Topic.NOTIFIER_EVENTS: ((NOTIFIER,), (GATEWAY,)),
    Topic.NOTIFIER_RETRY_5S: ((NOTIFIER,), (NOTIFIER,)),
    Topic.NOTIFIER_RETRY_30S: ((NOTIFIER,), (NOTIFIER,)),
    Topic.NOTIFIER_RETRY_120S: ((NOTIFIER,), (NOTIFIER,)),
    Topic.NOTIFIER_DLQ: ((NOTIFIER, OPERATORS), (OPERATORS,)),
    Topic.WEBHOOKS_COMMANDS: ((GATEWAY, OPERATORS), (WEBHOOKS,)),
    Topic.WEBHOOKS_EVENTS: ((WEBHOOKS,), (GATEWAY,)),
    Topic.WEBHOOKS_RETRY_1S: ((WEBHOOKS,), (WEBHOOKS,)),
    Topic.WEBHOOKS_RETRY_4S: ((WEBHOOKS,), (WEBHOOKS,)),
    Topic.WEBHOOKS_RETRY_16S: ((WEBHOOKS,), (WEBHOOKS,)),
    Topic.WEBHOOKS_DLQ: ((WEBHOOKS, OPERATORS), (OPERATORS,)),
}

SCHEMA_REF = "#/components/schemas/{model}"


def channel_id(topic: str) -> str:
    """`orders.events.v1` -> `orders-events-v1` (AsyncAPI keys are plain identifiers)."""
    return topic.replace(".", "-")


def _schemas(records: list[type[Envelope]]) -> tuple[dict[str, Any], dict[str, str]]:
    """Every record's schema in one `components.schemas` (shared parts once); record -> ref."""
    refs, definitions = models_json_schema(
        [(record, "validation") for record in records], ref_template=SCHEMA_REF
    )
    by_record = {record.__name__: refs[(record, "validation")]["$ref"] for record in records}
    return definitions.get("$defs", {}), by_record


def _message(record: type[Envelope], ref: str, spec_key: str) -> dict[str, Any]:
    doc = (record.__doc__ or "").strip()
    message: dict[str, Any] = {
        "name": type_name(record),
        "title": type_name(record),
        "contentType": "application/json",
        "payload": {"$ref": ref},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": spec_key},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }
    if doc and doc != (Envelope.__doc__ or "").strip():
        message["summary"] = doc.splitlines()[0]
    return message


def _channel(spec: TopicSpec, messages: list[str]) -> dict[str, Any]:
    config: dict[str, Any] = {
        key: int(value)
        for key, value in spec.config.items()
        if key in ("retention.ms", "retention.bytes")
    }
    return {
        "address": spec.name,
        "description": f"Key: {spec.key}. Partitions: {spec.partitions}.",
        "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in messages},
        "bindings": {
            "kafka": {
                "topic": spec.name,
                "partitions": spec.partitions,
                "topicConfiguration": config,
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _operations(spec: TopicSpec, messages: list[str]) -> dict[str, Any]:
    senders, receivers = FLOWS[Topic(spec.name)]
    channel = channel_id(spec.name)
    refs = [{"$ref": f"#/channels/{channel}/messages/{name}"} for name in messages]
    operations = {}
    for action, services in (("send", senders), ("receive", receivers)):
        for service in services:
            operations[f"{service}-{action}s-{channel}"] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{channel}"},
                "summary": f"{service} {action}s {spec.name}",
                "messages": refs,
                "tags": [{"name": service}],
            }
    return operations


def asyncapi_document(*, servers: str = "127.0.0.1:9092", version: str = "1") -> dict[str, Any]:
    """The whole AsyncAPI 3.0 document, as a JSON-ready dict."""
    records = list({type_name(r): r for rs in TOPIC_RECORDS.values() for r in rs}.values())
    schemas, refs = _schemas(records)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for spec in TOPICS:
        names = [type_name(r) for r in TOPIC_RECORDS.get(Topic(spec.name), ())]
        channels[channel_id(spec.name)] = _channel(spec, names)
        operations |= _operations(spec, names)
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Sauda topics",
            "version": version,
            "description": (
                "Every Kafka topic Sauda produces or consumes. Each record is JSON: an envelope "
                "(event_id, type, schema_version, occurred_at, business_id, correlation_id, "
                "causation_id) and a body; `type` names the message. Consumers drop repeats by "
                "event_id (or order id + version on orders.events.v1). orders.events.v1 is kept "
                "forever and can be replayed from offset 0 to rebuild any view."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "kafka": {
                "host": servers,
                "protocol": "kafka",
                "description": "The broker of this installation (KAFKA_BOOTSTRAP_SERVERS).",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": {type_name(r): _message(r, refs[r.__name__], _key_of(r)) for r in records},
            "schemas": schemas,
        },
    }


def _key_of(record: type[Envelope]) -> str:
    for topic, records in TOPIC_RECORDS.items():
        if record in records:
            return next(s.key for s in TOPICS if s.name == topic)
    raise KeyError(record.__name__)
