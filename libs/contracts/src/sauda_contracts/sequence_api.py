"""The sequences API: Sauda's REST (`/api/v1/whatsapp/sequences`, a subscriber's
`/api/v1/whatsapp/subscribers/{chat_id}/sequences`) and the Wabotick-compatible form of
`subscriber/chat/assign-sequence` and `remove-sequence`. Refusals are `ApiError` (REST) or
`WabotickRefusal` (the document's shape)."""

from datetime import datetime
from uuid import UUID

from pydantic import Field

from sauda_contracts.api import NO_NUL
from sauda_contracts.envelope import Contract
from sauda_contracts.sends import Parameter
from sauda_contracts.sequences import MAX_DELAY_SECONDS, MAX_STEPS
from sauda_contracts.wabotick import NUMBER_ID, WabotickForm


class SequenceStepIn(Contract):
    """One step: an approved template of the connected number, sent `delay_seconds` after the
    step before (the first: after the assignment)."""

    template: str = Field(pattern=r"^[a-z0-9_]{1,512}$",
                          description="The template's name, as in GET /api/v1/whatsapp/templates.")  # fmt: skip
    language: str = Field(pattern=r"^[a-z]{2,3}(_[A-Za-z]{2,4})?$",
                          description="Its language code, e.g. en or en_US.")  # fmt: skip
    parameters: tuple[Parameter, ...] = Field(default=(), max_length=100,
                                              description="The body's {{1}}, {{2}}, … in order.")  # fmt: skip
    delay_seconds: int = Field(ge=0, le=MAX_DELAY_SECONDS,
                               description="Seconds after the step before (≤ 30 days).")  # fmt: skip


class SequenceCreate(Contract):
    name: str = Field(min_length=1, max_length=100, pattern=NO_NUL)
    steps: tuple[SequenceStepIn, ...] = Field(min_length=1, max_length=MAX_STEPS,
                                              description="1 to 10 steps, in order.")  # fmt: skip


class SequenceOut(Contract):
    sequence_id: int = Field(description="What assign-sequence's sequence_ids name.")
    name: str
    steps: list[SequenceStepIn]
    created_at: datetime


class EnrolmentRequest(Contract):
    sequence_id: int = Field(ge=1, le=2**62, description="A sequence of this business.")


class EnrolmentStepOut(Contract):
    step: int = Field(description="1 for the first.")
    template: str
    message_id: UUID = Field(description="Its message: GET /api/v1/whatsapp/messages/{id}.")
    status: str = Field(description="pending (not recorded yet), queued, sent, delivered, read, "
                        "failed or skipped.")  # fmt: skip


class EnrolmentOut(Contract):
    """A subscriber's enrolment in a sequence, as the notifier last reported it."""

    enrolment_id: UUID
    sequence_id: int
    sequence_name: str
    chat_id: str
    state: str = Field(description="assigned (the notifier has not taken it yet), active, "
                       "completed or stopped.")  # fmt: skip
    stop_reason: str | None = Field(description="reply, opted_out or removed, when stopped.")
    steps_sent: int
    total_steps: int
    next_step_due_at: datetime | None
    steps: list[EnrolmentStepOut] = Field(description="Each step recorded so far.")
    assigned_at: datetime
    finished_at: datetime | None


class SequenceIdsForm(WabotickForm):
    """`subscriber/chat/assign-sequence` and `remove-sequence`."""

    phone_number_id: str = NUMBER_ID
    phone_number: str = Field(min_length=3, max_length=80, pattern=NO_NUL,
                              description="The subscriber's number with its country code (or "
                              "a WhatsApp user id).")  # fmt: skip
    sequence_ids: str = Field(min_length=1, max_length=2000, pattern=NO_NUL,
                              description="Comma-separated sequence ids.")  # fmt: skip
