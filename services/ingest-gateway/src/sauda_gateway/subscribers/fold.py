"""Shoppers who write to a business become its subscribers: folded from whatsapp.inbound.v1 by
the gateway's message consumer, idempotently (one row per chat; a redelivery changes nothing,
a profile name fills in a name only where the merchant left it empty). Their opt-out (STOP,
START) is folded from the conversation's ContactOptOutChanged on whatsapp.outbound.v1, newest
change winning, for display only: the notifier stays the authority every send obeys. An
order's customer (OrderPlaced with a phone) becomes one too, if not one already."""

from typing import Any

from sauda_contracts import OrderPlaced
from sauda_contracts.whatsapp import ContactOptOutChanged, InboundMessageReceived
from sauda_gateway.subscribers.domain import split_name

Conn = Any  # an asyncpg connection inside the consumer's transaction


async def record_subscribers(conn: Conn, messages: list[InboundMessageReceived]) -> None:
    if not messages:
        return
    rows = {}
    for m in messages:
        first, last = split_name(m.body.profile_name)
        rows[(m.business_id, m.body.chat_with)] = (first, last)
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


async def record_opt_outs(conn: Conn, changes: list[ContactOptOutChanged]) -> None:
    if not changes:
        return
    await conn.executemany(
        "INSERT INTO subscribers (business_id, chat_id, source, opted_out, opted_out_at) "
        "SELECT $1, $2, 'inbound', $3, $4 WHERE EXISTS "
        " (SELECT 1 FROM businesses WHERE business_id = $1) "
        "ON CONFLICT (business_id, chat_id) DO UPDATE SET opted_out = excluded.opted_out, "
        " opted_out_at = excluded.opted_out_at "
        "WHERE subscribers.opted_out_at IS NULL OR subscribers.opted_out_at < excluded.opted_out_at",
        [(c.business_id, c.body.chat_with, c.body.opted_out, c.body.at) for c in changes],
    )


async def record_order_customers(conn: Conn, placed: list[OrderPlaced]) -> None:
    rows = {}
    for e in placed:
        customer = e.body.customer
        if customer.phone is not None:
            first, last = split_name(customer.name)
            rows[(e.business_id, customer.phone)] = (first, last, customer.email)
    if not rows:
        return
    await conn.executemany(
        "INSERT INTO subscribers (business_id, chat_id, first_name, last_name, email, source) "
        "SELECT $1, $2, $3, $4, $5, 'order' WHERE EXISTS "
        " (SELECT 1 FROM businesses WHERE business_id = $1) "
        "ON CONFLICT (business_id, chat_id) DO NOTHING",
        [(b, chat, first, last, email) for (b, chat), (first, last, email) in rows.items()],
    )
