"""Sending: claim and commit, call Meta, record the answer (retry record, dead letter, notices)."""

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import zip_longest
from typing import Any

import orjson

from sauda_contracts.dead_letters import DeadLetterBody
from sauda_contracts.whatsapp import (
    DeliveryStatus,
    GraphError,
    MessagePurpose,
    SendAttemptDue,
    chat_key,
)
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.graph import MessageSender
from sauda_notifier.adapters.limits import SendLimiter
from sauda_notifier.adapters.store import Cause, NotifierUnitOfWork, PgNotifierStore
from sauda_notifier.domain.message_log import (
    Message,
    SendState,
)
from sauda_notifier.domain.retries import (
    RETRY_STEPS,
    AttemptResult,
    SendFailure,
    SendOutcome,
    after_attempt,
)
from sauda_notifier.handlers.common import (
    CLAIM_RENEW_SHARE,
    SENDS,
    NotifierConfig,
    count_recorded,
    message_context,
)
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.retrying import Clock

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Sending:
    """What a send needs, bound once by bootstrap: the message log, the businesses' numbers,
    Meta, our rate limit, the settings, the relay's wake-up and the clock."""

    store: PgNotifierStore
    accounts: AccountDirectory
    sender: MessageSender
    limiter: SendLimiter
    config: NotifierConfig
    wake: Callable[[], None]
    clock: Clock


async def send_all(messages: Sequence[Message], *, sending: Sending, claimed: bool = False) -> None:
    """Send messages: one chat's in order, different chats side by side. Unless they are
    `claimed` already, all are claimed first, in one transaction committed before Meta is
    called. They go in waves (the first message of every chat, then the second, ...); a wave's
    answers are recorded in one transaction before the next wave is sent."""
    if not claimed:
        messages = await claim_all(messages, store=sending.store, clock=sending.clock)
    for wave in _waves(messages):
        sent = await asyncio.gather(*(_send(m, sending) for m in wave), return_exceptions=True)
        # What did reach Meta is recorded even if another send of the wave broke down.
        await record_attempts([s for s in sent if isinstance(s, tuple)], sending=sending)
        for failure in (s for s in sent if isinstance(s, BaseException)):
            raise failure


def _waves(messages: Sequence[Message]) -> list[list[Message]]:
    chats: dict[tuple[str, str], list[Message]] = {}
    for m in messages:
        chats.setdefault((m.phone_number_id, m.customer_phone), []).append(m)
    return [[m for m in wave if m is not None] for wave in zip_longest(*chats.values())]


async def claim_all(
    messages: Sequence[Message], *, store: PgNotifierStore, clock: Clock
) -> list[Message]:
    """Claim queued messages (queued → sending) and commit; those someone else has, or that
    are done, are left out."""
    if not messages:
        return []
    async with store.unit_of_work() as uow:
        return await uow.claim_all([m.message_id for m in messages], now=clock())


async def attempt(message: Message, *, sending: Sending) -> Message | None:
    """One send of a claimed (`sending`) message, and its record."""
    sent = await _send(message, sending)
    if sent is None:
        return None
    [recorded] = await record_attempts([sent], sending=sending)
    return recorded


async def _send(message: Message, sending: Sending) -> tuple[Message, SendOutcome] | None:
    """Call Meta for a claimed message (unless its number is gone or our rate limit says
    wait): the message as sent and the answer; None if the claim was lost meanwhile."""
    with bound_contextvars(**message_context(message)):
        account = await sending.accounts.of_business(message.business_id)
        outcome: SendOutcome
        if account is None or account.phone_number_id != message.phone_number_id:
            outcome = SendFailure(
                GraphError(code=0, title="WhatsApp number no longer connected"), 400
            )
        elif not await sending.limiter.acquire(
            message.phone_number_id, message.customer_phone, timeout=sending.config.pair_wait
        ):
            # Our own pair/throughput limit: wait on the retry topic rather than block here.
            outcome = SendFailure(GraphError(code=131056, title="local rate limit"), 429)
        else:
            fresh = await _fresh_claim(message, sending)
            if fresh is None:
                log.info("attempt_superseded", state="claimed again or completed")
                return None
            message = fresh
            outcome = await sending.sender.send(account, message.request)
        SENDS.labels("sent" if not isinstance(outcome, SendFailure) else "failed").inc()
        return message, outcome


