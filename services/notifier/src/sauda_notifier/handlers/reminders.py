"""Due COD reminders and the sweep of stalled sends (the notifier's periodic work)."""

from collections.abc import Callable
from datetime import timedelta

from sauda_contracts.whatsapp import (
    GraphError,
    MessagePurpose,
)
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.store import Cause, PgNotifierStore
from sauda_notifier.domain.facts import Notice
from sauda_notifier.domain.message_log import (
    Message,
    SendState,
    new_template_message,
    opted_out_notice,
    skip,
)
from sauda_notifier.domain.reminders import wants_reminder
from sauda_notifier.domain.templates import cod_message, template_sendable
from sauda_notifier.handlers.cod_steps import run_due_cod_steps
from sauda_notifier.handlers.common import NotifierConfig, count_recorded, message_context
from sauda_notifier.handlers.sending import Sending, send_all
from sauda_notifier.handlers.templates import TemplateBook
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.retrying import Clock

log = get_logger(__name__)


async def queue_due_reminders(
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    templates: TemplateBook,
    wake: Callable[[], None],
    clock: Clock,
    limit: int = 100,
) -> list[Message]:
    """Turn due reminders into queued COD_REMINDER messages (or cancel them if the order moved
    on). Rows are locked SKIP LOCKED, so several notifiers share the work."""
    now = clock()
    queued: list[Message] = []
    recorded: list[Message] = []
    raised: list[Notice] = []
    async with store.unit_of_work() as uow:
        for order_id, business_id in await uow.due_reminders(now, limit):
            order = await uow.load_order(order_id)
            if order is None or not wants_reminder(order):
                await uow.set_reminder(order_id, "cancelled")
                continue
            assert order.chat_with is not None
            with bound_contextvars(
                business_id=str(business_id),
                order_id=str(order_id),
                correlation_id=order.correlation_id,
            ):
                account = await accounts.of_business(business_id)
                if account is None:
                    await uow.set_reminder(order_id, "skipped")
                    log.info("reminder_without_account")
                    continue
                msg = cod_message(order, account, MessagePurpose.COD_REMINDER)
                status = await templates.status(account, *msg.meta_ref)
                message, notices = new_template_message(
                    msg,
                    account,
                    approved=template_sendable(status),
                    template_status=status,
                    correlation_id=order.correlation_id,
                    now=now,
                )
                state = "sent"
                if await uow.opted_out(business_id, order.chat_with):
                    message = skip(message, now, GraphError(code=0, title="customer opted out"))
                    notices = [opted_out_notice(message)]
                    state = "skipped"
                cause = Cause(business_id, order.correlation_id, None)
                if await uow.add_message(message, cause, now):
                    recorded.append(message)
                    await uow.raise_notices(notices, cause, now)
                    raised += notices
                    if message.state is SendState.QUEUED:
                        queued.append(message)
                await uow.set_reminder(order_id, state)
                log.info("reminder_due", status=message.status.value)
    if recorded:
        wake()
    count_recorded(recorded, raised)
    return queued


async def claim_stale(
    *, store: PgNotifierStore, config: NotifierConfig, clock: Clock, limit: int = 50
) -> list[Message]:
    """Messages left `sending` by a sender that died (or `queued` and long overdue): claimed
    again for another send. A receipt carrying our message id would already have completed
    the row, so only sends with no sign of reaching Meta are repeated."""
    now = clock()
    async with store.unit_of_work() as uow:
        claimed = await uow.claim_stale(
            now=now, stale_before=now - timedelta(seconds=config.stale_sending), limit=limit
        )
    for m in claimed:
        with bound_contextvars(**message_context(m)):
            log.warning("message_resent_after_stall", attempts=m.attempts)
    return claimed


async def run_due_work(*, sending: Sending, templates: TemplateBook) -> int:
    """One round of the reminder loop: due reminders, then stalled messages."""
    store, clock = sending.store, sending.clock
    reminders = await queue_due_reminders(
        store=store, accounts=sending.accounts, templates=templates, wake=sending.wake, clock=clock
    )
    reminders += await run_due_cod_steps(store=store, accounts=sending.accounts,
                                         templates=templates, wake=sending.wake, clock=clock)  # fmt: skip
    stale = await claim_stale(store=store, config=sending.config, clock=clock)
    await send_all(reminders, sending=sending)
    await send_all(stale, sending=sending, claimed=True)
    return len(reminders) + len(stale)
