"""The handover setting and the assignments handovers make, in the gateway schema. Every
statement names the business, so another business's chat or team member is never touched."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sauda_contracts.handover import DEFAULT_QUIET_HOURS, ChatHandedOver, HandoverSettings
from sauda_runtime.db import Conn


async def settings_of(conn: Conn, business_id: UUID) -> HandoverSettings:
    row = await conn.fetchrow(
        "SELECT assign_to_user_id, bot_quiet_hours FROM handover_settings WHERE business_id = $1",
        business_id,
    )
    if row is None:
        return HandoverSettings(bot_quiet_hours=DEFAULT_QUIET_HOURS)
    return HandoverSettings(assign_to_user_id=row["assign_to_user_id"],
                            bot_quiet_hours=row["bot_quiet_hours"])  # fmt: skip


async def team_member(conn: Conn, business_id: UUID, user_id: UUID) -> bool:
    return bool(await conn.fetchval(
        "SELECT 1 FROM merchant_users WHERE business_id = $1 AND user_id = $2",
        business_id, user_id,
    ))  # fmt: skip


async def set_settings(conn: Conn, business_id: UUID, settings: HandoverSettings) -> None:
    await conn.execute(
        "INSERT INTO handover_settings (business_id, assign_to_user_id, bot_quiet_hours) "
        "VALUES ($1, $2, $3) ON CONFLICT (business_id) DO UPDATE SET "
        " assign_to_user_id = EXCLUDED.assign_to_user_id, "
        " bot_quiet_hours = EXCLUDED.bot_quiet_hours, updated_at = now()",
        business_id, settings.assign_to_user_id, settings.bot_quiet_hours,
    )  # fmt: skip


async def unassign(conn: Conn, business_id: UUID, chat: str, now: datetime) -> bool:
    """The chat is nobody's now; False if the business has no such subscriber."""
    done = await conn.execute(
        "UPDATE subscribers SET assigned_user_id = NULL, assigned_at = $3, updated_at = now() "
        "WHERE business_id = $1 AND chat_id = $2",
        business_id, chat, now,
    )  # fmt: skip
    return bool(done.endswith(" 1"))


async def record_handovers(conn: Any, handovers: list[ChatHandedOver]) -> None:
    """Fold the conversation's handovers into the CRM: the chat (a subscriber, made if need be)
    is assigned to the team member named, unless its assignment changed after the shopper's
    message (the merchant's own choice wins; a replay from offset 0 changes nothing)."""
    if not handovers:
        return
    await conn.executemany(
        "INSERT INTO subscribers (business_id, chat_id, source, assigned_user_id, assigned_at) "
        "SELECT $1, $2, 'inbound', u.user_id, $4 FROM businesses b "
        " LEFT JOIN merchant_users u ON u.business_id = b.business_id AND u.user_id = $3 "
        " WHERE b.business_id = $1 "
        "ON CONFLICT (business_id, chat_id) DO UPDATE SET "
        " assigned_user_id = coalesce(excluded.assigned_user_id, subscribers.assigned_user_id), "
        " assigned_at = excluded.assigned_at, updated_at = now() "
        "WHERE subscribers.assigned_at IS NULL OR subscribers.assigned_at < excluded.assigned_at",
        [(h.business_id, h.body.chat_with, h.body.assigned_user_id, h.body.at) for h in handovers],
    )
