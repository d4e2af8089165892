"""Notifier use cases: decide → record in one transaction → claim → call Meta → record.

What an event means (message rows, notices, reminders, outbox records) is written in one
transaction; what was queued is then sent: claim and commit first, call Meta, record the answer.
"""

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import zip_longest
from typing import Any
from uuid import UUID

import orjson
from aiokafka import ConsumerRecord
from prometheus_client import Counter

from sauda_contracts import AnyOrderEvent, OrderPlaced
from sauda_contracts.language import Language
from sauda_contracts.whatsapp import (
    ContactOptOutChanged,
    DeadLetterBody,
    DeliveryStatus,
    GraphError,
    MessagePurpose,
    MessageStatusReported,
    NoticeKind,
    SendAttemptDue,
    SendWhatsAppMessage,
    StatusReportBody,
    TemplateStatusChanged,
    chat_key,
)
from sauda_notifier.adapters.accounts import AccountDirectory
from sauda_notifier.adapters.graph import GraphApiError, MessageSender, TemplateRegistry
from sauda_notifier.adapters.limits import SendLimiter
from sauda_notifier.adapters.store import Cause, NotifierUnitOfWork, PgNotifierStore
from sauda_notifier.domain import (
    RETRY_STEPS,
    Account,
    AttemptResult,
    Message,
    Notice,
    OrderFacts,
    OrderPlan,
    ReminderAction,
    SendFailure,
    SendOutcome,
    SendState,
    after_attempt,
    apply_receipt,
    cod_message,
    new_chat_message,
    new_template_message,
    notice_id_for,
    opted_out_notice,
    order_after_save,
    plan_order_placed,
    plan_status_event,
    quiet,
    sauda_templates,
    skip,
    template_sendable,
    too_old,
    wants_reminder,
)
from sauda_runtime.consumer import poison_letter
from sauda_runtime.logging import bound_contextvars, get_logger

log = get_logger(__name__)

# A retry record is never slept on for longer than this (the consumer's poll interval is 5 min).
MAX_RETRY_WAIT = 240.0
# A claim older than this share of `stale_sending` is renewed before the send: a message claimed
# with its batch may wait its turn (chat order, rate limits) before it is sent.
CLAIM_RENEW_SHARE = 0.25

MESSAGES = Counter("sauda_notifier_messages_total", "Messages recorded", ["purpose", "status"])
SENDS = Counter("sauda_notifier_sends_total", "Graph API send attempts", ["outcome"])
NOTICES = Counter("sauda_notifier_notices_total", "Notices raised", ["kind"])


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class NotifierConfig:
    reminder_after: float = 21600.0
    retry_scale: float = 1.0
    stale_sending: float = 60.0
    pair_wait: float = 10.0
    template_resync: float = 30.0  # least time between two syncs of one WABA asked for on demand
    max_event_age: float = 86400.0  # older order events send nothing (see domain.too_old)


class TemplateBook:
    """Which of Sauda's templates each WABA has, and in what review status; keeps the
    templates table in step with Meta and creates the templates Sauda needs but lacks."""

    def __init__(
        self, store: PgNotifierStore, registry: TemplateRegistry, *, min_resync: float
    ) -> None:
        self._store = store
        self._registry = registry
        self._min_resync = min_resync
        self._synced: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def status(self, account: Account, name: str, language: str) -> str | None:
        """Meta's review status of a template; an unknown one triggers a sync first."""
        status = await self._store.template_status(account.waba_id, name, language)
        if status is None and await self.sync(account, force=False):
            status = await self._store.template_status(account.waba_id, name, language)
        return status

    async def sync(self, account: Account, *, force: bool = True) -> bool:
        """List the WABA's templates, store them, create Sauda's missing ones. False if it did
        not run (synced moments ago) or Meta could not be asked."""
        lock = self._locks.setdefault(account.waba_id, asyncio.Lock())
        async with lock:
            last = self._synced.get(account.waba_id)
            if not force and last is not None and time.monotonic() - last < self._min_resync:
                return False
            self._synced[account.waba_id] = time.monotonic()
            with bound_contextvars(business_id=str(account.business_id), waba_id=account.waba_id):
                try:
                    listed = await self._registry.list_templates(account)
                except GraphApiError as exc:
                    log.warning("template_sync_failed", error=str(exc))
                    return False
                await self._store.replace_templates(account.waba_id, listed)
                have = {(str(t.get("name")), str(t.get("language"))) for t in listed}
                created = 0
                for _purpose, _language, definition in sauda_templates():
                    ref = (definition["name"], definition["language"])
                    if ref in have:
                        continue
                    have.add(ref)
                    try:
                        answer = await self._registry.create_template(account, definition)
                    except GraphApiError as exc:
                        log.warning("template_create_failed", template=ref[0], language=ref[1],
                                    error=str(exc))  # fmt: skip
                        continue
                    created += 1
                    await self._store.set_template_status(
                        account.waba_id,
                        *ref,
                        str(answer.get("status") or "PENDING"),
                        category=answer.get("category") or definition["category"],
                        template_id=str(answer["id"]) if answer.get("id") else None,
                    )
                log.info("templates_synced", listed=len(listed), created=created)
            return True


