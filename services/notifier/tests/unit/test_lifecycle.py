"""The message FSM: every allowed step of the table works, every other pair is refused."""

import dataclasses
import itertools
from datetime import UTC, datetime
from uuid import UUID

import pytest

from sauda_contracts.whatsapp import DeliveryStatus as S
from sauda_contracts.whatsapp import GraphError, MessagePurpose, StatusChange
from sauda_notifier.domain.message_log import (
    ALLOWED,
    InvalidTransition,
    Message,
    SendState,
    StatusMoved,
    evolve,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ALLOWED_PAIRS = [(a, b) for a, nexts in ALLOWED.items() for b in sorted(nexts)]
FORBIDDEN_PAIRS = [(a, b) for a, b in itertools.product(S, S) if b not in ALLOWED[a]]
ERROR = GraphError(code=131000, title="unknown")


def _message(status: S) -> Message:
    return Message(
        message_id=UUID(int=1), business_id=UUID(int=2), dedupe_key="k", phone_number_id="pn",
        customer_phone="923001234567", order_id=None, purpose=MessagePurpose.CHAT, template=None,
        language=None, kind="text", text="hi", request={}, state=SendState.SENDING, status=status,
        attempts=1, history=(StatusChange(status=status, at=NOW),), revision=1,
        correlation_id="c", created_at=NOW, claimed_at=NOW,
    )  # fmt: skip


def test_the_table_names_every_status_and_read_and_failed_are_final() -> None:
    assert set(ALLOWED) == set(S)
    assert {s for s, nexts in ALLOWED.items() if not nexts} == {S.READ, S.FAILED}


@pytest.mark.parametrize(("before", "after"), ALLOWED_PAIRS)
def test_every_allowed_step(before: S, after: S) -> None:
    event = StatusMoved(after, NOW, SendState.DONE, ERROR, wamid="wamid.X")
    moved = evolve(_message(before), event)
    assert (moved.status, moved.state, moved.error, moved.wamid) == (
        after,
        SendState.DONE,
        ERROR,
        "wamid.X",
    )
    assert moved.history[-1] == StatusChange(status=after, at=NOW, error=ERROR)
    assert moved.revision == 2 and moved.claimed_at == NOW


def test_a_retry_releases_the_claim_until_it_is_due() -> None:
    later = NOW.replace(hour=13)
    event = StatusMoved(S.RETRYING, NOW, SendState.QUEUED, ERROR, retry_at=later)
    moved = evolve(_message(S.QUEUED), event)
    assert (moved.next_attempt_at, moved.claimed_at) == (later, None)
    assert dataclasses.replace(moved, next_attempt_at=None).wamid is None


@pytest.mark.parametrize(("before", "after"), FORBIDDEN_PAIRS)
def test_every_forbidden_step_is_refused(before: S, after: S) -> None:
    with pytest.raises(InvalidTransition):
        evolve(_message(before), StatusMoved(after, NOW, SendState.DONE, None))
