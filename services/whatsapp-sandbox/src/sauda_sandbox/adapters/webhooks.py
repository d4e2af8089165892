"""Signed webhook delivery: one ordered queue per sender, retried with backoff, never on the request path."""

import asyncio
import json
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import httpx

from sauda_runtime.logging import get_logger
from sauda_sandbox.domain.webhooks import signature

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
    payload: dict[str, Any]
    delivery: Delivery


def _body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def coalesce(items: list[_Item]) -> dict[str, Any]:
    """One webhook carrying the `changes` of several, in order, as Meta batches them: the
    same object and WABA entry, its `changes` one after another."""
    first = items[0].payload
    entry = dict(first["entry"][0])
    entry["changes"] = [c for item in items for c in item.payload["entry"][0]["changes"]]
    return {**first, "entry": [entry]}


def _same_entry(a: _Item, b: _Item) -> bool:
    return a.url == b.url and a.payload["entry"][0].get("id") == b.payload["entry"][0].get("id")


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
        batch: int = 1,
    ) -> None:
        self._secret = app_secret
        self._max_attempts = max_attempts
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._timeout = timeout
        self._batch = batch
        self._queues: dict[str, asyncio.Queue[_Item]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._client: httpx.AsyncClient | None = None
        self.log: deque[Delivery] = deque(maxlen=history)

    def emit(self, key: str, url: str, payload: dict[str, Any]) -> Delivery:
        """Queue a webhook for `key`'s worker (started on first use, in the running loop)."""
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
        queue.put_nowait(_Item(url, payload, delivery))
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
        pending: list[_Item] = []
        while True:
            if not pending:
                pending.append(await queue.get())
            while not queue.empty():  # what is already waiting; nothing waits for more
                pending.append(queue.get_nowait())
            group = [pending[0]]
            while (len(group) < min(self._batch, len(pending))
                   and _same_entry(group[0], pending[len(group)])):  # fmt: skip
                group.append(pending[len(group)])
            del pending[: len(group)]
            try:
                await self._deliver(group)
            finally:
                for _ in group:
                    queue.task_done()

    async def _deliver(self, group: list[_Item]) -> None:
        deliveries = [item.delivery for item in group]
        delivery, url = deliveries[0], group[0].url
        about = {"key": delivery.key, "url": url, "changes": len(group), "field": delivery.field}
        body = _body(coalesce(group))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "facebookexternalua",
            "X-Hub-Signature-256": signature(self._secret, body),
        }
        for attempt in range(1, self._max_attempts + 1):
            for d in deliveries:
                d.attempts = attempt
            try:
                response = await self._http().post(url, content=body, headers=headers)
                for d in deliveries:
                    d.http_status = response.status_code
                if 200 <= response.status_code < 300:
                    for d in deliveries:
                        d.outcome, d.last_error = "delivered", None
                    return
                for d in deliveries:
                    d.last_error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                for d in deliveries:
                    d.last_error = repr(exc)
            backoff = min(self._max_backoff, self._first_backoff * 2 ** (attempt - 1))
            log.warning(
                "webhook_delivery_failed",
                **about,
                attempt=attempt,
                error=delivery.last_error,
                retry_in=backoff if attempt < self._max_attempts else None,
            )
            if attempt < self._max_attempts:
                await asyncio.sleep(backoff)
        for d in deliveries:
            d.outcome = "dropped"
        log.error("webhook_dropped", **about, attempts=self._max_attempts)