@dataclass(frozen=True, slots=True)
class Notifier:
    """The notifier's collaborators, built once by bootstrap."""

    store: PgNotifierStore
    accounts: AccountDirectory
    sender: MessageSender
    templates: TemplateBook
    limiter: SendLimiter
    config: NotifierConfig
    wake: Callable[[], None] = lambda: None
    clock: Callable[[], datetime] = utcnow


def _order_context(event: AnyOrderEvent) -> dict[str, Any]:
    return {
        "business_id": str(event.business_id),
        "order_id": str(event.body.order_id),
        "correlation_id": event.correlation_id,
        "event_type": event.type,
    }


def _message_context(message: Message) -> dict[str, Any]:
    return {
        "business_id": str(message.business_id),
        "order_id": str(message.order_id) if message.order_id else None,
        "message_id": str(message.message_id),
        "correlation_id": message.correlation_id,
    }


def _count(messages: Iterable[Message], notices: Iterable[Notice]) -> None:
    for m in messages:
        MESSAGES.labels(m.purpose.value, m.status.value).inc()
    for n in notices:
        NOTICES.labels(n.kind.value).inc()


# --- order events ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Decision:
    """What an order event means, worked out before the transaction that records it (Meta may
    be asked about templates on the way)."""

    event: AnyOrderEvent
    account: Account | None
    plan: OrderPlan
    statuses: dict[str, str | None]  # Meta's review status of each message's template, by key


@dataclass(frozen=True, slots=True)
class _Recorded:
    queued: list[Message]
    recorded: list[Message]
    notices: list[Notice]


async def handle_order_event(event: AnyOrderEvent, *, n: Notifier) -> list[Message]:
    return await handle_order_events([event], n=n)


async def handle_order_events(events: Sequence[AnyOrderEvent], *, n: Notifier) -> list[Message]:
    """Record what a batch of order events means (messages, notices, reminders), each event
    exactly once, all in one transaction; returns the messages queued for sending."""
    decisions = await _decide(events, n=n) if events else []
    if not decisions:
        return []
    now = n.clock()
    outcomes: list[tuple[_Decision, _Recorded | None]] = []
    async with n.store.unit_of_work() as uow:
        fresh = await uow.first_times("orders", [d.event.event_id for d in decisions])
        for d in decisions:
            new = d.event.event_id in fresh
            outcomes.append((d, await _record(uow, d, n=n, now=now) if new else None))
    n.wake()
    queued: list[Message] = []
    for d, recorded in outcomes:
        with bound_contextvars(**_order_context(d.event)):
            _log_recorded(recorded)
        queued += recorded.queued if recorded else []
    return queued


