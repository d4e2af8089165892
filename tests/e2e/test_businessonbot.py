"""BusinessOnBot's pushes, Shopify-shaped, answered in BOB's shape: orders, cancellations,
fulfillments, courier events, abandoned carts (recorded, published, then recovered)."""

import uuid
from typing import Any

import orjson

from sauda_contracts import Topic


def guest(business: dict[str, str]) -> dict[str, str]:
    return {"x-guest-id": business["api_key"]}


def shopify_order(order_id: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": order_id,
        "name": f"#{order_id % 10000}",
        "order_number": order_id % 10000,
        "email": "ayesha@example.pk",
        "phone": None,
        "customer": {"id": 42, "email": "ayesha@example.pk", "phone": "+92 300 7654321",
                     "first_name": "Ayesha", "last_name": "Malik", "tags": "vip"},
        "shipping_address": {"name": "Ayesha Malik", "phone": "03007654321", "city": "Lahore",
                             "address1": "12 Mall Road", "country": "Pakistan"},
        "line_items": [{"id": 1, "title": "Lawn Suit", "quantity": 2, "price": "3500.00",
                        "sku": "LS-01", "vendor": "Gul Ahmed"}],
        "total_price": "7000.00",
        "currency": "PKR",
        "financial_status": "pending",
        "gateway": "Cash on Delivery (COD)",
        "note_attributes": [],
        **fields,
    }  # fmt: skip


async def order_of(client, business, store_id: int) -> dict[str, Any]:
    listed = (await client.get("/api/v1/orders?limit=200", headers=guest(business))).json()
    [summary] = [o for o in listed["orders"] if o["external_order_id"] == str(store_id)]
    return (
        await client.get(f"/api/v1/orders/{summary['order_id']}", headers=guest(business))
    ).json()


async def test_a_cod_order_is_placed_and_answered_the_bob_way(client, business) -> None:
    pushed = await client.post(
        "/bob/orders-create", json=shopify_order(5001), headers=guest(business)
    )
    assert pushed.status_code == 200
    assert pushed.json() == {"status": "success", "statusCode": 200}
    order = await order_of(client, business, 5001)
    assert (order["status"], order["platform"]) == ("pending", "shopify")
    assert order["customer"]["phone"] == "923007654321"
    assert order["customer"]["name"] == "Ayesha Malik"
    assert order["items"] == [{"name": "Lawn Suit", "qty": 2, "price": 3500, "sku": "LS-01"}]
    assert order["payment"] == {"status": "pending", "method": "Cash on Delivery (COD)"}


async def test_a_paid_order_is_confirmed_by_the_payment(client, business) -> None:
    body = shopify_order(5002, financial_status="paid", gateway="card")
    await client.post("/bob/orders-create", json=body, headers=guest(business))
    order = await order_of(client, business, 5002)
    assert order["status"] == "confirmed"
    assert order["history"][-1]["actor"] == "payment"


async def test_a_cancellation_keeps_its_reason(client, business) -> None:
    await client.post("/bob/orders-create", json=shopify_order(5003), headers=guest(business))
    cancelled = await client.post(
        "/bob/orders-cancelled",
        json=shopify_order(5003, cancel_reason="customer", cancelled_at="2026-11-25T10:00:00Z"),
        headers=guest(business),
    )
    assert cancelled.json()["status"] == "success"
    order = await order_of(client, business, 5003)
    assert order["status"] == "cancelled"
    assert (order["history"][-1]["actor"], order["history"][-1]["reason"]) == ("store", "customer")


async def test_fulfillment_and_courier_events_move_the_order(client, business) -> None:
    await client.post("/bob/orders-create", json=shopify_order(5004), headers=guest(business))
    shipped = await client.post(
        "/bob/fulfillments-create",
        json={"id": 9001, "order_id": 5004, "status": "success", "tracking_number": "TCS123",
              "tracking_url": "https://tcs.example/TCS123", "tracking_company": "TCS"},
        headers=guest(business),
    )  # fmt: skip
    assert shipped.json() == {"status": "success", "statusCode": 200}
    order = await order_of(client, business, 5004)
    assert order["status"] == "shipped"
    assert order["fulfillment"]["fulfillment_id"] == "9001"
    assert order["fulfillment"]["tracking_code"] == "TCS123"

    delivered = await client.post(
        "/bob/fulfillments-events-create",
        json={"delivery_id": "d-1", "id": "5004", "fulfillment_id": "9001", "status": "Delivered",
              "delivered_at": "2026-11-25T11:00:00Z"},
        headers=guest(business),
    )  # fmt: skip
    assert delivered.json()["status"] == "success"
    order = await order_of(client, business, 5004)
    assert order["status"] == "delivered"
    assert order["fulfillment"]["delivered_at"].startswith("2026-11-25T11:00:00")


