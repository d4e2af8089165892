"""The merchant's sends in Postgres: the idempotent request record with its outbox row, the
customer's last message (the window), and a message as the log shows it. Every read is
filtered by business, so tenants never see each other's messages."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from sauda_gateway.view.queries import MESSAGE_FIELDS
from sauda_runtime.kit import OutboxRow
from sauda_runtime.tracing import current_headers


@dataclass(frozen=True)
class SendRecord:
    message_id: UUID
    body_hash: str


class MessageRequests:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def find(self, business_id: UUID, key: str) -> SendRecord | None:
        row = await self._pool.fetchrow(
            "SELECT message_id, body_hash FROM message_requests "
            "WHERE business_id = $1 AND idempotency_key = $2",
            business_id,
            key,
        )
        return SendRecord(row["message_id"], row["body_hash"]) if row else None

    async def record(
        self,
        *,
        business_id: UUID,
        key: str,
        message_id: UUID,
        body_hash: str,
        chat: str,
        kind: str,
        text: str,
        command: OutboxRow,
    ) -> tuple[bool, SendRecord]:
        """Record a new send and queue its command in one statement: (True, it); a key used
        meanwhile: (False, the earlier send). `chat` is the chat identity (phone or user id),
        kept in `customer_phone` as the message log keeps it."""
        topic, chat_key, value = command
        inserted = await self._pool.fetchval(
            "WITH request AS ("
            " INSERT INTO message_requests (business_id, idempotency_key, message_id, body_hash, "
            "  customer_phone, kind, text) VALUES ($1, $2, $3, $4, $5, $6, $7) "
            " ON CONFLICT DO NOTHING RETURNING 1"
            "), queued AS ("
            " INSERT INTO outbox (topic, key, value, headers) SELECT $8, $9, $10, $11 FROM request "
            " RETURNING 1"
            ") SELECT count(*) FROM queued",
            business_id, key, message_id, body_hash, chat, kind, text, topic, chat_key, value,
            current_headers(),
        )  # fmt: skip
        if inserted:
            return True, SendRecord(message_id, body_hash)
        earlier = await self.find(business_id, key)
        assert earlier is not None  # the conflict that stopped our insert is this row
        return False, earlier

    async def last_inbound(self, business_id: UUID, chat: str) -> datetime | None:
        """When the customer last wrote to the business (as Sauda received it); `chat` is the
        chat identity (the log keys a username user's messages by the user id)."""
        value = await self._pool.fetchval(
            "SELECT max(created_at) FROM wa_messages "
            "WHERE business_id = $1 AND customer_phone = $2 AND direction = 'inbound'",
            business_id,
            chat,
        )
        return value if isinstance(value, datetime) else None

    async def message(self, business_id: UUID, ident: UUID | str) -> dict[str, Any] | None:
        """A message of the log by Sauda's id or Meta's wamid; a send not recorded by the
        notifier yet is shown `accepted`."""
        where = "message_id = $2" if isinstance(ident, UUID) else "wamid = $2"
        row = await self._pool.fetchrow(
            f"SELECT {MESSAGE_FIELDS} FROM wa_messages WHERE business_id = $1 AND {where} "
            "ORDER BY created_at DESC LIMIT 1",
            business_id,
            ident,
        )
        if row is not None:
            return dict(row) | {"history": row["history"] or []}
        if not isinstance(ident, UUID):
            return None
        asked = await self._pool.fetchrow(
            "SELECT message_id, customer_phone, kind, text, created_at FROM message_requests "
            "WHERE business_id = $1 AND message_id = $2",
            business_id,
            ident,
        )
        if asked is None:
            return None
        return dict(asked) | {"direction": "outbound", "purpose": "merchant", "status": "accepted",
                              "updated_at": asked["created_at"]}  # fmt: skip
