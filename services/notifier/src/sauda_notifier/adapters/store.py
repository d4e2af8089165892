"""The notifier's Postgres store; every change queues its records in the outbox, same transaction.

Tables: orders, the message log, reminders, templates, contacts, notices, processed events.
"""

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

import asyncpg

from sauda_contracts import Topic
from sauda_contracts.dead_letters import DeadLetter, DeadLetterBody
from sauda_contracts.language import Language
from sauda_contracts.whatsapp import (
    MessageRecorded,
    SendAttemptBody,
    SendAttemptDue,
    chat_key,
)
from sauda_notifier.adapters.notices import raise_notices
from sauda_notifier.adapters.rows import (
    CLAIM_MESSAGES,
    MESSAGE_COLUMNS,
    MESSAGE_SELECT,
    ORDER_SELECT,
    SAVE_MESSAGE,
    Cause,
    language_of,
    message_from_row,
    order_from_row,
)
from sauda_notifier.adapters.templates import TemplateWrites
from sauda_notifier.domain.facts import NAMESPACE, Notice, OrderFacts
from sauda_notifier.domain.message_log import Message, snapshot
from sauda_notifier.domain.retries import Retry
from sauda_runtime.db import Conn
from sauda_runtime.kit import claim_events, claimed
from sauda_runtime.outbox import add_to_outbox


