"""Dead letters as an operator sees them, and what re-driving one publishes (pure: no I/O).

A letter is a `DeadLetter` on `notifier.dlq.v1` or `webhooks.dlq.v1`, with the
`DeadLetterRedriven` markers found beside it, or an unreadable record a service without a
dead-letter topic kept in its `poison_messages` table. What a re-drive does depends on what the
letter holds:
- a send that failed for good (the notifier's, naming its message): `RedriveMessage`;
- a webhook delivery that failed for good (its last snapshot): `RedeliverWebhook`;
- an unreadable record: its bytes again, on its topic and partition (for after a fix).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from pydantic import TypeAdapter, ValidationError

from sauda_contracts import Topic
from sauda_contracts.dead_letters import (
    REDRIVE_NAMESPACE,
    DeadLetter,
    DeadLetterRedriven,
    DeadLetterRedrivenBody,
    RedriveAction,
    RedriveMessage,
    RedriveMessageBody,
    redrive_id,
)
from sauda_contracts.webhooks import DeliveryRecordedBody, RedeliverBody, RedeliverWebhook

DLQ_TOPICS = (Topic.NOTIFIER_DLQ.value, Topic.WEBHOOKS_DLQ.value)
POISON_KEY = b"poison"
_records: TypeAdapter[DeadLetter | DeadLetterRedriven] = TypeAdapter(
    DeadLetter | DeadLetterRedriven
)


@dataclass(frozen=True, slots=True)
class Publish:
    """One record to put on Kafka (on `partition` when given, else by key)."""

    topic: str
    key: bytes | None
    value: bytes
    partition: int | None = None


@dataclass(slots=True)
class Letter:
    letter_id: str  # the DeadLetter's event id, or `poison:<schema>:<row id>`
    topic: str  # where the letter is: a dead-letter topic, or `<schema>.poison_messages`
    key: bytes | None
    business_id: UUID | None
    correlation_id: str | None
    at: datetime | None
    source_topic: str
    source_partition: int | None
    source_offset: int | None
    error: str
    payload: str
    message_id: UUID | None = None
    redriven: list[DeadLetterRedrivenBody] = field(default_factory=list)

    @property
    def action(self) -> RedriveAction:
        if self.source_offset is not None or self.topic not in DLQ_TOPICS:
            return RedriveAction.REPUBLISH
        if self.topic == Topic.NOTIFIER_DLQ and self.message_id is not None:
            return RedriveAction.SEND_AGAIN
        return RedriveAction.REDELIVER

    def summary(self) -> dict[str, Any]:
        """What `sauda dlq list` shows (the payload left out: `show` has it)."""
        return {
            "id": self.letter_id,
            "topic": self.topic,
            "business_id": str(self.business_id) if self.business_id else None,
            "at": self.at.isoformat() if self.at else None,
            "source_topic": self.source_topic,
            "action": self.action.value,
            "error": self.error,
            "message_id": str(self.message_id) if self.message_id else None,
            "redriven": [m.redriven_at.isoformat() for m in self.redriven],
        }

    def details(self) -> dict[str, Any]:
        return self.summary() | {
            "correlation_id": self.correlation_id,
            "source_partition": self.source_partition,
            "source_offset": self.source_offset,
            "payload": self.payload,
        }


def read_letters(records: list[tuple[str, bytes | None, bytes]]) -> list[Letter]:
    """The letters on the dead-letter topics (topic, key, value in offset order), each once
    (a letter published twice is one letter), with their re-drive markers; records that are
    neither are left out."""
    letters: dict[str, Letter] = {}
    markers: list[DeadLetterRedriven] = []
    for topic, key, value in records:
        try:
            record = _records.validate_json(value)
        except ValidationError:
            continue
        if isinstance(record, DeadLetterRedriven):
            markers.append(record)
            continue
        body = record.body
        letters.setdefault(str(record.event_id), Letter(
            letter_id=str(record.event_id), topic=topic, key=key,
            business_id=record.business_id, correlation_id=record.correlation_id,
            at=record.occurred_at, source_topic=body.source_topic,
            source_partition=body.partition, source_offset=body.offset, error=body.error,
            payload=body.payload, message_id=body.message_id,
        ))  # fmt: skip
    for marker in markers:
        if (letter := letters.get(str(marker.body.letter_id))) is not None:
            letter.redriven.append(marker.body)
    return list(letters.values())


def poison_letter(schema: str, row: dict[str, Any]) -> Letter:
    """A `poison_messages` row of a service without a dead-letter topic, as a letter."""
    raw: bytes = row["raw"] or b""
    return Letter(
        letter_id=f"poison:{schema}:{row['id']}", topic=f"{schema}.poison_messages", key=None,
        business_id=None, correlation_id=None, at=row["recorded_at"],
        source_topic=row["topic"], source_partition=row["partition"],
        source_offset=row["offset"], error=row["error"],
        payload=raw.decode("utf-8", errors="replace"),
    )  # fmt: skip


class NotRedrivable(ValueError):
    """The letter holds nothing a re-drive can use (said in the message)."""


def redrive_records(letter: Letter, now: datetime) -> list[Publish]:
    """What re-driving `letter` publishes: the re-drive itself, then (for a letter on a
    dead-letter topic) its marker. Its ids come from the letter and the round, so a re-drive
    repeated after a crash is done once by whoever consumes it."""
    round_ = len(letter.redriven) + 1
    target = _redrive(letter, round_, now)
    if letter.topic not in DLQ_TOPICS:
        return [target]
    assert letter.business_id is not None
    marker = DeadLetterRedriven(
        event_id=uuid5(REDRIVE_NAMESPACE, f"redriven:{letter.letter_id}:{round_}"),
        occurred_at=now, business_id=letter.business_id,
        correlation_id=letter.correlation_id or "sauda-dlq", causation_id=letter.letter_id,
        body=DeadLetterRedrivenBody(letter_id=UUID(letter.letter_id), action=letter.action,
                                    target_topic=target.topic, round=round_, redriven_at=now),
    )  # fmt: skip
    return [target, Publish(letter.topic, letter.key, marker.to_bytes())]


def _redrive(letter: Letter, round_: int, now: datetime) -> Publish:
    action = letter.action
    if action is RedriveAction.REPUBLISH:
        key = None if letter.key in (None, POISON_KEY) else letter.key
        return Publish(letter.source_topic, key, letter.payload.encode(), letter.source_partition)
    assert letter.business_id is not None
    envelope = {
        "event_id": redrive_id(UUID(letter.letter_id), round_),
        "occurred_at": now,
        "business_id": letter.business_id,
        "correlation_id": letter.correlation_id or "sauda-dlq",
        "causation_id": letter.letter_id,
    }
    if action is RedriveAction.SEND_AGAIN:
        assert letter.message_id is not None
        body = RedriveMessageBody(message_id=letter.message_id, letter_id=UUID(letter.letter_id))
        command = RedriveMessage(**envelope, body=body)
        return Publish(Topic.WHATSAPP_OUTBOUND.value, letter.key, command.to_bytes())
    try:
        delivery = DeliveryRecordedBody.model_validate_json(letter.payload)
    except ValidationError:
        raise NotRedrivable(f"{letter.letter_id}: its payload is not a webhook delivery") from None
    redeliver = RedeliverWebhook(
        **envelope,
        body=RedeliverBody(endpoint_id=delivery.endpoint_id, delivery_id=delivery.delivery_id),
    )
    return Publish(Topic.WEBHOOKS_COMMANDS.value, str(delivery.endpoint_id).encode(),
                   redeliver.to_bytes())  # fmt: skip
