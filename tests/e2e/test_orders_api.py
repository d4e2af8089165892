"""The Store API as a store uses it: ingest, idempotency, validation, auth, tenants, the FSM over HTTP."""

import uuid
from typing import Any

import httpx
import pytest

H = dict[str, str]


def auth(business: dict[str, str]) -> H:
    return {"X-API-Key": business["api_key"]}


async def test_seed_order_is_created_listed_and_shown_in_detail(
    client: httpx.AsyncClient, business, seed
) -> None:
    body = seed()
    created = await client.post("/api/v1/events/ingest", json=body, headers=auth(business))
    assert created.status_code == 201, created.text
    answer = created.json()
    assert answer["status"] == "pending"
    assert answer["order_number"].startswith("ORD-")
    order_id = answer["order_id"]

    listed = (await client.get("/api/v1/orders", headers=auth(business))).json()
    assert listed["total"] == 1 and listed["limit"] == 50 and listed["offset"] == 0
    assert [o["order_id"] for o in listed["orders"]] == [order_id]

    detail = (await client.get(f"/api/v1/orders/{order_id}", headers=auth(business))).json()
    assert detail["status"] == "pending"
    assert detail["source"] == "ingest"
    assert detail["order_number"] == answer["order_number"]
    assert detail["customer"] == {
        "phone": "923001234567",
        "name": "Ali Khan",
        "email": None,
        "consent": True,
        "language": None,  # not given: the business's default language is used
    }
    assert detail["items"] == [{"name": "Widget Pro", "qty": 2, "price": 1500, "sku": None}]
    assert detail["total"] == 3000 and detail["currency"] == "PKR"
    assert detail["external_order_id"] == "WC-456"
    assert [(h["status"], h["actor"]) for h in detail["history"]] == [("pending", "store")]


async def test_order_numbers_count_up_per_business(
    client: httpx.AsyncClient, business, make_business, ingest
) -> None:
    first = await ingest(business)
    second = await ingest(business)
    other = await ingest(await make_business())
    assert (first["order_number"], second["order_number"]) == ("ORD-000001", "ORD-000002")
    assert other["order_number"] == "ORD-000001"


async def test_a_repeated_key_is_409_with_the_same_order_and_no_second_order(
    client, business, seed
) -> None:
    body = seed()
    first = await client.post("/api/v1/events/ingest", json=body, headers=auth(business))
    again = await client.post("/api/v1/events/ingest", json=body, headers=auth(business))
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_idempotency_key"
    assert again.json()["details"]["order_id"] == first.json()["order_id"]

    changed = {**body, "customer": {**body["customer"], "name": "Someone Else"}}
    reused = await client.post("/api/v1/events/ingest", json=changed, headers=auth(business))
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert reused.json()["field"] == "idempotency_key"

    listed = (await client.get("/api/v1/orders", headers=auth(business))).json()
    assert listed["total"] == 1


def _without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    node = body
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return body


BAD_BODIES = [
    ("empty items", lambda b: b["order"].update(items=[]), "invalid_field", "order.items"),
    (
        "qty below 1",
        lambda b: b["order"]["items"][0].update(qty=0),
        "invalid_field",
        "order.items.0.qty",
    ),
    (
        "negative price",
        lambda b: b["order"]["items"][0].update(price=-1),
        "invalid_field",
        "order.items.0.price",
    ),
    (
        "missing phone",
        lambda b: _without(b, "customer", "phone"),
        "missing_field",
        "customer.phone",
    ),
    (
        "bad phone",
        lambda b: b["customer"].update(phone="call me"),
        "invalid_phone",
        "customer.phone",
    ),
    (
        "unknown event type",
        lambda b: b.update(event_type="order_exploded"),
        "unsupported_event_type",
        "event_type",
    ),
    ("missing key", lambda b: _without(b, "idempotency_key"), "missing_field", "idempotency_key"),
    (
        "text qty",
        lambda b: b["order"]["items"][0].update(qty="two"),
        "invalid_field",
        "order.items.0.qty",
    ),
]


@pytest.mark.parametrize(
    ("case", "spoil", "code", "field"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES]
)
async def test_bad_bodies_get_400_naming_the_field(
    client, business, seed, case, spoil, code, field
) -> None:
    body = seed()
    spoil(body)
    response = await client.post("/api/v1/events/ingest", json=body, headers=auth(business))
    assert response.status_code == 400, response.text
    error = response.json()
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"]
    listed = (await client.get("/api/v1/orders", headers=auth(business))).json()
    assert listed["total"] == 0


async def test_malformed_json_and_bad_paging_are_400(client, business) -> None:
    broken = await client.post(
        "/api/v1/events/ingest", content=b'{"event_type": ', headers=auth(business)
    )
    assert broken.status_code == 400 and broken.json()["code"] == "invalid_json"
    for query, field in (
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("offset=-1", "offset"),
        ("status=lost", "status"),
        ("source=fax", "source"),
    ):
        response = await client.get(f"/api/v1/orders?{query}", headers=auth(business))
        assert response.status_code == 400, query
        assert response.json()["field"] == field


