"""Reading a store's catalog over HTTP: which kind of store it is (Shopify, WooCommerce, or a
sitemap of pages with schema.org JSON-LD), its pages, and what could not be read."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from sauda_contracts.catalog import ISO_4217, ImportSource, SkippedItem
from sauda_gateway.catalog.domain import CatalogNotFound, CurrencyRequired, StoreUnreachable
from sauda_gateway.catalog.fetching import (
    CrawlLimits,
    Fetched,
    FetchFailed,
    Progress,
    Session,
    check,
)
from sauda_gateway.catalog.parsing.jsonld import jsonld_products
from sauda_gateway.catalog.parsing.sitemaps import (
    NotASitemap,
    gunzip,
    parse_sitemap,
    products_first,
    robots_sitemaps,
    same_site,
)
from sauda_gateway.catalog.parsing.stores import (
    SHOPIFY_PAGE_SIZE,
    WOO_PAGE_SIZE,
    shopify_ids,
    shopify_products,
    woo_products,
)
from sauda_gateway.catalog.parsing.values import Parsed, ScrapedProduct, origin_of
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

USER_AGENT = "SaudaCatalogImport/1.0 (+catalog import requested by the store's owner)"
MAX_SITEMAP_DEPTH = 3  # an index of indexes of sitemaps


@dataclass
class Crawl:
    source: ImportSource
    products: list[ScrapedProduct]
    skipped: list[SkippedItem]
    pages: int


class StoreCrawler:
    """Reads a store's catalog; one instance serves every import (each gets its own client)."""

    def __init__(self, limits: CrawlLimits) -> None:
        self.limits = limits

    async def admit(self, url: str) -> None:
        """Raises UnsafeUrl when the store's address may not be fetched (before any request)."""
        await check(url, self.limits)

    async def crawl(
        self, url: str, *, currency: str | None = None, on_progress: Progress | None = None
    ) -> Crawl:
        await check(url, self.limits)
        async with httpx.AsyncClient(
            follow_redirects=False,  # each hop is checked before it is followed
            timeout=httpx.Timeout(self.limits.timeout),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=self.limits.concurrency),
        ) as http:
            return await _Import(self.limits, http, on_progress).run(url, currency)


