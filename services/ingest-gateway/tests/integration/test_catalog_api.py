"""The catalog API through the gateway's own app on a real Postgres: products and FAQs CRUD,
refusals with code and field, tenants kept apart, duplicate SKUs, and store imports (the SSRF
rules included)."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.testing import serving, shopify_catalog, shopify_pages

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
TEA = {"name": "Tapal Danedar Tea", "price": 450, "currency": "PKR", "sku": "TAP-1",
       "aliases": ["chai", "Chai", "doodh patti"], "image_url": "https://cdn.example/tea.jpg",
       "description": "Strong black tea."}  # fmt: skip


def auth(business: tuple[Business, str]) -> dict[str, str]:
    return {"X-API-Key": business[1]}


async def test_product_lifecycle(api: Api, business: tuple[Business, str]) -> None:
    async with api() as http:
        made = await http.post("/api/v1/products", headers=auth(business), json=TEA)
        assert made.status_code == 201, made.text
        product = made.json()
        assert made.headers["location"] == f"/api/v1/products/{product['product_id']}"
        assert product["aliases"] == ["chai", "doodh patti"]  # one "chai"
        assert (product["price"], product["currency"], product["in_stock"]) == (450, "PKR", True)
        assert product["external_id"] is None and product["source_url"] is None

        url = f"/api/v1/products/{product['product_id']}"
        assert (await http.get(url, headers=auth(business))).json() == product
        changed = await http.patch(url, headers=auth(business),
                                   json={"price": "475.50", "in_stock": False, "sku": None})  # fmt: skip
        assert changed.status_code == 200, changed.text
        assert (changed.json()["price"], changed.json()["in_stock"]) == (475.5, False)
        assert changed.json()["sku"] is None and changed.json()["name"] == TEA["name"]
        assert (await http.patch(url, headers=auth(business), json={})).status_code == 200

        assert (await http.delete(url, headers=auth(business))).status_code == 204
        gone = await http.get(url, headers=auth(business))
        assert gone.status_code == 404
        assert (gone.json()["code"], gone.json()["field"]) == ("product_not_found", "product_id")


async def test_products_are_listed_by_name_with_filters_and_pages(
    api: Api, business: tuple[Business, str]
) -> None:
    async with api() as http:
        for name, in_stock, aliases in (("Zeera", True, []), ("basmati rice", False, []),
                                        ("Tapal Tea", True, ["chai"]), ("Milk", True, [])):  # fmt: skip
            made = await http.post("/api/v1/products", headers=auth(business), json={
                "name": name, "price": 10, "currency": "PKR", "in_stock": in_stock,
                "aliases": aliases})  # fmt: skip
            assert made.status_code == 201

        async def names(**params: Any) -> tuple[list[str], int]:
            got = await http.get("/api/v1/products", headers=auth(business), params=params)
            assert got.status_code == 200, got.text
            return [p["name"] for p in got.json()["products"]], got.json()["total"]

        assert await names() == (["basmati rice", "Milk", "Tapal Tea", "Zeera"], 4)
        assert await names(q="TEA") == (["Tapal Tea"], 1)
        assert await names(q="chai") == (["Tapal Tea"], 1)  # by alias
        assert await names(q="%") == ([], 0)  # a literal %, not a wildcard
        assert await names(in_stock="false") == (["basmati rice"], 1)
        assert await names(limit=2, offset=2) == (["Tapal Tea", "Zeera"], 4)
        paged = await http.get("/api/v1/products?limit=3&page=2", headers=auth(business))
        assert paged.json()["page"] == 2 and paged.json()["offset"] == 3


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({**TEA, "name": ""}, "invalid_field", "name"),
        ({**TEA, "name": "x" * 201}, "invalid_field", "name"),
        ({**TEA, "price": -1}, "invalid_field", "price"),
        ({**TEA, "price": "abc"}, "invalid_field", "price"),
        ({**TEA, "price": 1.234}, "invalid_field", "price"),
        ({**TEA, "currency": "XYZ"}, "invalid_field", "currency"),
        ({**TEA, "currency": "pkr"}, "invalid_field", "currency"),
        ({k: v for k, v in TEA.items() if k != "currency"}, "missing_field", "currency"),
        ({k: v for k, v in TEA.items() if k != "price"}, "missing_field", "price"),
        ({**TEA, "description": "x" * 2001}, "invalid_field", "description"),
        ({**TEA, "sku": "x" * 101}, "invalid_field", "sku"),
        ({**TEA, "image_url": "javascript:alert(1)"}, "invalid_field", "image_url"),
        ({**TEA, "image_url": "https://x/" + "a" * 2000}, "invalid_field", "image_url"),
        ({**TEA, "aliases": ["a"] * 21}, "invalid_field", "aliases"),
        ({**TEA, "aliases": ["x" * 61]}, "invalid_field", "aliases.0"),
        ({**TEA, "in_stock": "maybe"}, "invalid_field", "in_stock"),
        ({**TEA, "name": "nul\x00"}, "invalid_field", "name"),
        ({**TEA, "colour": "red"}, "invalid_field", "colour"),
    ],
)
async def test_bad_products_are_400_with_the_field(
    api: Api, business: tuple[Business, str], body: dict[str, Any], code: str, field: str
) -> None:
    async with api() as http:
        refused = await http.post("/api/v1/products", headers=auth(business), json=body)
    assert refused.status_code == 400, refused.text
    assert (refused.json()["code"], refused.json()["field"]) == (code, field)


async def test_patches_cannot_empty_what_a_product_must_have(
    api: Api, business: tuple[Business, str]
) -> None:
    async with api() as http:
        made = (await http.post("/api/v1/products", headers=auth(business), json=TEA)).json()
        url = f"/api/v1/products/{made['product_id']}"
        for body, field in (({"name": None}, "name"), ({"price": None}, "price"),
                            ({"aliases": None}, "aliases"), ({"currency": "ABC"}, "currency")):  # fmt: skip
            refused = await http.patch(url, headers=auth(business), json=body)
            assert refused.status_code == 400, refused.text
            assert (refused.json()["code"], refused.json()["field"]) == ("invalid_field", field)
        bad_limit = await http.get("/api/v1/products?limit=0", headers=auth(business))
        assert (bad_limit.status_code, bad_limit.json()["field"]) == (400, "limit")


async def test_a_sku_names_one_product_whatever_its_case(
    api: Api, business: tuple[Business, str]
) -> None:
    async with api() as http:
        assert (await http.post("/api/v1/products", headers=auth(business),
                                json=TEA)).status_code == 201  # fmt: skip
        twice = await http.post("/api/v1/products", headers=auth(business),
                                json={**TEA, "sku": "tap-1"})  # fmt: skip
        assert twice.status_code == 409
        assert (twice.json()["code"], twice.json()["field"]) == ("duplicate_sku", "sku")
        other = (await http.post("/api/v1/products", headers=auth(business),
                                 json={**TEA, "sku": "TAP-2"})).json()  # fmt: skip
        moved = await http.patch(f"/api/v1/products/{other['product_id']}",
                                 headers=auth(business), json={"sku": "Tap-1"})  # fmt: skip
        assert moved.status_code == 409 and moved.json()["code"] == "duplicate_sku"


async def test_tenants_never_see_each_others_catalog(
    api: Api, business: tuple[Business, str], pool: asyncpg.Pool
) -> None:
    other = await create_business(BusinessStore(pool), name="Other shop", plan="business")
    async with api() as http:
        product = (await http.post("/api/v1/products", headers=auth(other), json=TEA)).json()
        faq = (await http.post("/api/v1/faqs", headers=auth(other),
                               json={"question": "COD?", "answer": "Yes"})).json()  # fmt: skip
        # The same SKU is free in another business.
        assert (await http.post("/api/v1/products", headers=auth(business),
                                json=TEA)).status_code == 201  # fmt: skip
        listed = (await http.get("/api/v1/products", headers=auth(business))).json()
        assert len(listed["products"]) == 1
        assert listed["products"][0]["product_id"] != product["product_id"]
        assert (await http.get("/api/v1/faqs", headers=auth(business))).json()["faqs"] == []
        for method, url in (
            ("GET", f"/api/v1/products/{product['product_id']}"),
            ("PATCH", f"/api/v1/products/{product['product_id']}"),
            ("DELETE", f"/api/v1/products/{product['product_id']}"),
            ("GET", f"/api/v1/faqs/{faq['faq_id']}"),
            ("PATCH", f"/api/v1/faqs/{faq['faq_id']}"),
            ("DELETE", f"/api/v1/faqs/{faq['faq_id']}"),
            ("GET", f"/api/v1/products/{uuid4()}"),
            ("GET", "/api/v1/products/not-a-uuid"),
        ):
            answer = await http.request(method, url, headers=auth(business),
                                        json={} if method == "PATCH" else None)  # fmt: skip
            assert answer.status_code == 404, (method, url, answer.text)
        assert (await http.get(f"/api/v1/products/{product['product_id']}",
                               headers=auth(other))).status_code == 200  # fmt: skip


async def test_the_catalog_needs_a_key_and_the_store_api(api: Api, pool: asyncpg.Pool) -> None:
    free = await create_business(BusinessStore(pool), name="Free shop", plan="free")
    async with api() as http:
        anonymous = await http.get("/api/v1/products")
        assert (anonymous.status_code, anonymous.json()["code"]) == (401, "missing_api_key")
        on_free = await http.post("/api/v1/faqs", headers=auth(free),
                                  json={"question": "q", "answer": "a"})  # fmt: skip
        assert (on_free.status_code, on_free.json()["code"]) == (403, "plan_required")


async def test_faq_lifecycle_and_refusals(api: Api, business: tuple[Business, str]) -> None:
    async with api() as http:
        made = await http.post("/api/v1/faqs", headers=auth(business), json={
            "question": "Do you deliver to Lahore?", "answer": "Yes, in 2-3 days, COD.",
            "keywords": ["delivery", "Lahore", "delivery"]})  # fmt: skip
        assert made.status_code == 201, made.text
        faq = made.json()
        assert faq["keywords"] == ["delivery", "Lahore"]
        url = f"/api/v1/faqs/{faq['faq_id']}"
        changed = await http.patch(url, headers=auth(business), json={"answer": "Yes, 2 days."})
        assert changed.json()["answer"] == "Yes, 2 days." and changed.json()["keywords"]
        found = await http.get("/api/v1/faqs?q=lahore", headers=auth(business))
        assert [f["faq_id"] for f in found.json()["faqs"]] == [faq["faq_id"]]
        for body, code, field in (
            ({"question": "", "answer": "a"}, "invalid_field", "question"),
            ({"question": "q" * 301, "answer": "a"}, "invalid_field", "question"),
            ({"question": "q", "answer": "a" * 1001}, "invalid_field", "answer"),
            ({"question": "q"}, "missing_field", "answer"),
            ({"question": "q", "answer": "a", "keywords": ["k"] * 21}, "invalid_field",
             "keywords"),
        ):  # fmt: skip
            refused = await http.post("/api/v1/faqs", headers=auth(business), json=body)
            assert refused.status_code == 400, refused.text
            assert (refused.json()["code"], refused.json()["field"]) == (code, field)
        emptied = await http.patch(url, headers=auth(business), json={"answer": None})
        assert (emptied.status_code, emptied.json()["field"]) == (400, "answer")
        assert (await http.delete(url, headers=auth(business))).status_code == 204
        assert (await http.get(url, headers=auth(business))).status_code == 404


async def test_a_store_import_through_the_api(api: Api, business: tuple[Business, str]) -> None:
    with serving(shopify_pages(shopify_catalog())) as store:
        async with api(allow_private=True) as http:
            first = await http.post("/api/v1/products/import", headers=auth(business),
                                    json={"url": store.url})  # fmt: skip
            assert first.status_code == 200, first.text
            report = first.json()
            tally = [report[k] for k in ("source", "created", "updated", "unchanged", "products")]
            assert tally == ["shopify", 3, 0, 0, 3]
            assert report["skipped"] == [
                {"url": f"{store.url}/products/gift-card", "reason": "Gift Card: no price"}
            ]
            store.pages = shopify_pages(shopify_catalog(tea_price="499.00"))
            again = (await http.post("/api/v1/products/import", headers=auth(business),
                                     json={"url": store.url})).json()  # fmt: skip
            assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 2)
            listed = (await http.get("/api/v1/products?q=tapal", headers=auth(business))).json()
    assert listed["total"] == 1 and listed["products"][0]["price"] == 499


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "must use https"),
        ("https://169.254.169.254/latest/meta-data/", "link-local (cloud metadata)"),
        ("https://127.0.0.1:8443/", "loopback"),
        ("https://localhost/", "loopback"),
        ("https://10.1.2.3/", "private"),
        ("https://metadata.google.internal/", "cloud metadata"),
        ("file:///etc/passwd", "must start with https://"),
    ],
)
async def test_unsafe_store_addresses_are_refused(
    api: Api, business: tuple[Business, str], url: str, why: str
) -> None:
    async with api() as http:
        refused = await http.post("/api/v1/products/import", headers=auth(business),
                                  json={"url": url})  # fmt: skip
    assert refused.status_code == 400, refused.text
    assert (refused.json()["code"], refused.json()["field"]) == ("unsafe_url", "url")
    assert why in refused.json()["message"]


async def test_loopback_stores_need_the_development_setting(
    api: Api, business: tuple[Business, str]
) -> None:
    with serving(shopify_pages(shopify_catalog())) as store:
        async with api() as strict:
            refused = await strict.post("/api/v1/products/import", headers=auth(business),
                                        json={"url": store.url})  # fmt: skip
        assert (refused.status_code, refused.json()["code"]) == (400, "unsafe_url")
        assert not store.hits  # refused before a single request


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({}, 400, "missing_field", "url"),
        ({"url": "short"}, 400, "invalid_field", "url"),
        ({"url": "https://store.example", "currency": "XYZ"}, 400, "invalid_field", "currency"),
        ({"url": "http://127.0.0.1:9/"}, 502, "store_unreachable", "url"),
    ],
)
async def test_import_refusals(
    api: Api, business: tuple[Business, str], body: dict[str, Any], status: int, code: str,
    field: str,
) -> None:  # fmt: skip
    async with api(allow_private=True) as http:
        refused = await http.post("/api/v1/products/import", headers=auth(business), json=body)
    assert refused.status_code == status, refused.text
    assert (refused.json()["code"], refused.json()["field"]) == (code, field)
