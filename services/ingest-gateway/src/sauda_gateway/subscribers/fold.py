"""Shoppers who write to a business become its subscribers: folded from whatsapp.inbound.v1 by
the gateway's message consumer, idempotently (one row per chat; a redelivery changes nothing,
a profile name fills in a name only where the merchant left it empty)."""

from typing import Any

from sauda_contracts.whatsapp import InboundMessageReceived
from sauda_gateway.subscribers.domain import split_name

Conn = Any  # an asyncpg connection inside the consumer's transaction


async def record_subscribers(conn: Conn, messages: list[InboundMessageReceived]) -> None:
    if not messages:
        return
    rows = {}
    for m in messages:
        first, last = split_name(m.body.profile_name)
        rows[(m.business_id, m.body.customer_phone)] = (first, last)
    await conn.executemany(
        "INSERT INTO subscribers (business_id, chat_id, first_name, last_name, source) "
        "SELECT $1, $2, $3, $4, 'inbound' WHERE EXISTS "
        " (SELECT 1 FROM businesses WHERE business_id = $1) "
        "ON CONFLICT (business_id, chat_id) DO UPDATE SET "
        " first_name = coalesce(subscribers.first_name, excluded.first_name), "
        " last_name = CASE WHEN subscribers.first_name IS NULL THEN excluded.last_name "
        "  ELSE subscribers.last_name END",
        [(business, chat, first, last) for (business, chat), (first, last) in rows.items()],
    )
