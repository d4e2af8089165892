"""The one place the notifier's objects are built, wired and started."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sauda_contracts.whatsapp import SendAttemptDue
from sauda_notifier.adapters.accounts import AccountDirectory, PgAccountDirectory
from sauda_notifier.adapters.graph import GraphClient, MessageSender
from sauda_notifier.adapters.limits import SendLimiter
from sauda_notifier.adapters.media import GraphMediaUploader, MediaUploader
from sauda_notifier.adapters.store import PgNotifierStore
from sauda_notifier.app import (
    RETRY_CONCURRENCY,
    RETRY_TOPICS,
    Subscribers,
    dead_letter_with,
    subscribe,
)
from sauda_notifier.domain.broadcasts import chunk_size
from sauda_notifier.domain.message_log import Message
from sauda_notifier.handlers.broadcasts import broadcast_forever, broadcast_round
from sauda_notifier.handlers.carts import cart_round, handle_cart_records
from sauda_notifier.handlers.common import MAX_RETRY_WAIT, NotifierConfig
from sauda_notifier.handlers.orders import handle_order_events
from sauda_notifier.handlers.outbound import handle_outbound_batch
from sauda_notifier.handlers.receipts import handle_status_reports
from sauda_notifier.handlers.reminders import run_due_work
from sauda_notifier.handlers.sending import Sending, attempt, claim_retry, send_all
from sauda_notifier.handlers.sequences import handle_replies, sequence_round
from sauda_notifier.handlers.templates import (
    NEW_ACCOUNT_CHECK,
    TemplateBook,
    handle_template_status,
    sync_due_templates,
)
from sauda_notifier.settings import NotifierSettings
from sauda_runtime.consumer_service import (
    ConsumerService,
    collaborators_for,
    inject,
)
from sauda_runtime.kit import KIT_MIGRATIONS
from sauda_runtime.logging import get_logger
from sauda_runtime.retrying import Clock, RetryingCaller, sweep_forever, utcnow
from sauda_runtime.secrets import SecretBox

# The runtime's kit tables (outbox, processed events, poison) first, then this service's own.
MIGRATIONS = (KIT_MIGRATIONS, Path(__file__).parent / "migrations")

log = get_logger(__name__)
R = TypeVar("R")


@dataclass(frozen=True)
class Notifier:
    """The notifier wired: the collaborators `wire` was given, the subscribers built from them,
    and the retrying caller."""

    collaborators: Mapping[str, object]
    subscribers: Subscribers
    # What a use case's keyword-only parameters may ask for: the collaborators and the
    # `sending` bundle made of them.
    available: Mapping[str, object]

    def deps(self, fn: Callable[..., object]) -> dict[str, Any]:
        """The collaborators `fn` asks for."""
        return collaborators_for(fn, self.available)

    def bind(self, fn: Callable[..., R]) -> Callable[..., R]:
        return inject(fn, self.available)

    @property
    def retrying(self) -> RetryingCaller[SendAttemptDue, Message]:
        return self.subscribers.retrying


def wire(
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    sender: MessageSender,
    templates: TemplateBook,
    limiter: SendLimiter,
    config: NotifierConfig,
    wake: Callable[[], None] = lambda: None,
    clock: Clock = utcnow,
    media: MediaUploader | None = None,
) -> Notifier:
    given: dict[str, object] = {
        "store": store, "accounts": accounts, "sender": sender, "templates": templates,
        "limiter": limiter, "config": config, "wake": wake, "clock": clock, "media": media,
    }  # fmt: skip
    sending = Sending(store, accounts, sender, limiter, config, wake, clock)
    available = {**given, "sending": sending}

    def bound(fn: Callable[..., R]) -> Callable[..., R]:
        return inject(fn, available)

    retrying: RetryingCaller[SendAttemptDue, Message] = RetryingCaller(
        topics=RETRY_TOPICS,
        parse=SendAttemptDue.model_validate_json,
        due_at=lambda due: due.body.due_at,
        claim=bound(claim_retry),
        call=bound(attempt),
        clock=clock,
        concurrency=RETRY_CONCURRENCY,
        max_wait=MAX_RETRY_WAIT,
    )
    subscribers = Subscribers(
        on_order_events=bound(handle_order_events),
        on_outbound=bound(handle_outbound_batch),
        on_receipts=bound(handle_status_reports),
        on_template_status=bound(handle_template_status),
        on_replies=bound(handle_replies),
        on_carts=bound(handle_cart_records),
        send_all=bound(send_all),
        retrying=retrying,
        dead_letter=dead_letter_with(clock),
    )
    return Notifier(given, subscribers, available)


async def main(settings: NotifierSettings | None = None) -> None:
    settings = settings or NotifierSettings()
    service = await ConsumerService.start("notifier", settings, MIGRATIONS)
    pool = service.pool
    graph = GraphClient(timeout=settings.notifier_send_timeout)
    store = PgNotifierStore(pool)
    config = NotifierConfig(
        reminder_after=settings.notifier_reminder_after_seconds,
        retry_scale=settings.notifier_retry_scale,
        stale_sending=settings.notifier_stale_sending_seconds,
        pair_wait=settings.notifier_send_timeout,
        max_event_age=settings.notifier_max_event_age_seconds,
        template_sync=settings.notifier_template_sync_seconds,
        cart_minute=settings.notifier_cart_minute_seconds,
    )
    n = wire(
        store=store,
        accounts=PgAccountDirectory(
            pool,
            schema=settings.notifier_gateway_schema,
            box=SecretBox(settings.sauda_secret_key),
            cache_seconds=settings.notifier_account_cache_seconds,
        ),
        sender=graph,
        templates=TemplateBook(
            store, graph, min_resync=config.template_resync, wake=service.relay.wake
        ),
        limiter=SendLimiter(
            mps=settings.notifier_mps,
            pair_per_minute=settings.notifier_pair_per_minute,
            pair_burst=settings.notifier_pair_burst,
        ),
        config=config,
        wake=service.relay.wake,
        media=GraphMediaUploader(pool, schema=settings.notifier_gateway_schema, graph=graph),
    )
    groups = subscribe(
        service.kit,
        n.subscribers,
        group_id=settings.notifier_group_id,
        batch_size=settings.notifier_batch_size,
    )
    log.info("notifier_started", health_port=settings.notifier_health_port, groups=list(groups))
    due_work = sweep_forever(
        n.bind(run_due_work),
        every=settings.notifier_reminder_poll_seconds,
        name="reminder",
        housekeeping=service.forget_old_claims,
    )
    sync = n.bind(sync_due_templates)

    async def sync_round() -> None:
        if synced := await sync():
            log.info("template_sync_round", accounts=synced)

    # Each WABA once a period, and a number connected since within seconds.
    template_sync = sweep_forever(
        sync_round,
        every=min(NEW_ACCOUNT_CHECK, settings.notifier_template_sync_seconds),
        name="template_sync",
    )
    # Broadcasts at NOTIFIER_BROADCAST_RATE per number, a round's chunk per transaction.
    rate, round_seconds = (
        settings.notifier_broadcast_rate,
        settings.notifier_broadcast_round_seconds,
    )
    run_round = n.bind(broadcast_round)
    chunk = chunk_size(rate, round_seconds)

    async def one_round() -> int:
        return await run_round(send=n.subscribers.send_all, chunk=chunk)

    broadcaster = broadcast_forever(one_round, rate=rate, round_seconds=round_seconds)
    # Sequences' due steps, as often as due reminders are looked for.
    sequence_steps = n.bind(sequence_round)

    async def steps_round() -> int:
        return await sequence_steps(send=n.subscribers.send_all)

    sequencer = sweep_forever(
        steps_round, every=settings.notifier_reminder_poll_seconds, name="sequence"
    )
    # Abandoned carts' due recovery messages, as often.
    cart_messages = n.bind(cart_round)

    async def carts_round() -> int:
        return await cart_messages(send=n.subscribers.send_all)

    recoverer = sweep_forever(
        carts_round, every=settings.notifier_reminder_poll_seconds, name="cart_recovery"
    )
    try:
        await service.run(
            [due_work, template_sync, broadcaster, sequencer, recoverer], on_stop=[graph.aclose]
        )
    finally:
        log.info("notifier_stopped")
