"""Meta's receipts, a batch in one transaction, each appended to its message's history."""

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from sauda_contracts.whatsapp import (
    DeliveryStatus,
    GraphError,
    MessageStatusReported,
    StatusReportBody,
)
from sauda_notifier.adapters.store import Cause, PgNotifierStore
from sauda_notifier.domain.facts import Notice
from sauda_notifier.domain.message_log import Message
from sauda_notifier.domain.receipts import apply_receipt
from sauda_notifier.handlers.common import message_context
from sauda_notifier.handlers.sending import no_reminder_after_failed_cod
from sauda_runtime.logging import bound_contextvars, get_logger
from sauda_runtime.retrying import Clock

log = get_logger(__name__)


def _callback_id(value: str | None) -> UUID | None:
    with contextlib.suppress(ValueError, TypeError):
        return UUID(value) if value else None
    return None


async def handle_status_report(
    event: MessageStatusReported, *, store: PgNotifierStore, wake: Callable[[], None], clock: Clock
) -> Message | None:
    """One receipt (see `handle_status_reports`); the message it changed, or None."""
    changed = await handle_status_reports([event], store=store, wake=wake, clock=clock)
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
    events: Sequence[MessageStatusReported],
    *,
    store: PgNotifierStore,
    wake: Callable[[], None],
    clock: Clock,
) -> list[Message]:
    """Meta's receipts, a batch in one transaction: each appended in turn to its message's
    history (regressions ignored); a message they changed is saved once, with one snapshot of
    its last state. Returns the changed messages."""
    if not events:
        return []
    now = clock()
    async with store.unit_of_work() as uow:
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
            await no_reminder_after_failed_cod(uow, message)
        for notices, cause in changes.notices:
            await uow.raise_notices(notices, cause, now)
    if changes.saved:
        wake()
    changed = [m for m, _ in changes.saved.values()]
    for m in changed:
        with bound_contextvars(**message_context(m)):
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
