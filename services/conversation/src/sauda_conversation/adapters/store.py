"""The conversation schema: commands sent for taps, chat sessions and carts, chat order numbers,
and orders awaiting a COD answer (the outbox and claims are the runtime kit's).

Every `customer_phone` column holds who the chat is with, `chat_identity(phone, user_id)`: the
shopper's phone, or Meta's user id for a username user who shares none (a user id has a letter,
so the two never meet). The columns kept their name: a phone shopper's rows are as
they were, and no migration was needed."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

from sauda_contracts.language import Language
from sauda_conversation.domain.cod import AwaitingOrder, StatusMove
from sauda_conversation.domain.flow import Line, Session, Step, expired
from sauda_runtime.db import Conn


@dataclass(frozen=True, slots=True)
class TapCommand:
    command_id: UUID
    business_id: UUID
    chat_with: str  # chat_identity of the shopper who tapped
    order_id: UUID
    order_number: str
    action: str
    wamid: str


async def remember_tap(conn: Conn, tap: TapCommand) -> None:
    await conn.execute(
        "INSERT INTO tap_commands (command_id, business_id, customer_phone, order_id, "
        " order_number, action, wamid) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        tap.command_id, tap.business_id, tap.chat_with, tap.order_id, tap.order_number,
        tap.action, tap.wamid,
    )  # fmt: skip


async def taps_by_command(conn: Conn, command_ids: list[UUID]) -> dict[UUID, TapCommand]:
    rows = await conn.fetch(
        "SELECT command_id, business_id, customer_phone AS chat_with, order_id, order_number, "
        " action, wamid FROM tap_commands WHERE command_id = ANY($1::uuid[])",
        command_ids,
    )
    return {r["command_id"]: TapCommand(**dict(r)) for r in rows}


# --- chat ordering sessions ---


async def load_session(
    conn: Conn, business_id: UUID, chat: str, *, default: Session, now: datetime, ttl: timedelta
) -> Session:
    """The shopper's session, locked for this transaction; a fresh one if none or expired."""
    row = await conn.fetchrow(
        "SELECT step, cart, pending, language, query, delivery_address, updated_at FROM sessions "
        "WHERE business_id = $1 AND customer_phone = $2 FOR UPDATE",
        business_id,
        chat,
    )
    if row is None:
        return default
    language = Language(row["language"]) if row["language"] in set(Language) else default.language
    if expired(row["updated_at"], now, ttl):
        return replace(default, language=language)
    return Session(
        step=Step(row["step"]),
        cart=tuple(Line(UUID(p), int(q)) for p, q in row["cart"]),
        pending=row["pending"],
        language=language,
        query=row["query"],
        address=row["delivery_address"],
    )


async def save_session(
    conn: Conn, business_id: UUID, chat: str, session: Session, now: datetime
) -> None:
    cart = [[str(line.product_id), line.qty] for line in session.cart]
    await conn.execute(
        "INSERT INTO sessions (business_id, customer_phone, step, cart, pending, language, query, "
        " updated_at, delivery_address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (business_id, customer_phone) DO UPDATE SET step = EXCLUDED.step, "
        " cart = EXCLUDED.cart, pending = EXCLUDED.pending, language = EXCLUDED.language, "
        " query = EXCLUDED.query, updated_at = EXCLUDED.updated_at, "
        " delivery_address = EXCLUDED.delivery_address",
        business_id, chat, session.step.value, cart, session.pending, session.language.value,
        session.query[:500], now, session.address,
    )  # fmt: skip


async def clear_session(conn: Conn, business_id: UUID, phone: str, now: datetime) -> bool:
    """End the shopper's flow: back to idle with an empty cart (their language is kept)."""
    done = await conn.execute(
        "UPDATE sessions SET step = 'idle', cart = '[]', pending = NULL, query = '', "
        "delivery_address = NULL, "
        "updated_at = $3 WHERE business_id = $1 AND customer_phone = $2",
        business_id, phone, now,
    )  # fmt: skip
    return bool(done.endswith(" 1"))


async def next_order_number(conn: Conn, business_id: UUID) -> int:
    """The business's next chat order number, inside the caller's transaction (no gaps)."""
    return int(
        await conn.fetchval(
            "INSERT INTO order_numbers (business_id, last) VALUES ($1, 1) "
            "ON CONFLICT (business_id) DO UPDATE SET last = order_numbers.last + 1 RETURNING last",
            business_id,
        )
    )


async def record_chat_order(
    conn: Conn, order_id: UUID, business_id: UUID, chat: str, order_number: str, wamid: str
) -> None:
    await conn.execute(
        "INSERT INTO chat_orders (order_id, business_id, customer_phone, order_number, wamid) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        order_id, business_id, chat, order_number, wamid,
    )  # fmt: skip


# --- orders awaiting the shopper's COD answer ---


async def record_cod_orders(
    conn: Conn, placed: list[AwaitingOrder], moves: list[StatusMove], *, prune_before: datetime
) -> None:
    """Fold a batch of order events: new orders first, then status moves (forward only)."""
    if placed:
        await conn.executemany(
            "INSERT INTO cod_orders (order_id, business_id, customer_phone, order_number, total, "
            " placed_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            [(o.order_id, o.business_id, o.chat_with, o.order_number, o.total, o.placed_at)
             for o in placed],
        )  # fmt: skip
        await conn.execute("DELETE FROM cod_orders WHERE placed_at < $1", prune_before)
    if moves:
        await conn.executemany(
            "UPDATE cod_orders SET status = $2, version = $3 WHERE order_id = $1 AND version < $3",
            [(m.order_id, m.status.value, m.version) for m in moves],
        )


async def awaiting_cod(
    conn: Conn, business_id: UUID, chat: str, *, since: datetime
) -> list[AwaitingOrder]:
    """The chat's orders still waiting for a COD answer, newest first."""
    rows = await conn.fetch(
        "SELECT order_id, business_id, customer_phone AS chat_with, order_number, total, "
        " placed_at FROM cod_orders WHERE business_id = $1 AND customer_phone = $2 "
        " AND status = 'pending' AND placed_at >= $3 ORDER BY placed_at DESC, order_id",
        business_id, chat, since,
    )  # fmt: skip
    return [AwaitingOrder(**dict(r)) for r in rows]