async def test_a_parcel_that_comes_back_is_returned(client, business) -> None:
    await client.post("/bob/orders-create", json=shopify_order(5005), headers=guest(business))
    for status in ("Dispatched", "In-transit", "Returned"):
        answer = await client.post(
            "/bob/fulfillments-events-create",
            json={"id": 5005, "fulfillment_id": "f-5005", "status": status},
            headers=guest(business),
        )
        assert answer.status_code == 200, (status, answer.text)
    order = await order_of(client, business, 5005)
    assert order["status"] == "returned"
    assert [h["status"] for h in order["history"]] == [
        "pending",
        "confirmed",
        "shipped",
        "returned",
    ]


async def test_refusals_come_in_bob_shape(client, business) -> None:
    unknown = await client.post(
        "/bob/fulfillments-events-create",
        json={"id": "404404", "status": "Delivered"},
        headers=guest(business),
    )
    assert unknown.status_code == 404
    assert unknown.json()["status"] == "failure" and unknown.json()["statusCode"] == 404
    assert unknown.json()["error"]
    bad = await client.post(
        "/bob/orders-create", json={"line_items": "nope"}, headers=guest(business)
    )
    assert bad.status_code == 400
    assert bad.json()["status"] == "failure" and bad.json()["error"].startswith("Bad payload")
    nobody = await client.post("/bob/orders-create", json=shopify_order(1))
    assert nobody.status_code == 401 and nobody.json()["status"] == "failure"
    delivered = shopify_order(5006)
    await client.post("/bob/orders-create", json=delivered, headers=guest(business))
    for status in ("Delivered",):
        await client.post("/bob/fulfillments-events-create", json={"id": 5006, "status": status},
                          headers=guest(business))  # fmt: skip
    late = await client.post("/bob/orders-cancelled", json=delivered, headers=guest(business))
    assert late.status_code == 409 and late.json()["code"] == "invalid_transition"


async def test_an_abandoned_cart_is_published_and_recovered_by_the_next_order(
    client, business, seed, topic_reader, db, wait_for
) -> None:
    cart_id = f"chk-{uuid.uuid4().hex[:8]}"
    checkout = {
        "id": cart_id, "abandoned_checkout_url": f"https://shop.example/checkouts/{cart_id}",
        "email": "bilal@example.pk", "phone": "0321-1234567",
        "line_items": [{"title": "Kurta", "quantity": 1, "price": "2500"}],
        "total_price": "2500", "currency": "PKR",
    }  # fmt: skip
    answer = await client.post("/bob/abandoned-cart", json=checkout, headers=guest(business))
    assert answer.json() == {"status": "success", "statusCode": 200}

    async def published(kind: str) -> list[dict[str, Any]]:
        found = [orjson.loads(r.value) for r in await topic_reader(Topic.CARTS)]
        return [m for m in found if m["type"] == kind and m["body"]["cart_id"] == cart_id]

    [abandoned] = await wait_for(
        lambda: published("CartAbandoned"), timeout=20, what="CartAbandoned"
    )
    assert abandoned["body"]["customer"]["phone"] == "923211234567"
    assert abandoned["body"]["checkout_url"].endswith(cart_id)

    body = seed()
    body["customer"]["phone"] = "+923211234567"
    order_id = (
        await client.post("/api/v1/events/ingest", json=body, headers=guest(business))
    ).json()["order_id"]
    [recovered] = await wait_for(
        lambda: published("CartRecovered"), timeout=20, what="CartRecovered"
    )
    assert recovered["body"]["order_id"] == order_id
    row = await db.fetchrow(
        "SELECT recovered_order_id FROM gateway.abandoned_carts WHERE business_id = $1 AND cart_id = $2",
        uuid.UUID(business["business_id"]), cart_id,
    )  # fmt: skip
    assert str(row["recovered_order_id"]) == order_id
