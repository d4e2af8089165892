"""Due COD steps of orders placed under a business's COD policy: the first COD message (after
its delay), the reminders, the expiry (cancel, or hold for review); none sent in the quiet
hours, which hold the step until the morning. Rows are locked SKIP LOCKED, and each step's
row moves in the transaction that records its message or command, so a crash repeats nothing."""

from collections.abc import Callable
from datetime import datetime

from sauda_contracts import OrderPlaced
from sauda_contracts.cod_policy import CodPolicy, ExpiryAction
from sauda_contracts.whatsapp import DeliveryStatus, GraphError
from sauda_notifier.adapters import cod_policies as rows
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.store import Cause, NotifierUnitOfWork, PgNotifierStore
from sauda_notifier.domain.cod_steps import (
    Act,
    CodStart,
    Start,
    StepPlan,
    cancel_expired,
    confirm_below_minimum,
    expired_notice,
    hold_expired,
    plan_step,
    step_message,
    step_purpose,
)
from sauda_notifier.domain.facts import Notice, OrderFacts, order_facts
from sauda_notifier.domain.message_log import (
    Message,
    SendState,
    due,
    new_template_message,
    opted_out_notice,
    scheduled,
    skip,
)
from sauda_notifier.domain.reminders import wants_reminder
from sauda_notifier.domain.templates import cod_message, items_summary, template_sendable
from sauda_notifier.handlers.common import count_recorded
from sauda_notifier.handlers.templates import TemplateBook
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.retrying import Clock

log = get_logger(__name__)


async def run_due_cod_steps(
    *, store: PgNotifierStore, accounts: AccountDirectory, templates: TemplateBook,
    wake: Callable[[], None], clock: Clock, limit: int = 100,
) -> list[Message]:  # fmt: skip
    """Take the due steps; returns the messages queued for sending."""
    now = clock()
    queued: list[Message] = []
    recorded: list[Message] = []
    raised: list[Notice] = []
    async with store.unit_of_work() as uow:
        for row in await rows.due_steps(uow.conn, now, limit):
            order = await uow.load_order(row.order_id)
            if order is None or not wants_reminder(order):
                await rows.finish_steps(uow.conn, row.order_id, "answered or moved on")
                continue
            with bound_contextvars(business_id=str(row.business_id), order_id=str(row.order_id),
                                   correlation_id=order.correlation_id):  # fmt: skip
                plan = plan_step(row.policy, row.step, row.first_sent_at, now)
                if plan.act is Act.HOLD:
                    assert plan.until is not None
                    held = await _hold(uow, row, order, plan, accounts=accounts,
                                       templates=templates, now=now)  # fmt: skip
                    recorded += held
                    continue
                if plan.act is Act.EXPIRE:
                    raised += await _expire(uow, row, order, now)
                    continue
                message, notices = await _message(uow, row, order, plan, accounts=accounts,
                                                  templates=templates, now=now)  # fmt: skip
                if message is not None:
                    recorded.append(message)
                    raised += notices
                    if message.state is SendState.QUEUED:
                        queued.append(message)
                await _advance(uow, row, plan)
    if recorded or raised:
        wake()
    count_recorded(recorded, raised)
    return queued


async def _advance(uow: NotifierUnitOfWork, row: rows.StepRow, plan: StepPlan) -> None:
    if plan.next_step is None or plan.next_due is None:
        await rows.finish_steps(uow.conn, row.order_id, f"done after step {row.step}")
        return
    await rows.move_step(uow.conn, row.order_id, step=plan.next_step.number, due_at=plan.next_due,
                         first_sent_at=plan.first_sent_at, note=None)  # fmt: skip


async def _hold(
    uow: NotifierUnitOfWork, row: rows.StepRow, order: OrderFacts, plan: StepPlan, *,
    accounts: AccountDirectory, templates: TemplateBook, now: datetime,
) -> list[Message]:  # fmt: skip
    """Quiet hours: the step waits until they end, and its message is in the merchant's log as
    `scheduled` for then (recorded once: a later hold of the same step finds it there)."""
    assert plan.until is not None
    note = f"quiet hours: waits until {plan.until.isoformat()}"
    await rows.move_step(uow.conn, row.order_id, step=row.step, due_at=plan.until,
                         first_sent_at=row.first_sent_at, note=note)  # fmt: skip
    log.info("cod_step_held_for_quiet_hours", step=row.step, until=plan.until.isoformat())
    built = await _build(uow, row, order, plan, accounts=accounts, templates=templates, now=now)
    if built is None:
        return []
    message = scheduled(built[0], plan.until, now)
    cause = Cause(row.business_id, order.correlation_id, None)
    return [message] if await uow.add_message(message, cause, now) else []