async def test_missing_and_unknown_keys_are_401_and_every_alias_header_works(
    client, business
) -> None:
    missing = await client.get("/api/v1/orders")
    assert missing.status_code == 401 and missing.json()["code"] == "missing_api_key"
    unknown = await client.get("/api/v1/orders", headers={"X-API-Key": "sk_sauda_nope"})
    assert unknown.status_code == 401 and unknown.json()["code"] == "invalid_api_key"
    key = business["api_key"]
    for headers in (
        {"X-API-Key": key},
        {"Authorization": f"Bearer {key}"},
        {"X-Botaura-Key": key},
        {"x-guest-id": key},
    ):
        assert (await client.get("/api/v1/orders", headers=headers)).status_code == 200, headers


async def test_a_business_never_sees_or_moves_another_businesses_order(
    client, business, make_business, ingest
) -> None:
    order_id = (await ingest(business))["order_id"]
    intruder = auth(await make_business())
    assert (await client.get("/api/v1/orders", headers=intruder)).json()["total"] == 0
    peek = await client.get(f"/api/v1/orders/{order_id}", headers=intruder)
    assert peek.status_code == 404 and peek.json()["code"] == "order_not_found"
    move = await client.patch(
        f"/api/v1/orders/{order_id}/status", json={"status": "cancelled"}, headers=intruder
    )
    assert move.status_code == 404
    mine = (await client.get(f"/api/v1/orders/{order_id}", headers=auth(business))).json()
    assert mine["status"] == "pending"


async def test_an_order_walks_its_whole_life_and_each_change_is_visible_at_once(
    client, business, ingest
) -> None:
    order_id = (await ingest(business))["order_id"]
    for status in ("confirmed", "shipped", "delivered"):
        moved = await client.patch(
            f"/api/v1/orders/{order_id}/status", json={"status": status}, headers=auth(business)
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == status
        # Read-your-writes: the very next GET shows it.
        assert (await client.get(f"/api/v1/orders/{order_id}", headers=auth(business))).json()[
            "status"
        ] == status
    history = (await client.get(f"/api/v1/orders/{order_id}", headers=auth(business))).json()[
        "history"
    ]
    assert [(h["version"], h["status"], h["actor"]) for h in history] == [
        (1, "pending", "store"),
        (2, "confirmed", "merchant"),
        (3, "shipped", "merchant"),
        (4, "delivered", "merchant"),
    ]
    assert all(h["at"] for h in history)


@pytest.mark.parametrize(
    ("path", "forbidden", "allowed"),
    [
        ([], "shipped", ["cancelled", "confirmed"]),
        ([], "delivered", ["cancelled", "confirmed"]),
        (["confirmed"], "delivered", ["cancelled", "shipped"]),
        (["confirmed"], "pending", ["cancelled", "shipped"]),
        (["cancelled"], "confirmed", []),
        (["confirmed", "shipped"], "cancelled", ["delivered", "returned"]),
        (["confirmed", "shipped", "delivered"], "cancelled", []),
    ],
)
async def test_forbidden_transitions_are_409_with_current_and_allowed(
    client, business, ingest, path, forbidden, allowed
) -> None:
    order_id = (await ingest(business))["order_id"]
    for status in path:
        assert (
            await client.patch(
                f"/api/v1/orders/{order_id}/status", json={"status": status}, headers=auth(business)
            )
        ).status_code == 200
    refused = await client.patch(
        f"/api/v1/orders/{order_id}/status", json={"status": forbidden}, headers=auth(business)
    )
    assert refused.status_code == 409
    error = refused.json()
    assert error["code"] == "invalid_transition"
    assert error["details"]["current_status"] == (path[-1] if path else "pending")
    assert error["details"]["allowed"] == allowed
    after = (await client.get(f"/api/v1/orders/{order_id}", headers=auth(business))).json()
    assert after["status"] == (path[-1] if path else "pending")
    assert after["version"] == len(path) + 1


async def test_unknown_status_is_400_and_unknown_order_404(client, business, ingest) -> None:
    order_id = (await ingest(business))["order_id"]
    bad = await client.patch(
        f"/api/v1/orders/{order_id}/status", json={"status": "teleported"}, headers=auth(business)
    )
    assert bad.status_code == 400
    assert (bad.json()["code"], bad.json()["field"]) == ("invalid_status", "status")
    ghost = await client.patch(
        f"/api/v1/orders/{uuid.uuid4()}/status",
        json={"status": "confirmed"},
        headers=auth(business),
    )
    assert ghost.status_code == 404
    assert (
        await client.get("/api/v1/orders/not-a-uuid", headers=auth(business))
    ).status_code == 404


async def test_filters_and_paging(client, business, ingest) -> None:
    ids = [(await ingest(business))["order_id"] for _ in range(3)]
    await client.patch(
        f"/api/v1/orders/{ids[0]}/status", json={"status": "confirmed"}, headers=auth(business)
    )
    confirmed = (await client.get("/api/v1/orders?status=confirmed", headers=auth(business))).json()
    assert [o["order_id"] for o in confirmed["orders"]] == [ids[0]] and confirmed["total"] == 1
    assert (await client.get("/api/v1/orders?source=whatsapp", headers=auth(business))).json()[
        "total"
    ] == 0
    page1 = (await client.get("/api/v1/orders?limit=2&offset=0", headers=auth(business))).json()
    page2 = (await client.get("/api/v1/orders?limit=2&offset=2", headers=auth(business))).json()
    assert page1["total"] == page2["total"] == 3
    assert [o["order_id"] for o in page1["orders"] + page2["orders"]] == list(
        reversed(ids)
    )  # newest first


async def test_health_endpoints(client) -> None:
    assert (await client.get("/healthz")).json()["status"] == "ok"
    assert (await client.get("/readyz")).json()["ready"] is True
