"""Reading store catalogs without a network: prices, Shopify and WooCommerce JSON, JSON-LD pages,
sitemaps and robots.txt, and broken inputs of each."""

import gzip
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sauda_gateway.catalog import parsing
from sauda_gateway.catalog.parsing import values
from sauda_gateway.catalog.parsing.jsonld import jsonld_products
from sauda_gateway.catalog.parsing.sitemaps import (
    NotASitemap,
    Sitemap,
    gunzip,
    parse_sitemap,
    products_first,
    robots_sitemaps,
    same_site,
)
from sauda_gateway.catalog.parsing.stores import shopify_products, woo_products
from sauda_gateway.catalog.parsing.values import html_to_text, minor_units, parse_price
from sauda_gateway.testing import ld_page, shopify_catalog, woo_product

STORE = "https://store.example"


@pytest.mark.parametrize(
    ("raw", "price"),
    [
        (450, Decimal("450.00")),
        (12.5, Decimal("12.50")),
        ("450.00", Decimal("450.00")),
        ("1,299.50", Decimal("1299.50")),
        ("1.299,50", Decimal("1299.50")),
        ("1299,5", Decimal("1299.50")),
        ("1,299", Decimal("1299.00")),
        ("1,299,000", Decimal("1299000.00")),
        ("Rs. 1,299", Decimal("1299.00")),
        ("0.005", Decimal("0.01")),
        ("free", None),
        ("", None),
        ("NaN", None),
        (None, None),
        (True, None),
        ({"price": 1}, None),
    ],
)
def test_prices_as_stores_write_them(raw: Any, price: Decimal | None) -> None:
    assert parse_price(raw) == price


@pytest.mark.parametrize(
    ("amount", "unit", "price"),
    [
        ("129900", 2, Decimal("1299.00")),
        ("1299", 0, Decimal("1299.00")),
        ("12345", 3, Decimal("12.35")),  # three decimals (KWD) are kept to the cent
        ("abc", 2, None),
        ("100", "x", None),
        (None, 2, None),
        ("100", 9, None),
    ],
)
def test_woocommerce_minor_units(amount: Any, unit: Any, price: Decimal | None) -> None:
    assert minor_units(amount, unit) == price


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("<p>Strong <b>tea</b></p>\n<p>Since 1947</p>", "Strong tea Since 1947"),
        ("Fish &amp; Chips &#8211; large", "Fish & Chips – large"),
        ("<style>p{}</style><script>alert(1)</script>Kept", "Kept"),
        ("plain   words", "plain words"),
        ("I <3 tea", "I <3 tea"),
    ],
)
def test_html_becomes_one_line_of_text(raw: str, text: str) -> None:
    assert html_to_text(raw) == text


def test_a_shopify_page_gives_a_product_per_variant() -> None:
    parsed = shopify_products({"products": shopify_catalog()}, store_url=STORE, currency="PKR")
    by_id = {p.external_id: p for p in parsed.products}
    assert sorted(by_id) == [
        "shopify:store.example:1001",
        "shopify:store.example:1002",
        "shopify:store.example:1003",
    ]
    tea = by_id["shopify:store.example:1001"]
    assert tea.product.name == "Tapal Danedar Tea"  # one variant: the product's own name
    assert tea.product.price == Decimal("450.00") and tea.product.currency == "PKR"
    assert tea.product.sku == "TAP-1" and tea.product.in_stock
    assert tea.product.description == "Tapal Danedar Tea, fresh from the shop."
    assert tea.product.image_url == "https://cdn.example/101.jpg"
    assert tea.product.aliases == ()  # store tags are categories, not names shoppers use
    assert tea.source_url == f"{STORE}/products/tapal-danedar-tea"
    five_kg = by_id["shopify:store.example:1003"]
    assert five_kg.product.name == "Basmati Rice – 5 kg" and not five_kg.product.in_stock
    assert five_kg.source_url.endswith("/products/basmati-rice?variant=1003")
    assert [(s.url, s.reason) for s in parsed.skipped] == [
        (f"{STORE}/products/gift-card", "Gift Card: no price")
    ]