async def _decide(events: Sequence[AnyOrderEvent], *, n: Notifier) -> list[_Decision]:
    """Plan the batch's new events in order, each seeing the order and the contact as the
    events before it leave them (as if each had been recorded on its own)."""
    placed = [e for e in events if isinstance(e, OrderPlaced)]
    async with n.store.unit_of_work() as uow:
        seen = await uow.already_processed("orders", [e.event_id for e in events])
        orders = await uow.load_orders(
            e.body.order_id for e in events if not isinstance(e, OrderPlaced)
        )
        languages = await uow.contact_languages(
            (e.business_id, e.body.customer.phone) for e in placed if e.body.customer.phone
        )
    asked: dict[tuple[str, str, str], str | None] = {}
    decisions: list[_Decision] = []
    for event in events:
        with bound_contextvars(**_order_context(event)):
            if event.event_id in seen:
                log.info("order_event_duplicate")
                continue
            seen.add(event.event_id)
            account = await n.accounts.of_business(event.business_id)
            plan = _plan(event, account, orders, languages)
            if too_old(event.occurred_at, n.clock(), n.config.max_event_age):
                log.info("order_event_too_old", occurred_at=event.occurred_at.isoformat())
                plan = quiet(plan)
            statuses = await _template_statuses(plan, account, asked, n=n)
            decisions.append(_Decision(event, account, plan, statuses))
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
        customer = event.body.customer
        known = None
        if customer.language is None and customer.phone:
            known = languages.get((event.business_id, customer.phone))
        plan = plan_order_placed(event, account, known)
        if customer.phone and plan.contact_language is not None:
            languages[(event.business_id, customer.phone)] = plan.contact_language
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
    n: Notifier,
) -> dict[str, str | None]:
    """Meta's verdict on each planned message's template (synced first if unknown), asked
    before the transaction and once per template in a batch."""
    statuses: dict[str, str | None] = {}
    for msg in plan.messages:
        assert account is not None
        name, language = msg.meta_ref
        ref = (account.waba_id, name, language)
        if ref not in asked:
            asked[ref] = await n.templates.status(account, name, language)
        statuses[msg.dedupe_key] = asked[ref]
    return statuses


