"""The HTTP client that POSTs webhooks: URL safety check (the call pinned to the checked
address), one budget per attempt, no redirects."""

import asyncio
import time

import httpx

from sauda_runtime.metrics import WEBHOOK_DELIVERIES, delivery_labels
from sauda_runtime.netguard import UnsafeUrl, pinned
from sauda_runtime.tracing import traced_transport
from sauda_webhooks.domain.deliveries import EXCERPT_BYTES, AttemptResult, outcome_error


class HttpSender:
    def __init__(self, *, timeout: float, allow_private: bool) -> None:
        self._timeout = timeout
        self._allow_private = allow_private
        # Budget enforced by asyncio.timeout around the whole attempt; httpx's own per-phase
        # timeouts are a backstop.
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            # Each POST a child span with its traceparent sent on, when tracing is on.
            transport=traced_transport(
                limits=httpx.Limits(max_connections=None, max_keepalive_connections=50)
            ),
        )

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> AttemptResult:
        """Never raises: every way an attempt can go wrong is a result (counted by outcome)."""
        result = await self._attempt(url, body, headers)
        labels = delivery_labels(result.status_code, result.error, result.permanent)
        WEBHOOK_DELIVERIES.labels(*labels).inc()
        return result

    async def _attempt(self, url: str, body: bytes, headers: dict[str, str]) -> AttemptResult:
        try:
            to = await pinned(
                url, require_https=not self._allow_private, allow_private=self._allow_private
            )
        except UnsafeUrl as exc:
            return AttemptResult(None, None, None, f"refused URL: {exc}", permanent=True)
        started = time.perf_counter()
        status: int | None = None
        excerpt = b""
        try:
            async with asyncio.timeout(self._timeout):
                async with self._client.stream("POST", to.url, content=body,
                                               headers=headers | to.headers,
                                               extensions=to.extensions) as resp:  # fmt: skip
                    status = resp.status_code
                    async for chunk in resp.aiter_bytes():
                        excerpt += chunk
                        if len(excerpt) >= EXCERPT_BYTES:
                            break  # read at most 1 KiB; the connection is closed, not drained
        except TimeoutError:
            return AttemptResult(
                status, _ms(started), _text(excerpt), f"timed out after {self._timeout:g} s"
            )
        except httpx.HTTPError as exc:
            return AttemptResult(
                status, _ms(started), _text(excerpt), f"{type(exc).__name__}: {exc}"[:1000]
            )
        return AttemptResult(status, _ms(started), _text(excerpt), outcome_error(status))

    async def aclose(self) -> None:
        await self._client.aclose()


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _text(raw: bytes) -> str | None:
    return raw[:EXCERPT_BYTES].decode("utf-8", errors="replace") or None