@pytest.mark.parametrize(
    ("data", "skipped"),
    [
        ({"products": []}, []),
        ({}, []),
        ([], []),
        ("nonsense", []),
        ({"products": [1, None, "x"]}, []),
        ({"products": [{"id": 7, "title": "Bare", "handle": "bare"}]}, ["Bare: no variants"]),
        (
            {"products": [{"id": 8, "handle": "x", "variants": [{"id": 1, "price": "5"}]}]},
            ["a product without a name"],
        ),
        (
            {"products": [{"id": 9, "title": "Neg", "variants": [{"id": 2, "price": "-5"}]}]},
            ["Neg: price -5.00 is out of range"],
        ),
    ],
)
def test_broken_shopify_pages_skip_what_they_cannot_say(data: Any, skipped: list[str]) -> None:
    parsed = shopify_products(data, store_url=STORE, currency="PKR")
    assert parsed.products == [] and [s.reason for s in parsed.skipped] == skipped


def test_a_woocommerce_page_reads_minor_units_and_stock() -> None:
    data = [
        woo_product(11, "Doodh Patti Mix", "45000", minor_unit=2, sku="DP-1", currency="PKR"),
        woo_product(12, "Rooh Afza", "650", minor_unit=0, in_stock=False, currency="PKR"),
        woo_product(13, "Mystery", "", currency="PKR"),
        woo_product(14, "Yen thing", "1200", minor_unit=0, currency="JPY"),
    ]
    parsed = woo_products(data, store_url=STORE, currency=None)
    got = {p.external_id: p.product for p in parsed.products}
    assert got["woo:store.example:11"].price == Decimal("450.00")
    assert got["woo:store.example:11"].sku == "DP-1"
    assert got["woo:store.example:11"].description == "Doodh Patti Mix & more"
    assert got["woo:store.example:12"].price == Decimal("650.00")
    assert not got["woo:store.example:12"].in_stock and got["woo:store.example:12"].sku is None
    assert got["woo:store.example:14"].currency == "JPY"
    assert [s.reason for s in parsed.skipped] == ["Mystery: no price"]


@pytest.mark.parametrize(
    ("currency", "fallback", "outcome"),
    [
        ("PKR", None, "PKR"),
        ("usd", None, "USD"),
        ("Rs.", "PKR", "PKR"),
        (None, "EUR", "EUR"),
        ("Rs.", None, "X: currency 'Rs.' is not an ISO 4217 code; send `currency` with the import "
         "to use one"),
        (None, None, "X: no currency; send `currency` with the import to use one"),
    ],
)  # fmt: skip
def test_a_store_currency_wins_and_the_given_one_fills_in(
    currency: str | None, fallback: str | None, outcome: str
) -> None:
    made = values.product_of(
        "e", STORE, name="X", price=Decimal(1), currency=currency, fallback_currency=fallback
    )
    assert (made if isinstance(made, str) else made.product.currency) == outcome


PRODUCT = {"@context": "https://schema.org", "@type": "Product", "name": "Kettle", "sku": "K1",
           "offers": {"@type": "Offer", "price": "2499", "priceCurrency": "PKR"}}  # fmt: skip


