"""The delivery FSM: every allowed step of the table works, every other pair is refused."""

import dataclasses
import itertools
from datetime import UTC, datetime
from uuid import UUID

import pytest

from sauda_contracts.webhooks import WebhookDeliveryStatus as S
from sauda_webhooks.domain.deliveries import (
    ALLOWED,
    FINAL,
    Attempted,
    AttemptResult,
    Delivery,
    InvalidTransition,
    evolve,
)

T0 = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)
OK = AttemptResult(200, 12.0, "ok", None)
ALLOWED_PAIRS = [(a, b) for a, nexts in ALLOWED.items() for b in sorted(nexts)]
FORBIDDEN_PAIRS = [(a, b) for a, b in itertools.product(S, S) if b not in ALLOWED[a]]


def _delivery(status: S) -> Delivery:
    return Delivery(
        delivery_id=UUID(int=1), endpoint_id=UUID(int=2), business_id=UUID(int=3),
        event_id=UUID(int=4), event="order_created", order_id=UUID(int=5), body=b"{}",
        status=status, attempts=1, revision=2, correlation_id="req-1", created_at=T0,
        updated_at=T0,
    )  # fmt: skip


def test_the_table_names_every_status_and_only_the_ends_are_final() -> None:
    assert set(ALLOWED) == set(S)
    assert {S.SUCCEEDED, S.FAILED} == FINAL


@pytest.mark.parametrize(("before", "after"), ALLOWED_PAIRS)
def test_every_allowed_step(before: S, after: S) -> None:
    moved = evolve(
        _delivery(before), Attempted(status=after, result=OK, at=T0, next_attempt_at=None)
    )
    assert moved.status is after
    assert moved.attempts == 2 and moved.revision == 3
    assert dataclasses.replace(moved, status=before, attempts=1, revision=2, response_status=None,
                               duration_ms=None, response_excerpt=None) == _delivery(before)  # fmt: skip


@pytest.mark.parametrize(("before", "after"), FORBIDDEN_PAIRS)
def test_every_forbidden_step_is_refused(before: S, after: S) -> None:
    with pytest.raises(InvalidTransition):
        evolve(_delivery(before), Attempted(status=after, result=OK, at=T0, next_attempt_at=None))
