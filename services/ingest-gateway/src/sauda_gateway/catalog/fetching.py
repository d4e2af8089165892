"""Fetching for a store import: every request, redirects included, passes the same URL rules as
webhooks (sauda_runtime.netguard) first, since a sitemap may point anywhere; requests, bytes,
time and parallel requests are capped; a request that fails becomes a reason, never the end."""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpx

from sauda_contracts.catalog import SkippedItem
from sauda_gateway.catalog.parsing.values import Parsed
from sauda_runtime.netguard import Pinned, UnsafeUrl, pinned

MAX_REDIRECTS = 5

Progress = Callable[[int, int | None], None]  # (requests made, requests expected or None)


@dataclass(frozen=True)
class CrawlLimits:
    max_pages: int = 500  # HTTP requests per import, probes and sitemaps included
    timeout: float = 10.0  # seconds per request, body included
    max_bytes: int = 5_000_000  # per response (unpacked)
    concurrency: int = 8
    budget: float = 120.0  # seconds for the whole import
    allow_private: bool = False  # development: http:// and loopback/private addresses


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


async def check(url: str, limits: CrawlLimits) -> Pinned:
    """The request to make for `url`, pinned to its checked address; raises UnsafeUrl when the
    URL may not be fetched."""
    allow = limits.allow_private
    return await pinned(url, require_https=not allow, allow_private=allow)


@dataclass
class Session:
    """One import's requests: counted against the caps, gated, each redirect hop checked."""

    limits: CrawlLimits
    http: httpx.AsyncClient
    on_progress: Progress | None
    requests: int = 0  # started, counted against max_pages
    finished: int = 0
    expected: int | None = None
    answered: bool = False  # whether anything at all answered

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.limits.budget
        self.gate = asyncio.Semaphore(self.limits.concurrency)

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
                to = await check(url, self.limits)
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
