"""One attempt of a delivery and its record (retry record, dead letter, endpoint health), the
retry topics' claim, the sweep, and first attempts in the background."""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from sauda_contracts import Topic
from sauda_contracts.webhooks import WebhookAttemptDue, WebhookDeliveryStatus
from sauda_runtime.logging import get_logger
from sauda_runtime.retrying import Clock
from sauda_webhooks.adapters.store import PgWebhookStore, Tx
from sauda_webhooks.domain.deliveries import (
    FINAL,
    AttemptResult,
    Delivery,
    after_attempt,
    retry_topic,
)
from sauda_webhooks.domain.endpoints import Endpoint, count_delivery, is_usable
from sauda_webhooks.domain.records import attempt_due, deactivated, dead_letter, recorded
from sauda_webhooks.domain.signatures import request_headers

log = get_logger(__name__)

__all__ = ["Clock", "DispatcherConfig", "Sender", "Sends", "attempt", "claim_retry", "sweep_stale"]


class Sender(Protocol):
    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> AttemptResult: ...


@dataclass(frozen=True)
class DispatcherConfig:
    retry_scale: float = 1.0
    stale_after: float = 60.0
    max_event_age: float = 86400.0
    endpoint_concurrency: int = 4
    deactivate_after: int = 10


@dataclass
class Sends:
    """The in-process sending state: per-endpoint gates, first attempts in the background."""

    attempt: Callable[[Delivery], Awaitable[object]]
    endpoint_concurrency: int = 4
    gates: dict[UUID, asyncio.Semaphore] = field(default_factory=dict)
    tasks: set["asyncio.Task[None]"] = field(default_factory=set)
    inflight: set[UUID] = field(default_factory=set)

    def gate(self, endpoint_id: UUID) -> asyncio.Semaphore:
        if endpoint_id not in self.gates:
            self.gates[endpoint_id] = asyncio.Semaphore(self.endpoint_concurrency)
        return self.gates[endpoint_id]

    async def spawn_all(self, deliveries: Iterable[Delivery] | None) -> None:
        self.spawn(deliveries or ())

    def spawn(self, deliveries: Iterable[Delivery]) -> None:
        """First attempts of committed (and claimed) deliveries, in the background, so the
        consumer never waits on a slow endpoint; a crash loses nothing (the sweep resends)."""
        for d in deliveries:
            if d.delivery_id in self.inflight:
                continue
            self.inflight.add(d.delivery_id)
            task = asyncio.create_task(self._first(d))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _first(self, d: Delivery) -> None:
        try:
            await self.attempt(d)
        except Exception as exc:  # Postgres away: the row stays claimed and the sweep retries
            log.error("attempt_failed", delivery_id=str(d.delivery_id), error=repr(exc))
        finally:
            self.inflight.discard(d.delivery_id)

    async def drain(self, timeout: float = 5.0) -> None:
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=timeout)
        for task in set(self.tasks):
            task.cancel()


async def attempt(
    delivery: Delivery,
    *,
    store: PgWebhookStore,
    sender: Sender,
    gate: Callable[[UUID], asyncio.Semaphore],
    clock: Clock,
    config: DispatcherConfig,
) -> Delivery | None:
    """One attempt of a delivery this process holds; returns it as recorded (None if another
    sender recorded this attempt first)."""
    now = clock()
    async with store.transaction() as tx:
        endpoint = await tx.endpoint(delivery.endpoint_id, now)
    counts = True
    if endpoint is None:
        result = AttemptResult(None, None, None, "endpoint deleted", permanent=True)
        counts = False
    elif not delivery.manual and not is_usable(endpoint):
        result = AttemptResult(None, None, None, "endpoint inactive", permanent=True)
        counts = False
    else:
        async with gate(endpoint.endpoint_id):
            headers = request_headers(
                endpoint.secrets,
                msg_id=delivery.delivery_id,
                timestamp=int(clock().timestamp()),
                body=delivery.body,
            )
            result = await sender.post(endpoint.url, delivery.body, headers)
    return await record_attempt(
        delivery,
        result,
        endpoint=endpoint if counts else None,
        store=store,
        clock=clock,
        config=config,
    )


