"""Store imports against fake stores on loopback and a real Postgres: Shopify, WooCommerce and a
sitemap + JSON-LD site with broken pages; what is stored, what is skipped, and that importing
again updates instead of adding."""

from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from sauda_contracts.catalog import ImportReport, ImportSource
from sauda_gateway.api.errors import status_of
from sauda_gateway.catalog.crawler import StoreCrawler
from sauda_gateway.catalog.fetching import CrawlLimits
from sauda_gateway.catalog.handlers import import_catalog
from sauda_gateway.catalog.store import CatalogStore
from sauda_gateway.domain import Business, DomainError
from sauda_gateway.testing import (
    Page,
    jsonld_site,
    ld_page,
    serving,
    shopify_catalog,
    shopify_pages,
    sitemap,
    woo_pages,
    woo_product,
)

LOCAL = CrawlLimits(allow_private=True, timeout=2.0)  # the fake stores listen on loopback


async def run_import(
    pool: asyncpg.Pool, business: Business, url: str, *, limits: CrawlLimits = LOCAL,
    currency: str | None = None, progress: list[tuple[int, int | None]] | None = None,
) -> ImportReport:  # fmt: skip
    return await import_catalog(
        url,
        business_id=business.business_id,
        currency=currency,
        crawler=StoreCrawler(limits),
        catalog=CatalogStore(pool),
        on_progress=(lambda done, total: progress.append((done, total))) if progress is not None
        else None,
    )  # fmt: skip


async def stored(pool: asyncpg.Pool, business_id: UUID) -> dict[str, dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT name, price, currency, description, sku, image_url, in_stock, aliases, "
        " source_url, external_id, product_id FROM products WHERE business_id = $1",
        business_id,
    )
    return {r["name"]: dict(r) for r in rows}


def counts(report: ImportReport) -> tuple[Any, ...]:
    return (report.source, report.created, report.updated, report.unchanged, report.products)


