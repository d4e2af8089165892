"""The conversation schema: handled messages, commands sent for taps, and the outbox."""

from dataclasses import dataclass
from uuid import UUID

from sauda_runtime.db import Conn


@dataclass(frozen=True, slots=True)
class TapCommand:
    command_id: UUID
    business_id: UUID
    customer_phone: str
    order_id: UUID
    order_number: str
    action: str
    wamid: str


async def first_time(conn: Conn, business_id: UUID, wamid: str) -> bool:
    """Marks the message handled; False if it already was (a redelivery)."""
    done = await conn.fetchval(
        "INSERT INTO handled_messages (business_id, wamid) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING RETURNING true",
        business_id,
        wamid,
    )
    return bool(done)


async def remember_tap(conn: Conn, tap: TapCommand) -> None:
    await conn.execute(
        "INSERT INTO tap_commands (command_id, business_id, customer_phone, order_id, "
        " order_number, action, wamid) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        tap.command_id, tap.business_id, tap.customer_phone, tap.order_id, tap.order_number,
        tap.action, tap.wamid,
    )  # fmt: skip


async def taps_by_command(conn: Conn, command_ids: list[UUID]) -> dict[UUID, TapCommand]:
    rows = await conn.fetch(
        "SELECT command_id, business_id, customer_phone, order_id, order_number, action, wamid "
        "FROM tap_commands WHERE command_id = ANY($1::uuid[])",
        command_ids,
    )
    return {r["command_id"]: TapCommand(**dict(r)) for r in rows}


async def record_poison(conn: Conn, topic: str, partition: int, offset: int, error: str,
                        raw: bytes) -> None:  # fmt: skip
    await conn.execute(
        'INSERT INTO poison_messages (topic, partition, "offset", error, raw) '
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        topic, partition, offset, error[:2000], raw,
    )  # fmt: skip
