"""Failed deliveries in the order decider: attempts only while shipped, numbered in order, one
answer per attempt, a foreign business refused, and the answer leaves the status alone."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from sauda_contracts import OrderStatus, RejectionCode
from sauda_contracts.deliveries import (
    AnswerDeliveryAttempt,
    DeliveryAnswer,
    OrderDeliveryAttemptAnswered,
    OrderDeliveryAttemptFailed,
    RecordDeliveryAttempt,
    answer_command_id,
)
from sauda_ledger.domain import OrderState, Rejected, decide, fold

BUSINESS = UUID("11111111-1111-4111-8111-111111111111")
OTHER = UUID("33333333-3333-4333-8333-333333333333")
ORDER = UUID("22222222-2222-4222-8222-222222222222")
AT = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)


def _envelope(business_id: UUID, event_id: UUID | None = None) -> dict[str, object]:
    return {"event_id": event_id or uuid4(), "occurred_at": AT, "business_id": business_id,
            "correlation_id": "t"}  # fmt: skip


def attempt(business_id: UUID = BUSINESS) -> RecordDeliveryAttempt:
    return RecordDeliveryAttempt.model_validate(
        _envelope(business_id)
        | {
            "body": {
                "order_id": ORDER,
                "reason": "customer_unavailable",
                "note": "not home",
                "actor": "merchant",
                "attempted_at": AT,
            }
        }
    )


def answer(n: int, what: DeliveryAnswer = DeliveryAnswer.DELIVER_AGAIN) -> AnswerDeliveryAttempt:
    return AnswerDeliveryAttempt.model_validate(
        _envelope(BUSINESS, answer_command_id(ORDER, n))
        | {"body": {"order_id": ORDER, "attempt": n, "answer": what}}
    )


def shipped() -> OrderState:
    return OrderState(order_id=ORDER, business_id=BUSINESS, status=OrderStatus.SHIPPED, version=4)


def test_attempts_on_a_shipped_order_are_numbered_and_leave_it_shipped() -> None:
    state = shipped()
    numbers = []
    for _ in range(3):
        [event] = decide(state, attempt())
        assert isinstance(event, OrderDeliveryAttemptFailed)
        assert event.body.status is OrderStatus.SHIPPED
        assert event.body.version == state.version + 1
        numbers.append(event.body.attempt)
        state = fold(state, [event])
    assert numbers == [1, 2, 3]
    assert state.failed_attempts == 3 and state.status is OrderStatus.SHIPPED


@pytest.mark.parametrize("status", [s for s in OrderStatus if s is not OrderStatus.SHIPPED])
def test_an_attempt_is_refused_unless_the_order_is_shipped(status: OrderStatus) -> None:
    state = shipped().model_copy(update={"status": status})
    with pytest.raises(Rejected) as refused:
        decide(state, attempt())
    assert refused.value.rejection.body.code is RejectionCode.INVALID_TRANSITION
    assert "shipped" in refused.value.rejection.body.message


def test_an_attempt_on_an_unknown_or_foreign_order_is_not_found() -> None:
    for state, command in ((OrderState(), attempt()), (shipped(), attempt(OTHER))):
        with pytest.raises(Rejected) as refused:
            decide(state, command)
        assert refused.value.rejection.body.code is RejectionCode.ORDER_NOT_FOUND


def test_an_attempt_is_answered_once_the_first_answer_stands() -> None:
    state = fold(shipped(), decide(shipped(), attempt()))
    [answered] = decide(state, answer(1))
    assert isinstance(answered, OrderDeliveryAttemptAnswered)
    assert answered.body.answer is DeliveryAnswer.DELIVER_AGAIN
    assert answered.body.status is OrderStatus.SHIPPED
    state = fold(state, [answered])
    assert decide(state, answer(1, DeliveryAnswer.CANCEL)) == []
    assert state.answered_attempts == (1,)


def test_each_attempt_has_its_own_answer() -> None:
    state = shipped()
    for _ in range(2):
        state = fold(state, decide(state, attempt()))
    state = fold(state, decide(state, answer(1)))
    [second] = decide(state, answer(2, DeliveryAnswer.CANCEL))
    assert second.body.attempt == 2  # type: ignore[union-attr]


def test_an_answer_to_an_attempt_that_never_failed_is_refused() -> None:
    with pytest.raises(Rejected) as refused:
        decide(shipped(), answer(1))
    assert "no failed delivery attempt 1" in refused.value.rejection.body.message


def test_a_cancel_answer_records_the_wish_and_the_merchant_decides_the_return() -> None:
    state = fold(shipped(), decide(shipped(), attempt()))
    events = decide(state, answer(1, DeliveryAnswer.CANCEL))
    assert [e.type for e in events] == ["OrderDeliveryAttemptAnswered"]
    assert fold(state, events).status is OrderStatus.SHIPPED


def test_deciding_the_same_attempt_twice_gives_the_same_event_ids() -> None:
    command = attempt()
    assert [e.event_id for e in decide(shipped(), command)] == [
        e.event_id for e in decide(shipped(), command)
    ]
