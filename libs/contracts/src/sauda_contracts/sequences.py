"""Sequences: a drip of approved templates to one subscriber, each step a delay after the one
before (the first: after assignment), stopped by the subscriber's reply, an opt-out (STOP) or
the merchant's removal.

Topics (key: the chat, `chat_key(business id, chat)`, so one subscriber's assignment, removal,
replies and messages are handled in order):
- `whatsapp.outbound.v1`: `AssignSequence` (an enrolment, carrying its steps, so the notifier
  needs nothing of the gateway's) and `RemoveSequence`.
- `notifier.events.v1`: `SequenceEnrolmentRecorded`, the enrolment as a whole snapshot (state,
  why it stopped, steps sent, when the next is due); a higher `revision` replaces a lower one.

Each step's send is an ordinary message of the notifier's log with the message key
`sequence_message_key(enrolment_id, step)`, so a step is sent at most once however often the
notifier crashes or a record is redelivered, and its id is known to everyone beforehand.

The HTTP API's bodies are `sequence_api`.
"""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Literal
from uuid import UUID, uuid5

from pydantic import Field

from sauda_contracts.envelope import Contract, Envelope
from sauda_contracts.identity import Shopper, UserId
from sauda_contracts.orders import Phone
from sauda_contracts.sends import TemplateToSend, outbound_message_id

MAX_STEPS = 10
MAX_DELAY_SECONDS = 30 * 24 * 3600  # a step at most 30 days after the one before
SEQUENCE_NAMESPACE = UUID("8d2f4a61-3c7e-5b90-a1d4-6e0b9c3f7a25")


def enrolment_id_for(business_id: UUID, sequence_id: int, chat: str, generation: int) -> UUID:
    """An enrolment's id: the `generation`th assignment of this sequence to this chat (a
    subscriber may be assigned a sequence again once an earlier enrolment ended)."""
    return uuid5(SEQUENCE_NAMESPACE, f"enrolment:{business_id}:{sequence_id}:{chat}:{generation}")


def sequence_message_key(enrolment_id: UUID, step: int) -> str:
    """The notifier's message key of an enrolment's step (0 is the first): once each."""
    return f"sequence:{enrolment_id}:{step}"


def sequence_message_id(business_id: UUID, enrolment_id: UUID, step: int) -> UUID:
    """The message id of an enrolment's step (the notifier gives it the same one)."""
    return outbound_message_id(business_id, sequence_message_key(enrolment_id, step))


_NO_PHONE = " Absent for a username user who shares no number."


class SequenceStep(Contract):
    """One step: this template, `delay_seconds` after the step before (the first: after the
    assignment)."""

    template: TemplateToSend
    delay_seconds: int = Field(ge=0, le=MAX_DELAY_SECONDS,
                               description="Seconds after the step before (or the assignment).")  # fmt: skip


# --- whatsapp.outbound.v1 ---


class AssignSequenceBody(Shopper):
    """An enrolment to run: these steps to this subscriber, until they reply, opt out or are
    removed."""

    ADDED: ClassVar[frozenset[str]] = frozenset({"customer_user_id"})

    enrolment_id: UUID
    sequence_id: int = Field(ge=1, description="The merchant's sequence.")
    sequence_name: str = Field(max_length=100)
    customer_phone: Phone | None = Field(default=None, description="The subscriber." + _NO_PHONE)
    customer_user_id: UserId | None = Field(default=None, description="Meta's user id, if any.")
    steps: tuple[SequenceStep, ...] = Field(min_length=1, max_length=MAX_STEPS)
    assigned_at: datetime = Field(description="When the merchant assigned it; a reply after "
                                  "this stops it.")  # fmt: skip


class AssignSequence(Envelope):
    type: Literal["AssignSequence"] = "AssignSequence"
    body: AssignSequenceBody


class RemoveSequenceBody(Shopper):
    """The merchant took the subscriber out of the sequence: no step after this one."""

    ADDED: ClassVar[frozenset[str]] = frozenset({"customer_user_id"})

    enrolment_id: UUID
    customer_phone: Phone | None = Field(default=None, description="The subscriber." + _NO_PHONE)
    customer_user_id: UserId | None = Field(default=None, description="Meta's user id, if any.")


class RemoveSequence(Envelope):
    type: Literal["RemoveSequence"] = "RemoveSequence"
    body: RemoveSequenceBody


# --- notifier.events.v1 ---


class EnrolmentState(StrEnum):
    ACTIVE = "active"  # steps still to send
    COMPLETED = "completed"  # every step sent
    STOPPED = "stopped"  # ended early, see the reason


class StopReason(StrEnum):
    REPLY = "reply"  # the subscriber wrote after the assignment
    OPTED_OUT = "opted_out"  # the subscriber wrote STOP (or stopped marketing in WhatsApp)
    REMOVED = "removed"  # the merchant removed them from the sequence


class SequenceEnrolmentRecordedBody(Shopper):
    ADDED: ClassVar[frozenset[str]] = frozenset({"customer_user_id"})

    enrolment_id: UUID
    sequence_id: int = Field(ge=1)
    customer_phone: Phone | None = Field(default=None, description="The subscriber." + _NO_PHONE)
    customer_user_id: UserId | None = Field(default=None, description="Meta's user id, if any.")
    state: EnrolmentState
    stop_reason: StopReason | None = Field(default=None, description="Why it stopped, if it did.")
    steps_sent: int = Field(ge=0, description="Steps whose message was recorded (to send, or "
                            "skipped with why).")  # fmt: skip
    total_steps: int = Field(ge=1)
    next_step_due_at: datetime | None = Field(default=None, description="While active.")
    assigned_at: datetime
    finished_at: datetime | None = None
    revision: int = Field(ge=1)
    recorded_at: datetime


class SequenceEnrolmentRecorded(Envelope):
    type: Literal["SequenceEnrolmentRecorded"] = "SequenceEnrolmentRecorded"
    body: SequenceEnrolmentRecordedBody