async def _fresh_claim(message: Message, sending: Sending) -> Message | None:
    """The message's claim, renewed (and committed) if it was made so long ago that the sweeper
    could take the message for a dead sender's before this send is over; None if it already
    has, or a receipt completed the message."""
    now = sending.clock()
    assert message.claimed_at is not None
    age = (now - message.claimed_at).total_seconds()
    if age < sending.config.stale_sending * CLAIM_RENEW_SHARE:
        return message
    async with sending.store.unit_of_work() as uow:
        return await uow.renew_claim(message, now)


async def record_attempts(
    sent: Sequence[tuple[Message, SendOutcome]], *, sending: Sending
) -> list[Message | None]:
    """Record sends' answers, all in one transaction; each message as it stands afterwards
    (None if it is gone)."""
    if not sent:
        return []
    now = sending.clock()
    recorded: list[Message | None] = []
    results: list[AttemptResult] = []
    async with sending.store.unit_of_work() as uow:
        rows = await uow.load_messages([m.message_id for m, _ in sent], lock=True)
        for message, outcome in sent:
            current = rows.get(message.message_id)
            if current is None or _superseded(current, message):
                recorded.append(current)
                continue
            result = after_attempt(current, outcome, now=now, scale=sending.config.retry_scale)
            results.append(result)
            recorded.append(result.message)
        await uow.save_messages([(r.message, _attempt_cause(r.message)) for r in results], now)
        for result in results:
            await _after_attempt(uow, result, now)
    if results:
        sending.wake()
    for result in results:
        _log_attempt(result)
    return recorded


def _superseded(current: Message, sent: Message) -> bool:
    """A receipt completed the message meanwhile, or a sweeper took it over: theirs is the
    record."""
    if current.state is SendState.SENDING and current.claimed_at == sent.claimed_at:
        return False
    with bound_contextvars(**message_context(current)):
        log.info("attempt_superseded", state=current.state.value)
    return True


def _attempt_cause(message: Message) -> Cause:
    return Cause(message.business_id, message.correlation_id, None)


async def _after_attempt(uow: NotifierUnitOfWork, result: AttemptResult, now: datetime) -> None:
    """What an attempt leaves besides the message's new state: no reminder after a failed COD
    confirmation, the next retry or the dead letter, notices."""
    message, cause = result.message, _attempt_cause(result.message)
    await no_reminder_after_failed_cod(uow, message)
    if result.retry is not None:
        await uow.schedule_retry(message, result.retry, cause, now)
    if result.dead:
        await uow.dead_letter(
            DeadLetterBody(
                source_topic=_last_topic(message.attempts),
                error=f"({message.error.code}) {message.error.title}"[:2000]
                if message.error
                else "failed",
                payload=_json(message.request),
                message_id=message.message_id,
            ),
            cause,
            now,
            key=_chat_key(message),
            revision=message.revision,
        )
    await uow.raise_notices(result.notices, cause, now)


def _log_attempt(result: AttemptResult) -> None:
    message = result.message
    count_recorded([message], result.notices)
    error = message.error
    with bound_contextvars(**message_context(message)):
        log.info(
            "message_attempted",
            purpose=message.purpose.value,
            status=message.status.value,
            attempts=message.attempts,
            error_code=error.code if error and message.status is not DeliveryStatus.SENT else None,
            retry_topic=result.retry.topic.value if result.retry else None,
        )


async def no_reminder_after_failed_cod(uow: NotifierUnitOfWork, message: Message) -> None:
    # A COD confirmation that never reached the shopper must not be followed by a reminder.
    if (
        message.status is DeliveryStatus.FAILED
        and message.purpose is MessagePurpose.COD_CONFIRMATION
        and message.order_id is not None
    ):
        await uow.cancel_reminder(message.order_id)


def _last_topic(attempts: int) -> str:
    index = min(max(attempts - 2, 0), len(RETRY_STEPS) - 1)
    return RETRY_STEPS[index][0].value


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _chat_key(message: Message) -> bytes:
    return chat_key(message.business_id, message.customer_phone)


async def claim_retry(
    due: SendAttemptDue, *, store: PgNotifierStore, clock: Clock
) -> Message | None:
    """The message a due retry record names, claimed for that attempt (committed before Meta is
    called); None if something else (a receipt, the sweeper, a duplicate record) moved it on."""
    body = due.body
    with bound_contextvars(
        business_id=str(due.business_id),
        message_id=str(body.message_id),
        correlation_id=due.correlation_id,
        attempt=body.attempt,
    ):
        async with store.unit_of_work() as uow:
            return await uow.claim(body.message_id, now=clock(), attempts=body.attempt - 1)
