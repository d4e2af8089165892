"""Sequences: an AssignSequence becomes an enrolment (once: the outbound batch has claimed the
command's event id), a RemoveSequence stops it; a reply from the subscriber (whatsapp.inbound.v1)
or their STOP stops every active enrolment of the chat; and the sequencer sends due steps.

Each round takes the due enrolments (row locks, SKIP LOCKED) and in one transaction records each
one's step in the message log by the key enrolment + step (or stops it: the subscriber opted
out), moves it to its next step and publishes its snapshot; then the queued messages are sent
through the ordinary pipeline. A notifier killed at any line leaves each enrolment either on
its step (the transaction rolled back: taken again next round; the message key makes a second
record impossible) or past it with exactly one message, which the sender's stale-claim sweep
finishes if the send never happened."""

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from uuid import UUID

from sauda_contracts.identity import identity_fields
from sauda_contracts.sequences import (
    AssignSequence,
    RemoveSequence,
    StopReason,
    sequence_message_key,
)
from sauda_contracts.whatsapp import InboundMessageReceived, OutboundKind, SendMessageBody
from sauda_notifier.adapters import sequences as rows
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.rows import Cause
from sauda_notifier.adapters.store import NotifierUnitOfWork, PgNotifierStore
from sauda_notifier.adapters.template_lookup import find_template
from sauda_notifier.domain.merchant import template_ref, template_refusal
from sauda_notifier.domain.message_log import Message, new_chat_message
from sauda_notifier.domain.sequences import (
    Enrolment,
    due_step,
    enrol,
    postponed,
    stopped,
    stops_on_reply,
)
from sauda_notifier.handlers.common import count_recorded
from sauda_runtime.db import Conn
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.retrying import Clock

log = get_logger(__name__)

Send = Callable[[Sequence[Message]], Awaitable[None]]
NO_NUMBER_WAIT = 60.0  # a due step of a business without a connected number waits this long


def _context(e: Enrolment) -> dict[str, str]:
    return {"enrolment_id": str(e.enrolment_id), "business_id": str(e.business_id),
            "correlation_id": e.correlation_id}  # fmt: skip


async def assign_sequence(uow: NotifierUnitOfWork, command: AssignSequence, now: datetime) -> None:
    """The enrolment with its first snapshot, in the batch's transaction; a subscriber who has
    opted out is enrolled stopped (no step goes to them)."""
    e = enrol(command.body, command.business_id, command.correlation_id)
    if await uow.opted_out(e.business_id, e.chat):
        e = stopped(e, StopReason.OPTED_OUT, now) or e
    with bound_contextvars(**_context(e)):
        if not await rows.add(uow.conn, e):
            log.info("sequence_already_assigned")
            return
        await rows.publish(uow.conn, e, now)
        log.info("sequence_assigned", sequence_id=e.sequence_id, steps=len(e.steps),
                 state=e.state.value)  # fmt: skip


async def remove_sequence(uow: NotifierUnitOfWork, command: RemoveSequence, now: datetime) -> None:
    """The merchant's removal: no step after this one (an ended enrolment stays as it ended)."""
    e = await rows.get(uow.conn, command.body.enrolment_id)
    if e is None or e.business_id != command.business_id:
        log.warning("sequence_removal_of_unknown_enrolment",
                    enrolment_id=str(command.body.enrolment_id))  # fmt: skip
        return
    await _stop(uow.conn, e, StopReason.REMOVED, now)


async def stop_chat(
    conn: Conn, business_id: UUID, chat: str, reason: StopReason, now: datetime,
    *, replied_at: datetime | None = None,
) -> int:  # fmt: skip
    """Stop the chat's active enrolments (for a reply: those assigned before it); how many."""
    done = 0
    for e in await rows.active_of_chat(conn, business_id, chat):
        if replied_at is not None and not stops_on_reply(e, replied_at):
            continue
        done += await _stop(conn, e, reason, now)
    return done


async def _stop(conn: Conn, e: Enrolment, reason: StopReason, now: datetime) -> bool:
    after = stopped(e, reason, now)
    if after is None:
        return False
    await rows.save(conn, after)
    await rows.publish(conn, after, now)
    with bound_contextvars(**_context(after)):
        log.info("sequence_stopped", reason=reason.value, steps_sent=after.next_step)
    return True


async def handle_replies(
    messages: Sequence[InboundMessageReceived], *, store: PgNotifierStore, clock: Clock
) -> int:
    """Shoppers' messages (whatsapp.inbound.v1), each once: a message from a subscriber stops
    their active enrolments. The gateway's receipt time (`occurred_at`) is compared with the
    assignment's (also the gateway's clock)."""
    if not messages:
        return 0
    now, stopped_count = clock(), 0
    async with store.unit_of_work() as uow:
        fresh = await uow.first_times("notifier-inbound", [m.event_id for m in messages])
        for m in messages:
            if m.event_id not in fresh:
                continue
            fresh.discard(m.event_id)
            stopped_count += await stop_chat(uow.conn, m.business_id, m.body.chat_with,
                                             StopReason.REPLY, now, replied_at=m.occurred_at)  # fmt: skip
    return stopped_count


async def sequence_round(
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    send: Send,
    clock: Clock,
    limit: int = 100,
) -> int:
    """One round: the due steps recorded (or their enrolments stopped) and their messages sent;
    how many enrolments moved."""
    queued: list[Message] = []
    async with store.unit_of_work() as uow:
        now = clock()
        due = await rows.take_due(uow.conn, now, limit)
        for e in due:
            with bound_contextvars(**_context(e)):
                message = await _due(uow, e, accounts=accounts, store=store, now=now)
            queued += [message] if message else []
    count_recorded(queued, [])
    await send(queued)
    return len(due)


async def _due(
    uow: NotifierUnitOfWork, e: Enrolment, *, accounts: AccountDirectory,
    store: PgNotifierStore, now: datetime,
) -> Message | None:  # fmt: skip
    account = await accounts.of_business(e.business_id)
    if account is None:
        log.warning("sequence_step_without_account")
        await rows.save(uow.conn, postponed(e, now, NO_NUMBER_WAIT))
        return None
    after, send_it = due_step(e, opted_out=await uow.opted_out(e.business_id, e.chat), now=now)
    message = None
    if send_it:
        step = e.step
        found = await find_template(store.pool, account.waba_id, step.template)
        refused = template_refusal(step.template, found, opted_out=False)
        body = SendMessageBody(
            message_key=sequence_message_key(e.enrolment_id, e.next_step),
            **identity_fields(e.chat), kind=OutboundKind.TEMPLATE, template=step.template,
            merchant=True,
        )  # fmt: skip
        candidate = new_chat_message(body, account, correlation_id=e.correlation_id, now=now,
                                     template=template_ref(step.template, found),
                                     refused=refused)  # fmt: skip
        cause = Cause(e.business_id, e.correlation_id, str(e.enrolment_id))
        if await uow.add_message(candidate, cause, now) and refused is None:
            message = candidate
        log.info("sequence_step_recorded", step=e.next_step + 1,
                 skipped=refused.title if refused else None)  # fmt: skip
    else:
        log.info("sequence_stopped", reason=after.stop_reason, steps_sent=after.next_step)
    await rows.save(uow.conn, after)
    await rows.publish(uow.conn, after, now)
    return message