async def _record(
    uow: NotifierUnitOfWork, d: _Decision, *, n: Notifier, now: datetime
) -> _Recorded:
    """Write one new event's order facts, contact, messages, reminder and notices."""
    event, plan = d.event, d.plan
    cause = Cause(event.business_id, event.correlation_id, str(event.event_id))
    if plan.facts is not None:
        await uow.save_order(plan.facts)
        if isinstance(event, OrderPlaced) and plan.facts.customer_phone:
            await uow.remember_contact(
                event.business_id,
                plan.facts.customer_phone,
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
        due = now + timedelta(seconds=n.config.reminder_after)
        await uow.schedule_reminder(event.body.order_id, event.business_id, due)
    elif plan.reminder is ReminderAction.CANCEL:
        await uow.cancel_reminder(event.body.order_id)
    await uow.raise_notices(done.notices, cause, now)
    return done


def _log_recorded(recorded: _Recorded | None) -> None:
    if recorded is None:
        log.info("order_event_duplicate")
        return
    _count(recorded.recorded, recorded.notices)
    log.info(
        "order_event_handled",
        queued=[m.purpose.value for m in recorded.queued],
        skipped=[m.purpose.value for m in recorded.recorded if m.status is DeliveryStatus.SKIPPED],
        notices=[x.kind.value for x in recorded.notices],
    )


# --- free-form messages ------------------------------------------------------------------


async def handle_outbound_batch(
    commands: Sequence[SendWhatsAppMessage | ContactOptOutChanged], *, n: Notifier
) -> list[Message]:
    """A batch of the conversation's requests, in order, in one transaction: each free-form
    message recorded once (its message key), each STOP / START applied once; returns the
    messages queued for sending."""
    if not commands:
        return []
    accounts = {c.business_id: await n.accounts.of_business(c.business_id) for c in commands}
    now = n.clock()
    queued: list[Message] = []
    async with n.store.unit_of_work() as uow:
        fresh = await uow.first_times("outbound", [c.event_id for c in commands])
        for command in commands:
            if command.event_id not in fresh:
                continue  # redelivered, here or in an earlier batch
            fresh.discard(command.event_id)
            if isinstance(command, ContactOptOutChanged):
                await _opt_out(uow, command)
                continue
            with bound_contextvars(**_outbound_context(command)):
                message = await _record_outbound(uow, command, accounts[command.business_id], now)
            queued += [message] if message else []
    if queued:
        n.wake()
    _count(queued, [])
    return queued


def _outbound_context(command: SendWhatsAppMessage) -> dict[str, str | None]:
    body = command.body
    return {
        "business_id": str(command.business_id),
        "order_id": str(body.order_id) if body.order_id else None,
        "correlation_id": command.correlation_id,
        "message_key": body.message_key,
    }


async def _record_outbound(
    uow: NotifierUnitOfWork, command: SendWhatsAppMessage, account: Account | None, now: datetime
) -> Message | None:
    body = command.body
    cause = Cause(command.business_id, command.correlation_id, str(command.event_id))
    if account is None:
        notice = Notice(
            notice_id=notice_id_for(command.event_id, NoticeKind.WHATSAPP_NOT_CONNECTED),
            kind=NoticeKind.WHATSAPP_NOT_CONNECTED,
            message="A WhatsApp message was not sent: WhatsApp is not connected for this business.",
            order_id=body.order_id,
            customer_phone=body.customer_phone,
            details={"message_key": body.message_key},
        )
        await uow.raise_notices([notice], cause, now)
        log.warning("outbound_without_account")
        return None
    message = new_chat_message(body, account, correlation_id=command.correlation_id, now=now)
    if not await uow.add_message(message, cause, now):
        log.info("outbound_duplicate_key")
        return None
    return message


async def _opt_out(uow: NotifierUnitOfWork, command: ContactOptOutChanged) -> None:
    """STOP / START from a shopper: reminders (and any marketing) honour it from now on."""
    body = command.body
    await uow.set_opt_out(command.business_id, body.customer_phone, body.opted_out)
    log.info("contact_opt_out", opted_out=body.opted_out, business_id=str(command.business_id),
             correlation_id=command.correlation_id)  # fmt: skip


# --- sending -----------------------------------------------------------------------------


async def send_all(messages: Sequence[Message], *, n: Notifier, claimed: bool = False) -> None:
    """Send messages: one chat's in order, different chats side by side. Unless they are
    `claimed` already, all are claimed first, in one transaction committed before Meta is
    called. They go in waves (the first message of every chat, then the second, ...); a wave's
    answers are recorded in one transaction before the next wave is sent."""
    if not claimed:
        messages = await claim_all(messages, n=n)
    for wave in _waves(messages):
        sent = await asyncio.gather(*(_send(m, n=n) for m in wave), return_exceptions=True)
        # What did reach Meta is recorded even if another send of the wave broke down.
        await record_attempts([s for s in sent if isinstance(s, tuple)], n=n)
        for failure in (s for s in sent if isinstance(s, BaseException)):
            raise failure


def _waves(messages: Sequence[Message]) -> list[list[Message]]:
    chats: dict[tuple[str, str], list[Message]] = {}
    for m in messages:
        chats.setdefault((m.phone_number_id, m.customer_phone), []).append(m)
    return [[m for m in wave if m is not None] for wave in zip_longest(*chats.values())]


async def claim_all(messages: Sequence[Message], *, n: Notifier) -> list[Message]:
    """Claim queued messages (queued → sending) and commit; those someone else has, or that
    are done, are left out."""
    if not messages:
        return []
    async with n.store.unit_of_work() as uow:
        return await uow.claim_all([m.message_id for m in messages], now=n.clock())


async def send_queued(
    message_id: UUID, *, n: Notifier, expect_attempts: int | None = None
) -> Message | None:
    """Claim a queued message (committed before Meta is called), then attempt it."""
    async with n.store.unit_of_work() as uow:
        claimed = await uow.claim(message_id, now=n.clock(), attempts=expect_attempts)
    if claimed is None:
        return None  # done, or another sender has it
    return await attempt(claimed, n=n)


async def attempt(message: Message, *, n: Notifier) -> Message | None:
    """One send of a claimed (`sending`) message, and its record."""
    sent = await _send(message, n=n)
    if sent is None:
        return None
    [recorded] = await record_attempts([sent], n=n)
    return recorded


async def _send(message: Message, *, n: Notifier) -> tuple[Message, SendOutcome] | None:
    """Call Meta for a claimed message (unless its number is gone or our rate limit says
    wait): the message as sent and the answer; None if the claim was lost meanwhile."""
    with bound_contextvars(**_message_context(message)):
        account = await n.accounts.of_business(message.business_id)
        outcome: SendOutcome
        if account is None or account.phone_number_id != message.phone_number_id:
            outcome = SendFailure(
                GraphError(code=0, title="WhatsApp number no longer connected"), 400
            )
        elif not await n.limiter.acquire(
            message.phone_number_id, message.customer_phone, timeout=n.config.pair_wait
        ):
            # Our own pair/throughput limit: wait on the retry topic rather than block here.
            outcome = SendFailure(GraphError(code=131056, title="local rate limit"), 429)
        else:
            fresh = await _fresh_claim(message, n=n)
            if fresh is None:
                log.info("attempt_superseded", state="claimed again or completed")
                return None
            message = fresh
            outcome = await n.sender.send(account, message.request)
        SENDS.labels("sent" if not isinstance(outcome, SendFailure) else "failed").inc()
        return message, outcome


async def _fresh_claim(message: Message, *, n: Notifier) -> Message | None:
    """The message's claim, renewed (and committed) if it was made so long ago that the sweeper
    could take the message for a dead sender's before this send is over; None if it already
    has, or a receipt completed the message."""
    now = n.clock()
    assert message.claimed_at is not None
    age = (now - message.claimed_at).total_seconds()
    if age < n.config.stale_sending * CLAIM_RENEW_SHARE:
        return message
    async with n.store.unit_of_work() as uow:
        return await uow.renew_claim(message, now)


async def record_attempts(
    sent: Sequence[tuple[Message, SendOutcome]], *, n: Notifier
) -> list[Message | None]:
    """Record sends' answers, all in one transaction; each message as it stands afterwards
    (None if it is gone)."""
    if not sent:
        return []
    now = n.clock()
    recorded: list[Message | None] = []
    results: list[AttemptResult] = []
    async with n.store.unit_of_work() as uow:
        rows = await uow.load_messages([m.message_id for m, _ in sent], lock=True)
        for message, outcome in sent:
            current = rows.get(message.message_id)
            if current is None or _superseded(current, message):
                recorded.append(current)
                continue
            result = after_attempt(current, outcome, now=now, scale=n.config.retry_scale)
            results.append(result)
            recorded.append(result.message)
        await uow.save_messages([(r.message, _attempt_cause(r.message)) for r in results], now)
        for result in results:
            await _after_attempt(uow, result, now)
    if results:
        n.wake()
    for result in results:
        _log_attempt(result)
    return recorded


def _superseded(current: Message, sent: Message) -> bool:
    """A receipt completed the message meanwhile, or a sweeper took it over: theirs is the
    record."""
    if current.state is SendState.SENDING and current.claimed_at == sent.claimed_at:
        return False
    with bound_contextvars(**_message_context(current)):
        log.info("attempt_superseded", state=current.state.value)
    return True


def _attempt_cause(message: Message) -> Cause:
    return Cause(message.business_id, message.correlation_id, None)


async def _after_attempt(uow: NotifierUnitOfWork, result: AttemptResult, now: datetime) -> None:
    """What an attempt leaves besides the message's new state: no reminder after a failed COD
    confirmation, the next retry or the dead letter, notices."""
    message, cause = result.message, _attempt_cause(result.message)
    await _no_reminder_after_failed_cod(uow, message)
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
        )
    await uow.raise_notices(result.notices, cause, now)


