"""Sequences, decided: an enrolment's life (the FSM table), when its next step is due, what a
due step means (send it, or stop: the subscriber opted out), and which replies stop it."""

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sauda_contracts.sequences import (
    AssignSequenceBody,
    EnrolmentState,
    SequenceStep,
    StopReason,
)

E = EnrolmentState
# The one table of an enrolment's life: active until its last step is sent (completed) or
# something stops it; completed and stopped are final.
ALLOWED: dict[EnrolmentState, frozenset[EnrolmentState]] = {
    E.ACTIVE: frozenset({E.ACTIVE, E.COMPLETED, E.STOPPED}),
    E.COMPLETED: frozenset(),
    E.STOPPED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Enrolment:
    """One subscriber's enrolment in one sequence, as the notifier keeps it."""

    enrolment_id: UUID
    business_id: UUID
    sequence_id: int
    chat: str
    steps: tuple[SequenceStep, ...]
    next_step: int  # index of the step to send next; also how many were sent
    due_at: datetime | None
    state: EnrolmentState
    stop_reason: StopReason | None
    assigned_at: datetime
    correlation_id: str
    revision: int = 0
    finished_at: datetime | None = None

    @property
    def step(self) -> SequenceStep:
        """The step to send next (only while active)."""
        return self.steps[self.next_step]


def enrol(body: AssignSequenceBody, business_id: UUID, correlation_id: str) -> Enrolment:
    """A new enrolment: its first step due its delay after the assignment."""
    return Enrolment(
        enrolment_id=body.enrolment_id, business_id=business_id, sequence_id=body.sequence_id,
        chat=body.chat_with, steps=body.steps, next_step=0,
        due_at=body.assigned_at + timedelta(seconds=body.steps[0].delay_seconds),
        state=E.ACTIVE, stop_reason=None, assigned_at=body.assigned_at,
        correlation_id=correlation_id, revision=1,
    )  # fmt: skip


def _moved(e: Enrolment, state: EnrolmentState, **changes: object) -> Enrolment:
    if state not in ALLOWED[e.state]:
        raise ValueError(f"an enrolment cannot move from {e.state} to {state}")
    return dataclasses.replace(e, state=state, revision=e.revision + 1, **changes)  # type: ignore[arg-type]


def is_due(e: Enrolment, now: datetime) -> bool:
    return e.state is E.ACTIVE and e.due_at is not None and e.due_at <= now


def step_sent(e: Enrolment, now: datetime) -> Enrolment:
    """The enrolment once its due step is recorded: the next step due its delay from now, or
    completed after the last."""
    following = e.next_step + 1
    if following >= len(e.steps):
        return _moved(e, E.COMPLETED, next_step=following, due_at=None, finished_at=now)
    delay = timedelta(seconds=e.steps[following].delay_seconds)
    return _moved(e, E.ACTIVE, next_step=following, due_at=now + delay)


def stopped(e: Enrolment, reason: StopReason, now: datetime) -> Enrolment | None:
    """The enrolment stopped for `reason`; None if it has ended already (nothing changes)."""
    if e.state is not E.ACTIVE:
        return None
    return _moved(e, E.STOPPED, stop_reason=reason, due_at=None, finished_at=now)


def due_step(e: Enrolment, *, opted_out: bool, now: datetime) -> tuple[Enrolment, bool]:
    """What a due step means: (the enrolment after it, whether the step's message is sent). A
    subscriber who opted out gets no more steps: the enrolment stops instead."""
    if opted_out:
        after = stopped(e, StopReason.OPTED_OUT, now)
        assert after is not None
        return after, False
    return step_sent(e, now), True


def stops_on_reply(e: Enrolment, replied_at: datetime) -> bool:
    """A message from the subscriber stops an active enrolment if it came after the assignment
    (an older one, redelivered or replayed, does not)."""
    return e.state is E.ACTIVE and replied_at >= e.assigned_at


def postponed(e: Enrolment, now: datetime, seconds: float) -> Enrolment:
    """The due step waits (the business's number is not connected): due again later, the same
    step, nothing published."""
    return dataclasses.replace(e, due_at=now + timedelta(seconds=seconds))
