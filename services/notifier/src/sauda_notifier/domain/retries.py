"""Sending: outcomes, their classification, the retry schedule, what an attempt leaves."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sauda_contracts import Topic
from sauda_contracts.whatsapp import (
    DeliveryStatus,
    GraphError,
)
from sauda_notifier.domain.facts import Notice
from sauda_notifier.domain.message_log import (
    Message,
    SendState,
    StatusMoved,
    evolve,
    failed_notice,
    not_approved_notice,
)

D = DeliveryStatus


@dataclass(frozen=True, slots=True)
class Sent:
    wamid: str


@dataclass(frozen=True, slots=True)
class SendFailure:
    """A send Meta refused (`http_status` set), or that got no answer at all (None)."""

    error: GraphError
    http_status: int | None


SendOutcome = Sent | SendFailure


class Verdict(StrEnum):
    RETRY = "retry"
    PERMANENT = "permanent"


# Graph codes that say "try again later": throughput, pair rate, unknown, unavailable.
RETRYABLE_CODES = frozenset({130429, 131056, 131000, 131016, 2})


# Codes that will not change by trying again: undeliverable, template problems,
# re-engagement, bad parameter, bad token, marketing opt-out, policy block.
PERMANENT_CODES = frozenset({131026, 132001, 132000, 132015, 132016, 131047, 100, 190, 131050, 368})


TEMPLATE_MISSING = 132001


def classify(failure: SendFailure) -> Verdict:
    if failure.http_status is None:  # timeout or connection error: Meta never answered
        return Verdict.RETRY
    if failure.error.code in PERMANENT_CODES:
        return Verdict.PERMANENT
    if failure.error.code in RETRYABLE_CODES:
        return Verdict.RETRY
    if failure.http_status >= 500 or failure.http_status == 429:
        return Verdict.RETRY
    return Verdict.PERMANENT


RETRY_STEPS: tuple[tuple[Topic, float], ...] = (
    (Topic.NOTIFIER_RETRY_5S, 5.0),
    (Topic.NOTIFIER_RETRY_30S, 30.0),
    (Topic.NOTIFIER_RETRY_120S, 120.0),
)


MAX_ATTEMPTS = 1 + len(RETRY_STEPS)


@dataclass(frozen=True, slots=True)
class Retry:
    topic: Topic
    attempt: int
    due_at: datetime


def next_retry(attempts_made: int, now: datetime, scale: float) -> Retry | None:
    """Where attempt `attempts_made + 1` waits, or None once every retry is spent."""
    if attempts_made < 1 or attempts_made > len(RETRY_STEPS):
        return None
    topic, delay = RETRY_STEPS[attempts_made - 1]
    return Retry(topic, attempts_made + 1, now + timedelta(seconds=delay * scale))


@dataclass(frozen=True, slots=True)
class AttemptResult:
    message: Message
    retry: Retry | None = None
    dead: bool = False  # every attempt spent: to the dead-letter topic
    notices: tuple[Notice, ...] = ()


def after_attempt(
    message: Message, outcome: SendOutcome, *, now: datetime, scale: float
) -> AttemptResult:
    """What one send attempt (already counted in `message.attempts`) leaves behind."""
    if isinstance(outcome, Sent):
        sent = evolve(message, StatusMoved(D.SENT, now, SendState.DONE, None, outcome.wamid))
        return AttemptResult(sent)
    error = outcome.error
    if classify(outcome) is Verdict.RETRY:
        retry = next_retry(message.attempts, now, scale)
        if retry is not None:
            waiting = evolve(
                message,
                StatusMoved(D.RETRYING, now, SendState.QUEUED, error, retry_at=retry.due_at),
            )
            return AttemptResult(waiting, retry=retry)
        failed = evolve(message, StatusMoved(D.FAILED, now, SendState.DONE, error))
        return AttemptResult(failed, dead=True, notices=(failed_notice(failed, error),))
    failed = evolve(message, StatusMoved(D.FAILED, now, SendState.DONE, error))
    if error.code == TEMPLATE_MISSING and message.kind == "template":
        return AttemptResult(failed, notices=(not_approved_notice(failed, "not found on Meta"),))
    return AttemptResult(failed, notices=(failed_notice(failed, error),))
