"""The WhatsApp catalog both ways in (Wabotick's `catalog/…` forms and Sauda's REST) through the
gateway's app on a real Postgres: the business's one catalog with the store address a sync
re-reads, a sync re-importing the store's changed products as a job, the orders placed in the
chat (never a store's, never another business's) in the document's shape, and the status
change's refusals that need no ledger (unknown cart status, another business's order)."""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import httpx

from sauda_contracts import OrderStatus
from sauda_contracts.testing import order_placed, status_changed
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.testing import serving, shopify_catalog, shopify_pages
from sauda_gateway.view.folds import ViewWriter

Json = dict[str, Any]
AT = datetime(2026, 6, 18, 9, 0, tzinfo=UTC)


async def fold(pool: asyncpg.Pool, *events: object) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await ViewWriter().apply(conn, events)  # type: ignore[arg-type]


async def until(read: Callable[[], Awaitable[Json]], done: Callable[[Json], bool]) -> Json:
    deadline = time.monotonic() + 20
    while True:
        got = await read()
        if done(got):
            return got
        assert time.monotonic() < deadline, f"still {got}"
        await asyncio.sleep(0.05)


async def form(http: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    return await http.post(f"/api/v1/whatsapp/{path}", data=fields)


async def job_done(http: httpx.AsyncClient, key: str, import_id: str) -> Json:
    async def read() -> Json:
        got = await http.get(f"/api/v1/products/imports/{import_id}", headers={"X-API-Key": key})
        assert got.status_code == 200, got.text
        body: Json = got.json()
        return body

    return await until(read, lambda j: j["status"] != "running")


async def test_the_catalog_is_listed_and_a_sync_reimports_the_store_products(
    api: Callable[..., Any], business: tuple[Business, str]
) -> None:
    shop, key = business
    catalog_id = str(shop.business_id)
    with serving(shopify_pages(shopify_catalog())) as store:
        async with api(allow_private=True) as http:
            await _listed_and_synced(http, key, catalog_id, store)


async def _listed_and_synced(
    http: httpx.AsyncClient, key: str, catalog_id: str, store: Any
) -> None:
    """Before any import, then after one, then a sync re-reading the changed store."""
    # Before any import: the catalog is there, with no address, and a sync says why not.
    listed = await form(http, "catalog/list", apiToken=key)
    assert listed.status_code == 200, listed.text
    assert listed.json() == {"status": True, "message": [{
        "catalog_id": catalog_id, "catalog_name": "Test shop", "catalog_url": None,
        "checkout_settings": json.dumps({"currency": None, "products": 0,
                                         "payment_method": "Cash on Delivery"}),
    }]}  # fmt: skip
    refused = await form(http, "catalog/sync", apiToken=key, whatsapp_catalog_id=catalog_id)
    assert refused.status_code == 409, refused.text
    assert refused.json()["status"] == "0"
    assert refused.json()["code"] == "catalog_never_imported"

    first = await http.post("/api/v1/products/imports", json={"url": store.url},
                            headers={"X-API-Key": key})  # fmt: skip
    assert first.status_code == 202, first.text
    assert (await job_done(http, key, first.json()["import_id"]))["status"] == "done"

    # The store's tea price changes; a sync (Wabotick's form) re-reads it as a job.
    store.pages.update(shopify_pages(shopify_catalog(tea_price="500.00")))
    synced = await form(http, "catalog/sync", apiToken=key, whatsapp_catalog_id=catalog_id)
    assert synced.status_code == 202, synced.text
    assert synced.json()["status"] == "1"
    assert synced.json()["message"] == "Catalog products have been synced successfully."
    job = await job_done(http, key, synced.json()["import_id"])
    assert (job["status"], job["url"], job["updated"]) == ("done", store.url, 1)
    products = await http.get("/api/v1/products", params={"q": "Tapal"},
                              headers={"X-API-Key": key})  # fmt: skip
    assert [p["price"] for p in products.json()["products"]] == [500]

    # The REST list says the same; its sync answers the import job.
    rest = await http.get("/api/v1/whatsapp/catalogs", headers={"X-API-Key": key})
    assert rest.status_code == 200, rest.text
    (one,) = rest.json()["catalogs"]
    assert (one["catalog_id"], one["url"], one["products"], one["currency"]) == (
        catalog_id, store.url, 3, "PKR",
    )  # fmt: skip
    assert one["last_import"]["import_id"] == synced.json()["import_id"]
    again = await http.post(f"/api/v1/whatsapp/catalogs/{catalog_id}/sync",
                            headers={"X-API-Key": key})  # fmt: skip
    assert again.status_code == 202, again.text
    assert again.headers["Location"] == f"/api/v1/products/imports/{again.json()['import_id']}"
    await job_done(http, key, again.json()["import_id"])


async def test_another_catalog_id_is_unknown_both_ways_in(
    api: Callable[..., Any], pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    _, key = business
    other, _ = await create_business(BusinessStore(pool), name="Other", plan="business")
    async with api() as http:
        for raw in (str(other.business_id), "not-an-id", str(uuid4())):
            got = await form(http, "catalog/order/list", apiToken=key, whatsapp_catalog_id=raw)
            assert got.status_code == 404, got.text
            assert (got.json()["status"], got.json()["code"], got.json()["field"]) == (
                "0", "unknown_catalog", "whatsapp_catalog_id",
            )  # fmt: skip
            rest = await http.post(f"/api/v1/whatsapp/catalogs/{raw}/sync",
                                   headers={"X-API-Key": key})  # fmt: skip
            assert rest.status_code == 404, rest.text
            assert rest.json()["code"] == "unknown_catalog"
        missing = await form(http, "catalog/sync", apiToken=key)
        assert (missing.status_code, missing.json()["field"]) == (400, "whatsapp_catalog_id")


async def test_the_orders_placed_in_the_chat_are_listed_in_the_document_shape(
    api: Callable[..., Any], pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, key = business
    other, _ = await create_business(BusinessStore(pool), name="Other", plan="business")
    in_chat = [
        order_placed(shop.business_id, number=f"ORD-00000{n}", name="Ayesha Siddiqui",
                     phone="923001234567", whatsapp_user_id=f"PK.{n}ABC",
                     at=AT + timedelta(minutes=n))
        for n in (1, 2, 3)
    ]  # fmt: skip
    from_store = order_placed(shop.business_id, number="ORD-000004", at=AT)
    theirs = order_placed(other.business_id, number="ORD-000001", whatsapp_user_id="PK.9XYZ",
                          at=AT)  # fmt: skip
    confirmed = status_changed(in_chat[0], OrderStatus.CONFIRMED).model_copy(
        update={"occurred_at": AT + timedelta(hours=1)}
    )
    await fold(pool, *in_chat, from_store, theirs, confirmed)
    catalog_id = str(shop.business_id)
    async with api() as http:
        got = await form(http, "catalog/order/list", apiToken=key, whatsapp_catalog_id=catalog_id)
        assert got.status_code == 200, got.text
        lines = got.json()["message"]
        assert [o["order_number"] for o in lines] == ["ORD-000003", "ORD-000002", "ORD-000001"]
        first = lines[2]
        assert first == first | {
            "order_unique_id": str(in_chat[0].body.order_id), "catalog_id": catalog_id,
            "catalog_name": "Test shop", "chat_id": "923001234567", "first_name": "Ayesha",
            "cart_total": 3000.0, "cart_currency": "PKR", "cart_status_raw": "Approved",
            "cart_status": "confirmed", "ordered_at": "2026-06-18 09:01:00",
            "updated_at": "2026-06-18 10:00:00", "payment_amount": 3000.0,
            "payment_method": "Cash on Delivery",
        }  # fmt: skip
        assert json.loads(first["shipping_address"])["phone_number"] == "923001234567"
        assert lines[0]["cart_status_raw"] == "Submitted"

        paged = await form(http, "catalog/order/list", apiToken=key,
                           whatsapp_catalog_id=catalog_id, limit="1", offset="1")  # fmt: skip
        assert [o["order_number"] for o in paged.json()["message"]] == ["ORD-000002"]
        rest = await http.get(f"/api/v1/whatsapp/catalogs/{catalog_id}/orders",
                              params={"limit": 2}, headers={"X-API-Key": key})  # fmt: skip
        assert rest.status_code == 200, rest.text
        assert rest.json()["total"] == 3
        assert [o["order_number"] for o in rest.json()["orders"]] == ["ORD-000003", "ORD-000002"]


async def test_a_status_change_refuses_unknown_words_and_orders_not_in_the_chat(
    api: Callable[..., Any], pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, key = business
    other, _ = await create_business(BusinessStore(pool), name="Other", plan="business")
    mine = order_placed(shop.business_id, whatsapp_user_id="PK.1ABC", at=AT)
    from_store = order_placed(shop.business_id, number="ORD-000043", at=AT)
    theirs = order_placed(other.business_id, whatsapp_user_id="PK.2ABC", at=AT)
    await fold(pool, mine, from_store, theirs)
    async with api() as http:
        unknown = await form(http, "catalog/order/status-change", apiToken=key,
                             order_unique_id=str(mine.body.order_id), cart_status="teleported")  # fmt: skip
        assert unknown.status_code == 400, unknown.text
        assert (unknown.json()["code"], unknown.json()["field"]) == (
            "invalid_cart_status", "cart_status",
        )  # fmt: skip
        for order in (from_store, theirs):
            got = await form(http, "catalog/order/status-change", apiToken=key,
                             order_unique_id=str(order.body.order_id), cart_status="approved")  # fmt: skip
            assert got.status_code == 404, got.text
            assert (got.json()["code"], got.json()["field"]) == ("order_not_found",
                                                                 "order_unique_id")  # fmt: skip
            rest = await http.post(f"/api/v1/whatsapp/catalogs/orders/{order.body.order_id}/status",
                                   json={"cart_status": "approved"}, headers={"X-API-Key": key})  # fmt: skip
            assert rest.status_code == 404, rest.text
        bad = await http.post(f"/api/v1/whatsapp/catalogs/orders/{mine.body.order_id}/status",
                              json={"cart_status": "Lost"}, headers={"X-API-Key": key})  # fmt: skip
        assert (bad.status_code, bad.json()["code"]) == (400, "invalid_cart_status")
