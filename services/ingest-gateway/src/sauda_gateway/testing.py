"""Fake online stores on loopback for tests: a Shopify store, a WooCommerce store and a plain
site with a sitemap and JSON-LD product pages (broken ones too), each an HTTP server in a thread.

Used by this service's tests and by the end-to-end tests (a gateway process imports from them).
"""

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

HOLD_SECONDS = 120.0  # a held page answers after this even if its test forgot to let it go


@dataclass
class Page:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    hold: threading.Event | None = None  # answered once the test sets it (a page kept slow)

    @classmethod
    def json(cls, data: Any, **kw: Any) -> "Page":
        return cls(json.dumps(data), content_type="application/json", **kw)


class FakeStore:
    """Answers GETs from `pages`, keyed by path with query ("/products.json?limit=250&page=1")
    or by path alone; anything else is a 404. `{store}` in a body or header is the store's own
    address. Change `pages` between imports to change the store."""

    def __init__(self, pages: dict[str, Page] | None = None) -> None:
        self.pages: dict[str, Page] = dict(pages or {})
        self.hits: Counter[str] = Counter()
        store = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                store.hits[self.path] += 1
                page = store.pages.get(self.path) or store.pages.get(urlsplit(self.path).path)
                page = page or Page("not found", status=404, content_type="text/plain")
                if page.delay:
                    time.sleep(page.delay)
                if page.hold is not None:
                    page.hold.wait(HOLD_SECONDS)
                text = page.body
                body = (
                    text.replace("{store}", store.url).encode() if isinstance(text, str) else text
                )
                try:
                    self.send_response(page.status)
                    self.send_header("Content-Type", page.content_type)
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in page.headers.items():
                        self.send_header(name, value.replace("{store}", store.url))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the importer gave up on a slow page

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "FakeStore":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def serving(pages: dict[str, Page]) -> Iterator[FakeStore]:
    store = FakeStore(pages).start()
    try:
        yield store
    finally:
        store.stop()


# --- a Shopify store ---


def shopify_product(
    product_id: int,
    title: str,
    variants: list[tuple[int, str, str, bool, str | None]],
    **extra: Any,
) -> dict[str, Any]:
    """A product of `/products.json`; variants are (id, title, price, available, sku)."""
    return {
        "id": product_id,
        "title": title,
        "handle": title.lower().replace(" ", "-"),
        "body_html": f"<p>{title}, <strong>fresh</strong> from the shop.</p>",
        "tags": ["grocery"],
        "images": [{"src": f"https://cdn.example/{product_id}.jpg"}],
        "variants": [
            {
                "id": vid,
                "title": vtitle,
                "price": price,
                "available": available,
                "sku": sku,
                "featured_image": None,
            }
            for vid, vtitle, price, available, sku in variants
        ],
        **extra,
    }


def shopify_catalog(tea_price: str = "450.00") -> list[dict[str, Any]]:
    return [
        shopify_product(
            101, "Tapal Danedar Tea", [(1001, "Default Title", tea_price, True, "TAP-1")]
        ),
        shopify_product(
            102,
            "Basmati Rice",
            [(1002, "1 kg", "350.00", True, "RICE-1"), (1003, "5 kg", "1650.00", False, "RICE-5")],
        ),
        shopify_product(103, "Gift Card", [(1004, "Default Title", "free", True, None)]),
    ]


def shopify_pages(products: list[dict[str, Any]], currency: str = "PKR") -> dict[str, Page]:
    """A Shopify store with these products, two per page of /products.json."""
    pages = {"/meta.json": Page.json({"name": "Fake Shopify", "currency": currency})}
    chunks = [products[i : i + 2] for i in range(0, len(products), 2)] + [[]]
    for n, chunk in enumerate(chunks, start=1):
        pages[f"/products.json?limit=250&page={n}"] = Page.json({"products": chunk})
    return pages


# --- a WooCommerce store ---


def woo_product(
    product_id: int,
    name: str,
    price_minor: str,
    *,
    minor_unit: int = 2,
    in_stock: bool = True,
    sku: str = "",
    currency: str = "USD",
) -> dict[str, Any]:
    """A product of the Store API (`/wp-json/wc/store/v1/products`)."""
    return {
        "id": product_id,
        "name": name,
        "slug": name.lower().replace(" ", "-"),
        "permalink": f"{{store}}/product/{name.lower().replace(' ', '-')}/",
        "sku": sku,
        "short_description": f"<p>{name} &amp; more</p>",
        "description": "<p>Long description</p>",
        "images": [{"id": 1, "src": f"https://cdn.example/woo-{product_id}.jpg"}],
        "prices": {
            "price": price_minor,
            "regular_price": price_minor,
            "sale_price": price_minor,
            "currency_code": currency,
            "currency_minor_unit": minor_unit,
        },
        "is_in_stock": in_stock,
        "type": "simple",
    }


def woo_pages(pages_of_products: list[list[dict[str, Any]]]) -> dict[str, Page]:
    total = str(len(pages_of_products))
    pages: dict[str, Page] = {}
    for n, products in enumerate(pages_of_products, start=1):
        pages[f"/wp-json/wc/store/v1/products?per_page=100&page={n}"] = Page.json(
            products, headers={"X-WP-TotalPages": total, "X-WP-Total": "0"}
        )
    return pages


