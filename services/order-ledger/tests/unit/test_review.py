"""Holding an order for the merchant's review: only a pending order, its status unchanged, the
next version; anything else (or another business's order) is refused."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from sauda_contracts import Actor, OrderStatus, RejectionCode
from sauda_contracts.order_review import HoldOrderForReview, OrderHeldForReview
from sauda_ledger.domain import OrderState, Rejected, decide, evolve

BUSINESS = UUID("11111111-1111-4111-8111-111111111111")
ORDER = UUID("22222222-2222-4222-8222-222222222222")


def hold(business_id: UUID = BUSINESS) -> HoldOrderForReview:
    return HoldOrderForReview.model_validate({
        "event_id": uuid4(), "occurred_at": datetime(2026, 6, 18, tzinfo=UTC),
        "business_id": business_id, "correlation_id": "t",
        "body": {"order_id": ORDER, "actor": "system", "reason": "not confirmed in 72 hours"},
    })  # fmt: skip


def at(status: OrderStatus) -> OrderState:
    return OrderState(order_id=ORDER, business_id=BUSINESS, status=status, version=2)


def test_a_pending_order_is_held_at_its_next_version_with_its_status_unchanged() -> None:
    [event] = decide(at(OrderStatus.PENDING), hold())
    assert isinstance(event, OrderHeldForReview)
    assert (event.body.version, event.body.status) == (3, OrderStatus.PENDING)
    assert (event.body.actor, event.body.reason) == (Actor.SYSTEM, "not confirmed in 72 hours")
    assert evolve(at(OrderStatus.PENDING), event).version == 3


@pytest.mark.parametrize("status", [s for s in OrderStatus if s is not OrderStatus.PENDING])
def test_an_order_past_pending_is_not_held(status: OrderStatus) -> None:
    with pytest.raises(Rejected) as refused:
        decide(at(status), hold())
    assert refused.value.rejection.body.code is RejectionCode.INVALID_TRANSITION


def test_another_business_cannot_hold_the_order() -> None:
    with pytest.raises(Rejected) as refused:
        decide(at(OrderStatus.PENDING), hold(UUID("33333333-3333-4333-8333-333333333333")))
    assert refused.value.rejection.body.code is RejectionCode.ORDER_NOT_FOUND
