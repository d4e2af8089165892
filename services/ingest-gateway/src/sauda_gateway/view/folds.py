"""Folding the streams into the merchant's read side: order events into the view (idempotent by
version), command outcomes, the message log, notices, and webhook deliveries."""

import re
from collections.abc import Sequence
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import orjson

from sauda_contracts import (
    AnyOrderEvent,
    OrderCommandRejected,
    OrderFulfillmentUpdated,
    OrderPaymentChanged,
    OrderPlaced,
    StatusEvent,
)
from sauda_contracts.address_changes import OrderAddressChanged
from sauda_contracts.deliveries import (
    OrderDeliveryAttemptAnswered,
    OrderDeliveryAttemptFailed,
    history_reason,
)
from sauda_contracts.order_review import OrderHeldForReview
from sauda_contracts.webhooks import DeliveryRecorded, EndpointDeactivated
from sauda_contracts.whatsapp import (
    InboundMessageReceived,
    MessagePurpose,
    MessageRecorded,
    NoticeRaised,
)
from sauda_runtime.db import Conn

VIEW_TABLE = "orders"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _json(model: Any) -> Any:
    return None if model is None else orjson.loads(model.model_dump_json())


def _history_entry(
    event: AnyOrderEvent, actor: str, reason: str | None = None
) -> list[dict[str, Any]]:
    return [
        {
            "version": event.body.version,
            "status": event.body.status.value,
            "event": event.type,
            "at": event.occurred_at.isoformat(),
            "actor": actor,
            "reason": reason,
        }
    ]


def _change_row(e: AnyOrderEvent) -> tuple[Any, ...]:
    """(order, status, version, at, history entry, payment, fulfillment, delivery address) of a
    non-placing event."""
    return (*_fact_row(e), None)


def _fact_row(e: AnyOrderEvent) -> tuple[Any, ...]:
    b = e.body
    if isinstance(e, OrderAddressChanged):
        entry = _history_entry(e, e.body.actor.value, e.body.reason)
        entry[0]["delivery_address"] = _json(e.body.delivery_address)
        return (b.order_id, b.status.value, b.version, e.occurred_at, entry, None, None)
    if isinstance(e, OrderPaymentChanged):
        return (b.order_id, b.status.value, b.version, e.occurred_at,
                _history_entry(e, e.body.actor.value), _json(e.body.payment), None)  # fmt: skip
    if isinstance(e, OrderFulfillmentUpdated):
        return (b.order_id, b.status.value, b.version, e.occurred_at,
                _history_entry(e, e.body.actor.value), None, _json(e.body.fulfillment))  # fmt: skip
    if isinstance(e, OrderHeldForReview):
        return (b.order_id, b.status.value, b.version, e.occurred_at,
                _history_entry(e, e.body.actor.value, e.body.reason), None, None)  # fmt: skip
    if isinstance(e, OrderDeliveryAttemptFailed | OrderDeliveryAttemptAnswered):
        return (b.order_id, b.status.value, b.version, e.occurred_at,
                _history_entry(e, e.body.actor.value, history_reason(e)), None, None)  # fmt: skip
    assert not isinstance(e, OrderPlaced)
    return (b.order_id, b.status.value, b.version, e.occurred_at,
            _history_entry(e, e.body.actor.value, e.body.reason), None,
            _json(e.body.fulfillment))  # fmt: skip


def _address_row(e: OrderAddressChanged) -> tuple[Any, ...]:
    return (*_fact_row(e), _json(e.body.delivery_address))


