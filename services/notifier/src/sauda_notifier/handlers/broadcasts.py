"""Broadcasts: a StartBroadcast becomes the job and its recipients (once: the outbound batch
has claimed the command's event id), and the broadcaster works through them.

Each round takes, per business, a chunk of its oldest broadcast's pending recipients (row
locks, SKIP LOCKED) and in one transaction records each one's message in the message log, by
the key broadcast id + phone, or its skip with the reason (opted out, template not approved),
marks them recorded and publishes the progress; then the queued messages are sent through the
ordinary pipeline at the number's limit. A notifier killed at any line leaves each recipient
either pending (its transaction rolled back: taken again next round) or recorded with exactly
one message, which the sender's stale-claim sweep finishes if the send never happened."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence

from sauda_contracts.broadcasts import StartBroadcast, broadcast_message_key
from sauda_contracts.identity import identity_fields
from sauda_contracts.whatsapp import OutboundKind, SendMessageBody
from sauda_notifier.adapters import broadcasts as rows
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.rows import Cause
from sauda_notifier.adapters.store import NotifierUnitOfWork, PgNotifierStore
from sauda_notifier.adapters.template_lookup import find_template
from sauda_notifier.domain.broadcasts import (
    Running,
    broadcast_refusal,
    counts_of,
    round_wait,
)
from sauda_notifier.domain.message_log import Message, new_chat_message
from sauda_notifier.handlers.common import count_recorded
from sauda_notifier.handlers.templates import TemplateBook
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.retrying import Clock

log = get_logger(__name__)

Send = Callable[[Sequence[Message]], Awaitable[None]]


async def start_broadcast(uow: NotifierUnitOfWork, command: StartBroadcast, clock: Clock) -> None:
    """The job and its recipients, with its first snapshot (all pending), in the batch's
    transaction."""
    now = clock()
    job = await rows.add_broadcast(uow.conn, command, now)
    if job is None:
        log.info("broadcast_already_started", broadcast_id=str(command.body.broadcast_id))
        return
    await rows.publish_progress(uow.conn, job, counts_of(job.total, {}), now)
    log.info("broadcast_started", broadcast_id=str(job.broadcast_id),
             business_id=str(job.business_id), correlation_id=job.correlation_id,
             recipients=job.total)  # fmt: skip


async def broadcast_round(
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    templates: TemplateBook,
    send: Send,
    clock: Clock,
    chunk: int,
) -> int:
    """One round: a chunk of each business's current broadcast recorded and sent, and the
    progress of those waiting on their sends published; the largest chunk recorded."""
    async with store.pool.acquire() as conn:
        current = await rows.to_record(conn)
    collaborators = {"store": store, "accounts": accounts, "templates": templates,
                     "send": send, "clock": clock, "chunk": chunk}  # fmt: skip
    recorded = await asyncio.gather(*(_record_chunk(job, **collaborators) for job in current))
    await settle(store=store, clock=clock)
    return max(recorded, default=0)


async def settle(*, store: PgNotifierStore, clock: Clock) -> None:
    """Publish the progress of broadcasts whose recipients are all recorded (their sends may
    still be going); one whose every message is through Meta completes."""
    async with store.pool.acquire() as conn:
        waiting = await rows.to_settle(conn)
    for job in waiting:
        async with store.unit_of_work() as uow:
            counts = counts_of(job.total, await rows.statuses(uow.conn, job.broadcast_id))
            if await rows.publish_progress(uow.conn, job, counts, clock()):
                log.info("broadcast_progress", broadcast_id=str(job.broadcast_id),
                         **counts.model_dump())  # fmt: skip


async def _record_chunk(
    job: Running,
    *,
    store: PgNotifierStore,
    accounts: AccountDirectory,
    templates: TemplateBook,
    send: Send,
    clock: Clock,
    chunk: int,
) -> int:
    with bound_contextvars(broadcast_id=str(job.broadcast_id), business_id=str(job.business_id),
                           correlation_id=job.correlation_id):  # fmt: skip
        account = await accounts.of_business(job.business_id)
        if account is None:
            log.warning("broadcast_without_account")  # it waits for the number to come back
            return 0
        found = await find_template(store.pool, account.waba_id, job.template)
        if found is None and await templates.sync(account, force=False):
            found = await find_template(store.pool, account.waba_id, job.template)
        queued: list[Message] = []
        async with store.unit_of_work() as uow:
            taken = await rows.take_pending(uow.conn, job.broadcast_id, chunk)
            if not taken:
                return 0
            now = clock()
            out = await rows.opted_out(uow.conn, job.business_id, [p for _, p in taken])
            cause = Cause(job.business_id, job.correlation_id, str(job.broadcast_id))
            skipped = 0
            for _, phone in taken:
                refused = broadcast_refusal(job.template, found, opted_out=phone in out)
                body = SendMessageBody(
                    message_key=broadcast_message_key(job.broadcast_id, phone),
                    **identity_fields(phone), kind=OutboundKind.TEMPLATE, template=job.template,
                    merchant=True,
                )  # fmt: skip
                ref = (found.name, found.language) if found else None
                if ref is None and job.template.name and job.template.language:
                    ref = (job.template.name, job.template.language)
                message = new_chat_message(body, account, correlation_id=job.correlation_id,
                                           now=now, template=ref, refused=refused)  # fmt: skip
                if await uow.add_message(message, cause, now) and refused is None:
                    queued.append(message)
                skipped += refused is not None
            await rows.mark_recorded(uow.conn, job.broadcast_id, [i for i, _ in taken])
            counts = counts_of(job.total, await rows.statuses(uow.conn, job.broadcast_id))
            await rows.publish_progress(uow.conn, job, counts, now)
        count_recorded(queued, [])
        log.info("broadcast_chunk_recorded", recorded=len(taken), queued=len(queued),
                 skipped=skipped, pending=counts.pending)  # fmt: skip
        await send(queued)
        return len(taken)


async def broadcast_forever(
    run_round: Callable[[], Awaitable[int]], *, rate: float, round_seconds: float
) -> None:
    """Rounds for as long as the service runs, paced so each number's broadcast goes at `rate`
    messages a second; an idle broadcaster looks again every `round_seconds`."""
    while True:
        started = time.monotonic()
        try:
            recorded = await run_round()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # Postgres away a moment: the next round tries again
            log.warning("broadcast_round_failed", error=repr(exc))
            recorded = 0
        elapsed = time.monotonic() - started
        await asyncio.sleep(
            round_wait(rate, recorded, elapsed) if recorded else max(0.05, round_seconds - elapsed)
        )