# --- a plain site: robots.txt, a sitemap index, JSON-LD product pages ---


def ld_page(*blocks: Any, raw: str | None = None, canonical: str | None = None) -> Page:
    """An HTML page with these JSON-LD blocks (or `raw` script text, for broken ones)."""
    scripts = [json.dumps(b) for b in blocks] + ([raw] if raw is not None else [])
    head = "".join(f'<script type="application/ld+json">{s}</script>' for s in scripts)
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return Page(f"<html><head><title>x</title>{link}{head}</head><body><h1>Shop</h1></body></html>")


def sitemap(urls: list[str], *, index: bool = False) -> Page:
    tag, item = ("sitemapindex", "sitemap") if index else ("urlset", "url")
    locs = "".join(f"<{item}><loc>{u}</loc></{item}>" for u in urls)
    body = f'<?xml version="1.0" encoding="UTF-8"?><{tag} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</{tag}>'
    return Page(body, content_type="application/xml")


def held_site(pages: int, *, held: int, broken: int, hold: threading.Event) -> dict[str, Page]:
    """A sitemap of `pages` JSON-LD product pages (PKR, one product each): the last `held`
    answer only once `hold` is set, and `broken` before them are HTTP 500s."""
    site = {"/sitemap.xml": sitemap([f"{{store}}/products/p{n}" for n in range(pages)])}
    for n in range(pages):
        product = {"@type": "Product", "name": f"Product {n}", "sku": f"P-{n}",
                   "offers": {"price": 100 + n, "priceCurrency": "PKR"}}  # fmt: skip
        page = ld_page(product)
        if n >= pages - held:
            page.hold = hold
        elif n >= pages - held - broken:
            page = Page("<h1>Internal Server Error</h1>", status=500)
        site[f"/products/p{n}"] = page
    return site


def jsonld_site(*, kettle_price: str = "2499.00") -> dict[str, Page]:
    """A site whose robots.txt names a sitemap index; its product sitemap lists good pages and
    broken ones (HTTP 500, invalid JSON-LD, a Product without a price), its page sitemap an
    about page without products."""
    url = "{store}"
    return {
        "/robots.txt": Page(
            "User-agent: *\nDisallow: /cart\nSitemap: {store}/sitemap_index.xml\n",
            content_type="text/plain",
        ),
        "/sitemap_index.xml": sitemap(
            [f"{url}/sitemap-pages.xml", f"{url}/sitemap-products.xml"], index=True
        ),
        "/sitemap-pages.xml": sitemap([f"{url}/about"]),
        "/sitemap-products.xml": sitemap(
            [
                f"{url}/products/{p}"
                for p in ("kettle", "mugs", "teapot-set", "broken", "invalid-ld", "no-price")
            ]
        ),
        "/about": ld_page(
            {"@context": "https://schema.org", "@type": "Organization", "name": "Us"}
        ),
        "/products/kettle": ld_page(
            {
                "@context": "https://schema.org",
                "@type": "Product",
                "name": "Steel Kettle",
                "sku": "KET-1",
                "image": ["/img/kettle.jpg"],
                "description": "Boils <b>fast</b>.",
                "offers": {
                    "@type": "Offer",
                    "price": kettle_price,
                    "priceCurrency": "PKR",
                    "availability": "https://schema.org/InStock",
                },
            }
        ),
        "/products/mugs": ld_page(
            {
                "@context": "https://schema.org",
                "@graph": [
                    {"@type": "WebPage", "name": "Mugs"},
                    {
                        "@type": "Product",
                        "name": "Clay Mug",
                        "image": {"@type": "ImageObject", "url": "https://cdn.example/mug.jpg"},
                        "offers": [
                            {
                                "@type": "Offer",
                                "price": 300,
                                "priceCurrency": "PKR",
                                "availability": "http://schema.org/OutOfStock",
                            }
                        ],
                    },
                ],
            },
            canonical=f"{url}/products/mugs",
        ),
        "/products/teapot-set": ld_page(
            {
                "@context": "https://schema.org",
                "@type": "ProductGroup",
                "name": "Teapot",
                "description": "Porcelain.",
                "hasVariant": [
                    {
                        "@type": "Product",
                        "name": "Teapot – White",
                        "sku": "TP-W",
                        "offers": {
                            "@type": "AggregateOffer",
                            "lowPrice": "1,200.00",
                            "priceCurrency": "PKR",
                        },
                    },
                    {
                        "@type": "Product",
                        "name": "Teapot – Blue",
                        "sku": "TP-B",
                        "offers": {"@type": "Offer", "price": "1250", "priceCurrency": "PKR"},
                    },
                ],
            }
        ),
        "/products/broken": Page("<h1>Internal Server Error</h1>", status=500),
        "/products/invalid-ld": ld_page(raw='{"@type": "Product", "name": "Oops",'),
        "/products/no-price": ld_page(
            {
                "@context": "https://schema.org",
                "@type": "Product",
                "name": "Mystery Box",
                "offers": {"@type": "Offer"},
            }
        ),
    }
