"""Pure decisions of sequences: a definition's steps checked against the templates the business
has, a step as the notifier sends it, whether an enrolment is still open, what a subscriber's
enrolment shows of its steps, and the refusals."""

from collections.abc import Collection, Mapping, Sequence
from typing import Any
from uuid import UUID

from sauda_contracts.sends import TemplateToSend
from sauda_contracts.sequence_api import SequenceStepIn
from sauda_contracts.sequences import SequenceStep, sequence_message_id
from sauda_gateway.domain import Conflict, InvalidField, NotFound

MAX_SEQUENCES = 100  # per business


class SequenceNotFound(NotFound, code="unknown_sequence", field="sequence_id",
                       message="no such sequence"): ...  # fmt: skip


class UnknownTemplate(InvalidField, code="unknown_template", field="steps"): ...


class OptedOut(Conflict, code="opted_out", field="phone_number",
               message="the subscriber opted out (STOP): no sequences are sent to them"): ...  # fmt: skip


# An enrolment the merchant may still stop: the notifier has not ended it, nor been asked to.
OPEN_STATES = frozenset({"assigned", "active"})


def unknown_templates(steps: Sequence[SequenceStepIn], known: Collection[tuple[str, str]]) -> None:
    """Every step's template (name, language) must be one of the business's templates (as the
    notifier last synced them from Meta); the first that is not is refused by its index."""
    for i, step in enumerate(steps):
        if (step.template, step.language) not in known:
            raise UnknownTemplate(f"steps.{i}.template: the connected number has no template "
                                  f"{step.template!r} in language {step.language!r} (see GET "
                                  "/api/v1/whatsapp/templates)", field=f"steps.{i}.template")  # fmt: skip


def step_to_send(step: SequenceStepIn) -> SequenceStep:
    """A definition's step as the notifier is asked to send it."""
    template = TemplateToSend(name=step.template, language=step.language, body=step.parameters)
    return SequenceStep(template=template, delay_seconds=step.delay_seconds)


def is_open(enrolment: Mapping[str, Any]) -> bool:
    return enrolment["state"] in OPEN_STATES and not enrolment["removed"]


def sequence_ident(raw: str | int) -> int:
    """A path's sequence id; one that is not a positive whole number names none."""
    text = str(raw).strip()
    if not text.isdigit() or not 0 < int(text) < 2**62:
        raise SequenceNotFound(field="sequence_id")
    return int(text)


def steps_shown(
    business_id: UUID, enrolment: Mapping[str, Any], templates: Sequence[str],
    statuses: Mapping[UUID, str],
) -> list[dict[str, Any]]:  # fmt: skip
    """The enrolment's steps recorded so far (or whose message the log already has), each with
    its message id and status (`pending` until the log has it)."""
    shown = []
    for i, template in enumerate(templates[: enrolment["total_steps"]]):
        message_id = sequence_message_id(business_id, enrolment["enrolment_id"], i)
        if i >= enrolment["steps_sent"] and message_id not in statuses:
            continue
        shown.append({"step": i + 1, "template": template, "message_id": message_id,
                      "status": statuses.get(message_id, "pending")})  # fmt: skip
    return shown
