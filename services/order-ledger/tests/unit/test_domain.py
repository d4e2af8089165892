"""The order decider: every FSM pair, idempotent placing, tenant checks, and folding its own events."""

import ast
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sauda_contracts import (
    ALLOWED_TRANSITIONS,
    Actor,
    ChangeOrderStatus,
    OrderPlaced,
    OrderStatus,
    PlaceOrder,
    RejectionCode,
    StoreStatus,
    UpsertOrder,
)
from sauda_ledger import domain
from sauda_ledger.domain import (
    OrderState,
    Rejected,
    decide,
    evolve,
    fold,
    initial_state,
    path_to,
)

BUSINESS = UUID("11111111-1111-4111-8111-111111111111")
ORDER = UUID("22222222-2222-4222-8222-222222222222")
AT = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)


def place(order_id: UUID = ORDER, business_id: UUID = BUSINESS) -> PlaceOrder:
    return PlaceOrder.model_validate(
        {
            "event_id": uuid4(),
            "occurred_at": AT,
            "business_id": business_id,
            "correlation_id": "t",
            "body": {
                "order_id": order_id,
                "order_number": "ORD-000001",
                "source": "ingest",
                "customer": {"phone": "923001234567", "name": "Ali", "consent": True},
                "items": [{"name": "Widget Pro", "qty": 2, "price": 1500}],
                "total": 3000,
                "currency": "PKR",
                "idempotency_key": "k1",
                "actor": "store",
            },
        }
    )


def change(status: OrderStatus, business_id: UUID = BUSINESS) -> ChangeOrderStatus:
    return ChangeOrderStatus.model_validate(
        {
            "event_id": uuid4(),
            "occurred_at": AT,
            "business_id": business_id,
            "correlation_id": "t",
            "body": {"order_id": ORDER, "status": status, "actor": "merchant"},
        }
    )


def state_at(status: OrderStatus, version: int = 3) -> OrderState:
    return OrderState(order_id=ORDER, business_id=BUSINESS, status=status, version=version)


ALL_PAIRS = [(a, b) for a in OrderStatus for b in OrderStatus]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_every_pair_of_statuses_follows_the_table(
    current: OrderStatus, target: OrderStatus
) -> None:
    given_state = state_at(current)
    command = change(target)
    if target in ALLOWED_TRANSITIONS[current]:
        [event] = decide(given_state, command)
        assert event.body.status == target
        assert event.body.previous_status == current
        assert event.body.version == given_state.version + 1
        assert event.body.actor == Actor.MERCHANT
        assert evolve(given_state, event).status == target
    else:
        with pytest.raises(Rejected) as refused:
            decide(given_state, command)
        body = refused.value.rejection.body
        assert body.code == RejectionCode.INVALID_TRANSITION
        assert body.current_status == current
        assert set(body.allowed_next) == ALLOWED_TRANSITIONS[current]


def test_the_seed_transitions_and_returned_are_the_table() -> None:
    s = OrderStatus
    assert ALLOWED_TRANSITIONS == {
        s.PENDING: {s.CONFIRMED, s.CANCELLED},
        s.CONFIRMED: {s.SHIPPED, s.CANCELLED},
        s.SHIPPED: {s.DELIVERED, s.RETURNED},
        s.DELIVERED: set(),
        s.CANCELLED: set(),
        s.RETURNED: set(),
    }


def test_placing_an_order_makes_it_pending_at_version_one() -> None:
    [event] = decide(initial_state, place())
    assert isinstance(event, OrderPlaced)
    assert evolve(initial_state, event) == OrderState(
        order_id=ORDER, business_id=BUSINESS, status=OrderStatus.PENDING, version=1
    )


def test_placing_an_existing_order_again_changes_nothing() -> None:
    assert decide(state_at(OrderStatus.CONFIRMED), place()) == []


def test_deciding_the_same_command_twice_gives_the_same_event_ids() -> None:
    command = place()
    assert decide(initial_state, command) == decide(initial_state, command)


def test_changing_an_unknown_order_is_rejected_as_not_found() -> None:
    with pytest.raises(Rejected) as refused:
        decide(initial_state, change(OrderStatus.CONFIRMED))
    assert refused.value.rejection.body.code == RejectionCode.ORDER_NOT_FOUND


def test_another_business_cannot_move_an_order() -> None:
    with pytest.raises(Rejected) as refused:
        decide(state_at(OrderStatus.PENDING), change(OrderStatus.CONFIRMED, business_id=uuid4()))
    assert refused.value.rejection.body.code == RejectionCode.ORDER_NOT_FOUND


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list(OrderStatus)), max_size=12))
def test_any_sequence_of_commands_stays_inside_the_fsm(targets: list[OrderStatus]) -> None:
    history = decide(initial_state, place())
    state = fold(initial_state, history)
    for target in targets:
        before = state
        try:
            events = decide(state, change(target))
        except Rejected:
            assert target not in ALLOWED_TRANSITIONS[before.status]  # type: ignore[index]
            continue
        assert target in ALLOWED_TRANSITIONS[before.status]  # type: ignore[index]
        history += events
        state = fold(state, events)
        assert state.version == before.version + 1
    # Folding everything ever emitted from scratch reproduces the state.
    assert fold(initial_state, history) == state
    assert state.version == len(history)


