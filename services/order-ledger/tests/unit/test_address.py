"""The decider's delivery address: placed with the order, changed while the order can still go
somewhere, refused once it is delivered, cancelled or returned, and no event for the same one."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from sauda_contracts import OrderStatus, PlaceOrder, RejectionCode, UpsertOrder
from sauda_contracts.address_changes import ChangeDeliveryAddress, OrderAddressChanged
from sauda_contracts.addresses import DeliveryAddress
from sauda_ledger.domain import OrderState, Rejected, decide, fold, initial_state

BUSINESS = UUID("11111111-1111-4111-8111-111111111111")
ORDER = UUID("22222222-2222-4222-8222-222222222222")
AT = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)
HOME = DeliveryAddress(address1="House 5, Street 2", city="Lahore")
OFFICE = DeliveryAddress(address1="Office 12, Blue Area, Islamabad")

PLACE_BODY = {
    "order_id": str(ORDER),
    "order_number": "ORD-000001",
    "source": "ingest",
    "customer": {"phone": "923001234567", "consent": True},
    "items": [{"name": "Widget", "qty": 1, "price": 1500}],
    "total": 1500,
    "currency": "PKR",
    "idempotency_key": "k1",
    "actor": "store",
}


def _envelope(business_id: UUID = BUSINESS) -> dict[str, object]:
    return {"event_id": uuid4(), "occurred_at": AT, "business_id": business_id,
            "correlation_id": "t"}  # fmt: skip


def place(address: DeliveryAddress | None = HOME) -> PlaceOrder:
    body = PLACE_BODY | ({"delivery_address": address.model_dump()} if address else {})
    return PlaceOrder.model_validate(_envelope() | {"body": body})


def readdress(address: DeliveryAddress, business_id: UUID = BUSINESS) -> ChangeDeliveryAddress:
    return ChangeDeliveryAddress.model_validate(
        _envelope(business_id)
        | {"body": {"order_id": ORDER, "delivery_address": address.model_dump(),
                    "actor": "customer", "reason": "changed on WhatsApp"}}
    )  # fmt: skip


def placed(address: DeliveryAddress | None = HOME) -> OrderState:
    return fold(initial_state, decide(initial_state, place(address)))


def test_a_placed_order_keeps_its_address():
    assert placed().delivery_address == HOME


def test_a_new_address_is_an_event_with_the_old_one_and_the_next_version():
    [event] = decide(placed(), readdress(OFFICE))
    assert isinstance(event, OrderAddressChanged)
    assert event.body.delivery_address == OFFICE
    assert event.body.previous_delivery_address == HOME
    assert (event.body.version, event.body.status) == (2, OrderStatus.PENDING)
    assert fold(placed(), [event]).delivery_address == OFFICE


def test_an_order_without_an_address_gets_one():
    [event] = decide(placed(None), readdress(OFFICE))
    assert event.body.previous_delivery_address is None


def test_the_same_address_again_changes_nothing():
    assert decide(placed(), readdress(HOME)) == []


@pytest.mark.parametrize("status", [OrderStatus.CONFIRMED, OrderStatus.SHIPPED])
def test_an_order_on_its_way_can_change_address(status: OrderStatus):
    state = placed().model_copy(update={"status": status, "version": 3})
    [event] = decide(state, readdress(OFFICE))
    assert event.body.status is status and event.body.version == 4


@pytest.mark.parametrize(
    "status", [OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.RETURNED]
)
def test_a_closed_order_refuses_a_new_address(status: OrderStatus):
    state = placed().model_copy(update={"status": status, "version": 3})
    with pytest.raises(Rejected) as refused:
        decide(state, readdress(OFFICE))
    assert refused.value.rejection.body.code is RejectionCode.ORDER_CLOSED
    assert refused.value.rejection.body.current_status is status


def test_another_business_cannot_change_it():
    with pytest.raises(Rejected) as refused:
        decide(placed(), readdress(OFFICE, business_id=uuid4()))
    assert refused.value.rejection.body.code is RejectionCode.ORDER_NOT_FOUND


def test_an_unknown_order_is_not_found():
    with pytest.raises(Rejected) as refused:
        decide(initial_state, readdress(OFFICE))
    assert refused.value.rejection.body.code is RejectionCode.ORDER_NOT_FOUND


def test_a_store_upsert_with_another_address_changes_it():
    upsert = UpsertOrder.model_validate(
        _envelope()
        | {"body": {"order_id": ORDER, "status": "processing",
                    "place": PLACE_BODY | {"delivery_address": OFFICE.model_dump()}}}
    )  # fmt: skip
    [event] = decide(placed(), upsert)
    assert isinstance(event, OrderAddressChanged) and event.body.actor == "store"


def test_a_record_without_an_address_is_written_as_before():
    assert "delivery_address" not in place(None).body.model_dump_json()
