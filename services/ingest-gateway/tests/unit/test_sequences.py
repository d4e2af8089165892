"""Sequences' pure decisions in the gateway: a definition's templates checked by step, a step as
the notifier sends it, which enrolments are open, what an enrolment shows of its steps."""

from uuid import uuid4

import pytest

from sauda_contracts.sequence_api import SequenceStepIn
from sauda_contracts.sequences import sequence_message_id
from sauda_gateway.sequences.domain import (
    SequenceNotFound,
    UnknownTemplate,
    is_open,
    sequence_ident,
    step_to_send,
    steps_shown,
    unknown_templates,
)


def step(template: str, language: str = "en", delay: int = 0) -> SequenceStepIn:
    return SequenceStepIn(template=template, language=language, delay_seconds=delay,
                          parameters=("Ayesha",))  # fmt: skip


def test_a_step_whose_template_the_business_lacks_is_refused_by_its_index() -> None:
    known = {("welcome", "en"), ("follow_up", "en")}
    unknown_templates([step("welcome"), step("follow_up")], known)
    with pytest.raises(UnknownTemplate) as refused:
        unknown_templates([step("welcome"), step("welcome", "ur")], known)
    assert refused.value.field == "steps.1.template"
    assert refused.value.code == "unknown_template"
    assert "'welcome' in language 'ur'" in refused.value.message


def test_a_step_goes_to_the_notifier_as_a_named_template_with_its_values() -> None:
    sent = step_to_send(step("welcome", delay=90))
    assert (sent.template.name, sent.template.language, sent.template.body) == (
        "welcome", "en", ("Ayesha",))  # fmt: skip
    assert sent.delay_seconds == 90


def test_only_an_assigned_or_active_enrolment_not_asked_to_be_removed_is_open() -> None:
    assert is_open({"state": "assigned", "removed": False})
    assert is_open({"state": "active", "removed": False})
    assert not is_open({"state": "active", "removed": True})
    assert not is_open({"state": "completed", "removed": False})
    assert not is_open({"state": "stopped", "removed": False})


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", str(2**62), ""])
def test_a_path_id_that_is_no_positive_number_names_no_sequence(raw: str) -> None:
    with pytest.raises(SequenceNotFound):
        sequence_ident(raw)


def test_an_enrolment_shows_the_steps_recorded_with_their_messages_status() -> None:
    business, enrolment = uuid4(), uuid4()
    e = {"enrolment_id": enrolment, "total_steps": 3, "steps_sent": 1}
    first, second = (sequence_message_id(business, enrolment, i) for i in (0, 1))
    templates = ["a (en)", "b (en)", "c (en)"]
    assert steps_shown(business, e, templates, {}) == [
        {"step": 1, "template": "a (en)", "message_id": first, "status": "pending"}]  # fmt: skip
    shown = steps_shown(business, e, templates, {first: "read", second: "queued"})
    assert [(s["step"], s["status"]) for s in shown] == [(1, "read"), (2, "queued")]
