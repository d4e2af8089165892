"""Fetching a store's catalog over HTTP: which kind of store it is (Shopify, WooCommerce, or a
sitemap of pages with schema.org JSON-LD), its pages, and what could not be read.

Every request, redirects included, passes the same URL rules as webhooks (sauda_runtime.netguard)
first: a sitemap may point anywhere. Pages, bytes, time and parallel requests are capped; a page
that fails is reported and skipped, never the end of the import.
"""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from sauda_contracts.catalog import ISO_4217, ImportSource, SkippedItem
from sauda_gateway.catalog_import import (
    SHOPIFY_PAGE_SIZE,
    WOO_PAGE_SIZE,
    NotASitemap,
    Parsed,
    ScrapedProduct,
    gunzip,
    jsonld_products,
    origin_of,
    parse_sitemap,
    products_first,
    robots_sitemaps,
    same_site,
    shopify_ids,
    shopify_products,
    woo_products,
)
from sauda_runtime.logging import get_logger
from sauda_runtime.netguard import Pinned, UnsafeUrl, pinned

log = get_logger(__name__)

USER_AGENT = "SaudaCatalogImport/1.0 (+catalog import requested by the store's owner)"
MAX_REDIRECTS = 5
MAX_SITEMAP_DEPTH = 3  # an index of indexes of sitemaps

Progress = Callable[[int, int | None], None]  # (requests made, requests expected or None)


@dataclass(frozen=True)
class CrawlLimits:
    max_pages: int = 500  # HTTP requests per import, probes and sitemaps included
    timeout: float = 10.0  # seconds per request, body included
    max_bytes: int = 5_000_000  # per response (unpacked)
    concurrency: int = 8
    budget: float = 120.0  # seconds for the whole import
    allow_private: bool = False  # development: http:// and loopback/private addresses


@dataclass
class Crawl:
    source: ImportSource
    products: list[ScrapedProduct]
    skipped: list[SkippedItem]
    pages: int


class StoreUnreachable(Exception):
    """Nothing at the store's address answered."""


class CatalogNotFound(Exception):
    """The store answered but has no Shopify or WooCommerce catalog and no JSON-LD products."""

    def __init__(self, message: str, skipped: list[SkippedItem], pages: int) -> None:
        super().__init__(message)
        self.skipped, self.pages = skipped, pages


class CurrencyUnknown(Exception):
    """A Shopify store that does not say its currency, and no `currency` was given."""


class FetchFailed(Exception):
    """One request that gave nothing usable; `reason` goes into the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def text(self) -> str:
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


class StoreCrawler:
    """Reads a store's catalog; one instance serves every import (each gets its own client)."""

    def __init__(self, limits: CrawlLimits) -> None:
        self.limits = limits

    async def check(self, url: str) -> Pinned:
        """The request to make for `url`, pinned to its checked address; raises UnsafeUrl when
        the URL may not be fetched."""
        allow = self.limits.allow_private
        return await pinned(url, require_https=not allow, allow_private=allow)

    async def crawl(
        self, url: str, *, currency: str | None = None, on_progress: Progress | None = None
    ) -> Crawl:
        await self.check(url)
        async with httpx.AsyncClient(
            follow_redirects=False,  # each hop is checked before it is followed
            timeout=httpx.Timeout(self.limits.timeout),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=self.limits.concurrency),
        ) as http:
            return await _Import(self, http, on_progress).run(url, currency)