@pytest.mark.parametrize(
    ("page", "products"),
    [
        (ld_page(PRODUCT), [("jsonld:store.example:sku:K1", "Kettle", "2499.00", True)]),
        (ld_page([PRODUCT]), [("jsonld:store.example:sku:K1", "Kettle", "2499.00", True)]),
        (
            ld_page({"@graph": [{"@type": "BreadcrumbList"}, {**PRODUCT, "sku": None}]},
                    canonical=f"{STORE}/p/kettle"),
            [("jsonld:https://store.example/p/kettle", "Kettle", "2499.00", True)],
        ),
        (
            ld_page({**PRODUCT, "@type": ["Product", "Thing"], "offers": [
                {"@type": "Offer", "price": "10", "priceCurrency": "PKR",
                 "availability": "https://schema.org/OutOfStock"},
                {"@type": "Offer", "price": "12", "priceCurrency": "PKR",
                 "availability": "https://schema.org/InStock"}]}),
            [("jsonld:store.example:sku:K1", "Kettle", "10.00", True)],
        ),
        (
            ld_page({**PRODUCT, "offers": {"@type": "AggregateOffer", "lowPrice": 5,
                                           "highPrice": 9, "priceCurrency": "PKR",
                                           "availability": "SoldOut"}}),
            [("jsonld:store.example:sku:K1", "Kettle", "5.00", False)],
        ),
        (
            ld_page({**PRODUCT, "offers": {"@type": "Offer", "priceSpecification": {
                "@type": "UnitPriceSpecification", "price": "7.5", "priceCurrency": "PKR"}}}),
            [("jsonld:store.example:sku:K1", "Kettle", "7.50", True)],
        ),
        (
            ld_page({"@type": "ItemPage", "mainEntity": {**PRODUCT, "@type": "schema:Product"}}),
            [("jsonld:store.example:sku:K1", "Kettle", "2499.00", True)],
        ),
        (
            ld_page({"@type": "ItemList", "itemListElement": [
                {"@type": "ListItem", "item": {**PRODUCT, "sku": "A", "name": "A"}},
                {"@type": "ListItem", "item": {**PRODUCT, "sku": "B", "name": "B"}}]}),
            [("jsonld:store.example:sku:A", "A", "2499.00", True),
             ("jsonld:store.example:sku:B", "B", "2499.00", True)],
        ),
        (
            ld_page({"@type": "ProductGroup", "name": "Tee", "description": "Cotton", "hasVariant": [
                {"@type": "Product", "name": "Tee S", "sku": "T-S", "offers": PRODUCT["offers"]},
                {"@type": "Product", "name": "Tee M", "sku": "T-M", "offers": PRODUCT["offers"]}]}),
            [("jsonld:store.example:sku:T-S", "Tee S", "2499.00", True),
             ("jsonld:store.example:sku:T-M", "Tee M", "2499.00", True)],
        ),
        (ld_page({"@type": "Organization", "name": "Us"}), []),
        (ld_page(), []),
    ],
)  # fmt: skip
def test_json_ld_products_in_every_shape(page: Any, products: list[tuple[Any, ...]]) -> None:
    parsed = jsonld_products(page.body, page_url=f"{STORE}/p/kettle", currency=None)
    assert parsed.skipped == []
    assert [
        (p.external_id, p.product.name, str(p.product.price), p.product.in_stock)
        for p in parsed.products
    ] == products


def test_json_ld_images_descriptions_and_urls() -> None:
    page = ld_page({**PRODUCT, "image": [{"@type": "ImageObject", "url": "/img/k.jpg"}],
                    "description": "Boils <b>fast</b>", "url": "/p/kettle-2"})  # fmt: skip
    [found] = jsonld_products(page.body, page_url=f"{STORE}/p/kettle", currency=None).products
    assert found.product.image_url == f"{STORE}/img/k.jpg"
    assert found.product.description == "Boils fast"
    assert found.source_url == f"{STORE}/p/kettle-2"


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (ld_page(raw='{"@type": "Product", "name": '), "invalid JSON-LD: Expecting value"),
        (ld_page({"@type": "Product", "name": "Box", "offers": {}}), "Box: no price"),
        (ld_page({"@type": "Product", "offers": PRODUCT["offers"]}), "a product without a name"),
        (ld_page({"@type": "Product", "name": "Box", "offers": {"price": "1",
                                                                  "priceCurrency": "Rs"}}),
         "Box: currency 'Rs' is not an ISO 4217 code"),
    ],
)  # fmt: skip
def test_broken_json_ld_is_reported_with_the_page(page: Any, reason: str) -> None:
    parsed = jsonld_products(page.body, page_url=f"{STORE}/p/x", currency=None)
    assert parsed.products == []
    [skipped] = parsed.skipped
    assert skipped.url == f"{STORE}/p/x" and skipped.reason.startswith(reason)


