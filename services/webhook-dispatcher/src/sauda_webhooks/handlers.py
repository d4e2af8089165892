"""Dispatcher use cases: record deliveries with the events that cause them, attempt, retry, sweep."""

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from uuid import UUID, uuid5

from aiokafka import ConsumerRecord

from sauda_contracts import AnyOrderEvent, Topic
from sauda_contracts.webhooks import (
    AttemptDueBody,
    DeliveryStatus,
    RedeliverWebhook,
    SendTestWebhook,
    WebhookAttemptDue,
)
from sauda_contracts.whatsapp import DeadLetter, DeadLetterBody
from sauda_runtime.consumer import poison_letter
from sauda_runtime.logging import get_logger
from sauda_webhooks.adapters.store import PgWebhookStore, Tx
from sauda_webhooks.domain import (
    FINAL,
    MAX_ATTEMPTS,
    NAMESPACE,
    AttemptResult,
    Delivery,
    Endpoint,
    OrderFacts,
    after_attempt,
    count_delivery,
    deactivated,
    evolve_order,
    is_usable,
    new_delivery,
    payload_bytes,
    plan_deliveries,
    recorded,
    request_headers,
    retry_topic,
    test_payload,
)

log = get_logger(__name__)

ORDERS_CONSUMER = "webhooks-orders"
COMMANDS_CONSUMER = "webhooks-commands"


def utcnow() -> datetime:
    return datetime.now(UTC)


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
class Dispatcher:
    """The dispatcher's collaborators and its in-process sending state (per-endpoint gates,
    background first attempts)."""

    store: PgWebhookStore
    sender: Sender
    config: DispatcherConfig = field(default_factory=DispatcherConfig)
    clock: Callable[[], datetime] = utcnow
    wake: Callable[[], None] = lambda: None
    gates: dict[UUID, asyncio.Semaphore] = field(default_factory=dict)
    tasks: set["asyncio.Task[None]"] = field(default_factory=set)
    inflight: set[UUID] = field(default_factory=set)

    def gate(self, endpoint_id: UUID) -> asyncio.Semaphore:
        if endpoint_id not in self.gates:
            self.gates[endpoint_id] = asyncio.Semaphore(self.config.endpoint_concurrency)
        return self.gates[endpoint_id]

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
            await attempt(d, d=self)
        except Exception as exc:  # Postgres away: the row stays claimed and the sweep retries
            log.error("attempt_failed", delivery_id=str(d.delivery_id), error=repr(exc))
        finally:
            self.inflight.discard(d.delivery_id)

    async def drain(self, timeout: float = 5.0) -> None:
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=timeout)
        for task in set(self.tasks):
            task.cancel()


def _row(topic: str, key: UUID, value: bytes) -> tuple[str, bytes, bytes]:
    return (topic, str(key).encode(), value)


def _recorded_row(d: Delivery) -> tuple[str, bytes, bytes]:
    return _row(Topic.WEBHOOKS_EVENTS, d.endpoint_id, recorded(d).to_bytes())


# --- order events → deliveries ---


async def handle_order_events(events: Sequence[AnyOrderEvent], *, d: Dispatcher) -> list[Delivery]:
    """Fold the batch's events into our orders and record every delivery they owe, in one
    transaction with the processed-event marks and log records; returns the new deliveries
    (claimed by this process, to be sent once the caller has them)."""
    now = d.clock()
    created: list[Delivery] = []
    async with d.store.transaction() as tx:
        seen = await tx.already_processed(ORDERS_CONSUMER, [e.event_id for e in events])
        fresh: list[AnyOrderEvent] = []
        for e in events:
            if e.event_id not in seen:
                seen.add(e.event_id)
                fresh.append(e)
        if not fresh:
            return []
        orders = await tx.orders({e.body.order_id for e in fresh})
        endpoints = await tx.endpoints_of({e.business_id for e in fresh}, now)
        changed: dict[UUID, OrderFacts] = {}
        max_age = timedelta(seconds=d.config.max_event_age)
        for e in fresh:
            facts = evolve_order(orders.get(e.body.order_id), e)
            if facts is None:
                log.info("order_unknown", order_id=str(e.body.order_id), event=e.type)
                continue
            orders[facts.order_id] = changed[facts.order_id] = facts
            if now - e.occurred_at > max_age:
                continue  # a replay or a backlog: merchants are not told old news again
            for delivery in plan_deliveries(e, facts, endpoints.get(e.business_id, []), now=now):
                if await tx.insert_delivery(delivery, claimed_at=now):
                    created.append(delivery)
        await tx.save_orders(changed.values())
        await tx.mark_processed(ORDERS_CONSUMER, [e.event_id for e in fresh])
        await tx.outbox([_recorded_row(c) for c in created])
    for c in created:
        log.info(
            "delivery_created",
            delivery_id=str(c.delivery_id),
            endpoint_id=str(c.endpoint_id),
            webhook_event=c.event,
            order_id=str(c.order_id),
        )
    d.wake()
    return created


