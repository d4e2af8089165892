"""A sequence enrolment's life, decided: when each step is due, what a due step means, which
replies stop it, and the FSM table walked row by row."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from sauda_contracts.sends import TemplateToSend
from sauda_contracts.sequences import (
    AssignSequenceBody,
    EnrolmentState,
    SequenceStep,
    StopReason,
)
from sauda_notifier.domain.sequences import (
    ALLOWED,
    Enrolment,
    due_step,
    enrol,
    is_due,
    postponed,
    step_sent,
    stopped,
    stops_on_reply,
)

T0 = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
E = EnrolmentState


def steps(*delays: int) -> tuple[SequenceStep, ...]:
    return tuple(
        SequenceStep(template=TemplateToSend(name=f"step_{i}", language="en"), delay_seconds=d)
        for i, d in enumerate(delays)
    )


def enrolled(*delays: int) -> Enrolment:
    body = AssignSequenceBody(enrolment_id=uuid4(), sequence_id=7, sequence_name="Welcome",
                              customer_phone="923001234567", steps=steps(*delays),
                              assigned_at=T0)  # fmt: skip
    return enrol(body, uuid4(), "api-assign")


def test_the_first_step_is_due_its_delay_after_the_assignment() -> None:
    e = enrolled(30, 60)
    assert (e.state, e.next_step, e.due_at, e.revision) == (
        E.ACTIVE,
        0,
        T0 + timedelta(seconds=30),
        1,
    )
    assert not is_due(e, T0 + timedelta(seconds=29))
    assert is_due(e, T0 + timedelta(seconds=30))


def test_each_later_step_is_due_its_delay_after_the_step_before_was_recorded() -> None:
    e = enrolled(0, 60, 5)
    sent_at = T0 + timedelta(seconds=3)  # the sweep took the first step a little late
    second = step_sent(e, sent_at)
    assert (second.next_step, second.due_at, second.state) == (
        1,
        sent_at + timedelta(seconds=60),
        E.ACTIVE,
    )
    assert second.step.template.name == "step_1"
    assert second.revision == e.revision + 1


def test_the_last_step_completes_the_enrolment() -> None:
    e = step_sent(step_sent(enrolled(0, 0), T0), T0)
    assert (e.state, e.next_step, e.due_at, e.finished_at) == (E.COMPLETED, 2, None, T0)
    assert not is_due(e, T0 + timedelta(days=1))


def test_a_due_step_of_a_subscriber_who_opted_out_stops_instead_of_sending() -> None:
    after, send = due_step(enrolled(0, 10), opted_out=True, now=T0)
    assert send is False
    assert (after.state, after.stop_reason, after.next_step, after.due_at) == (
        E.STOPPED, StopReason.OPTED_OUT, 0, None)  # fmt: skip
    after, send = due_step(enrolled(0, 10), opted_out=False, now=T0)
    assert send is True and after.next_step == 1


def test_a_reply_after_the_assignment_stops_it_and_an_older_message_does_not() -> None:
    e = enrolled(0, 10)
    assert stops_on_reply(e, T0)
    assert stops_on_reply(e, T0 + timedelta(seconds=1))
    assert not stops_on_reply(e, T0 - timedelta(seconds=1))  # written before: a replayed record
    done = stopped(e, StopReason.REPLY, T0)
    assert done is not None and not stops_on_reply(done, T0 + timedelta(seconds=1))


def test_stopping_an_ended_enrolment_changes_nothing() -> None:
    e = stopped(enrolled(0), StopReason.REMOVED, T0)
    assert e is not None and (e.state, e.stop_reason, e.finished_at) == (
        E.STOPPED,
        StopReason.REMOVED,
        T0,
    )
    assert stopped(e, StopReason.REPLY, T0) is None
    assert stopped(step_sent(enrolled(0), T0), StopReason.REMOVED, T0) is None  # completed


def test_a_postponed_step_is_the_same_step_later_and_no_new_revision() -> None:
    e = enrolled(0, 10)
    later = postponed(e, T0, 60)
    assert (later.next_step, later.due_at, later.revision) == (
        0,
        T0 + timedelta(seconds=60),
        e.revision,
    )


@pytest.mark.parametrize("state", list(EnrolmentState))
def test_the_fsm_table_allows_only_its_rows(state: EnrolmentState) -> None:
    e = enrolled(0, 10)
    reached = {
        E.ACTIVE: e,
        E.COMPLETED: step_sent(step_sent(e, T0), T0),
        E.STOPPED: stopped(e, StopReason.REPLY, T0),
    }[state]
    assert reached is not None and reached.state is state
    if state is E.ACTIVE:
        assert ALLOWED[state] == {E.ACTIVE, E.COMPLETED, E.STOPPED}
        assert step_sent(reached, T0).state is E.ACTIVE
    else:  # final: nothing moves it
        assert ALLOWED[state] == frozenset()
        assert stopped(reached, StopReason.REMOVED, T0) is None
        with pytest.raises(ValueError):
            step_sent(reached, T0)
