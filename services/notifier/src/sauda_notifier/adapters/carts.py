"""Cart recoveries and the businesses' recovery delays in the notifier's Postgres: a cart planned
once, the due ones a round takes (row locks, SKIP LOCKED: a claim that dies with its
transaction), the scheduled ones of a phone, and a decided row saved."""

from datetime import datetime
from uuid import UUID

import asyncpg

from sauda_contracts.cart_recovery import DEFAULT_DELAY_MINUTES, SetCartRecovery
from sauda_notifier.adapters.rows import language_of
from sauda_notifier.domain.carts import Recovery, RecoveryState, SkipReason
from sauda_runtime.db import Conn

_COLUMNS = (
    "business_id, cart_id, chat, customer_name, language, checkout_url, abandoned_at, due_at, "
    "state, reason, correlation_id"
)


def _recovery(row: asyncpg.Record) -> Recovery:
    return Recovery(
        **{
            **row,
            "language": language_of(row["language"]),
            "state": RecoveryState(row["state"]),
            "reason": SkipReason(row["reason"]) if row["reason"] else None,
        }
    )


async def delay_minutes(conn: Conn, business_id: UUID) -> int:
    found = await conn.fetchval(
        "SELECT delay_minutes FROM cart_recovery_settings WHERE business_id = $1", business_id
    )
    return DEFAULT_DELAY_MINUTES if found is None else int(found)


async def set_delay(conn: Conn, command: SetCartRecovery) -> bool:
    """The business's setting as of this snapshot, unless a newer one is there; True if taken."""
    return bool(
        await conn.fetchval(
            "INSERT INTO cart_recovery_settings (business_id, delay_minutes, revision) "
            "VALUES ($1, $2, $3) ON CONFLICT (business_id) DO UPDATE SET "
            " delay_minutes = EXCLUDED.delay_minutes, revision = EXCLUDED.revision, "
            " updated_at = now() WHERE cart_recovery_settings.revision < EXCLUDED.revision "
            "RETURNING true",
            command.business_id,
            command.body.delay_minutes,
            command.body.revision,
        )
    )


async def add(conn: Conn, r: Recovery) -> bool:
    """The cart's plan, once: False if the cart was planned before (a redelivered or replayed
    CartAbandoned, or the store reporting the same cart again)."""
    language, reason = (
        r.language.value if r.language else None,
        r.reason.value if r.reason else None,
    )
    inserted = await conn.fetchval(
        f"INSERT INTO cart_recoveries ({_COLUMNS}) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
        "ON CONFLICT (business_id, cart_id) DO NOTHING RETURNING true",
        r.business_id, r.cart_id, r.chat, r.customer_name, language, r.checkout_url,
        r.abandoned_at, r.due_at, r.state.value, reason, r.correlation_id,
    )  # fmt: skip
    return bool(inserted)


async def get(conn: Conn, business_id: UUID, cart_id: str) -> Recovery | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM cart_recoveries WHERE business_id = $1 AND cart_id = $2 "
        "FOR UPDATE",
        business_id,
        cart_id,
    )
    return _recovery(row) if row else None


async def scheduled_of_chat(conn: Conn, business_id: UUID, chat: str) -> list[Recovery]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM cart_recoveries WHERE business_id = $1 AND chat = $2 "
        "AND state = 'scheduled' ORDER BY cart_id FOR UPDATE",
        business_id,
        chat,
    )
    return [_recovery(r) for r in rows]


async def take_due(conn: Conn, now: datetime, limit: int) -> list[Recovery]:
    """Due scheduled carts, locked for this transaction; another notifier skips them."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM cart_recoveries WHERE state = 'scheduled' AND due_at <= $1 "
        "ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        now,
        limit,
    )
    return [_recovery(r) for r in rows]


async def save(conn: Conn, r: Recovery, message_id: UUID | None = None) -> None:
    await conn.execute(
        "UPDATE cart_recoveries SET state = $3, reason = $4, due_at = $5, "
        " message_id = COALESCE($6, message_id), updated_at = now() "
        "WHERE business_id = $1 AND cart_id = $2",
        r.business_id, r.cart_id, r.state.value, r.reason.value if r.reason else None, r.due_at,
        message_id,
    )  # fmt: skip