def _log_attempt(result: AttemptResult) -> None:
    message = result.message
    _count([message], result.notices)
    error = message.error
    with bound_contextvars(**_message_context(message)):
        log.info(
            "message_attempted",
            purpose=message.purpose.value,
            status=message.status.value,
            attempts=message.attempts,
            error_code=error.code if error and message.status is not DeliveryStatus.SENT else None,
            retry_topic=result.retry.topic.value if result.retry else None,
        )


async def _no_reminder_after_failed_cod(uow: NotifierUnitOfWork, message: Message) -> None:
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


async def retry_send(due: SendAttemptDue, *, n: Notifier) -> Message | None:
    """A record from a retry topic: wait until it is due, then try the message again (unless
    something else — a receipt, the sweeper, a duplicate record — already moved it on)."""
    body = due.body
    with bound_contextvars(
        business_id=str(due.business_id),
        message_id=str(body.message_id),
        correlation_id=due.correlation_id,
        attempt=body.attempt,
    ):
        wait = (body.due_at - n.clock()).total_seconds()
        if wait > 0:
            await asyncio.sleep(min(wait, MAX_RETRY_WAIT))
        return await send_queued(body.message_id, n=n, expect_attempts=body.attempt - 1)


# --- receipts and template reviews -------------------------------------------------------


