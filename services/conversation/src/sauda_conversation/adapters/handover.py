"""A chat's handover state in the conversation schema, and whom a handed chat goes to, read
(read-only) from the gateway's merchant configuration: the team member the chat is assigned to
already (who knows the shopper), else the business's "handover to" team member, else its first
owner, else its first team member."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sauda_contracts.handover import DEFAULT_QUIET_HOURS
from sauda_conversation.domain.handover import ChatHold
from sauda_runtime.db import Conn


async def load_hold(conn: Conn, business_id: UUID, chat: str) -> ChatHold:
    """The chat's handover state, locked for this transaction (a fresh one if none)."""
    row = await conn.fetchrow(
        "SELECT misses, last_miss_wamid, handed_over_at, quiet_until FROM chat_handovers "
        "WHERE business_id = $1 AND customer_phone = $2 FOR UPDATE",
        business_id, chat,
    )  # fmt: skip
    return ChatHold(**dict(row)) if row else ChatHold()


async def save_hold(
    conn: Conn, business_id: UUID, chat: str, hold: ChatHold, now: datetime
) -> None:
    await conn.execute(
        "INSERT INTO chat_handovers (business_id, customer_phone, misses, last_miss_wamid, "
        " handed_over_at, quiet_until, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT (business_id, customer_phone) DO UPDATE SET misses = EXCLUDED.misses, "
        " last_miss_wamid = EXCLUDED.last_miss_wamid, handed_over_at = EXCLUDED.handed_over_at, "
        " quiet_until = EXCLUDED.quiet_until, updated_at = EXCLUDED.updated_at",
        business_id, chat, hold.misses, hold.last_miss_wamid, hold.handed_over_at,
        hold.quiet_until, now,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class HandoverTarget:
    shop_name: str
    user_id: UUID | None  # the team member the chat goes to; None: the business has none
    quiet_hours: int


class HandoverDirectory:
    """Whom a business's handed chats go to, from the gateway's schema (read-only)."""

    def __init__(self, *, schema: str) -> None:
        q = f'"{schema}"'
        self._target = (
            f"SELECT b.name, coalesce(h.bot_quiet_hours, {DEFAULT_QUIET_HOURS}) AS quiet_hours, "
            f" coalesce((SELECT s.assigned_user_id FROM {q}.subscribers s "
            f"   JOIN {q}.merchant_users u ON u.user_id = s.assigned_user_id "
            f"   AND u.business_id = $1 WHERE s.business_id = $1 AND s.chat_id = $2), "
            f"  (SELECT u.user_id FROM {q}.merchant_users u WHERE u.business_id = $1 "
            f"   AND u.user_id = h.assign_to_user_id), "
            f"  (SELECT u.user_id FROM {q}.merchant_users u WHERE u.business_id = $1 "
            f"   ORDER BY u.role <> 'owner', u.created_at, u.user_id LIMIT 1)) AS user_id "
            f"FROM {q}.businesses b LEFT JOIN {q}.handover_settings h USING (business_id) "
            f"WHERE b.business_id = $1"
        )

    async def target(self, conn: Conn, business_id: UUID, chat: str) -> HandoverTarget:
        row = await conn.fetchrow(self._target, business_id, chat)
        if row is None:
            return HandoverTarget("", None, DEFAULT_QUIET_HOURS)
        return HandoverTarget(row["name"], row["user_id"], int(row["quiet_hours"]))