class NotifierUnitOfWork:
    """One transaction on the notifier's schema."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    # --- idempotency ---

    async def first_times(self, consumer: str, event_ids: Sequence[UUID]) -> set[UUID]:
        """Claim the events for `consumer`; the ids that were not claimed yet."""
        return await claim_events(self.conn, consumer, event_ids)

    async def already_processed(self, consumer: str, event_ids: Sequence[UUID]) -> set[UUID]:
        """Which of these events `consumer` has handled (a look, not a claim)."""
        return await claimed(self.conn, consumer, event_ids)

    # --- orders and contacts ---

    async def load_order(self, order_id: UUID) -> OrderFacts | None:
        row = await self.conn.fetchrow(f"{ORDER_SELECT} WHERE order_id = $1", order_id)
        return order_from_row(row) if row else None

    async def load_orders(self, order_ids: Iterable[UUID]) -> dict[UUID, OrderFacts]:
        ids = list(set(order_ids))
        if not ids:
            return {}
        rows = await self.conn.fetch(f"{ORDER_SELECT} WHERE order_id = ANY($1::uuid[])", ids)
        return {r["order_id"]: order_from_row(r) for r in rows}

    async def save_order(self, order: OrderFacts) -> None:
        # Only forward: a replayed older event never rolls the order back.
        await self.conn.execute(
            "INSERT INTO orders (order_id, business_id, order_number, customer_phone, "
            " customer_name, language, consent, total, currency, status, version, correlation_id, "
            " customer_user_id, delivery_address) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
            "ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, "
            " version = EXCLUDED.version, delivery_address = EXCLUDED.delivery_address, "
            " updated_at = now() "
            "WHERE orders.version < EXCLUDED.version",
            order.order_id, order.business_id, order.order_number, order.customer_phone,
            order.customer_name, order.language.value if order.language else None, order.consent,
            order.total, order.currency, order.status.value, order.version, order.correlation_id,
            order.customer_user_id, order.delivery_address,
        )  # fmt: skip

    async def remember_contact(self, business_id: UUID, phone: str, language: str | None) -> None:
        await self.conn.execute(
            "INSERT INTO contacts (business_id, phone, language) VALUES ($1, $2, $3) "
            "ON CONFLICT (business_id, phone) DO UPDATE SET "
            " language = COALESCE(EXCLUDED.language, contacts.language), updated_at = now()",
            business_id,
            phone,
            language,
        )

    async def contact_languages(
        self, contacts: Iterable[tuple[UUID, str]]
    ) -> dict[tuple[UUID, str], Language]:
        """The language each (business, phone)'s earlier orders named, for those that named one."""
        keys = list(set(contacts))
        if not keys:
            return {}
        rows = await self.conn.fetch(
            "SELECT business_id, phone, language FROM contacts WHERE language IS NOT NULL "
            "AND (business_id, phone) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))",
            [b for b, _ in keys],
            [p for _, p in keys],
        )
        found = {(r["business_id"], r["phone"]): language_of(r["language"]) for r in rows}
        return {k: v for k, v in found.items() if v is not None}

    async def set_opt_out(self, business_id: UUID, phone: str, opted_out: bool) -> None:
        await self.conn.execute(
            "INSERT INTO contacts (business_id, phone, opted_out) VALUES ($1, $2, $3) "
            "ON CONFLICT (business_id, phone) DO UPDATE SET opted_out = EXCLUDED.opted_out, "
            " updated_at = now()",
            business_id,
            phone,
            opted_out,
        )

    async def opted_out(self, business_id: UUID, phone: str) -> bool:
        return bool(
            await self.conn.fetchval(
                "SELECT opted_out FROM contacts WHERE business_id = $1 AND phone = $2",
                business_id,
                phone,
            )
        )

    # --- the message log ---

    async def add_message(self, message: Message, cause: Cause, now: datetime) -> bool:
        """Insert a new message (and publish its first snapshot); False if its dedupe key was
        already used (a redelivered cause), in which case nothing is written."""
        inserted = await self.conn.fetchval(
            f"INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
            "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) "
            "ON CONFLICT (business_id, dedupe_key) DO NOTHING RETURNING true",
            *self._values(message),
        )
        if inserted:
            await self._publish_snapshot(message, cause, now)
        return bool(inserted)

    @staticmethod
    def _values(m: Message) -> tuple[Any, ...]:
        return (
            m.message_id, m.business_id, m.dedupe_key, m.phone_number_id, m.customer_phone,
            m.order_id, m.purpose.value, m.template, m.language, m.kind, m.text, m.request,
            m.wamid, m.state.value, m.status.value, m.attempts,
            [h.model_dump(mode="json") for h in m.history],
            m.error.model_dump(mode="json") if m.error else None,
            m.revision, m.claimed_at, m.next_attempt_at, m.correlation_id, m.created_at,
        )  # fmt: skip

    @staticmethod
    def _changes(m: Message) -> tuple[Any, ...]:
        return (
            m.message_id, m.wamid, m.state.value, m.status.value, m.attempts,
            [h.model_dump(mode="json") for h in m.history],
            m.error.model_dump(mode="json") if m.error else None,
            m.revision, m.claimed_at, m.next_attempt_at,
        )  # fmt: skip

    async def save_message(
        self, message: Message, cause: Cause, now: datetime, *, publish: bool = True
    ) -> None:
        await self.conn.execute(SAVE_MESSAGE, *self._changes(message))
        if publish:
            await self._publish_snapshot(message, cause, now)

    async def save_messages(self, saved: Sequence[tuple[Message, Cause]], now: datetime) -> None:
        """Several messages' new state, each with its snapshot (in the order given)."""
        if not saved:
            return
        await self.conn.executemany(SAVE_MESSAGE, [self._changes(m) for m, _ in saved])
        await add_to_outbox(self.conn, [self._snapshot_row(m, c, now) for m, c in saved])

    async def load_messages(
        self, message_ids: Iterable[UUID], *, lock: bool = False
    ) -> dict[UUID, Message]:
        """Messages by id; `lock`ed in id order, so that concurrent batches cannot deadlock."""
        rows = await self.conn.fetch(
            f"{MESSAGE_SELECT} WHERE m.message_id = ANY($1::uuid[]) "
            f"ORDER BY m.message_id{' FOR UPDATE OF m' if lock else ''}",
            list(set(message_ids)),
        )
        return {r["message_id"]: message_from_row(r) for r in rows}

    async def message_by_key(self, business_id: UUID, dedupe_key: str) -> Message | None:
        """The message recorded under a dedupe key, locked; None if there is none."""
        row = await self.conn.fetchrow(
            f"{MESSAGE_SELECT} WHERE m.business_id = $1 AND m.dedupe_key = $2 FOR UPDATE OF m",
            business_id,
            dedupe_key,
        )
        return message_from_row(row) if row else None

    async def find_receipted(
        self, *, wamids: Iterable[str], message_ids: Iterable[UUID]
    ) -> list[Message]:
        """The messages a batch of receipts may be about (by wamid or by our id sent as callback
        data), locked in id order so that concurrent batches cannot deadlock."""
        rows = await self.conn.fetch(
            f"{MESSAGE_SELECT} WHERE m.wamid = ANY($1::text[]) OR m.message_id = ANY($2::uuid[]) "
            "ORDER BY m.message_id FOR UPDATE OF m",
            list(set(wamids)),
            list(set(message_ids)),
        )
        return [message_from_row(r) for r in rows]

    async def claim(
        self, message_id: UUID, *, now: datetime, attempts: int | None = None
    ) -> Message | None:
        """queued → sending, counting the attempt; None if someone else has it or it is done
        (or, with `attempts`, if it is no longer waiting for that attempt)."""
        row = await self.conn.fetchrow(CLAIM_MESSAGES, [message_id], now, attempts)
        return message_from_row(row) if row else None

    async def claim_all(self, message_ids: Sequence[UUID], *, now: datetime) -> list[Message]:
        """`claim` for several messages in one statement; the claimed ones, in the order given
        (those someone else has, or that are done, are left out)."""
        rows = await self.conn.fetch(CLAIM_MESSAGES, list(message_ids), now, None)
        claimed = {r["message_id"]: message_from_row(r) for r in rows}
        return [claimed[i] for i in message_ids if i in claimed]

    async def renew_claim(self, message: Message, now: datetime) -> Message | None:
        """Move a claim's time to now if it is still this claim (no sweeper took the message
        over, no receipt completed it); the message as renewed, or None."""
        renewed = await self.conn.fetchval(
            "UPDATE messages SET claimed_at = $3, updated_at = now() "
            "WHERE message_id = $1 AND state = 'sending' AND claimed_at = $2 RETURNING true",
            message.message_id,
            message.claimed_at,
            now,
        )
        return replace(message, claimed_at=now) if renewed else None

    async def claim_stale(
        self, *, now: datetime, stale_before: datetime, limit: int
    ) -> list[Message]:
        """Messages nobody is going to finish: claimed (`sending`) before `stale_before`, whose
        sender evidently died, and `queued` ones overdue since before `stale_before`. They are
        claimed again here (SKIP LOCKED: several notifiers share the sweep)."""
        rows = await self.conn.fetch(
            "SELECT message_id FROM messages WHERE "
            " (state = 'sending' AND claimed_at < $1) "
            " OR (state = 'queued' AND next_attempt_at < $1) "
            "ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED",
            stale_before,
            limit,
        )
        ids = [r["message_id"] for r in rows]
        if not ids:
            return []
        await self.conn.execute(
            "UPDATE messages SET state = 'sending', claimed_at = $2, attempts = attempts + 1, "
            " updated_at = now() WHERE message_id = ANY($1::uuid[])",
            ids,
            now,
        )
        rows = await self.conn.fetch(
            f"{MESSAGE_SELECT} WHERE m.message_id = ANY($1::uuid[]) ORDER BY m.created_at", ids
        )
        return [message_from_row(r) for r in rows]

    # --- reminders ---

    async def schedule_reminder(self, order_id: UUID, business_id: UUID, due_at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO reminders (order_id, business_id, due_at, state) "
            "VALUES ($1, $2, $3, 'scheduled') ON CONFLICT (order_id) DO NOTHING",
            order_id,
            business_id,
            due_at,
        )

    async def cancel_reminder(self, order_id: UUID) -> None:
        await self.set_reminder(order_id, "cancelled")

    async def set_reminder(self, order_id: UUID, state: str) -> None:
        await self.conn.execute(
            "UPDATE reminders SET state = $2, updated_at = now() "
            "WHERE order_id = $1 AND state = 'scheduled'",
            order_id,
            state,
        )

    async def due_reminders(self, now: datetime, limit: int) -> list[tuple[UUID, UUID]]:
        """(order id, business id) of reminders due; locked, skipping those another notifier
        is handling."""
        rows = await self.conn.fetch(
            "SELECT order_id, business_id FROM reminders WHERE state = 'scheduled' "
            "AND due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED",
            now,
            limit,
        )
        return [(r["order_id"], r["business_id"]) for r in rows]

    # --- notices, retries, dead letters ---

    async def raise_notices(self, notices: Iterable[Notice], cause: Cause, now: datetime) -> int:
        """Publish each notice once: its id is derived from its cause."""
        return await raise_notices(self.conn, notices, cause, now)

    async def schedule_retry(
        self, message: Message, retry: Retry, cause: Cause, now: datetime
    ) -> None:
        event = SendAttemptDue(
            **cause.envelope(
                uuid5(NAMESPACE, f"attempt:{message.message_id}:{retry.attempt}"), now
            ),
            body=SendAttemptBody(
                message_id=message.message_id,
                attempt=retry.attempt,
                due_at=retry.due_at,
                last_error=message.error,
            ),
        )
        await add_to_outbox(
            self.conn, [(retry.topic, str(message.message_id).encode(), event.to_bytes())]
        )

    async def dead_letter(
        self,
        body: DeadLetterBody,
        cause: Cause,
        now: datetime,
        *,
        key: bytes,
        revision: int,
    ) -> None:
        """A send that failed for good, on the dead-letter topic; its id names the message's
        revision, so the letter of a re-driven send that failed again is a new letter."""
        event_id = uuid5(
            NAMESPACE,
            f"dead:{body.source_topic}:{body.partition}:{body.offset}:{body.message_id}:{revision}",
        )
        event = DeadLetter(**cause.envelope(event_id, now), body=body)
        await add_to_outbox(self.conn, [(Topic.NOTIFIER_DLQ, key, event.to_bytes())])

    async def _publish_snapshot(self, message: Message, cause: Cause, now: datetime) -> None:
        await add_to_outbox(self.conn, [self._snapshot_row(message, cause, now)])

    @staticmethod
    def _snapshot_row(message: Message, cause: Cause, now: datetime) -> tuple[str, bytes, bytes]:
        event = MessageRecorded(
            **cause.envelope(
                uuid5(NAMESPACE, f"recorded:{message.message_id}:{message.revision}"), now
            ),
            body=snapshot(message),
        )
        key = chat_key(message.business_id, message.customer_phone)
        return Topic.NOTIFIER_EVENTS, key, event.to_bytes()

    # --- templates ---

    async def template_status(self, waba_id: str, name: str, language: str) -> str | None:
        value = await self.conn.fetchval(
            "SELECT status FROM templates WHERE waba_id = $1 AND name = $2 AND language = $3",
            waba_id,
            name,
            language,
        )
        return str(value) if value is not None else None


class PgNotifierStore(TemplateWrites):
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[NotifierUnitOfWork]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield NotifierUnitOfWork(conn)

    async def template_status(self, waba_id: str, name: str, language: str) -> str | None:
        async with self.pool.acquire() as conn:
            return await NotifierUnitOfWork(conn).template_status(waba_id, name, language)