@dataclass
class _Import:
    crawler: StoreCrawler
    http: httpx.AsyncClient
    on_progress: Progress | None
    requests: int = 0  # started, counted against max_pages
    finished: int = 0
    expected: int | None = None
    answered: bool = False  # whether anything at all answered

    def __post_init__(self) -> None:
        self.limits = self.crawler.limits
        self.deadline = time.monotonic() + self.limits.budget
        self.gate = asyncio.Semaphore(self.limits.concurrency)

    # --- fetching ---

    def _progress(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.finished, self.expected)

    async def fetch(self, url: str) -> Fetched:
        """GET with every redirect hop checked; raises FetchFailed with a reason."""
        if self.requests >= self.limits.max_pages:
            raise FetchFailed(f"not fetched: at most {self.limits.max_pages} requests per "
                              "import (CATALOG_IMPORT_MAX_PAGES)")  # fmt: skip
        self.requests += 1
        async with self.gate:
            try:
                return await self._follow(url)
            finally:
                self.finished += 1
                self._progress()

    async def _follow(self, url: str) -> Fetched:
        for _ in range(MAX_REDIRECTS + 1):
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise FetchFailed(f"not fetched: the import's {self.limits.budget:g} s were "
                                  "spent (CATALOG_IMPORT_BUDGET_SECONDS)")  # fmt: skip
            try:
                to = await self.crawler.check(url)
            except UnsafeUrl as exc:
                raise FetchFailed(f"refused: {exc}") from None
            timeout = min(self.limits.timeout, left)
            try:
                async with asyncio.timeout(timeout):
                    fetched = await self._get(url, to)
            except TimeoutError:
                raise FetchFailed(f"timed out after {timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise FetchFailed(f"{type(exc).__name__}: {exc}"[:300]) from None
            self.answered = True
            location = fetched.headers.get("location")
            if fetched.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            return fetched
        raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")

    async def _get(self, url: str, to: Pinned) -> Fetched:
        limit = self.limits.max_bytes
        async with self.http.stream("GET", to.url, headers=to.headers,
                                    extensions=to.extensions) as response:  # fmt: skip
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                self.answered = True
                raise FetchFailed(f"larger than {limit} bytes")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > limit:
                    self.answered = True
                    raise FetchFailed(f"larger than {limit} bytes")
            return Fetched(url, response.status_code, response.headers, bytes(body))

    async def fetch_ok(self, url: str) -> Fetched:
        fetched = await self.fetch(url)
        if not 200 <= fetched.status < 300:
            raise FetchFailed(f"HTTP {fetched.status}")
        return fetched

    async def fetch_json(self, url: str) -> tuple[Fetched, Any]:
        fetched = await self.fetch_ok(url)
        try:
            return fetched, fetched.json()
        except (ValueError, RecursionError):
            raise FetchFailed("not JSON") from None

    def within_cap(self, urls: list[str], found: Parsed, *, where: str) -> list[str]:
        """As many of `urls` as the request cap leaves room for; the rest reported as one."""
        room = max(self.limits.max_pages - self.requests, 0)
        if len(urls) > room:
            found.skip(where, f"{len(urls) - room} more pages not fetched: at most "
                       f"{self.limits.max_pages} requests per import (CATALOG_IMPORT_MAX_PAGES)")  # fmt: skip
            urls = urls[:room]
        self.expected = self.requests + len(urls)
        self._progress()
        return urls

    async def each(self, urls: list[str], use: Callable[[str], Awaitable[Parsed]]) -> Parsed:
        """`use` on every URL in parallel (the gate bounds it); failures become skipped items."""

        async def one(url: str) -> Parsed:
            try:
                return await use(url)
            except FetchFailed as exc:
                return Parsed(skipped=[SkippedItem(url=url, reason=exc.reason)])

        found = Parsed()
        for parsed in await asyncio.gather(*(one(u) for u in urls)):
            found.extend(parsed)
        return found

    # --- the import ---

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
                raise StoreUnreachable(f"{origin} did not answer: {exc.reason}") from None
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
            raise CurrencyUnknown(f"{origin} does not say its currency")
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
                raise StoreUnreachable(f"{origin} did not answer")
            raise CatalogNotFound(
                f"{origin} has no Shopify or WooCommerce catalog and no schema.org Product on "
                "the pages of its sitemap",
                found.skipped,
                self.requests,
            )
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