async def _build(
    uow: NotifierUnitOfWork, row: rows.StepRow, order: OrderFacts, plan: StepPlan, *,
    accounts: AccountDirectory, templates: TemplateBook, now: datetime,
) -> tuple[Message, list[Notice]] | None:  # fmt: skip
    """The step's COD message as it would be recorded now (queued, or skipped with its
    notices); None if WhatsApp is no longer connected."""
    assert order.chat_with is not None
    account = await accounts.of_business(row.business_id)
    if account is None:
        log.info("cod_step_without_account", step=row.step)
        return None
    purpose = step_purpose(plan.step)
    msg = step_message(cod_message(order, account, purpose, row.items), plan.step)
    status = await templates.status(account, *msg.meta_ref)
    message, notices = new_template_message(msg, account, approved=template_sendable(status),
                                            template_status=status,
                                            correlation_id=order.correlation_id, now=now)  # fmt: skip
    if await uow.opted_out(row.business_id, order.chat_with):
        message = skip(message, now, GraphError(code=0, title="customer opted out"))
        notices = [opted_out_notice(message)]
    return message, notices


async def _message(
    uow: NotifierUnitOfWork, row: rows.StepRow, order: OrderFacts, plan: StepPlan, *,
    accounts: AccountDirectory, templates: TemplateBook, now: datetime,
) -> tuple[Message | None, list[Notice]]:  # fmt: skip
    """The step's COD message, recorded once (its dedupe key) or freed from its schedule; None
    if already recorded or WhatsApp is no longer connected."""
    built = await _build(uow, row, order, plan, accounts=accounts, templates=templates, now=now)
    if built is None:
        return None, []
    message, notices = built
    cause = Cause(row.business_id, order.correlation_id, None)
    if not await uow.add_message(message, cause, now):
        held = await uow.message_by_key(row.business_id, message.dedupe_key)
        if held is None or held.status is not DeliveryStatus.SCHEDULED:
            return None, []
        message = due(held, message, now)
        await uow.save_message(message, cause, now)
    await uow.raise_notices(notices, cause, now)
    log.info("cod_step_message", step=row.step, purpose=step_purpose(plan.step).value,
             status=message.status.value)  # fmt: skip
    return message, notices


async def _expire(
    uow: NotifierUnitOfWork, row: rows.StepRow, order: OrderFacts, now: datetime
) -> list[Notice]:
    policy = row.policy
    raised: list[Notice] = []
    if policy.expiry_action is ExpiryAction.CANCEL:
        await rows.send_to_ledger(uow.conn, cancel_expired(order, row.business_id, now))
    elif policy.expiry_action is ExpiryAction.HOLD:
        hours = (policy.expire_after_seconds or 0) / 3600
        raised = [expired_notice(order, hours)]
        await uow.raise_notices(raised, Cause(row.business_id, order.correlation_id, None), now)
        await rows.send_to_ledger(uow.conn, hold_expired(order, row.business_id, hours, now))
    await rows.finish_steps(uow.conn, row.order_id, f"expired: {policy.expiry_action.value}")
    log.info("cod_expired", action=policy.expiry_action.value)
    return raised


async def start_policy(
    uow: NotifierUnitOfWork, event: OrderPlaced, start: CodStart, policy: CodPolicy, *,
    cod_queued: bool, now: datetime,
) -> None:  # fmt: skip
    """Record what placing the order started under the policy in force (captured in its step
    row): the system's confirmation below the minimum, or its steps."""
    order_id = event.body.order_id
    if start.start is Start.CONFIRM:
        facts = order_facts(event)
        await rows.send_to_ledger(uow.conn, confirm_below_minimum(facts, event.business_id, now))
        log.info("cod_skipped_below_minimum", minimum=str(policy.min_order_total))
        return
    if start.next_step is None or start.due_at is None:
        return
    if start.start is Start.SEND_NOW and not cod_queued:
        return  # the COD message was not sent (template not approved…): nothing to follow it
    await rows.schedule_steps(uow.conn, rows.StepRow(
        order_id=order_id, business_id=event.business_id, policy=policy,
        items=items_summary(event.body.items), step=start.next_step, due_at=start.due_at,
        first_sent_at=start.first_sent_at,
    ))  # fmt: skip
    if start.note:
        log.info("cod_first_message_waits", due_at=start.due_at.isoformat(), note=start.note)
