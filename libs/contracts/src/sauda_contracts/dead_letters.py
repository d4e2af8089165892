"""Dead letters, and their re-drive by an operator (`sauda dlq redrive`).

Topics:
- `notifier.dlq.v1` and `webhooks.dlq.v1`: `DeadLetter`, a send or a webhook delivery that
  failed for good, or a record its consumer could not read (with where it was: topic,
  partition, offset).
- `whatsapp.outbound.v1`: `RedriveMessage`, asking the notifier to send a message that failed
  for good once more (key: the chat, as the message's other records).
- `notifier.dlq.v1` and `webhooks.dlq.v1`: `DeadLetterRedriven`, beside the letter it names
  (same key): the letter was re-driven, how, and when. A letter with one is not re-driven again
  unless the operator insists.

A re-drive's record ids come from the letter's id (`redrive_id`), so a re-drive repeated after a
crash names the same command and its consumer does it once.
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID, uuid5

from pydantic import Field

from sauda_contracts.envelope import Contract, Envelope

REDRIVE_NAMESPACE = UUID("9d2f4b61-3c8e-5a07-b1d9-6e4f0a2c8b35")


def redrive_id(letter_id: UUID, round_: int = 1) -> UUID:
    """The id of a letter's `round_`th re-drive command (and of its marker)."""
    return uuid5(REDRIVE_NAMESPACE, f"redrive:{letter_id}:{round_}")


class RedriveAction(StrEnum):
    SEND_AGAIN = "send_again"  # a failed send: the notifier queues the message again
    REDELIVER = "redeliver"  # a failed webhook delivery: a RedeliverWebhook command
    REPUBLISH = "republish"  # an unreadable record: its bytes again on its topic and partition


# --- notifier.dlq.v1, webhooks.dlq.v1 ---


class DeadLetterBody(Contract):
    source_topic: str = Field(max_length=200)
    partition: int | None = None
    offset: int | None = None
    error: str = Field(max_length=2000, description="Why it was set aside.")
    payload: str = Field(max_length=1_000_000, description="The record's value as text.")
    message_id: UUID | None = Field(default=None, description="The message, when known.")


class DeadLetter(Envelope):
    type: Literal["DeadLetter"] = "DeadLetter"
    body: DeadLetterBody


# --- whatsapp.outbound.v1 ---


class RedriveMessageBody(Contract):
    message_id: UUID = Field(description="The notifier's message that failed for good.")
    letter_id: UUID = Field(description="The dead letter this re-drive comes from.")


class RedriveMessage(Envelope):
    """Send a message that failed for good once more (an operator's `sauda dlq redrive`)."""

    type: Literal["RedriveMessage"] = "RedriveMessage"
    body: RedriveMessageBody


class DeadLetterRedrivenBody(Contract):
    letter_id: UUID = Field(description="The `DeadLetter`'s event id.")
    action: RedriveAction
    target_topic: str = Field(max_length=200, description="Where the re-drive was published.")
    round: int = Field(default=1, ge=1, description="1 the first time, 2 when forced again…")
    redriven_at: datetime


class DeadLetterRedriven(Envelope):
    """A dead letter was re-driven (by `sauda dlq redrive`)."""

    type: Literal["DeadLetterRedriven"] = "DeadLetterRedriven"
    body: DeadLetterRedrivenBody