def _callback_id(value: str | None) -> UUID | None:
    with contextlib.suppress(ValueError, TypeError):
        return UUID(value) if value else None
    return None


async def handle_status_report(event: MessageStatusReported, *, n: Notifier) -> Message | None:
    """One receipt (see `handle_status_reports`); the message it changed, or None."""
    changed = await handle_status_reports([event], n=n)
    return changed[0] if changed else None


class _Receipted:
    """The messages a batch of receipts is about, as the receipts before move them on."""

    def __init__(self, messages: Iterable[Message]) -> None:
        self.messages: dict[UUID, Message] = {}
        self._by_wamid: dict[tuple[str, str], UUID] = {}
        for m in messages:
            self.put(m)

    def find(self, body: StatusReportBody) -> Message | None:
        """By wamid, or by our message id sent as callback data (a receipt may arrive before
        the send's answer was recorded)."""
        message_id = self._by_wamid.get((body.wamid, body.phone_number_id))
        message_id = message_id or _callback_id(body.callback_data)
        return self.messages.get(message_id) if message_id else None

    def put(self, message: Message) -> None:
        self.messages[message.message_id] = message
        if message.wamid:
            self._by_wamid[(message.wamid, message.phone_number_id)] = message.message_id


@dataclass
class _ReceiptChanges:
    saved: dict[UUID, tuple[Message, Cause]] = field(default_factory=dict)  # last state, cause
    notices: list[tuple[tuple[Notice, ...], Cause]] = field(default_factory=list)


async def handle_status_reports(
    events: Sequence[MessageStatusReported], *, n: Notifier
) -> list[Message]:
    """Meta's receipts, a batch in one transaction: each appended in turn to its message's
    history (regressions ignored); a message they changed is saved once, with one snapshot of
    its last state. Returns the changed messages."""
    if not events:
        return []
    now = n.clock()
    async with n.store.unit_of_work() as uow:
        fresh = await uow.first_times("status", [e.event_id for e in events])
        # Each new event once (a record delivered twice in a batch is one event).
        new = list({e.event_id: e for e in events if e.event_id in fresh}.values())
        book = _Receipted(
            await uow.find_receipted(
                wamids=[e.body.wamid for e in new],
                message_ids=[i for e in new if (i := _callback_id(e.body.callback_data))],
            )
        )
        changes = _apply_receipts(book, new)
        await uow.save_messages(list(changes.saved.values()), now)
        for message, _cause in changes.saved.values():
            await _no_reminder_after_failed_cod(uow, message)
        for notices, cause in changes.notices:
            await uow.raise_notices(notices, cause, now)
    if changes.saved:
        n.wake()
    changed = [m for m, _ in changes.saved.values()]
    for m in changed:
        with bound_contextvars(**_message_context(m)):
            log.info("receipt_recorded", status=m.status.value)
    return changed


def _apply_receipts(book: _Receipted, events: Iterable[MessageStatusReported]) -> _ReceiptChanges:
    changes = _ReceiptChanges()
    for event in events:
        body = event.body
        message = book.find(body)
        if message is None or message.business_id != event.business_id:
            with bound_contextvars(
                business_id=str(event.business_id),
                correlation_id=event.correlation_id,
                wamid=body.wamid,
            ):
                log.info("receipt_for_unknown_message", status=body.status)
            continue
        error = body.errors[0] if body.errors else None
        if body.status == "failed" and error is None:
            error = GraphError(code=0, title="failed without a reason")
        result = apply_receipt(
            message, DeliveryStatus(body.status), wamid=body.wamid, at=body.at, error=error
        )
        if result is None:
            continue
        book.put(result.message)
        cause = Cause(message.business_id, message.correlation_id, str(event.event_id))
        changes.saved[message.message_id] = (result.message, cause)
        if result.notices:
            changes.notices.append((result.notices, cause))
    return changes


