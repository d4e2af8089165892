"""Signed webhook delivery: one ordered queue per sender, retried with backoff, never on the request path."""

import asyncio
import json
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import httpx

from sauda_runtime.logging import get_logger
from sauda_sandbox.domain import signature

log = get_logger(__name__)


@dataclass
class Delivery:
    """One webhook's fate, kept for `GET /sandbox/webhooks`."""

    key: str
    url: str
    field: str
    queued_at: float
    attempts: int = 0
    outcome: str = "pending"  # pending | delivered | dropped
    last_error: str | None = None
    http_status: int | None = None


@dataclass
class _Item:
    url: str
    body: bytes
    delivery: Delivery


class WebhookEmitter:
    """POSTs raw JSON with `X-Hub-Signature-256`; each key (a phone number, a WABA) in its own order.

    A failed delivery (non-2xx or no connection) is retried after `first_backoff`, doubling, for
    up to `max_attempts` tries; later webhooks of the same key wait for it, as Meta's do.
    """

    def __init__(
        self,
        app_secret: str,
        *,
        max_attempts: int = 10,
        first_backoff: float = 0.5,
        max_backoff: float = 60.0,
        timeout: float = 10.0,
        history: int = 500,
    ) -> None:
        self._secret = app_secret
        self._max_attempts = max_attempts
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._timeout = timeout
        self._queues: dict[str, asyncio.Queue[_Item]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._client: httpx.AsyncClient | None = None
        self.log: deque[Delivery] = deque(maxlen=history)

    def emit(self, key: str, url: str, payload: dict[str, Any]) -> Delivery:
        """Queue a webhook for `key`'s worker (started on first use, in the running loop)."""
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        changes = payload.get("entry", [{}])[0].get("changes", [{}])
        delivery = Delivery(
            key=key, url=url, field=str(changes[0].get("field", "")), queued_at=time.time()
        )
        self.log.append(delivery)
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = asyncio.Queue()
            self._workers[key] = asyncio.get_running_loop().create_task(
                self._work(key, queue), name=f"webhooks-{key}"
            )
        queue.put_nowait(_Item(url, body, delivery))
        return delivery

    async def idle(self) -> None:
        """Wait until every queued webhook is delivered or dropped."""
        for queue in list(self._queues.values()):
            await queue.join()

    async def close(self) -> None:
        for task in self._workers.values():
            task.cancel()
        await asyncio.gather(*self._workers.values(), return_exceptions=True)
        self._workers.clear()
        self._queues.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout)
        return self._client

    async def _work(self, key: str, queue: asyncio.Queue[_Item]) -> None:
        while True:
            item = await queue.get()
            try:
                await self._deliver(item)
            finally:
                queue.task_done()

    async def _deliver(self, item: _Item) -> None:
        delivery = item.delivery
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "facebookexternalua",
            "X-Hub-Signature-256": signature(self._secret, item.body),
        }
        for attempt in range(1, self._max_attempts + 1):
            delivery.attempts = attempt
            try:
                response = await self._http().post(item.url, content=item.body, headers=headers)
                delivery.http_status = response.status_code
                if 200 <= response.status_code < 300:
                    delivery.outcome = "delivered"
                    delivery.last_error = None
                    return
                delivery.last_error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                delivery.last_error = repr(exc)
            backoff = min(self._max_backoff, self._first_backoff * 2 ** (attempt - 1))
            log.warning(
                "webhook_delivery_failed",
                key=delivery.key,
                url=item.url,
                field=delivery.field,
                attempt=attempt,
                error=delivery.last_error,
                retry_in=backoff if attempt < self._max_attempts else None,
            )
            if attempt < self._max_attempts:
                await asyncio.sleep(backoff)
        delivery.outcome = "dropped"
        log.error(
            "webhook_dropped",
            key=delivery.key,
            url=item.url,
            field=delivery.field,
            attempts=self._max_attempts,
        )
