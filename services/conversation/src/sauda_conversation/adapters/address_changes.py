"""The conversation schema's address changes in progress (address_changes), one per chat."""

from datetime import datetime
from uuid import UUID

from sauda_conversation.domain.address import AddressChange, AddressStep
from sauda_runtime.db import Conn


async def load_change(conn: Conn, business_id: UUID, chat: str) -> AddressChange | None:
    """The chat's open change, locked for this transaction, or None."""
    row = await conn.fetchrow(
        "SELECT order_id, order_number, step, typed, updated_at FROM address_changes "
        "WHERE business_id = $1 AND customer_phone = $2 FOR UPDATE",
        business_id, chat,
    )  # fmt: skip
    if row is None:
        return None
    return AddressChange(row["order_id"], row["order_number"], AddressStep(row["step"]),
                         row["typed"], row["updated_at"])  # fmt: skip


async def save_change(
    conn: Conn, business_id: UUID, chat: str, change: AddressChange | None, now: datetime
) -> None:
    """Keep the change as it is after this message, or drop it (None: over)."""
    if change is None:
        await conn.execute(
            "DELETE FROM address_changes WHERE business_id = $1 AND customer_phone = $2",
            business_id, chat,
        )  # fmt: skip
        return
    await conn.execute(
        "INSERT INTO address_changes (business_id, customer_phone, order_id, order_number, step, "
        " typed, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT (business_id, customer_phone) DO UPDATE SET order_id = EXCLUDED.order_id, "
        " order_number = EXCLUDED.order_number, step = EXCLUDED.step, typed = EXCLUDED.typed, "
        " updated_at = EXCLUDED.updated_at",
        business_id, chat, change.order_id, change.order_number, change.step.value,
        change.typed, now,
    )  # fmt: skip