async def record_attempt(
    delivery: Delivery,
    result: AttemptResult,
    *,
    endpoint: Endpoint | None,
    store: PgWebhookStore,
    clock: Clock,
    config: DispatcherConfig,
) -> Delivery | None:
    now = clock()
    async with store.transaction() as tx:
        current = await tx.delivery(delivery.delivery_id, for_update=True)
        if current is None or current.status in FINAL or current.attempts != delivery.attempts:
            log.info("attempt_superseded", delivery_id=str(delivery.delivery_id))
            return None
        updated = after_attempt(current, result, now=now, retry_scale=config.retry_scale)
        await tx.save_attempt(updated)
        rows = [_row(Topic.WEBHOOKS_EVENTS, updated.endpoint_id, recorded(updated).to_bytes())]
        if updated.next_attempt_at is not None:
            due = attempt_due(updated, now=now).to_bytes()
            rows.append(_row(retry_topic(updated.attempts + 1), updated.endpoint_id, due))
        if updated.status is WebhookDeliveryStatus.FAILED:
            rows.append(
                _row(Topic.WEBHOOKS_DLQ, updated.endpoint_id, dead_letter(updated).to_bytes())
            )
        if updated.status in FINAL and endpoint is not None:
            rows += await _count_health(tx, updated, endpoint, now=now, config=config)
        tx.publish(rows)
    _log_attempt(updated)
    return updated


def _row(topic: str, key: UUID, value: bytes) -> tuple[str, bytes, bytes]:
    return (topic, str(key).encode(), value)


async def _count_health(
    tx: Tx, delivery: Delivery, endpoint: Endpoint, *, now: datetime, config: DispatcherConfig
) -> list[tuple[str, bytes, bytes]]:
    health = await tx.health_for_update(endpoint.endpoint_id)
    health, deactivate = count_delivery(
        health,
        activated_at=endpoint.activated_at,
        succeeded=delivery.status is WebhookDeliveryStatus.SUCCEEDED,
        now=now,
        threshold=config.deactivate_after,
    )
    await tx.save_health(endpoint.endpoint_id, health)
    if not deactivate:
        return []
    log.warning(
        "endpoint_deactivated",
        endpoint_id=str(endpoint.endpoint_id),
        consecutive_failures=health.consecutive_failures,
    )
    return [
        _row(Topic.WEBHOOKS_EVENTS, endpoint.endpoint_id, deactivated(delivery, health).to_bytes())
    ]


def _log_attempt(d: Delivery) -> None:
    fields = {
        "delivery_id": str(d.delivery_id),
        "endpoint_id": str(d.endpoint_id),
        "webhook_event": d.event,
        "attempt": d.attempts,
        "status": d.status.value,
        "response_status": d.response_status,
        "duration_ms": d.duration_ms,
        "error": d.error,
    }
    if d.status is WebhookDeliveryStatus.FAILED:
        log.warning("delivery_failed", **fields)
    else:
        log.info("delivery_attempted", **fields)


async def claim_retry(
    due: WebhookAttemptDue, *, store: PgWebhookStore, clock: Clock, config: DispatcherConfig
) -> Delivery | None:
    """A due retry record's delivery, claimed for its attempt; None for a repeat of a retry
    record, or another sender's delivery."""
    now = clock()
    stale = now - timedelta(seconds=config.stale_after)
    async with store.transaction() as tx:
        return await tx.claim(
            due.body.delivery_id, attempts=due.body.attempt - 1, now=now, stale_before=stale
        )


async def sweep_stale(
    *,
    store: PgWebhookStore,
    sends: Sends,
    clock: Clock,
    config: DispatcherConfig,
    limit: int = 100,
) -> int:
    """Resend deliveries whose sender died (claimed, never recorded) or whose retry record was
    lost; first attempts go in the background like the consumer's."""
    now = clock()
    stale = now - timedelta(seconds=config.stale_after)
    async with store.transaction() as tx:
        found = await tx.claim_stale(
            now=now, stale_before=stale, skip=list(sends.inflight), limit=limit
        )
    for delivery in found:
        log.info(
            "delivery_swept", delivery_id=str(delivery.delivery_id), attempts=delivery.attempts
        )
    sends.spawn(found)
    return len(found)
