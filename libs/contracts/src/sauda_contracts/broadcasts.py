"""Broadcasts: one approved template to many customers, as a job.

Topics (key: the business id, so one business's broadcasts are started in order):
- `whatsapp.outbound.v1`: `StartBroadcast`, the gateway asking the notifier to run a
  broadcast (its template and every recipient's phone, normalized and deduplicated).
- `notifier.events.v1`: `BroadcastRecorded`, the job's progress as a whole snapshot (counts by
  outcome, running / completed); a higher `revision` of one broadcast replaces a lower one.

Each recipient's send is an ordinary message of the notifier's log with the message key
`broadcast_message_key(broadcast_id, phone)`, so its id is known to everyone beforehand
(`sends.outbound_message_id`) and its result is that message's status.

The HTTP API's bodies are `broadcast_api`.
"""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Literal, Self
from uuid import UUID, uuid5

from pydantic import Field, model_validator

from sauda_contracts.envelope import Additive, Contract, Envelope
from sauda_contracts.identity import UserId
from sauda_contracts.orders import Phone
from sauda_contracts.sends import TemplateToSend, outbound_message_id

MAX_RECIPIENTS = 10_000
BROADCAST_NAMESPACE = UUID("3a1c9e52-7b0f-5e61-8f4d-2d6b9a0c7e13")


def broadcast_id_for(business_id: UUID, idempotency_key: str) -> UUID:
    """A broadcast's id, from its business and the request's key: a retried POST names the
    same broadcast."""
    return uuid5(BROADCAST_NAMESPACE, f"broadcast:{business_id}:{idempotency_key}")


def broadcast_message_key(broadcast_id: UUID, chat: str) -> str:
    """The notifier's message key of one recipient's send: once per broadcast and chat (the
    phone, or the user id of a username user)."""
    return f"broadcast:{broadcast_id}:{chat}"


def broadcast_message_id(business_id: UUID, broadcast_id: UUID, chat: str) -> UUID:
    """The message id of one recipient's send (the notifier gives it the same one)."""
    return outbound_message_id(business_id, broadcast_message_key(broadcast_id, chat))


# --- whatsapp.outbound.v1 ---


class StartBroadcastBody(Additive):
    """A broadcast to run: this template to each of these phones and username users, once.
    `recipient_user_ids` came after v1 (left out of the JSON while unset); with it, the
    phones may be none."""

    ADDED: ClassVar[frozenset[str]] = frozenset({"recipient_user_ids"})

    broadcast_id: UUID
    template: TemplateToSend
    recipients: tuple[Phone, ...] = Field(max_length=MAX_RECIPIENTS,
                                          description="The recipients' phones.")  # fmt: skip
    label_id: str | None = Field(default=None, max_length=200,
                                 description="The label the recipients came from, if any.")  # fmt: skip
    recipient_user_ids: tuple[UserId, ...] | None = Field(
        default=None,
        max_length=MAX_RECIPIENTS,
        description="Recipients Meta names only by user id (a label's username subscribers).",
    )

    @model_validator(mode="after")
    def _someone_to_send_to(self) -> Self:
        if not 1 <= len(self.chats) <= MAX_RECIPIENTS:
            raise ValueError(f"a broadcast has 1 to {MAX_RECIPIENTS} recipients")
        return self

    @property
    def chats(self) -> tuple[str, ...]:
        """Every recipient's chat identity (`identity.chat_identity`): phones, then user ids."""
        return self.recipients + (self.recipient_user_ids or ())


class StartBroadcast(Envelope):
    type: Literal["StartBroadcast"] = "StartBroadcast"
    body: StartBroadcastBody


# --- notifier.events.v1 ---


class BroadcastStatus(StrEnum):
    RUNNING = "running"  # recipients are still being recorded, or their messages sent
    COMPLETED = "completed"  # every recipient's message was sent, failed or skipped


class BroadcastCounts(Contract):
    """Recipients by the outcome of their message. `pending`: not recorded yet; `queued`:
    recorded, not through Meta yet (queued, sending or retrying)."""

    pending: int = Field(default=0, ge=0)
    queued: int = Field(default=0, ge=0)
    sent: int = Field(default=0, ge=0)
    delivered: int = Field(default=0, ge=0)
    read: int = Field(default=0, ge=0)
    failed: int = Field(default=0, ge=0)
    skipped: int = Field(default=0, ge=0)


class BroadcastRecordedBody(Contract):
    broadcast_id: UUID
    status: BroadcastStatus
    template: str = Field(description="The template's name (or `id …`) and language.")
    total: int = Field(ge=0)
    counts: BroadcastCounts
    started_at: datetime
    finished_at: datetime | None = None
    revision: int = Field(ge=1)
    recorded_at: datetime


class BroadcastRecorded(Envelope):
    type: Literal["BroadcastRecorded"] = "BroadcastRecorded"
    body: BroadcastRecordedBody