async def handle_template_status(event: TemplateStatusChanged, *, n: Notifier) -> None:
    body = event.body
    with bound_contextvars(business_id=str(event.business_id), waba_id=body.waba_id):
        if body.name and body.language:
            await n.store.set_template_status(body.waba_id, body.name, body.language, body.status)
        log.info("template_status_changed", template=body.name, status=body.status)
        account = await n.accounts.of_business(event.business_id)
        if account is not None and account.waba_id == body.waba_id:
            await n.templates.sync(account, force=False)


async def sync_all_templates(*, n: Notifier) -> int:
    synced = 0
    for account in await n.accounts.all():
        synced += await n.templates.sync(account)
    return synced


# --- reminders and the sweeper -----------------------------------------------------------


async def queue_due_reminders(*, n: Notifier, limit: int = 100) -> list[Message]:
    """Turn due reminders into queued COD_REMINDER messages (or cancel them if the order moved
    on). Rows are locked SKIP LOCKED, so several notifiers share the work."""
    now = n.clock()
    queued: list[Message] = []
    recorded: list[Message] = []
    raised: list[Notice] = []
    async with n.store.unit_of_work() as uow:
        for order_id, business_id in await uow.due_reminders(now, limit):
            order = await uow.load_order(order_id)
            if order is None or not wants_reminder(order):
                await uow.set_reminder(order_id, "cancelled")
                continue
            assert order.customer_phone is not None
            with bound_contextvars(
                business_id=str(business_id),
                order_id=str(order_id),
                correlation_id=order.correlation_id,
            ):
                account = await n.accounts.of_business(business_id)
                if account is None:
                    await uow.set_reminder(order_id, "skipped")
                    log.info("reminder_without_account")
                    continue
                msg = cod_message(order, account, MessagePurpose.COD_REMINDER)
                status = await n.templates.status(account, *msg.meta_ref)
                message, notices = new_template_message(
                    msg,
                    account,
                    approved=template_sendable(status),
                    template_status=status,
                    correlation_id=order.correlation_id,
                    now=now,
                )
                state = "sent"
                if await uow.opted_out(business_id, order.customer_phone):
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
        n.wake()
    _count(recorded, raised)
    return queued


async def claim_stale(*, n: Notifier, limit: int = 50) -> list[Message]:
    """Messages left `sending` by a sender that died (or `queued` and long overdue): claimed
    again for another send. A receipt carrying our message id would already have completed
    the row, so only sends with no sign of reaching Meta are repeated."""
    now = n.clock()
    async with n.store.unit_of_work() as uow:
        claimed = await uow.claim_stale(
            now=now, stale_before=now - timedelta(seconds=n.config.stale_sending), limit=limit
        )
    for m in claimed:
        with bound_contextvars(**_message_context(m)):
            log.warning("message_resent_after_stall", attempts=m.attempts)
    return claimed


async def run_due_work(*, n: Notifier) -> int:
    """One round of the reminder loop: due reminders, then stalled messages."""
    reminders = await queue_due_reminders(n=n)
    stale = await claim_stale(n=n)
    await send_all(reminders, n=n)
    await send_all(stale, n=n, claimed=True)
    return len(reminders) + len(stale)


# --- poison records ----------------------------------------------------------------------


async def set_aside(record: ConsumerRecord, error: Exception, *, n: Notifier) -> None:
    """A record that does not parse goes to the dead-letter topic with the error."""
    business_id, correlation_id, letter = poison_letter(record, error)
    async with n.store.unit_of_work() as uow:
        await uow.dead_letter(letter, Cause(business_id, correlation_id, None), n.clock(),
                              key=record.key or b"poison")  # fmt: skip
    n.wake()
