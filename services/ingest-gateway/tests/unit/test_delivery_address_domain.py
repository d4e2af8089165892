"""Addresses at the edge: Shopify's shipping_address read into Sauda's words, the ingest and
upsert bodies carrying one into the PlaceOrder body, and an upsert that repeats it changing
nothing."""

from uuid import uuid4

import pytest

from sauda_contracts import Customer
from sauda_contracts.addresses import DeliveryAddress, address_text
from sauda_contracts.api import IngestRequest, UpsertOrderRequest
from sauda_contracts.bob import ShopifyAddress
from sauda_contracts.orders import StoreStatus
from sauda_gateway.integrations.bob.translate import delivery_address
from sauda_gateway.orders.domain import ingest_place, store_place, unchanged

HOME = {"address1": "12 Mall Road", "city": "Lahore", "country": "Pakistan"}


@pytest.mark.parametrize(
    ("shopify", "expected"),
    [
        ({"address1": "12 Mall Road", "city": "Lahore", "zip": "", "country_code": "pk"},
         DeliveryAddress(address1="12 Mall Road", city="Lahore", country_code="PK")),
        ({"address1": "  ", "city": "Lahore"}, None),
        ({"name": "Ayesha"}, None),
        ({"address1": "House 5", "country_code": "PAK"}, DeliveryAddress(address1="House 5")),
    ],
)  # fmt: skip
def test_shopifys_shipping_address(shopify: dict[str, str], expected: DeliveryAddress | None):
    assert delivery_address(ShopifyAddress.model_validate(shopify)) == expected


def test_the_address_on_one_line_leaves_out_blanks_and_repeats():
    address = DeliveryAddress(address1="House 5,  Street 2", address2="", city="Lahore",
                              province="Lahore", country="Pakistan")  # fmt: skip
    assert address_text(address) == "House 5, Street 2, Lahore, Pakistan"


def test_ingest_and_upsert_bodies_carry_the_address():
    ingest = IngestRequest.model_validate({
        "event_type": "order_created", "idempotency_key": "k",
        "customer": {"phone": "923001234567"},
        "order": {"items": [{"name": "Widget", "qty": 1, "price": 10}], "delivery_address": HOME},
    })  # fmt: skip
    place = ingest_place(ingest, order_id=uuid4(), order_number="ORD-000001",
                         customer=Customer(phone="923001234567"))  # fmt: skip
    assert place.delivery_address == DeliveryAddress(**HOME)
    upsert = UpsertOrderRequest.model_validate({"platform": "custom", "orderNumber": "1",
                                                "orderStatus": "processing",
                                                "deliveryAddress": HOME})  # fmt: skip
    placed = store_place(upsert, order_id=uuid4(), order_number="ORD-000002", phone=None,
                         platform="custom")  # fmt: skip
    assert placed.delivery_address == DeliveryAddress(**HOME)


def test_an_upsert_with_the_address_the_view_shows_is_unchanged_and_another_is_not():
    shown = DeliveryAddress(**HOME)
    current = {"status": "pending", "payment": None, "fulfillment": None,
               "delivery_address": shown.model_dump(mode="json")}  # fmt: skip
    assert unchanged(current, StoreStatus.PROCESSING, None, None, shown)
    assert not unchanged(current, StoreStatus.PROCESSING, None, None,
                         DeliveryAddress(address1="Flat 3, Block B, Karachi"))  # fmt: skip
    assert unchanged(current, StoreStatus.PROCESSING, None, None, None)