def test_invalid_json_ld_beside_a_good_product_is_not_a_skip() -> None:
    page = ld_page(PRODUCT, raw="{not json")
    parsed = jsonld_products(page.body, page_url=STORE, currency=None)
    assert len(parsed.products) == 1 and parsed.skipped == []


NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


@pytest.mark.parametrize(
    ("xml", "sitemap"),
    [
        (f"<urlset {NS}><url><loc> {STORE}/a </loc></url><url><loc>/b</loc></url>"
         f"<url><loc>{STORE}/a</loc></url><url><loc>mailto:x@y</loc></url></urlset>",
         Sitemap(pages=(f"{STORE}/a", f"{STORE}/b"))),
        (f"<sitemapindex {NS}><sitemap><loc>{STORE}/s1.xml</loc></sitemap></sitemapindex>",
         Sitemap(sitemaps=(f"{STORE}/s1.xml",))),
        ("<urlset><url><loc>https://store.example/c</loc></url></urlset>",
         Sitemap(pages=(f"{STORE}/c",))),
        ("\ufeff<?xml version='1.0'?><urlset/>", Sitemap()),
    ],
)  # fmt: skip
def test_sitemaps_and_sitemap_indexes(xml: str, sitemap: Sitemap) -> None:
    assert parse_sitemap(xml.encode(), base_url=f"{STORE}/sitemap.xml") == sitemap


@pytest.mark.parametrize(
    "xml",
    [
        "<html><body>not found</body></html>",
        "<urlset><url><loc>",
        "",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><urlset>&a;</urlset>',
    ],
)
def test_what_is_not_a_sitemap(xml: str) -> None:
    with pytest.raises(NotASitemap):
        parse_sitemap(xml.encode(), base_url=STORE)


def test_gzipped_sitemaps_unpack_within_the_cap() -> None:
    xml = f"<urlset {NS}><url><loc>{STORE}/a</loc></url></urlset>".encode()
    assert gunzip(gzip.compress(xml), 10_000) == xml
    assert gunzip(xml, 10_000) == xml  # not gzipped: as it is
    with pytest.raises(NotASitemap, match="larger than"):
        gunzip(gzip.compress(b"x" * 100_000), 10_000)
    with pytest.raises(NotASitemap, match="broken gzip"):
        gunzip(b"\x1f\x8b" + b"garbage", 10_000)


def test_robots_txt_names_sitemaps() -> None:
    robots = (
        "User-agent: *\nDisallow: /cart\n"
        "Sitemap: https://store.example/sitemap_index.xml\n"
        "sitemap:/products.xml # ours\n"
        "SITEMAP: https://cdn.example/s.xml\n"
        "Sitemap: https://store.example/sitemap_index.xml\n"
    )
    assert robots_sitemaps(robots, base_url=f"{STORE}/robots.txt") == [
        f"{STORE}/sitemap_index.xml",
        f"{STORE}/products.xml",
        "https://cdn.example/s.xml",
    ]


def test_product_pages_are_fetched_first_and_pages_stay_on_their_site() -> None:
    urls = [f"{STORE}/blog/1", f"{STORE}/products/tea", f"{STORE}/about", f"{STORE}/shop/x"]
    assert products_first(urls) == [urls[1], urls[3], urls[0], urls[2]]
    assert same_site("https://www.store.example/a", f"{STORE}/sitemap.xml")
    assert not same_site("https://evil.example/a", f"{STORE}/sitemap.xml")


def test_the_parsers_do_no_io() -> None:
    for module in sorted(Path(parsing.__file__).parent.glob("*.py")):
        source = module.read_text()
        for forbidden in ("httpx", "asyncio", "asyncpg", "socket", "urlopen", "datetime.now"):
            assert forbidden not in source, (module.name, forbidden)


def test_a_shopify_page_round_trips_through_json() -> None:
    data = json.loads(json.dumps({"products": shopify_catalog(tea_price="499.99")}))
    parsed = shopify_products(data, store_url=STORE, currency="PKR")
    assert parsed.products[0].product.price == Decimal("499.99")
