"""Migration 0016: message histories, errors and notice details written before it as JSON text
inside a jsonb string read back, after it, as the JSON values they are (in SQL and through the
message log)."""

from pathlib import Path
from uuid import uuid4

import asyncpg

from sauda_gateway.view.queries import MessageLog

MIGRATION = (
    Path(__file__).parents[2] / "src" / "sauda_gateway" / "migrations" / "0016_json_values.sql"
)
HISTORY = [{"status": "sent", "at": "2026-06-18T12:00:00Z"}]


async def test_rows_written_as_json_text_become_json_values(pool: asyncpg.Pool) -> None:
    business_id, order_id, message_id, notice_id = uuid4(), uuid4(), uuid4(), uuid4()
    async with pool.acquire() as conn:
        # The pool's codec encodes a str as a JSON string: how these rows were written before.
        await conn.execute(
            "INSERT INTO wa_messages (message_id, business_id, customer_phone, order_id, "
            " direction, kind, text, status, history, error, revision, created_at) VALUES ($1, $2, "
            " '923001234567', $3, 'outbound', 'template', 'Your order', 'failed', $4::jsonb, "
            " $5::jsonb, 1, now())",
            message_id, business_id, order_id, '[{"status": "sent", "at": "2026-06-18T12:00:00Z"}]',
            '{"code": 131026, "title": "Message undeliverable"}',
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO notices (notice_id, business_id, kind, message, details, created_at) "
            "VALUES ($1, $2, 'message_failed', 'failed', $3::jsonb, now())",
            notice_id, business_id, '{"code": 131026}',
        )  # fmt: skip
        assert await conn.fetchval("SELECT jsonb_typeof(history) FROM wa_messages") == "string"

        await conn.execute(MIGRATION.read_text())

        kinds = await conn.fetchrow(
            "SELECT jsonb_typeof(m.history) AS history, jsonb_typeof(m.error) AS error, "
            " jsonb_typeof(n.details) AS details FROM wa_messages m, notices n"
        )
        assert dict(kinds) == {"history": "array", "error": "object", "details": "object"}
    [message] = await MessageLog(pool).of_order(business_id, order_id)
    assert message["history"] == HISTORY
    assert message["error"] == {"code": 131026, "title": "Message undeliverable"}
    [notice], _total = await MessageLog(pool).notices(business_id, limit=10, offset=0)
    assert notice["details"] == {"code": 131026}
