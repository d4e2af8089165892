"""Orders from every kind of store: Bugalou/Zapier upserts, prepaid orders, cancel with reason,
customers by phone and email — through the real gateway, ledger, Kafka and Postgres."""

import uuid
from typing import Any

import httpx


def auth(business: dict[str, str]) -> dict[str, str]:
    return {"X-API-Key": business["api_key"]}


def bugalou(number: str, status: str = "processing", **fields: Any) -> dict[str, Any]:
    """The Bugalou seed's body."""
    return {
        "platform": "custom",
        "orderNumber": number,
        "orderStatus": status,
        "customerEmail": "klant@voorbeeld.nl",
        "customerName": "Jan de Vries",
        "items": [{"name": "Product A", "quantity": 1, "price": "29.99"}],
        "total": "29.99",
        "currency": "EUR",
        **fields,
    }


async def test_an_upsert_creates_once_and_then_updates_the_same_order(client, business) -> None:
    number = f"ORD-{uuid.uuid4().hex[:6]}"
    created = await client.post("/api/v1/orders", json=bugalou(number), headers=auth(business))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["success"] is True
    order = body["order"]
    assert (order["status"], order["platform"], order["external_order_id"]) == (
        "pending",
        "custom",
        number,
    )
    assert order["total"] == 29.99 and order["currency"] == "EUR"
    assert order["customer"]["email"] == "klant@voorbeeld.nl"

    again = await client.post("/api/v1/orders", json=bugalou(number), headers=auth(business))
    assert again.status_code == 200
    assert again.json()["order"]["order_id"] == order["order_id"]

    shipped = await client.post(
        "/api/v1/orders",
        json=bugalou(number, "shipped", trackingCode="3SPOST1234567",
                     trackingUrl="https://postnl.nl/track/3SPOST1234567"),
        headers=auth(business),
    )  # fmt: skip
    assert shipped.status_code == 200, shipped.text
    moved = shipped.json()["order"]
    assert moved["status"] == "shipped"
    assert moved["fulfillment"]["tracking_code"] == "3SPOST1234567"
    # A forward jump is the chain of legal steps, each by the store.
    assert [(h["status"], h["actor"]) for h in moved["history"]] == [
        ("pending", "store"), ("confirmed", "store"), ("shipped", "store")]  # fmt: skip
    listed = (await client.get("/api/v1/orders", headers=auth(business))).json()
    assert listed["total"] == 1


