"""A store's catalog imported into Sauda over HTTP, through the running gateway and through the
`sauda catalog import` command, from fake stores on loopback; then the products as listed."""

import asyncio
import sys
from collections.abc import Awaitable, Callable

import httpx
import orjson

from sauda_gateway.testing import jsonld_site, serving, shopify_catalog, shopify_pages

Cli = Callable[..., Awaitable[str]]


def auth(business: dict[str, str]) -> dict[str, str]:
    return {"X-API-Key": business["api_key"]}


async def products(client: httpx.AsyncClient, business: dict[str, str]) -> dict[str, dict]:
    listed = await client.get("/api/v1/products?limit=200", headers=auth(business))
    assert listed.status_code == 200, listed.text
    return {p["name"]: p for p in listed.json()["products"]}


async def test_a_shopify_store_imported_through_the_gateway_then_the_cli(
    client: httpx.AsyncClient, business: dict[str, str], cli: Cli
) -> None:
    with serving(shopify_pages(shopify_catalog())) as store:
        over_http = await client.post(
            "/api/v1/products/import", headers=auth(business), json={"url": store.url}
        )
        assert over_http.status_code == 200, over_http.text
        report = over_http.json()
        assert (report["source"], report["created"], report["products"]) == ("shopify", 3, 3)

        store.pages = shopify_pages(shopify_catalog(tea_price="475.00"))
        printed = await cli("catalog", "import", store.url, "--business", business["business_id"])

    by_cli = orjson.loads(printed)
    assert by_cli["source"] == "shopify"
    assert (by_cli["created"], by_cli["updated"], by_cli["unchanged"]) == (0, 1, 2)
    assert by_cli["skipped"] == [
        {"url": f"{store.url}/products/gift-card", "reason": "Gift Card: no price"}
    ]
    listed = await products(client, business)
    assert sorted(listed) == ["Basmati Rice – 1 kg", "Basmati Rice – 5 kg", "Tapal Danedar Tea"]
    assert listed["Tapal Danedar Tea"]["price"] == 475
    assert listed["Basmati Rice – 5 kg"]["in_stock"] is False


async def test_a_plain_site_through_the_cli_reports_its_broken_pages(
    client: httpx.AsyncClient, business: dict[str, str], cli: Cli
) -> None:
    with serving(jsonld_site()) as store:
        report = orjson.loads(
            await cli("catalog", "import", store.url, "--business", business["business_id"])
        )
    assert (report["source"], report["created"], report["products"]) == ("jsonld", 4, 4)
    reasons = {s["url"].removeprefix(store.url): s["reason"] for s in report["skipped"]}
    assert reasons["/products/broken"] == "HTTP 500"
    assert reasons["/products/no-price"] == "Mystery Box: no price"
    assert reasons["/products/invalid-ld"].startswith("invalid JSON-LD")
    assert sorted(await products(client, business)) == [
        "Clay Mug", "Steel Kettle", "Teapot – Blue", "Teapot – White",
    ]  # fmt: skip


async def test_refusals_over_http_and_a_nonzero_exit_from_the_cli(
    client: httpx.AsyncClient, business: dict[str, str]
) -> None:
    metadata = "http://metadata.google.internal/computeMetadata/v1/"
    refused = await client.post(
        "/api/v1/products/import", headers=auth(business), json={"url": metadata}
    )
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == ("unsafe_url", "url")
    nobody = await client.post(
        "/api/v1/products/import", headers=auth(business), json={"url": "http://127.0.0.1:9/"}
    )
    assert (nobody.status_code, nobody.json()["code"]) == (502, "store_unreachable")

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sauda_cli", "catalog", "import", metadata,
        "--business", business["business_id"],
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    assert proc.returncode == 1 and out == b""
    assert orjson.loads(err.splitlines()[-1])["code"] == "unsafe_url"
    assert await products(client, business) == {}
