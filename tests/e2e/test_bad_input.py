"""Every refusal the seed names (400, 401, 403, 404, 409, 413, 429) as JSON {code, message, field}."""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

INGEST = "/api/v1/events/ingest"
ERROR_KEYS = {"code", "message", "field", "details"}


def auth(business: dict[str, str]) -> dict[str, str]:
    return {"X-API-Key": business["api_key"]}


def refusal(response: httpx.Response, status: int, code: str, field: str | None = None) -> Any:
    """Assert the answer is the ApiError shape with this status, code and field; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) <= ERROR_KEYS and {"code", "message"} <= set(body), body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    assert body.get("field") == field, body
    return body


def with_raw_qty(seed_body: dict[str, Any], raw: bytes) -> bytes:
    """The seed body with its one item's `qty` written as raw JSON (numbers JSON can't hold)."""
    body = orjson.dumps(seed_body)
    assert body.count(b'"qty":2') == 1
    return body.replace(b'"qty":2', b'"qty":' + raw)


# --- 400: the request is malformed ---


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        (b'{"event_type": "order_created",', "invalid_json", None),
        (b"\xff\xfe{}", "invalid_json", None),  # not UTF-8
        (b"[" * 100_000 + b"]" * 100_000, "invalid_json", None),  # nested past any parser
        (b'{"qty": ' + b"9" * 5000 + b"}", "invalid_json", None),  # more digits than Python reads
        (b"", "missing_field", None),
        (b"null", "invalid_field", None),
        (b"[]", "invalid_field", None),
    ],
    ids=["truncated", "not-utf8", "deeply-nested", "5000-digit-number", "empty", "null", "array"],
)
async def test_a_body_that_is_not_a_json_object_is_a_400(
    client: httpx.AsyncClient, business, raw: bytes, code: str, field: str | None
) -> None:
    answer = await client.post(INGEST, content=raw, headers=auth(business))
    refusal(answer, 400, code, field)


@pytest.mark.parametrize(
    ("mutate", "code", "field"),
    [
        (lambda b: {**b, "customer": "Ali"}, "invalid_field", "customer"),
        (lambda b: {**b, "customer": None}, "invalid_field", "customer"),
        (lambda b: {**b, "idempotency_key": 42}, "invalid_field", "idempotency_key"),
        (lambda b: {**b, "idempotency_key": "a\x00b"}, "invalid_field", "idempotency_key"),
        (lambda b: {**b, "idempotency_key": "k" * 201}, "invalid_field", "idempotency_key"),
        (lambda b: {**b, "event_type": "order_paid"}, "unsupported_event_type", "event_type"),
        (lambda b: {k: v for k, v in b.items() if k != "customer"}, "missing_field", "customer"),
        (lambda b: {**b, "surprise": True}, "invalid_field", "surprise"),
        (lambda b: {**b, "order": {**b["order"], "items": []}}, "invalid_field", "order.items"),
        (lambda b: {**b, "order": {**b["order"], "total": -1}}, "invalid_field", "order.total"),
        (lambda b: {**b, "order": {**b["order"], "total": 10**30}}, "invalid_field", "order.total"),
        (lambda b: {**b, "order": {**b["order"], "total": 0.001}}, "invalid_field", "order.total"),
        (lambda b: {**b, "order": {**b["order"], "currency": "rupees"}}, "invalid_field",
         "order.currency"),
        (lambda b: {**b, "customer": {"phone": "12"}}, "invalid_field", "customer.phone"),
        (lambda b: {**b, "customer": {"phone": "not a phone"}}, "invalid_phone", "customer.phone"),
    ],
    ids=["customer-string", "customer-null", "key-number", "key-nul", "key-too-long",
         "unknown-event-type", "missing-customer", "unknown-field", "no-items", "negative-total",
         "total-1e30", "total-three-decimals", "currency", "phone-too-short", "phone-not-a-number"],
)  # fmt: skip
async def test_wrong_types_unknown_values_and_absurd_numbers_name_the_field(
    client: httpx.AsyncClient, business, seed, mutate, code: str, field: str
) -> None:
    raw = json.dumps(mutate(seed())).encode()  # the stdlib writes integers of any size
    answer = await client.post(INGEST, content=raw, headers=auth(business))
    refusal(answer, 400, code, field)


@pytest.mark.parametrize(
    "raw_qty",
    [b"1e309", b"NaN", b"Infinity", b"-Infinity", b"1" + b"0" * 40, b"-1", b"2.5", b"null"],
)
async def test_numbers_json_cannot_hold_or_the_order_cannot_take_are_a_400(
    client: httpx.AsyncClient, business, seed, raw_qty: bytes
) -> None:
    answer = await client.post(
        INGEST, content=with_raw_qty(seed(), raw_qty), headers=auth(business)
    )
    refusal(answer, 400, "invalid_field", "order.items.0.qty")


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("limit=" + "1" + "0" * 30, "invalid_field", "limit"),
        ("limit=0", "invalid_field", "limit"),
        ("limit=1e309", "invalid_field", "limit"),
        ("limit=NaN", "invalid_field", "limit"),
        ("offset=-1", "invalid_field", "offset"),
        ("page=0", "invalid_field", "page"),
        ("status=lost", "invalid_status", "status"),
        ("source=fax", "invalid_field", "source"),
    ],
)
async def test_absurd_or_unknown_query_values_are_a_400_naming_the_parameter(
    client: httpx.AsyncClient, business, query: str, code: str, field: str
) -> None:
    answer = await client.get(f"/api/v1/orders?{query}", headers=auth(business))
    refusal(answer, 400, code, field)


async def test_a_nul_in_a_search_is_a_400_not_a_database_error(
    client: httpx.AsyncClient, business
) -> None:
    answer = await client.get("/api/v1/customers?email=ali%00@example.com", headers=auth(business))
    refusal(answer, 400, "invalid_field", "email")


async def test_an_unknown_status_or_a_nul_in_a_reason_is_a_400(
    client: httpx.AsyncClient, business, seed
) -> None:
    placed = (await client.post(INGEST, json=seed(), headers=auth(business))).json()
    path = f"/api/v1/orders/{placed['order_id']}"
    bad_status = await client.patch(
        f"{path}/status", json={"status": "lost"}, headers=auth(business)
    )
    refusal(bad_status, 400, "invalid_status", "status")
    bad_actor = await client.post(
        f"{path}/cancel", json={"reason": "x", "cancelled_by": "cat"}, headers=auth(business)
    )
    refusal(bad_actor, 400, "invalid_field", "cancelled_by")
    nul = await client.post(f"{path}/cancel", json={"reason": "out\x00"}, headers=auth(business))
    refusal(nul, 400, "invalid_field", "reason")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"orderNumber": "1", "orderStatus": "pending"}, "platform"),
        ({"platform": "shopify", "orderNumber": "1", "orderStatus": "lost"}, "orderStatus"),
        ({"platform": "shopify", "orderNumber": "1\x00", "orderStatus": "pending"}, "orderNumber"),
        ({"platform": "shopify", "orderNumber": "1", "orderStatus": "pending", "total": "1e400"},
         "total"),
        ({"platform": "shopify", "orderNumber": "1", "orderStatus": "pending", "total": "NaN"},
         "total"),
        ({"platform": "shopify", "orderNumber": "1", "orderStatus": "pending",
          "paymentStatus": "maybe"}, "paymentStatus"),
        ({"platform": "shopify", "orderNumber": "1", "orderStatus": "pending",
          "items": [{"name": "W", "quantity": 10**12}]}, "items.0.quantity"),
    ],
    ids=["missing-platform", "unknown-status", "nul", "total-1e400", "total-nan", "payment-enum",
         "huge-quantity"],
)  # fmt: skip
async def test_store_upserts_refuse_bad_fields_by_name(
    client: httpx.AsyncClient, business, body: dict[str, Any], field: str
) -> None:
    answer = await client.post("/api/v1/orders", json=body, headers=auth(business))
    refusal(answer, 400, "missing_field" if field == "platform" else "invalid_field", field)


# --- 401: who is calling? ---


async def test_a_missing_api_key_is_a_401(client: httpx.AsyncClient, seed) -> None:
    refusal(await client.post(INGEST, json=seed()), 401, "missing_api_key", "X-API-Key")
    refusal(await client.get("/api/v1/orders"), 401, "missing_api_key", "X-API-Key")


async def test_a_wrong_api_key_is_a_401(client: httpx.AsyncClient, seed) -> None:
    for headers in ({"X-API-Key": "sk_sauda_wrong"}, {"Authorization": "Bearer sk_sauda_wrong"}):
        answer = await client.post(INGEST, json=seed(), headers=headers)
        refusal(answer, 401, "invalid_api_key", "X-API-Key")


# --- 403: a plan without the Store API ---


async def test_a_plan_without_the_store_api_is_a_403(
    client: httpx.AsyncClient, make_business, seed
) -> None:
    free = await make_business(plan="free")
    body = refusal(await client.post(INGEST, json=seed(), headers=auth(free)), 403, "plan_required")
    assert body["details"]["current_plan"] == "free"


# --- 404: nothing there ---


@pytest.mark.parametrize(
    "order_id", [str(uuid.uuid4()), "not-a-uuid", "%00", "%FF", "%ED%A0%80", "x" * 5000]
)
async def test_an_unknown_order_is_a_404(
    client: httpx.AsyncClient, business, order_id: str
) -> None:
    answer = await client.get(f"/api/v1/orders/{order_id}", headers=auth(business))
    refusal(answer, 404, "order_not_found", "order_id")


async def test_a_status_change_of_an_unknown_order_is_a_404(
    client: httpx.AsyncClient, business
) -> None:
    path = f"/api/v1/orders/{uuid.uuid4()}/status"
    answer = await client.patch(path, json={"status": "confirmed"}, headers=auth(business))
    refusal(answer, 404, "order_not_found", "order_id")


async def test_an_unknown_customer_or_path_is_a_404(client: httpx.AsyncClient, business) -> None:
    customer = await client.get("/api/v1/customers/923009999999", headers=auth(business))
    refusal(customer, 404, "customer_not_found", "phone")
    refusal(await client.get("/api/v1/nothing-here", headers=auth(business)), 404, "not_found")


async def test_a_wrong_method_is_a_405_that_says_which_are_allowed(
    client: httpx.AsyncClient, business
) -> None:
    answer = await client.delete("/api/v1/orders", headers=auth(business))
    refusal(answer, 405, "method_not_allowed")
    assert set(answer.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


# --- 409: the idempotency key was used ---


async def test_a_repeated_idempotency_key_is_a_409_naming_the_first_order(
    client: httpx.AsyncClient, business, seed
) -> None:
    body = seed()
    first = await client.post(INGEST, json=body, headers=auth(business))
    assert first.status_code in (201, 202), first.text
    again = await client.post(INGEST, json=body, headers=auth(business))
    details = refusal(again, 409, "duplicate_idempotency_key", "idempotency_key")["details"]
    assert details["order_id"] == first.json()["order_id"]
    changed = {**body, "order": {**body["order"], "total": 1}}
    other = await client.post(INGEST, json=changed, headers=auth(business))
    refusal(other, 409, "idempotency_key_reused", "idempotency_key")


# --- 413: the body is too big ---

LIMIT = 256 * 1024


async def test_a_body_over_256_kib_is_a_413_before_it_is_read(
    client: httpx.AsyncClient, business
) -> None:
    for size in (LIMIT + 1, 20 * 1024 * 1024):
        started = time.monotonic()
        answer = await client.post(INGEST, content=b" " * size, headers=auth(business))
        body = refusal(answer, 413, "payload_too_large")
        assert body["details"] == {"max_bytes": LIMIT}
        assert time.monotonic() - started < 5
    # The refusal leaves the gateway (and this connection) serving.
    assert (await client.get("/healthz")).status_code == 200


async def test_a_chunked_body_is_counted_as_it_streams_and_cut_off_past_the_limit(
    client: httpx.AsyncClient, business
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"event_type": "order_created", "padding": "'
        for _ in range(400):  # 400 KiB, no Content-Length
            yield b"x" * 1024
        yield b'"}'

    answer = await client.post(INGEST, content=chunks(), headers=auth(business))
    refusal(answer, 413, "payload_too_large")


async def test_a_body_at_the_limit_is_read(client: httpx.AsyncClient, business, seed) -> None:
    raw = orjson.dumps(seed())
    padded = raw[:-1] + b" " * (LIMIT - len(raw)) + b"}"  # whitespace is still JSON
    assert len(padded) == LIMIT
    answer = await client.post(INGEST, content=padded, headers=auth(business))
    assert answer.status_code in (201, 202), answer.text


# --- 429: the hour's allowance is used up ---


async def test_the_request_after_the_hours_allowance_is_a_429(
    client: httpx.AsyncClient, make_business
) -> None:
    left = 3600 - time.time() % 3600  # the window is the clock hour: don't straddle it
    if left < 20:
        await asyncio.sleep(left + 0.5)
    limited = await make_business(rate_limit=1)
    assert (await client.get("/api/v1/orders", headers=auth(limited))).status_code == 200
    answer = await client.get("/api/v1/orders", headers=auth(limited))
    body = refusal(answer, 429, "rate_limited")
    assert body["details"]["limit"] == 1
    assert int(answer.headers["retry-after"]) > 0
