"""Abandoned carts (carts.v1, and orders.events.v1's OrderPlaced): each cart planned once, its
plan cancelled by a CartRecovered or a later order of the same phone, and the due ones sent.

Each record is claimed (consumer `notifier-carts`) in the transaction that records what it
means. A round takes the due carts (row locks, SKIP LOCKED) and in one transaction records each
one's message in the message log by the key `cart:<cart id>` and marks the cart sent (or skipped:
the shopper wrote STOP); then the queued messages go through the ordinary sending pipeline. A
notifier killed at any line leaves each cart either scheduled (taken again next round; the
message key makes a second record impossible) or sent with exactly one message, which the
stale-claim sweep finishes if the send never happened."""

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TypeAlias

from prometheus_client import Counter

from sauda_contracts import OrderPlaced
from sauda_contracts.carts import CartAbandoned, CartRecovered
from sauda_notifier.adapters import carts as rows
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.rows import Cause
from sauda_notifier.adapters.store import NotifierUnitOfWork, PgNotifierStore
from sauda_notifier.domain.carts import (
    Recovery,
    cancelled_by_order,
    cancelled_by_recovery,
    plan_recovery,
    postponed,
    recovery_message,
    when_due,
)
from sauda_notifier.domain.facts import normalize_phone
from sauda_notifier.domain.message_log import Message, SendState, new_template_message
from sauda_notifier.domain.templates import template_sendable
from sauda_notifier.handlers.common import NotifierConfig, count_recorded
from sauda_notifier.handlers.templates import TemplateBook
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.retrying import Clock

log = get_logger(__name__)

CartRecord: TypeAlias = CartAbandoned | CartRecovered | OrderPlaced
Send = Callable[[Sequence[Message]], Awaitable[None]]
NO_NUMBER_WAIT = 60.0  # a due cart of a business without a connected number waits this long
CONSUMER = "notifier-carts"

CARTS = Counter("sauda_notifier_cart_recoveries_total", "Cart recoveries decided", ["outcome"])


def _context(r: Recovery) -> dict[str, str]:
    return {"business_id": str(r.business_id), "cart_id": r.cart_id,
            "correlation_id": r.correlation_id}  # fmt: skip


async def handle_cart_records(
    records: Sequence[CartRecord], *, store: PgNotifierStore, config: NotifierConfig
) -> int:
    """A batch of cart records and order placements, each once, in one transaction; how many
    carts were planned or cancelled."""
    if not records:
        return 0
    changed = 0
    async with store.unit_of_work() as uow:
        fresh = await uow.first_times(CONSUMER, [r.event_id for r in records])
        for record in records:
            if record.event_id not in fresh:
                continue
            fresh.discard(record.event_id)
            if isinstance(record, CartAbandoned):
                changed += await _abandoned(uow, record, config)
            elif isinstance(record, CartRecovered):
                changed += await _recovered(uow, record)
            else:
                changed += await _order_placed(uow, record)
    return changed


async def _abandoned(uow: NotifierUnitOfWork, cart: CartAbandoned, config: NotifierConfig) -> int:
    phone = normalize_phone(cart.body.customer.phone)
    plan = plan_recovery(
        cart.business_id, cart.body, abandoned_at=cart.occurred_at,
        correlation_id=cart.correlation_id,
        delay_minutes=await rows.delay_minutes(uow.conn, cart.business_id),
        minute_seconds=config.cart_minute,
        opted_out=bool(phone) and await uow.opted_out(cart.business_id, phone or ""),
    )  # fmt: skip
    with bound_contextvars(**_context(plan)):
        if not await rows.add(uow.conn, plan):
            log.info("cart_already_planned")
            return 0
        CARTS.labels(plan.reason.value if plan.reason else "scheduled").inc()
        log.info("cart_recovery_planned", state=plan.state.value,
                 reason=plan.reason.value if plan.reason else None,
                 due_at=plan.due_at.isoformat() if plan.due_at else None)  # fmt: skip
    return 1


async def _recovered(uow: NotifierUnitOfWork, event: CartRecovered) -> int:
    found = await rows.get(uow.conn, event.business_id, event.body.cart_id)
    after = cancelled_by_recovery(found) if found else None
    if after is None:
        return 0
    await rows.save(uow.conn, after)
    CARTS.labels("recovered").inc()
    with bound_contextvars(**_context(after), order_id=str(event.body.order_id)):
        log.info("cart_recovery_cancelled", reason=after.reason)
    return 1


async def _order_placed(uow: NotifierUnitOfWork, event: OrderPlaced) -> int:
    phone = normalize_phone(event.body.customer.phone)
    if phone is None:
        return 0
    done = 0
    for r in await rows.scheduled_of_chat(uow.conn, event.business_id, phone):
        after = cancelled_by_order(r, event.occurred_at)
        if after is None:
            continue
        await rows.save(uow.conn, after)
        CARTS.labels("order_placed").inc()
        with bound_contextvars(**_context(after), order_id=str(event.body.order_id)):
            log.info("cart_recovery_cancelled", reason=after.reason)
        done += 1
    return done


async def cart_round(
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    templates: TemplateBook,
    send: Send,
    wake: Callable[[], None],
    clock: Clock,
    limit: int = 100,
) -> int:
    """One round: the due carts' messages recorded (or the carts skipped) and sent; how many
    carts were taken."""
    queued: list[Message] = []
    recorded: list[Message] = []
    async with store.unit_of_work() as uow:
        now = clock()
        due = await rows.take_due(uow.conn, now, limit)
        for r in due:
            with bound_contextvars(**_context(r)):
                message = await _due(uow, r, accounts=accounts, templates=templates, now=now)
            if message is not None:
                recorded.append(message)
                if message.state is SendState.QUEUED:
                    queued.append(message)
    if recorded:
        wake()
    count_recorded(recorded, [])
    await send(queued)
    return len(due)


async def _due(
    uow: NotifierUnitOfWork, r: Recovery, *, accounts: AccountDirectory, templates: TemplateBook,
    now: datetime,
) -> Message | None:  # fmt: skip
    account = await accounts.of_business(r.business_id)
    if account is None:
        log.warning("cart_recovery_without_account")
        await rows.save(uow.conn, postponed(r, now, NO_NUMBER_WAIT))
        return None
    assert r.chat is not None
    after = when_due(r, opted_out=await uow.opted_out(r.business_id, r.chat))
    if after.reason is not None:
        await rows.save(uow.conn, after)
        CARTS.labels(after.reason.value).inc()
        log.info("cart_recovery_skipped", reason=after.reason.value)
        return None
    msg = recovery_message(r, account)
    status = await templates.status(account, *msg.meta_ref)
    message, notices = new_template_message(
        msg, account, approved=template_sendable(status), template_status=status,
        correlation_id=r.correlation_id, now=now,
    )  # fmt: skip
    cause = Cause(r.business_id, r.correlation_id, f"cart:{r.cart_id}")
    added = await uow.add_message(message, cause, now)
    if added:
        await uow.raise_notices(notices, cause, now)
    await rows.save(uow.conn, after, message.message_id)
    CARTS.labels("sent").inc()
    log.info("cart_recovery_recorded", message_id=str(message.message_id),
             status=message.status.value, duplicate=not added)  # fmt: skip
    return message if added else None
