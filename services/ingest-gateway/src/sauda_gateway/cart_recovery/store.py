"""A business's cart recovery setting in the gateway schema, changed with its snapshot queued
for the notifier in the same transaction."""

from uuid import UUID

from sauda_contracts import Topic
from sauda_contracts.cart_recovery import (
    DEFAULT_DELAY_MINUTES,
    SetCartRecovery,
    SetCartRecoveryBody,
)
from sauda_runtime.db import Conn
from sauda_runtime.kit import Transaction


async def delay_of(conn: Conn, business_id: UUID) -> int:
    found = await conn.fetchval(
        "SELECT delay_minutes FROM cart_recovery_settings WHERE business_id = $1", business_id
    )
    return DEFAULT_DELAY_MINUTES if found is None else int(found)


async def set_delay(
    tx: Transaction, business_id: UUID, minutes: int, envelope: dict[str, object]
) -> int:
    """The new delay, its revision one past the last, and its SetCartRecovery on
    whatsapp.outbound.v1 (key: the business, as a StartBroadcast travels); the revision."""
    revision = int(
        await tx.conn.fetchval(
            "INSERT INTO cart_recovery_settings (business_id, delay_minutes, revision) "
            "VALUES ($1, $2, 1) ON CONFLICT (business_id) DO UPDATE SET "
            " delay_minutes = EXCLUDED.delay_minutes, "
            " revision = cart_recovery_settings.revision + 1, updated_at = now() "
            "RETURNING revision",
            business_id,
            minutes,
        )
    )
    body = SetCartRecoveryBody(delay_minutes=minutes, revision=revision)
    command = SetCartRecovery.model_validate({**envelope, "body": body})
    tx.publish(Topic.WHATSAPP_OUTBOUND, str(business_id).encode(), command.to_bytes())
    return revision
