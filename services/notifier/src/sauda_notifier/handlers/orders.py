"""Order events: decide what each means (asking Meta about templates first), then record it all in one transaction."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar
from uuid import UUID

from sauda_contracts import AnyOrderEvent, OrderPlaced
from sauda_contracts.cod_policy import CodPolicy
from sauda_contracts.deliveries import OrderDeliveryAttemptFailed
from sauda_contracts.language import Language
from sauda_contracts.whatsapp import (
    DeliveryStatus,
    MessagePurpose,
)
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.cod_policies import policies_of
from sauda_notifier.adapters.store import Cause, NotifierUnitOfWork, PgNotifierStore
from sauda_notifier.domain.cod_steps import CodStart, apply_policy
from sauda_notifier.domain.deliveries import plan_delivery_failed
from sauda_notifier.domain.facts import (
    Account,
    Notice,
    OrderFacts,
    order_after_save,
    order_facts,
)
from sauda_notifier.domain.message_log import Message, SendState, new_template_message
from sauda_notifier.domain.planning import (
    OrderPlan,
    ReminderAction,
    plan_order_placed,
    plan_status_event,
    quiet,
    too_old,
)
from sauda_notifier.domain.templates import template_sendable
from sauda_notifier.handlers.cod_steps import start_policy
from sauda_notifier.handlers.common import NotifierConfig, count_recorded, order_context
from sauda_notifier.handlers.templates import TemplateBook
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.retrying import Clock

log = get_logger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class _Decision:
    """What an order event means, worked out before the transaction that records it (Meta may
    be asked about templates on the way)."""

    event: AnyOrderEvent
    account: Account | None
    plan: OrderPlan
    statuses: dict[str, str | None]  # Meta's review status of each message's template, by key
    cod: CodStart | None = None  # what the business's stored COD policy starts, if it has one
    policy: CodPolicy | None = None


@dataclass(frozen=True, slots=True)
class _Recorded:
    queued: list[Message]
    recorded: list[Message]
    notices: list[Notice]


async def handle_order_events(
    events: Sequence[AnyOrderEvent],
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    templates: TemplateBook,
    config: NotifierConfig,
    wake: Callable[[], None],
    clock: Clock,
) -> list[Message]:
    """Record what a batch of order events means (messages, notices, reminders), each event
    exactly once, all in one transaction; returns the messages queued for sending."""
    decisions = (
        await _decide(
            events, store=store, accounts=accounts, templates=templates, config=config, clock=clock
        )
        if events
        else []
    )
    if not decisions:
        return []
    now = clock()
    outcomes: list[tuple[_Decision, _Recorded | None]] = []
    async with store.unit_of_work() as uow:
        fresh = await uow.first_times("orders", [d.event.event_id for d in decisions])
        for d in decisions:
            new = d.event.event_id in fresh
            outcomes.append((d, await _record(uow, d, config=config, now=now) if new else None))
    wake()
    queued: list[Message] = []
    for d, recorded in outcomes:
        with bound_contextvars(**order_context(d.event)):
            _log_recorded(recorded)
        queued += recorded.queued if recorded else []
    return queued


def one_at_a_time(
    batch: Callable[Concatenate[Sequence[T], P], Awaitable[R]],
) -> Callable[Concatenate[T, P], Awaitable[R]]:
    """A batch use case called with one item. It asks for the same collaborators (its signature
    is the batch's, through `__wrapped__`), so bootstrap and tests bind it the same way."""

    @wraps(batch)
    async def one(item: T, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return await batch([item], *args, **kwargs)

    return one


# One event alone (a test, a replay): the batch use case with the same collaborators.
handle_order_event = one_at_a_time(handle_order_events)


async def _decide(
    events: Sequence[AnyOrderEvent],
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    templates: TemplateBook,
    config: NotifierConfig,
    clock: Clock,
) -> list[_Decision]:
    """Plan the batch's new events in order, each seeing the order and the contact as the
    events before it leave them (as if each had been recorded on its own)."""
    placed = [e for e in events if isinstance(e, OrderPlaced)]
    async with store.unit_of_work() as uow:
        seen = await uow.already_processed("orders", [e.event_id for e in events])
        orders = await uow.load_orders(
            e.body.order_id for e in events if not isinstance(e, OrderPlaced)
        )
        languages = await uow.contact_languages(
            (e.business_id, contact) for e in placed if (contact := order_facts(e).chat_with)
        )
        policies = await policies_of(uow.conn, (e.business_id for e in placed))
    asked: dict[tuple[str, str, str], str | None] = {}
    decisions: list[_Decision] = []
    for event in events:
        with bound_contextvars(**order_context(event)):
            if event.event_id in seen:
                log.info("order_event_duplicate")
                continue
            seen.add(event.event_id)
            account = await accounts.of_business(event.business_id)
            plan = _plan(event, account, orders, languages)
            if too_old(event.occurred_at, clock(), config.max_event_age):
                log.info("order_event_too_old", occurred_at=event.occurred_at.isoformat())
                plan = quiet(plan)
            cod, policy = None, policies.get(event.business_id)
            if isinstance(event, OrderPlaced) and policy is not None:
                plan, cod = apply_policy(plan, policy, placed_at=event.occurred_at, now=clock())
            statuses = await _template_statuses(plan, account, asked, templates=templates)
            decisions.append(_Decision(event, account, plan, statuses, cod, policy))
    return decisions


def _plan(
    event: AnyOrderEvent,
    account: Account | None,
    orders: dict[UUID, OrderFacts],
    languages: dict[tuple[UUID, str], Language],
) -> OrderPlan:
    """The event's plan; `orders` and `languages` are moved on as recording it will move the
    orders and contacts tables."""
    if isinstance(event, OrderPlaced):
        contact = order_facts(event).chat_with  # the phone, or a username shopper's user id
        known = None
        if event.body.customer.language is None and contact:
            known = languages.get((event.business_id, contact))
        plan = plan_order_placed(event, account, known)
        if contact and plan.contact_language is not None:
            languages[(event.business_id, contact)] = plan.contact_language
    elif isinstance(event, OrderDeliveryAttemptFailed):
        plan = plan_delivery_failed(event, orders.get(event.body.order_id), account)
    else:
        plan = plan_status_event(event, orders.get(event.body.order_id), account)
    if plan.facts is not None:
        order_id = plan.facts.order_id
        orders[order_id] = order_after_save(orders.get(order_id), plan.facts)
    return plan


async def _template_statuses(
    plan: OrderPlan,
    account: Account | None,
    asked: dict[tuple[str, str, str], str | None],
    *,
    templates: TemplateBook,
) -> dict[str, str | None]:
    """Meta's verdict on each planned message's template (synced first if unknown), asked
    before the transaction and once per template in a batch."""
    statuses: dict[str, str | None] = {}
    for msg in plan.messages:
        assert account is not None
        name, language = msg.meta_ref
        ref = (account.waba_id, name, language)
        if ref not in asked:
            asked[ref] = await templates.status(account, name, language)
        statuses[msg.dedupe_key] = asked[ref]
    return statuses


async def _record(
    uow: NotifierUnitOfWork, d: _Decision, *, config: NotifierConfig, now: datetime
) -> _Recorded:
    """Write one new event's order facts, contact, messages, reminder and notices."""
    event, plan = d.event, d.plan
    cause = Cause(event.business_id, event.correlation_id, str(event.event_id))
    if plan.facts is not None:
        await uow.save_order(plan.facts)
        if isinstance(event, OrderPlaced) and plan.facts.chat_with:
            await uow.remember_contact(
                event.business_id,
                plan.facts.chat_with,
                plan.contact_language.value if plan.contact_language else None,
            )
    done = _Recorded(queued=[], recorded=[], notices=list(plan.notices))
    cod_queued = False
    for msg in plan.messages:
        assert d.account is not None
        status = d.statuses[msg.dedupe_key]
        message, extra = new_template_message(
            msg,
            d.account,
            approved=template_sendable(status),
            template_status=status,
            correlation_id=event.correlation_id,
            now=now,
        )
        if not await uow.add_message(message, cause, now):
            continue  # this message was already decided (same dedupe key)
        done.recorded.append(message)
        done.notices.extend(extra)
        if message.state is SendState.QUEUED:
            done.queued.append(message)
            cod_queued |= msg.purpose is MessagePurpose.COD_CONFIRMATION
    if plan.reminder is ReminderAction.SCHEDULE and cod_queued:
        due = now + timedelta(seconds=config.reminder_after)
        await uow.schedule_reminder(event.body.order_id, event.business_id, due)
    elif plan.reminder is ReminderAction.CANCEL:
        await uow.cancel_reminder(event.body.order_id)
    if d.cod is not None and d.policy is not None and isinstance(event, OrderPlaced):
        await start_policy(uow, event, d.cod, d.policy, cod_queued=cod_queued, now=now)
    await uow.raise_notices(done.notices, cause, now)
    return done


def _log_recorded(recorded: _Recorded | None) -> None:
    if recorded is None:
        log.info("order_event_duplicate")
        return
    count_recorded(recorded.recorded, recorded.notices)
    log.info(
        "order_event_handled",
        queued=[m.purpose.value for m in recorded.queued],
        skipped=[m.purpose.value for m in recorded.recorded if m.status is DeliveryStatus.SKIPPED],
        notices=[x.kind.value for x in recorded.notices],
    )