# --- attempts ---


async def attempt(delivery: Delivery, *, d: Dispatcher) -> Delivery | None:
    """One attempt of a delivery this process holds; returns it as recorded (None if another
    sender recorded this attempt first)."""
    now = d.clock()
    async with d.store.transaction() as tx:
        endpoint = await tx.endpoint(delivery.endpoint_id, now)
    counts = True
    if endpoint is None:
        result = AttemptResult(None, None, None, "endpoint deleted", permanent=True)
        counts = False
    elif not delivery.manual and not is_usable(endpoint):
        result = AttemptResult(None, None, None, "endpoint inactive", permanent=True)
        counts = False
    else:
        async with d.gate(endpoint.endpoint_id):
            headers = request_headers(
                endpoint.secrets,
                msg_id=delivery.delivery_id,
                timestamp=int(d.clock().timestamp()),
                body=delivery.body,
            )
            result = await d.sender.post(endpoint.url, delivery.body, headers)
    return await record_attempt(delivery, result, endpoint=endpoint if counts else None, d=d)


async def record_attempt(
    delivery: Delivery, result: AttemptResult, *, endpoint: Endpoint | None, d: Dispatcher
) -> Delivery | None:
    now = d.clock()
    async with d.store.transaction() as tx:
        current = await tx.delivery(delivery.delivery_id, for_update=True)
        if current is None or current.status in FINAL or current.attempts != delivery.attempts:
            log.info("attempt_superseded", delivery_id=str(delivery.delivery_id))
            return None
        updated = after_attempt(current, result, now=now, retry_scale=d.config.retry_scale)
        await tx.save_attempt(updated)
        rows = [_recorded_row(updated)]
        if updated.next_attempt_at is not None:
            due = WebhookAttemptDue(
                event_id=uuid5(NAMESPACE, f"due:{updated.delivery_id}:{updated.attempts + 1}"),
                occurred_at=now,
                business_id=updated.business_id,
                correlation_id=updated.correlation_id,
                causation_id=str(updated.delivery_id),
                body=AttemptDueBody(
                    delivery_id=updated.delivery_id,
                    endpoint_id=updated.endpoint_id,
                    attempt=updated.attempts + 1,
                    due_at=updated.next_attempt_at,
                ),
            )
            rows.append(
                _row(retry_topic(updated.attempts + 1), updated.endpoint_id, due.to_bytes())
            )
        if updated.status is DeliveryStatus.FAILED:
            rows.append(_dead_letter(updated))
        if updated.status in FINAL and endpoint is not None:
            rows += await _count_health(tx, updated, endpoint, now=now, d=d)
        await tx.outbox(rows)
    _log_attempt(updated)
    d.wake()
    return updated


