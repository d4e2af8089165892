"""The one place the webhook dispatcher's objects are built, wired and started."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sauda_contracts.webhooks import WebhookAttemptDue
from sauda_runtime.consumer_service import ConsumerService
from sauda_runtime.kit import KIT_MIGRATIONS
from sauda_runtime.logging import get_logger
from sauda_runtime.retrying import Clock, RetryingCaller, sweep_forever, utcnow
from sauda_runtime.secrets import SecretBox
from sauda_webhooks.adapters.http import HttpSender
from sauda_webhooks.adapters.store import PgWebhookStore
from sauda_webhooks.app import Subscribers, dead_letter_with, subscribe
from sauda_webhooks.domain.deliveries import RETRY_TOPICS
from sauda_webhooks.handlers.attempts import (
    DispatcherConfig,
    Sender,
    Sends,
    attempt,
    claim_retry,
    sweep_stale,
)
from sauda_webhooks.handlers.deliveries import on_commands, on_order_events
from sauda_webhooks.settings import WebhooksSettings

# The runtime's kit tables (outbox, processed events, poison) first, then this service's own.
MIGRATIONS = (KIT_MIGRATIONS, Path(__file__).parent / "migrations")
RETRY_CONCURRENCY = 64

log = get_logger(__name__)


@dataclass(frozen=True)
class Dispatcher:
    """The dispatcher wired: its subscribers, background sends and sweep, every use case with its
    collaborators bound."""

    store: PgWebhookStore
    subscribers: Subscribers
    sends: Sends
    sweep: Callable[[], Awaitable[int]]


def wire(
    store: PgWebhookStore,
    sender: Sender,
    config: DispatcherConfig,
    *,
    clock: Clock = utcnow,
    retry_concurrency: int = RETRY_CONCURRENCY,
) -> Dispatcher:
    sends = Sends(
        attempt=lambda d: attempt_one(d), endpoint_concurrency=config.endpoint_concurrency
    )
    attempt_one = partial(
        attempt, store=store, sender=sender, gate=sends.gate, clock=clock, config=config
    )
    retrying = RetryingCaller(
        topics=RETRY_TOPICS,
        parse=WebhookAttemptDue.model_validate_json,
        due_at=lambda due: due.body.due_at,
        claim=partial(claim_retry, store=store, clock=clock, config=config),
        call=attempt_one,
        clock=clock,
        concurrency=retry_concurrency,
    )
    subscribers = Subscribers(
        on_order_events=partial(on_order_events, store=store, clock=clock, config=config),
        on_commands=partial(on_commands, store=store, clock=clock),
        spawn=sends.spawn_all,
        retrying=retrying,
        dead_letter=dead_letter_with(clock),
    )
    sweep = partial(sweep_stale, store=store, sends=sends, clock=clock, config=config)
    return Dispatcher(store, subscribers, sends, sweep)


async def main(settings: WebhooksSettings | None = None) -> None:
    settings = settings or WebhooksSettings()
    service = await ConsumerService.start("webhooks", settings, MIGRATIONS)
    sender = HttpSender(
        timeout=settings.webhooks_timeout_seconds,
        allow_private=settings.webhooks_allow_private_urls,
    )
    store = PgWebhookStore(
        service.pool,
        gateway_schema=settings.webhooks_gateway_schema,
        box=SecretBox(settings.sauda_secret_key),
        relay=service.relay,
    )
    config = DispatcherConfig(
        retry_scale=settings.webhooks_retry_scale,
        stale_after=settings.webhooks_stale_seconds,
        max_event_age=settings.webhooks_max_event_age_seconds,
        endpoint_concurrency=settings.webhooks_endpoint_concurrency,
    )
    d = wire(store, sender, config)
    groups = subscribe(
        service.kit,
        d.subscribers,
        group_id=settings.webhooks_group_id,
        batch_size=settings.webhooks_batch_size,
    )
    log.info("webhooks_started", health_port=settings.webhooks_health_port, groups=groups)
    sweeping = sweep_forever(
        d.sweep,
        every=settings.webhooks_sweep_seconds,
        name="sweep",
        housekeeping=service.forget_old_claims,
        housekeeping_rounds=720,
    )
    try:
        await service.run([sweeping], on_stop=[d.sends.drain, sender.aclose])
    finally:
        log.info("webhooks_stopped")