async def test_a_shopify_store_is_imported_and_a_second_import_updates_it(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, _ = business
    with serving(shopify_pages(shopify_catalog())) as store:
        progress: list[tuple[int, int | None]] = []
        first = await run_import(pool, shop, store.url, progress=progress)
        assert counts(first) == (ImportSource.SHOPIFY, 3, 0, 0, 3)
        assert [s.reason for s in first.skipped] == ["Gift Card: no price"]
        assert progress and progress[-1][0] == first.pages
        products = await stored(pool, shop.business_id)
        assert sorted(products) == ["Basmati Rice – 1 kg", "Basmati Rice – 5 kg",
                                    "Tapal Danedar Tea"]  # fmt: skip
        tea = products["Tapal Danedar Tea"]
        assert (tea["price"], tea["currency"], tea["sku"], tea["in_stock"]) == (
            Decimal("450.00"), "PKR", "TAP-1", True,
        )  # fmt: skip
        host = store.url.removeprefix("http://").split(":")[0]
        assert tea["external_id"] == f"shopify:{host}:1001"
        assert tea["source_url"] == f"{store.url}/products/tapal-danedar-tea"
        assert products["Basmati Rice – 5 kg"]["in_stock"] is False

        # The merchant adds an alias; the store changes a price.
        await pool.execute("UPDATE products SET aliases = '{chai}' WHERE product_id = $1",
                           tea["product_id"])  # fmt: skip
        store.pages = shopify_pages(shopify_catalog(tea_price="475.00"))
        second = await run_import(pool, shop, store.url)

    assert counts(second) == (ImportSource.SHOPIFY, 0, 1, 2, 3)
    again = await stored(pool, shop.business_id)
    assert len(again) == 3
    assert again["Tapal Danedar Tea"]["product_id"] == tea["product_id"]
    assert again["Tapal Danedar Tea"]["price"] == Decimal("475.00")
    assert again["Tapal Danedar Tea"]["aliases"] == ["chai"]


async def test_a_shopify_store_that_hides_its_currency_needs_one(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, _ = business
    pages = shopify_pages(shopify_catalog())
    del pages["/meta.json"]
    with serving(pages) as store:
        with pytest.raises(DomainError) as refused:
            await run_import(pool, shop, store.url)
        assert (status_of(refused.value), refused.value.code, refused.value.field) == (
            400, "currency_required", "currency",
        )  # fmt: skip
        given = await run_import(pool, shop, store.url, currency="USD")
    assert given.created == 3
    assert {p["currency"] for p in (await stored(pool, shop.business_id)).values()} == {"USD"}


async def test_a_woocommerce_store_pages_through_the_store_api(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, _ = business
    first_page = [woo_product(n, f"Item {n}", f"{n}00", sku=f"W-{n}", currency="PKR")
                  for n in range(1, 101)]  # fmt: skip
    second_page = [woo_product(101, "Rooh Afza", "650", minor_unit=0, in_stock=False,
                               currency="PKR"),
                   woo_product(102, "No Price", "", currency="PKR")]  # fmt: skip
    with serving(woo_pages([first_page, second_page])) as store:
        report = await run_import(pool, shop, store.url)
        assert counts(report) == (ImportSource.WOOCOMMERCE, 101, 0, 0, 101)
        assert [(s.url, s.reason) for s in report.skipped] == [
            (f"{store.url}/product/no-price/", "No Price: no price")
        ]
        products = await stored(pool, shop.business_id)
        assert products["Rooh Afza"]["price"] == Decimal("650.00")
        assert products["Rooh Afza"]["in_stock"] is False
        assert products["Item 7"]["price"] == Decimal("7.00")
        assert products["Item 7"]["description"] == "Item 7 & more"
        assert products["Item 7"]["source_url"] == f"{store.url}/product/item-7/"
        again = await run_import(pool, shop, store.url)
    assert counts(again) == (ImportSource.WOOCOMMERCE, 0, 0, 101, 101)


async def test_a_plain_site_is_read_from_its_sitemap_and_json_ld(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, _ = business
    with serving(jsonld_site()) as store:
        report = await run_import(pool, shop, store.url)
        assert counts(report) == (ImportSource.JSONLD, 4, 0, 0, 4)
        skipped = {s.url.removeprefix(store.url): s.reason for s in report.skipped}
        assert skipped == {
            "/products/broken": "HTTP 500",
            "/products/invalid-ld": skipped["/products/invalid-ld"],
            "/products/no-price": "Mystery Box: no price",
        }
        assert skipped["/products/invalid-ld"].startswith("invalid JSON-LD: ")
        products = await stored(pool, shop.business_id)
        assert sorted(products) == ["Clay Mug", "Steel Kettle", "Teapot – Blue", "Teapot – White"]
        kettle = products["Steel Kettle"]
        host = store.url.removeprefix("http://").split(":")[0]
        assert (kettle["price"], kettle["sku"], kettle["external_id"]) == (
            Decimal("2499.00"), "KET-1", f"jsonld:{host}:sku:KET-1",
        )  # fmt: skip
        assert kettle["image_url"] == f"{store.url}/img/kettle.jpg"
        assert kettle["description"] == "Boils fast."
        mug = products["Clay Mug"]
        assert mug["in_stock"] is False
        assert mug["external_id"] == f"jsonld:{store.url}/products/mugs"
        assert products["Teapot – White"]["price"] == Decimal("1200.00")
        assert products["Teapot – White"]["description"] == "Porcelain."

        store.pages = jsonld_site(kettle_price="2599.00")
        again = await run_import(pool, shop, store.url)
    assert counts(again) == (ImportSource.JSONLD, 0, 1, 3, 4)
    assert (await stored(pool, shop.business_id))["Steel Kettle"]["price"] == Decimal("2599.00")


async def test_slow_large_and_redirected_pages(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, _ = business
    good = {"@type": "Product", "name": "Good", "sku": "G",
            "offers": {"price": 1, "priceCurrency": "PKR"}}  # fmt: skip
    names = ("slow", "huge", "moved", "loop", "elsewhere")
    metadata = "http://metadata.google.internal/computeMetadata/v1/"
    pages = {
        "/sitemap.xml": sitemap([f"{{store}}/products/{name}" for name in names]),
        "/products/slow": Page(ld_page(good).body, delay=4.0),
        "/products/huge": Page("<html>" + "x" * 20_000 + "</html>"),
        "/products/moved": Page(status=301, headers={"Location": "/products/new-home"}),
        "/products/new-home": ld_page(good),
        "/products/loop": Page(status=302, headers={"Location": "/products/loop"}),
        "/products/elsewhere": Page(status=302, headers={"Location": metadata}),
    }
    with serving(pages) as store:
        # A timeout every other page meets on a busy machine; the slow one never does.
        limits = CrawlLimits(allow_private=True, timeout=2.0, max_bytes=10_000)
        report = await run_import(pool, shop, store.url, limits=limits)
    assert report.created == 1
    skipped = {s.url.removeprefix(store.url): s.reason for s in report.skipped}
    assert skipped["/products/slow"] == "timed out after 2 s"
    assert skipped["/products/huge"] == "larger than 10000 bytes"
    assert skipped["/products/loop"] == "more than 5 redirects"
    # Every hop is checked: a redirect to the cloud metadata service is refused.
    assert skipped["/products/elsewhere"] == (
        "refused: metadata.google.internal is a cloud metadata address"
    )


async def test_the_page_cap_reports_what_it_left_out(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, _ = business
    pages: dict[str, Page] = {
        "/sitemap.xml": sitemap([f"{{store}}/products/{n}" for n in range(20)])
    }
    for n in range(20):
        pages[f"/products/{n}"] = ld_page({"@type": "Product", "name": f"P{n}", "sku": f"S{n}",
                                           "offers": {"price": n, "priceCurrency": "PKR"}})  # fmt: skip
    with serving(pages) as store:
        report = await run_import(pool, shop, store.url,
                                  limits=CrawlLimits(allow_private=True, max_pages=10))  # fmt: skip
    assert report.pages == 10
    # Probes (Shopify, WooCommerce), robots.txt and the sitemap took 4 of the 10 requests.
    assert report.created == 6
    assert report.skipped[-1].reason.startswith("14 more pages not fetched: at most 10 requests")


async def test_an_import_adopts_the_merchants_product_with_the_same_sku(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, _ = business
    catalog = CatalogStore(pool)
    mine = await catalog.create_product(shop.business_id, {
        "name": "Tapal tea (mine)", "price": Decimal(1), "currency": "PKR", "sku": "tap-1",
        "aliases": ["chai"],
    })  # fmt: skip
    other = await catalog.create_product(shop.business_id, {
        "name": "Rice I imported elsewhere", "price": Decimal(1), "currency": "PKR",
        "sku": "RICE-1",
    })  # fmt: skip
    await pool.execute("UPDATE products SET external_id = 'woo:elsewhere:9' WHERE product_id = $1",
                       other["product_id"])  # fmt: skip
    with serving(shopify_pages(shopify_catalog())) as store:
        report = await run_import(pool, shop, store.url)
    assert (report.created, report.updated) == (1, 1)  # 5 kg is new; the tea is adopted
    assert [s.reason for s in report.skipped] == [
        "Gift Card: no price",
        "Basmati Rice – 1 kg: SKU RICE-1 belongs to another product",
    ]
    products = await stored(pool, shop.business_id)
    tea = products["Tapal Danedar Tea"]
    assert tea["product_id"] == mine["product_id"] and tea["aliases"] == ["chai"]
    assert tea["external_id"].startswith("shopify:")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://169.254.169.254/latest/meta-data", "unsafe_url"),
        ("http://127.0.0.1:9/", "unsafe_url"),
        ("https://localhost/", "unsafe_url"),
        ("ftp://store.example/", "unsafe_url"),
        ("https://metadata.google.internal/", "unsafe_url"),
    ],
)
async def test_unsafe_addresses_are_refused_before_any_request(
    pool: asyncpg.Pool, business: tuple[Business, str], url: str, code: str
) -> None:
    shop, _ = business
    with pytest.raises(DomainError) as refused:
        await run_import(pool, shop, url, limits=CrawlLimits(allow_private=False))
    assert (status_of(refused.value), refused.value.code, refused.value.field) == (400, code, "url")


async def test_nothing_answering_and_nothing_to_import_are_told_apart(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, _ = business
    with pytest.raises(DomainError) as nobody:
        await run_import(pool, shop, "http://127.0.0.1:9/")  # nothing listens on port 9
    assert (status_of(nobody.value), nobody.value.code) == (502, "store_unreachable")
    with serving({"/": Page("<html>just a blog</html>")}) as store:
        with pytest.raises(DomainError) as empty:
            await run_import(pool, shop, store.url)
    assert (status_of(empty.value), empty.value.code) == (502, "catalog_not_found")
    assert await stored(pool, shop.business_id) == {}
