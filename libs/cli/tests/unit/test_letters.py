"""What `sauda dlq` makes of the dead-letter topics and what a re-drive publishes."""

import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from sauda_cli.letters import (
    Letter,
    NotRedrivable,
    poison_letter,
    read_letters,
    redrive_records,
)
from sauda_contracts import Topic
from sauda_contracts.dead_letters import (
    DeadLetter,
    DeadLetterBody,
    DeadLetterRedriven,
    RedriveMessage,
    redrive_id,
)
from sauda_contracts.webhooks import RedeliverWebhook

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
BUSINESS = uuid4()


def letter(**body: object) -> DeadLetter:
    fields = {"source_topic": "notifier.retry.120s.v1", "error": "(131016) down", "payload": "{}"}
    return DeadLetter(event_id=uuid4(), occurred_at=NOW, business_id=BUSINESS,
                      correlation_id="req-1", body=DeadLetterBody.model_validate(fields | body))  # fmt: skip


def on(topic: str, record: DeadLetter | DeadLetterRedriven, key: bytes = b"k") -> tuple:
    return (topic, key, record.to_bytes())


def test_a_failed_send_is_sent_again_by_a_command_keyed_like_its_chat() -> None:
    message_id = uuid4()
    sent = letter(message_id=str(message_id))
    [found] = read_letters([on(Topic.NOTIFIER_DLQ, sent, key=b"chat-key")])
    command, marker = redrive_records(found, NOW)
    assert (command.topic, command.key) == (Topic.WHATSAPP_OUTBOUND, b"chat-key")
    again = RedriveMessage.model_validate_json(command.value)
    assert again.event_id == redrive_id(sent.event_id)
    assert (again.business_id, again.body.message_id) == (BUSINESS, message_id)
    assert (marker.topic, marker.key) == (Topic.NOTIFIER_DLQ, b"chat-key")
    assert DeadLetterRedriven.model_validate_json(marker.value).body.letter_id == sent.event_id


def test_a_letter_with_its_marker_is_redriven_and_a_second_round_has_new_ids() -> None:
    sent = letter(message_id=str(uuid4()))
    [found] = read_letters([on(Topic.NOTIFIER_DLQ, sent)])
    first, marker = redrive_records(found, NOW)
    # The same letter published twice (a relay retry) is one letter, now with its marker.
    [again] = read_letters([on(Topic.NOTIFIER_DLQ, sent), on(Topic.NOTIFIER_DLQ, sent),
                            (Topic.NOTIFIER_DLQ, b"k", marker.value)])  # fmt: skip
    assert [m.round for m in again.redriven] == [1]
    assert again.summary()["redriven"] == [NOW.isoformat()]
    second, _ = redrive_records(again, NOW)
    ids = {RedriveMessage.model_validate_json(r.value).event_id for r in (first, second)}
    assert ids == {redrive_id(sent.event_id, 1), redrive_id(sent.event_id, 2)}


def test_a_failed_webhook_delivery_is_redelivered_to_its_endpoint() -> None:
    endpoint, delivery = uuid4(), uuid4()
    snapshot = {"delivery_id": str(delivery), "revision": 4, "endpoint_id": str(endpoint),
                "event_id": str(uuid4()), "event": "order.confirmed", "status": "failed",
                "attempts": 4, "created_at": NOW.isoformat(), "updated_at": NOW.isoformat()}  # fmt: skip
    dead = letter(source_topic="webhooks.retry.16s.v1", payload=json.dumps(snapshot))
    [found] = read_letters([on(Topic.WEBHOOKS_DLQ, dead)])
    command, marker = redrive_records(found, NOW)
    redeliver = RedeliverWebhook.model_validate_json(command.value)
    assert (command.topic, command.key) == (Topic.WEBHOOKS_COMMANDS, str(endpoint).encode())
    assert (redeliver.body.endpoint_id, redeliver.body.delivery_id) == (endpoint, delivery)
    assert marker.topic == Topic.WEBHOOKS_DLQ


def test_a_webhook_letter_without_a_delivery_cannot_be_redriven() -> None:
    [found] = read_letters([on(Topic.WEBHOOKS_DLQ, letter(payload="not a delivery"))])
    with pytest.raises(NotRedrivable):
        redrive_records(found, NOW)


def test_an_unreadable_record_goes_back_to_its_topic_and_partition() -> None:
    dead = letter(source_topic="orders.events.v1", partition=2, offset=41, payload='{"type":"X"}')
    [found] = read_letters([on(Topic.NOTIFIER_DLQ, dead, key=b"poison")])
    republished, _ = redrive_records(found, NOW)
    assert (republished.topic, republished.partition, republished.key) == (
        "orders.events.v1", 2, None)  # fmt: skip
    assert republished.value == b'{"type":"X"}'


def test_a_services_poison_row_is_republished_without_a_marker() -> None:
    row = {"id": 7, "topic": "whatsapp.inbound.v1", "partition": 1, "offset": 9,
           "error": "bad", "raw": b'{"x":1}', "recorded_at": NOW}  # fmt: skip
    found: Letter = poison_letter("conversation", row)
    assert found.letter_id == "poison:conversation:7"
    [republished] = redrive_records(found, NOW)
    assert (republished.topic, republished.partition, republished.value) == (
        "whatsapp.inbound.v1", 1, b'{"x":1}')  # fmt: skip


def test_records_that_are_no_letters_are_left_out() -> None:
    assert read_letters([(Topic.NOTIFIER_DLQ, None, b"garbage"), (Topic.WEBHOOKS_DLQ, None,
                         b'{"type":"Other"}')]) == []  # fmt: skip