class ViewWriter:
    """Applies events to one view table, idempotently: an event applies only to the version before it."""

    def __init__(self, table: str = VIEW_TABLE) -> None:
        if not _IDENT.match(table):
            raise ValueError(f"bad table name {table!r}")
        self._insert = (
            f"INSERT INTO {table} (order_id, business_id, order_number, status, source, customer, "
            "items, total, currency, external_order_id, idempotency_key, version, history, "
            "created_at, updated_at, platform, payment, customer_phone, customer_email, "
            "delivery_address) "
            "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12, $13::jsonb, "
            "$14, $14, $15, $16::jsonb, $17, $18, $19::jsonb) ON CONFLICT (order_id) DO NOTHING"
        )
        self._update = (
            f"UPDATE {table} SET status = $2, version = $3, updated_at = $4, "
            "history = history || $5::jsonb, payment = coalesce($6::jsonb, payment), "
            "fulfillment = coalesce($7::jsonb, fulfillment), "
            "delivery_address = coalesce($8::jsonb, delivery_address) "
            "WHERE order_id = $1 AND version = $3 - 1"
        )
        # Held for review until the order's next status (only where that event applied).
        self._review = f"UPDATE {table} SET needs_review = $3 WHERE order_id = $1 AND version = $2"

    async def apply(self, conn: Conn, events: Sequence[AnyOrderEvent]) -> None:
        placed = [e for e in events if isinstance(e, OrderPlaced)]
        if placed:
            await conn.executemany(self._insert, [self._placed_row(e) for e in placed])
        # executemany runs in order: each change applies to the version the previous one left.
        changes = [_address_row(e) if isinstance(e, OrderAddressChanged) else _change_row(e)
                   for e in events if not isinstance(e, OrderPlaced)]  # fmt: skip
        if changes:
            await conn.executemany(self._update, changes)
        marks = [(e.body.order_id, e.body.version, isinstance(e, OrderHeldForReview))
                 for e in events if isinstance(e, OrderHeldForReview | StatusEvent)]  # fmt: skip
        if marks:
            await conn.executemany(self._review, marks)

    @staticmethod
    def _placed_row(e: OrderPlaced) -> tuple[Any, ...]:
        b = e.body
        body = orjson.loads(b.model_dump_json())
        return (
            b.order_id, e.business_id, b.order_number, b.status.value, b.source.value,
            body["customer"], body["items"], b.total, b.currency, b.external_order_id,
            b.idempotency_key, b.version, _history_entry(e, b.actor.value), e.occurred_at,
            b.platform, body["payment"], b.customer.phone, b.customer.email,
            body.get("delivery_address"),
        )  # fmt: skip


async def record_outcomes(
    conn: Conn,
    events: Sequence[AnyOrderEvent],
    rejections: Sequence[OrderCommandRejected],
    channel: str,
) -> None:
    """Remember what became of each command and wake the requests waiting for it."""
    rows = [
        (UUID(e.causation_id), e.body.order_id, "applied", {"version": e.body.version})
        for e in events
        if e.causation_id
    ] + [
        (r.body.command_id, r.body.order_id, "rejected", orjson.loads(r.body.model_dump_json()))
        for r in rejections
    ]
    if not rows:
        return
    await conn.executemany(
        "INSERT INTO command_outcomes (command_id, order_id, outcome, payload) "
        "VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT DO NOTHING",
        rows,
    )
    # The outcome rides in the notification, so a waiting request needs no second query.
    await notify(conn, channel, [{"command_id": str(r[0]), "outcome": r[2], "payload": r[3]}
                                 for r in rows])  # fmt: skip


async def notify(conn: Conn, channel: str, notes: Sequence[dict[str, Any]]) -> None:
    """NOTIFY each note (as JSON) on `channel`: sent when the transaction commits, if it does."""
    if notes:
        await conn.execute("SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n", channel,
                           [orjson.dumps(n).decode() for n in notes])  # fmt: skip


def live_notes(events: Sequence[AnyOrderEvent]) -> list[dict[str, Any]]:
    """What the live stream is told of order events: whose, which order, whether placed (the
    stream reads the rest from the view)."""
    return [{"business_id": str(e.business_id), "kind": "order", "order_id": str(e.body.order_id),
             "placed": isinstance(e, OrderPlaced)} for e in events]  # fmt: skip


def notice_note(business_id: UUID, notice_id: UUID) -> dict[str, Any]:
    return {"business_id": str(business_id), "kind": "notice", "notice_id": str(notice_id)}


# --- the message log and notices ---


async def record_messages(conn: Conn, messages: list[MessageRecorded]) -> None:
    """Keep each message's newest snapshot (a replayed older revision changes nothing)."""
    if not messages:
        return
    await conn.executemany(
        "INSERT INTO wa_messages (message_id, business_id, customer_phone, order_id, direction, "
        " purpose, kind, template, language, text, wamid, status, history, error, attempts, "
        " revision, created_at, scheduled_for) VALUES ($1, $2, $3, $4, 'outbound', $5, $6, $7, "
        " $8, $9, $10, $11, $12::jsonb, $13::jsonb, $14, $15, $16, $17) "
        "ON CONFLICT (message_id) DO UPDATE SET wamid = EXCLUDED.wamid, status = EXCLUDED.status, "
        " history = EXCLUDED.history, error = EXCLUDED.error, attempts = EXCLUDED.attempts, "
        " revision = EXCLUDED.revision, text = EXCLUDED.text, "
        " scheduled_for = EXCLUDED.scheduled_for, updated_at = now() "
        "WHERE wa_messages.revision < EXCLUDED.revision",
        [
            (
                b.message_id,
                m.business_id,
                b.chat_with,  # the chat: the phone, or the user id of a username user
                b.order_id,
                b.purpose.value,
                b.kind,
                b.template,
                b.language,
                b.text,
                b.wamid,
                b.status.value,
                [h.model_dump(mode="json") for h in b.history],
                b.error.model_dump(mode="json") if b.error else None,
                b.attempts,
                b.revision,
                b.created_at,
                b.scheduled_for,
            )
            for m in messages
            for b in (m.body,)
        ],
    )


