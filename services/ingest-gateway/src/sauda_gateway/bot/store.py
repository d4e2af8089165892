"""The postback click log in Postgres: taps folded from whatsapp.inbound.v1 (once per inbound
message, so a replay counts nothing twice), and the count and last tap per postback."""

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from sauda_contracts.whatsapp import InboundKind, InboundMessageReceived
from sauda_gateway.bot.domain import postback_family
from sauda_gateway.view.folds import inbound_message_id
from sauda_runtime.db import Conn

TAPS = (InboundKind.BUTTON, InboundKind.BUTTON_REPLY, InboundKind.LIST_REPLY)


async def record_taps(conn: Conn, messages: Sequence[InboundMessageReceived]) -> None:
    rows = [
        (inbound_message_id(m.business_id, b.wamid), m.business_id,
         postback_family(b.reply_id), b.text, b.chat_with, b.sent_at)
        for m in messages for b in (m.body,) if b.kind in TAPS and b.reply_id
    ]  # fmt: skip
    if rows:
        await conn.executemany(
            "INSERT INTO postback_taps (message_id, business_id, postback_id, title, customer, "
            " tapped_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING",
            rows,
        )


async def tap_counts(pool: asyncpg.Pool, business_id: UUID) -> list[asyncpg.Record]:
    """Each tapped postback of the business: taps, the last tap, the label last tapped."""
    return await pool.fetch(
        "SELECT postback_id, count(*) AS taps, max(tapped_at) AS last_tapped_at, "
        " (array_agg(title ORDER BY tapped_at DESC))[1] AS title "
        "FROM postback_taps WHERE business_id = $1 GROUP BY postback_id ORDER BY postback_id",
        business_id,
    )