async def test_an_impossible_update_is_409_and_nothing_of_it_is_applied(client, business) -> None:
    number = f"ORD-{uuid.uuid4().hex[:6]}"
    await client.post("/api/v1/orders", json=bugalou(number, "delivered"), headers=auth(business))
    refused = await client.post(
        "/api/v1/orders",
        json=bugalou(number, "processing", paymentStatus="refunded", trackingCode="NEW-1"),
        headers=auth(business),
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "invalid_transition"
    assert refused.json()["details"]["current_status"] == "delivered"
    order_id = (
        refused.json()["details"].get("order_id")
        or (await client.get("/api/v1/orders", headers=auth(business))).json()["orders"][0][
            "order_id"
        ]
    )
    after = (await client.get(f"/api/v1/orders/{order_id}", headers=auth(business))).json()
    assert after["status"] == "delivered"
    assert after["payment"] is None and after["fulfillment"] is None


async def test_zapier_takes_the_same_fields_and_totals_may_be_numbers(client, business) -> None:
    made = await client.post(
        "/api/zapier/order",
        json=bugalou("Z-1", total=59.5, items=[{"name": "B", "quantity": 2, "price": 29.75}],
                     zap_id="ignored extra field"),
        headers=auth(business),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json()["order"]["total"] == 59.5
    assert made.json()["order"]["items"][0]["qty"] == 2


async def test_bugalou_paging_works_beside_limit_and_offset(client, business) -> None:
    for n in range(5):
        await client.post("/api/v1/orders", json=bugalou(f"P-{n}"), headers=auth(business))
    page2 = (await client.get("/api/v1/orders?page=2&limit=2", headers=auth(business))).json()
    same = (await client.get("/api/v1/orders?offset=2&limit=2", headers=auth(business))).json()
    assert page2["total"] == 5 and page2["page"] == 2 and page2["offset"] == 2
    assert [o["order_id"] for o in page2["orders"]] == [o["order_id"] for o in same["orders"]]


async def test_a_prepaid_order_skips_cod_and_a_refund_is_recorded(client, business) -> None:
    paid = await client.post(
        "/api/v1/orders",
        json=bugalou("PAID-1", paymentStatus="paid", paymentMethod="iDEAL"),
        headers=auth(business),
    )
    order = paid.json()["order"]
    assert order["status"] == "confirmed"
    assert [(h["status"], h["actor"]) for h in order["history"]] == [
        ("pending", "store"), ("confirmed", "payment")]  # fmt: skip
    assert order["payment"] == {"status": "paid", "method": "iDEAL"}

    refunded = await client.post(
        "/api/v1/orders",
        json=bugalou("PAID-1", "confirmed", paymentStatus="refunded", paymentMethod="iDEAL"),
        headers=auth(business),
    )
    after = refunded.json()["order"]
    assert after["status"] == "confirmed"
    assert after["payment"]["status"] == "refunded"
    assert after["history"][-1]["event"] == "OrderPaymentChanged"


async def test_cancel_with_a_reason_shows_in_history(
    client: httpx.AsyncClient, business, seed
) -> None:
    order_id = (
        await client.post("/api/v1/events/ingest", json=seed(), headers=auth(business))
    ).json()["order_id"]
    cancelled = await client.post(
        f"/api/v1/orders/{order_id}/cancel",
        json={"reason": "customer asked by phone", "cancelled_by": "customer"},
        headers=auth(business),
    )
    assert cancelled.status_code == 200, cancelled.text
    last = cancelled.json()["history"][-1]
    assert (last["status"], last["actor"], last["reason"]) == (
        "cancelled", "customer", "customer asked by phone")  # fmt: skip
    again = await client.post(
        f"/api/v1/orders/{order_id}/cancel", json={"reason": "twice"}, headers=auth(business)
    )
    assert again.status_code == 409 and again.json()["details"]["current_status"] == "cancelled"
    bad = await client.post(f"/api/v1/orders/{order_id}/cancel", json={"reason": ""},
                            headers=auth(business))  # fmt: skip
    assert bad.status_code == 400 and bad.json()["field"] == "reason"


async def test_customers_by_phone_in_any_form_and_by_email(client, business, seed) -> None:
    ids = []
    for n in range(4):
        body = seed()
        body["customer"] = {"phone": "0300-1234567", "name": f"Ali {n}", "email": "ali@example.pk",
                            "consent": True}  # fmt: skip
        answer = await client.post("/api/v1/events/ingest", json=body, headers=auth(business))
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["order_id"])
    detail = (await client.get(f"/api/v1/orders/{ids[0]}", headers=auth(business))).json()
    assert detail["customer"]["phone"] == "923001234567"  # local form, read as Pakistani

    customer = await client.get("/api/v1/customers/03001234567", headers=auth(business))
    assert customer.status_code == 200
    assert customer.json() | {"first_order_at": None, "last_order_at": None} == {
        "phone": "923001234567", "name": "Ali 3", "email": "ali@example.pk", "orders_count": 4,
        "total_spent": 12000, "first_order_at": None, "last_order_at": None}  # fmt: skip

    last3 = (
        await client.get("/api/v1/customers/+923001234567/orders", headers=auth(business))
    ).json()
    assert [o["order_id"] for o in last3["orders"]] == ids[::-1][:3]
    all4 = (
        await client.get("/api/v1/customers/923001234567/orders?limit=10", headers=auth(business))
    ).json()
    assert len(all4["orders"]) == 4

    by_email = (
        await client.get("/api/v1/customers?email=ALI@example.pk", headers=auth(business))
    ).json()
    assert [c["phone"] for c in by_email["customers"]] == ["923001234567"]

    unknown = await client.get("/api/v1/customers/03009999999", headers=auth(business))
    assert unknown.status_code == 404 and unknown.json()["code"] == "customer_not_found"
    impossible = await client.get("/api/v1/customers/12", headers=auth(business))
    assert impossible.status_code == 400
    assert (impossible.json()["code"], impossible.json()["field"]) == ("invalid_phone", "phone")


async def test_local_numbers_are_read_in_the_business_country(client, make_business, seed) -> None:
    indian = await make_business(country="IN")
    body = seed()
    body["customer"]["phone"] = "098765 43210"
    made = await client.post("/api/v1/events/ingest", json=body, headers=auth(indian))
    assert made.status_code == 201, made.text
    order = (
        await client.get(f"/api/v1/orders/{made.json()['order_id']}", headers=auth(indian))
    ).json()
    assert order["customer"]["phone"] == "919876543210"