def send_notes(messages: Sequence[MessageRecorded]) -> list[dict[str, Any]]:
    """What a request waiting on a merchant's send is told of its message's record."""
    return [{"message_id": str(b.message_id), "status": b.status.value, "wamid": b.wamid,
             "error": b.error.model_dump(mode="json") if b.error else None}
            for m in messages for b in (m.body,) if b.purpose is MessagePurpose.MERCHANT]  # fmt: skip


def inbound_message_id(business_id: UUID, wamid: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"sauda:inbound:{business_id}:{wamid}")


async def record_inbound(conn: Conn, messages: list[InboundMessageReceived]) -> None:
    if not messages:
        return
    await conn.executemany(
        "INSERT INTO wa_messages (message_id, business_id, customer_phone, direction, kind, "
        " text, wamid, status, revision, created_at) "
        "VALUES ($1, $2, $3, 'inbound', $4, $5, $6, 'received', 1, $7) "
        "ON CONFLICT (message_id) DO NOTHING",
        [
            (
                inbound_message_id(m.business_id, b.wamid),
                m.business_id,
                b.chat_with,  # the chat: the phone, or the user id of a username user
                b.kind.value,
                b.text or (b.reply_id or f"[{b.meta_type}]"),
                b.wamid,
                m.occurred_at,  # when Sauda got it: Meta stamps whole seconds only
            )
            for m in messages
            for b in (m.body,)
        ],
    )


async def record_notices(conn: Conn, notices: list[NoticeRaised]) -> None:
    if not notices:
        return
    await conn.executemany(
        "INSERT INTO notices (notice_id, business_id, kind, message, order_id, order_number, "
        " customer_phone, details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) "
        "ON CONFLICT (notice_id) DO NOTHING",
        [
            (
                b.notice_id,
                n.business_id,
                b.kind.value,
                b.message,
                b.order_id,
                b.order_number,
                b.customer_phone,
                b.details,
                n.occurred_at,
            )
            for n in notices
            for b in (n.body,)
        ],
    )


# --- webhook deliveries ---


async def record_deliveries(conn: Conn, deliveries: list[DeliveryRecorded]) -> None:
    """Keep each delivery's newest snapshot (an older revision changes nothing)."""
    if not deliveries:
        return
    await conn.executemany(
        "INSERT INTO webhook_deliveries (delivery_id, endpoint_id, business_id, event_id, event, "
        " order_id, status, attempts, response_status, duration_ms, response_excerpt, error, "
        " revision, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
        "ON CONFLICT (delivery_id) DO UPDATE SET status = EXCLUDED.status, "
        " attempts = EXCLUDED.attempts, response_status = EXCLUDED.response_status, "
        " duration_ms = EXCLUDED.duration_ms, response_excerpt = EXCLUDED.response_excerpt, "
        " error = EXCLUDED.error, revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at "
        "WHERE webhook_deliveries.revision < EXCLUDED.revision",
        [_delivery_row(d) for d in deliveries],
    )


def _delivery_row(d: DeliveryRecorded) -> tuple[Any, ...]:
    b = d.body
    return (
        b.delivery_id, b.endpoint_id, d.business_id, b.event_id, b.event, b.order_id,
        b.status.value, b.attempts, b.response_status, b.duration_ms, b.response_excerpt,
        b.error, b.revision, b.created_at, b.updated_at,
    )  # fmt: skip


async def record_deactivations(
    conn: Conn, deactivations: list[EndpointDeactivated]
) -> list[EndpointDeactivated]:
    """Turn the endpoints off (unless reactivated since) and tell the merchant in a notice;
    returns those that raised one (its id is the event's)."""
    raised = []
    for d in deactivations:
        b = d.body
        url = await conn.fetchval(
            "UPDATE webhook_endpoints SET active = false, deactivated_at = $2, "
            " consecutive_failures = $3, updated_at = now() "
            "WHERE endpoint_id = $1 AND activated_at < $2 RETURNING url",
            b.endpoint_id, b.deactivated_at, b.consecutive_failures,
        )  # fmt: skip
        if url is None:
            continue
        await conn.execute(
            "INSERT INTO notices (notice_id, business_id, kind, message, details, created_at) "
            "VALUES ($1, $2, 'webhook_endpoint_deactivated', $3, $4::jsonb, $5) "
            "ON CONFLICT (notice_id) DO NOTHING",
            d.event_id, d.business_id,
            f"Webhook endpoint {url} was turned off after {b.consecutive_failures} failed "
            "deliveries in a row. Fix it, then PATCH it with {\"active\": true}.",
            {"endpoint_id": str(b.endpoint_id), "url": url},
            b.deactivated_at,
        )  # fmt: skip
        raised.append(d)
    return raised