class _Import(Session):
    """One import: the strategies tried in turn, each reading pages through the session."""

    async def run(self, url: str, currency: str | None) -> Crawl:
        origin = origin_of(url)
        if urlsplit(url).path.lower().endswith((".xml", ".xml.gz")):
            return await self.from_sitemaps(url, [url], currency)
        try:
            first, data = await self.fetch_json(
                f"{origin}/products.json?limit={SHOPIFY_PAGE_SIZE}&page=1"
            )
            if isinstance(data, dict) and isinstance(data.get("products"), list):
                return await self.shopify(origin_of(first.url), data, currency)
        except FetchFailed as exc:
            if not self.answered:
                raise StoreUnreachable(
                    f"{origin} did not answer: {exc.reason}", field="url"
                ) from None
        try:
            first, data = await self.fetch_json(
                f"{origin}/wp-json/wc/store/v1/products?per_page={WOO_PAGE_SIZE}&page=1"
            )
            if isinstance(data, list):
                return await self.woocommerce(origin_of(first.url), first, data, currency)
        except FetchFailed:
            pass
        return await self.from_sitemaps(url, [], currency)

    async def shopify(self, origin: str, data: Any, currency: str | None) -> Crawl:
        currency = await self.shopify_currency(origin) or currency
        if currency is None:
            raise CurrencyRequired(
                f"{origin} does not say its currency: send `currency` (ISO 4217) with the import",
                field="currency",
            )
        found = Parsed()
        seen: set[str] = set()
        page = 1
        while True:
            ids = shopify_ids(data)
            if not ids or ids <= seen:  # the end, or a store that ignores `page`
                break
            seen |= ids
            found.extend(shopify_products(data, store_url=origin, currency=currency))
            page += 1
            next_url = f"{origin}/products.json?limit={SHOPIFY_PAGE_SIZE}&page={page}"
            try:
                _, data = await self.fetch_json(next_url)
            except FetchFailed as exc:
                found.skip(next_url, exc.reason)
                break
        return self.done(ImportSource.SHOPIFY, found)

    async def shopify_currency(self, origin: str) -> str | None:
        """The shop's currency: `/meta.json` says it, and so does the Ajax API's `/cart.js`."""
        for path in ("/meta.json", "/cart.js"):
            try:
                _, data = await self.fetch_json(origin + path)
            except FetchFailed:
                continue
            code = data.get("currency") if isinstance(data, dict) else None
            if isinstance(code, str) and code.upper() in ISO_4217:
                return code.upper()
        return None

    async def woocommerce(
        self, origin: str, first: Fetched, data: list[Any], currency: str | None
    ) -> Crawl:
        found = woo_products(data, store_url=origin, currency=currency)

        def page_url(n: int) -> str:
            return f"{origin}/wp-json/wc/store/v1/products?per_page={WOO_PAGE_SIZE}&page={n}"

        async def page(url: str) -> Parsed:
            _, data = await self.fetch_json(url)
            return woo_products(data, store_url=origin, currency=currency)

        total = first.headers.get("x-wp-totalpages", "")
        if total.isdigit():
            urls = [page_url(n) for n in range(2, min(int(total), 100_000) + 1)]
            found.extend(await self.each(self.within_cap(urls, found, where=page_url(1)), page))
        else:  # no page count: page on until a short one
            n = 1
            while len(data) >= WOO_PAGE_SIZE:
                n += 1
                try:
                    _, data = await self.fetch_json(page_url(n))
                except FetchFailed as exc:
                    found.skip(page_url(n), exc.reason)
                    break
                found.extend(woo_products(data, store_url=origin, currency=currency))
                if not isinstance(data, list):
                    break
        return self.done(ImportSource.WOOCOMMERCE, found)

    async def from_sitemaps(self, url: str, given: list[str], currency: str | None) -> Crawl:
        origin, guess = origin_of(url), f"{origin_of(url)}/sitemap.xml"
        sitemaps = list(given)
        if not sitemaps:
            try:
                robots = await self.fetch_ok(f"{origin}/robots.txt")
                sitemaps = robots_sitemaps(robots.text(), base_url=robots.url)
            except FetchFailed:
                pass
        found = Parsed()
        pages = await self.sitemap_pages(sitemaps, found)
        if not pages and not given and guess not in sitemaps:
            # robots.txt named none (or none that worked): the usual place.
            sitemaps.append(guess)
            pages = await self.sitemap_pages([guess], found)
        if not pages:
            pages = [url]  # no sitemap: perhaps the address is a product page itself
        pages = self.within_cap(pages, found, where=sitemaps[0] if sitemaps else url)

        async def page(page_url: str) -> Parsed:
            fetched = await self.fetch_ok(page_url)
            return jsonld_products(fetched.text(), page_url=fetched.url, currency=currency)

        found.extend(await self.each(pages, page))
        if not found.products:
            if not self.answered:
                raise StoreUnreachable(f"{origin} did not answer", field="url")
            raise CatalogNotFound(
                f"{origin} has no Shopify or WooCommerce catalog and no schema.org Product on "
                "the pages of its sitemap",
                field="url",
                details={"pages": self.requests,
                         "skipped": [s.model_dump() for s in found.skipped[:50]]},
            )  # fmt: skip
        return self.done(ImportSource.JSONLD, found)

    async def sitemap_pages(self, sitemaps: list[str], found: Parsed) -> list[str]:
        """The page URLs of these sitemaps and of the sitemaps their indexes list."""
        pages: list[str] = []
        children: list[str] = []
        seen: set[str] = set()

        async def read(url: str) -> Parsed:
            fetched = await self.fetch_ok(url)
            try:
                sitemap = parse_sitemap(gunzip(fetched.body, self.limits.max_bytes),
                                        base_url=fetched.url)  # fmt: skip
            except NotASitemap as exc:
                raise FetchFailed(f"not a sitemap: {exc}") from None
            pages.extend(u for u in sitemap.pages if same_site(u, fetched.url))
            children.extend(sitemap.sitemaps)
            return Parsed()

        level = sitemaps
        for _ in range(MAX_SITEMAP_DEPTH + 1):
            level = [u for u in products_first(level) if u not in seen]
            if not level:
                break
            seen.update(level)
            children.clear()
            found.extend(await self.each(level, read))
            level = list(children)
        return products_first(list(dict.fromkeys(pages)))

    def done(self, source: ImportSource, found: Parsed) -> Crawl:
        log.info("catalog_crawled", source=source.value, products=len(found.products),
                 skipped=len(found.skipped), requests=self.requests)  # fmt: skip
        return Crawl(source, found.products, found.skipped, self.requests)
