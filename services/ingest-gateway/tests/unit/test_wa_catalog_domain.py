"""The WhatsApp catalog's rules: the document's cart statuses as the FSM's (every word of the
table, any case), unknown ones refused by field, and which catalog an id names."""

from uuid import uuid4

import pytest

from sauda_contracts.orders import OrderStatus
from sauda_gateway.domain import Business, DomainError
from sauda_gateway.wa_catalog.domain import (
    CART_STATUSES,
    RAW_LABELS,
    cart_status_of,
    catalog_of,
    is_catalog_order,
)


@pytest.mark.parametrize(
    ("word", "status"),
    [("Approved", OrderStatus.CONFIRMED), ("confirmed", OrderStatus.CONFIRMED),
     ("DECLINED", OrderStatus.CANCELLED), ("canceled", OrderStatus.CANCELLED),
     ("shipped", OrderStatus.SHIPPED), (" delivered ", OrderStatus.DELIVERED),
     ("returned", OrderStatus.RETURNED), ("Submitted", OrderStatus.PENDING)],
)  # fmt: skip
def test_the_document_cart_statuses_are_the_fsm_statuses(word: str, status: OrderStatus) -> None:
    assert cart_status_of(word) is status


def test_every_status_has_a_label_and_a_word() -> None:
    assert set(RAW_LABELS) == set(OrderStatus)
    assert set(CART_STATUSES.values()) == set(OrderStatus)
    for status, label in RAW_LABELS.items():
        assert cart_status_of(label) is status


@pytest.mark.parametrize("word", ["teleported", "", "approved!"])
def test_an_unknown_cart_status_is_refused_by_its_field(word: str) -> None:
    with pytest.raises(DomainError) as caught:
        cart_status_of(word)
    assert (caught.value.code, caught.value.field) == ("invalid_cart_status", "cart_status")


def test_only_the_business_own_id_names_its_catalog() -> None:
    shop = Business(business_id=uuid4(), name="Shop", plan="business")
    assert catalog_of(shop, f" {shop.business_id} ") == shop.business_id
    for raw in (str(uuid4()), "1429267xxxx5095"):
        with pytest.raises(DomainError) as caught:
            catalog_of(shop, raw)
        assert (caught.value.code, caught.value.field) == ("unknown_catalog",
                                                           "whatsapp_catalog_id")  # fmt: skip


def test_only_orders_placed_in_the_chat_are_the_catalog_s() -> None:
    assert is_catalog_order({"source": "whatsapp"})
    assert not is_catalog_order({"source": "ingest"})
    assert not is_catalog_order(None)