async def _count_health(
    tx: Tx, delivery: Delivery, endpoint: Endpoint, *, now: datetime, d: Dispatcher
) -> list[tuple[str, bytes, bytes]]:
    health = await tx.health_for_update(endpoint.endpoint_id)
    health, deactivate = count_delivery(
        health,
        activated_at=endpoint.activated_at,
        succeeded=delivery.status is DeliveryStatus.SUCCEEDED,
        now=now,
        threshold=d.config.deactivate_after,
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


def _dead_letter(delivery: Delivery) -> tuple[str, bytes, bytes]:
    letter = DeadLetter(
        event_id=uuid5(NAMESPACE, f"dlq:{delivery.delivery_id}"),
        occurred_at=delivery.updated_at,
        business_id=delivery.business_id,
        correlation_id=delivery.correlation_id,
        causation_id=str(delivery.delivery_id),
        body=DeadLetterBody(
            source_topic=retry_topic(MAX_ATTEMPTS)
            if delivery.attempts > 1
            else Topic.ORDERS_EVENTS,
            error=(delivery.error or "failed")[:2000],
            payload=recorded(delivery).model_dump_json(),
        ),
    )
    return _row(Topic.WEBHOOKS_DLQ, delivery.endpoint_id, letter.to_bytes())


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
    if d.status is DeliveryStatus.FAILED:
        log.warning("delivery_failed", **fields)
    else:
        log.info("delivery_attempted", **fields)


async def retry_delivery(due: WebhookAttemptDue, *, d: Dispatcher) -> Delivery | None:
    """A retry record: wait until it is due (without holding anything), claim, attempt."""
    wait = (due.body.due_at - d.clock()).total_seconds()
    if wait > 0:
        await asyncio.sleep(wait)
    now = d.clock()
    stale = now - timedelta(seconds=d.config.stale_after)
    async with d.store.transaction() as tx:
        claimed = await tx.claim(
            due.body.delivery_id, attempts=due.body.attempt - 1, now=now, stale_before=stale
        )
    if claimed is None:
        return None  # a repeat of a retry record, or another store's delivery
    return await attempt(claimed, d=d)


async def sweep_stale(*, d: Dispatcher, limit: int = 100) -> int:
    """Resend deliveries whose sender died (claimed, never recorded) or whose retry record was
    lost; first attempts go in the background like the consumer's."""
    now = d.clock()
    stale = now - timedelta(seconds=d.config.stale_after)
    async with d.store.transaction() as tx:
        found = await tx.claim_stale(
            now=now, stale_before=stale, skip=list(d.inflight), limit=limit
        )
    for delivery in found:
        log.info(
            "delivery_swept", delivery_id=str(delivery.delivery_id), attempts=delivery.attempts
        )
    d.spawn(found)
    return len(found)


# --- commands from the gateway ---


async def handle_command(
    command: SendTestWebhook | RedeliverWebhook, *, d: Dispatcher
) -> list[Delivery]:
    now = d.clock()
    created: list[Delivery] = []
    async with d.store.transaction() as tx:
        if await tx.already_processed(COMMANDS_CONSUMER, [command.event_id]):
            return []
        endpoint = await tx.endpoint(command.body.endpoint_id, now)
        delivery: Delivery | None = None
        if endpoint is None or endpoint.business_id != command.business_id:
            log.warning("command_endpoint_unknown", endpoint_id=str(command.body.endpoint_id))
        elif isinstance(command, SendTestWebhook):
            delivery = new_delivery(
                endpoint,
                event="webhook_test",
                event_id=command.event_id,
                order_id=None,
                body=payload_bytes(test_payload(event_id=command.event_id, at=now)),
                correlation_id=command.correlation_id,
                now=now,
                manual=True,
            )
        else:
            original = await tx.delivery(command.body.delivery_id)
            if original is None or original.endpoint_id != endpoint.endpoint_id:
                log.warning("redeliver_unknown", delivery_id=str(command.body.delivery_id))
            else:
                delivery = new_delivery(
                    endpoint,
                    event=original.event,
                    event_id=original.event_id,
                    order_id=original.order_id,
                    body=original.body,
                    correlation_id=command.correlation_id,
                    now=now,
                    delivery_id=uuid5(NAMESPACE, f"redelivery:{command.event_id}"),
                    manual=True,
                    redelivery_of=original.delivery_id,
                )
        if delivery is not None and await tx.insert_delivery(delivery, claimed_at=now):
            created.append(delivery)
            await tx.outbox([_recorded_row(delivery)])
        await tx.mark_processed(COMMANDS_CONSUMER, [command.event_id])
    for c in created:
        log.info(
            "delivery_created",
            delivery_id=str(c.delivery_id),
            endpoint_id=str(c.endpoint_id),
            webhook_event=c.event,
            redelivery_of=str(c.redelivery_of) if c.redelivery_of else None,
        )
    d.wake()
    return created


# --- poison records ---


async def set_aside(record: ConsumerRecord, error: Exception, *, d: Dispatcher) -> None:
    """A record that does not parse goes to the dead-letter topic with the error."""
    business_id, correlation_id, body = poison_letter(record, error)
    place = f"poison:{record.topic}:{record.partition}:{record.offset}"
    letter = DeadLetter(
        event_id=uuid5(NAMESPACE, place),
        occurred_at=d.clock(),
        business_id=business_id,
        correlation_id=correlation_id,
        body=body,
    )
    async with d.store.transaction() as tx:
        await tx.outbox([(Topic.WEBHOOKS_DLQ, b"poison", letter.to_bytes())])
    d.wake()