def test_domain_module_does_no_io() -> None:
    tree = ast.parse(Path(domain.__file__).read_text())
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    forbidden = {
        "asyncpg",
        "faststream",
        "aiokafka",
        "httpx",
        "structlog",
        "datetime",
        "time",
        "random",
    }
    assert not {m.split(".")[0] for m in imported} & forbidden
    assert "uuid4" not in Path(domain.__file__).read_text()


# --- store updates (upserts), payment and fulfillment ---


def upsert(status: OrderStatus | StoreStatus | None = None, payment: str | None = None,
           tracking: str | None = None) -> UpsertOrder:  # fmt: skip
    placed = place()
    return UpsertOrder.model_validate({
        "event_id": uuid4(), "occurred_at": AT, "business_id": BUSINESS, "correlation_id": "t",
        "body": {
            "order_id": ORDER, "place": placed.body.model_dump(), "status": status,
            "payment": {"status": payment, "method": "card"} if payment else None,
            "fulfillment": {"tracking_code": tracking} if tracking else None,
        },
    })  # fmt: skip


def test_path_to_takes_the_legal_steps() -> None:
    s = OrderStatus
    assert path_to(s.PENDING, s.SHIPPED) == [s.CONFIRMED, s.SHIPPED]
    assert path_to(s.PENDING, s.RETURNED) == [s.CONFIRMED, s.SHIPPED, s.RETURNED]
    assert path_to(s.SHIPPED, s.SHIPPED) == []
    assert path_to(s.DELIVERED, s.PENDING) is None
    assert path_to(s.SHIPPED, s.CANCELLED) is None


def test_an_upsert_of_a_new_order_places_it_then_walks_to_the_reported_status() -> None:
    events = decide(initial_state, upsert(OrderStatus.SHIPPED, tracking="3SPOST1"))
    assert [e.type for e in events] == ["OrderPlaced", "OrderConfirmed", "OrderShipped"]
    assert all(e.body.actor == Actor.STORE for e in events)
    assert events[-1].body.fulfillment.tracking_code == "3SPOST1"
    assert fold(initial_state, events).version == 3


def test_a_forward_jump_on_an_existing_order_is_the_chain_of_legal_steps() -> None:
    events = decide(state_at(OrderStatus.PENDING, version=1), upsert(OrderStatus.DELIVERED))
    assert [(e.type, e.body.version) for e in events] == [
        ("OrderConfirmed", 2),
        ("OrderShipped", 3),
        ("OrderDelivered", 4),
    ]


def test_an_impossible_update_is_refused_whole() -> None:
    with pytest.raises(Rejected) as refused:
        decide(state_at(OrderStatus.DELIVERED), upsert(OrderStatus.PENDING, tracking="X1"))
    assert refused.value.rejection.body.code == RejectionCode.INVALID_TRANSITION
    assert refused.value.rejection.body.requested_status == OrderStatus.PENDING


def test_the_same_upsert_twice_changes_nothing_the_second_time() -> None:
    first = decide(initial_state, upsert(OrderStatus.SHIPPED, payment="paid", tracking="T1"))
    again = decide(
        fold(initial_state, first), upsert(OrderStatus.SHIPPED, payment="paid", tracking="T1")
    )
    assert again == []


def test_a_prepaid_order_is_confirmed_at_once_by_the_payment() -> None:
    events = decide(initial_state, upsert(payment="paid"))
    assert [(e.type, e.body.actor) for e in events] == [
        ("OrderPlaced", Actor.STORE),
        ("OrderConfirmed", Actor.PAYMENT),
    ]


def test_a_refund_is_recorded_without_moving_the_order() -> None:
    paid = fold(initial_state, decide(initial_state, upsert(OrderStatus.DELIVERED, payment="paid")))
    [event] = decide(paid, upsert(payment="refunded"))
    assert event.type == "OrderPaymentChanged"
    assert event.body.payment.status == "refunded" and event.body.previous_payment_status == "paid"
    assert evolve(paid, event).status == OrderStatus.DELIVERED


def test_new_tracking_on_a_shipped_order_is_its_own_event() -> None:
    shipped = state_at(OrderStatus.SHIPPED)
    [event] = decide(shipped, upsert(OrderStatus.SHIPPED, tracking="NEW1"))
    assert event.type == "OrderFulfillmentUpdated"
    assert evolve(shipped, event).fulfillment.tracking_code == "NEW1"


def test_processing_means_pending_or_confirmed_and_never_moves_an_order_back() -> None:
    processing = upsert(StoreStatus.PROCESSING)
    assert decide(state_at(OrderStatus.CONFIRMED), processing) == []
    assert decide(state_at(OrderStatus.PENDING), processing) == []
    with pytest.raises(Rejected) as refused:
        decide(state_at(OrderStatus.DELIVERED), processing)
    assert refused.value.rejection.body.requested_status == OrderStatus.PENDING
    paid_and_processing = decide(initial_state, upsert(StoreStatus.PROCESSING, payment="paid"))
    assert fold(initial_state, paid_and_processing).status == OrderStatus.CONFIRMED
