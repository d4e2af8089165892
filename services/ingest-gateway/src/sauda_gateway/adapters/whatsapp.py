"""WhatsApp accounts (merchant configuration) and the merchant's view of messages and notices."""

import time
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import asyncpg
import orjson

from sauda_contracts.whatsapp import InboundMessageReceived, MessageRecorded, NoticeRaised
from sauda_runtime.db import Conn
from sauda_runtime.secrets import SecretBox


@dataclass(frozen=True, slots=True)
class WhatsAppAccount:
    business_id: UUID
    phone_number_id: str
    waba_id: str
    display_phone_number: str | None
    graph_url: str
    api_version: str
    admin_phone: str | None
    language: str
    sandbox: bool

    def public(self) -> dict[str, Any]:
        """What the merchant and the operator may see: everything but the token."""
        return {
            "whatsapp_phone_number_id": self.phone_number_id,
            "waba_id": self.waba_id,
            "display_phone_number": self.display_phone_number,
            "graph_url": self.graph_url,
            "api_version": self.api_version,
            "admin_phone": self.admin_phone,
            "language": self.language,
            "sandbox": self.sandbox,
        }


_COLUMNS = (
    "business_id, phone_number_id, waba_id, display_phone_number, graph_url, api_version, "
    "admin_phone, language, sandbox"
)


class WhatsAppAccounts:
    def __init__(self, pool: asyncpg.Pool, *, cache_seconds: float = 5.0) -> None:
        self._pool = pool
        self._ttl = cache_seconds
        self._by_number: dict[str, tuple[float, WhatsAppAccount | None]] = {}

    async def connect(
        self,
        business_id: UUID,
        *,
        phone_number_id: str,
        waba_id: str,
        access_token: str,
        box: SecretBox,
        graph_url: str,
        api_version: str,
        display_phone_number: str | None,
        admin_phone: str | None,
        language: str,
        sandbox: bool,
    ) -> WhatsAppAccount:
        """Connect (or reconnect) the business's number; the token is stored sealed."""
        row = await self._pool.fetchrow(
            "INSERT INTO whatsapp_accounts (business_id, phone_number_id, waba_id, "
            " display_phone_number, access_token_enc, graph_url, api_version, admin_phone, "
            " language, sandbox) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
            "ON CONFLICT (business_id) DO UPDATE SET phone_number_id = EXCLUDED.phone_number_id, "
            " waba_id = EXCLUDED.waba_id, display_phone_number = EXCLUDED.display_phone_number, "
            " access_token_enc = EXCLUDED.access_token_enc, graph_url = EXCLUDED.graph_url, "
            " api_version = EXCLUDED.api_version, admin_phone = EXCLUDED.admin_phone, "
            " language = EXCLUDED.language, sandbox = EXCLUDED.sandbox, updated_at = now() "
            f"RETURNING {_COLUMNS}",
            business_id, phone_number_id, waba_id, display_phone_number,
            box.seal(access_token), graph_url.rstrip("/"), api_version, admin_phone, language,
            sandbox,
        )  # fmt: skip
        assert row is not None
        return WhatsAppAccount(**dict(row))

    async def update(self, business_id: UUID, **changes: Any) -> WhatsAppAccount | None:
        """Change admin phone or language (only the columns given)."""
        allowed = {k: v for k, v in changes.items() if k in ("admin_phone", "language")}
        sets = ", ".join(f"{k} = ${i}" for i, k in enumerate(allowed, start=2))
        row = await self._pool.fetchrow(
            f"UPDATE whatsapp_accounts SET {sets}, updated_at = now() WHERE business_id = $1 "
            f"RETURNING {_COLUMNS}",
            business_id,
            *allowed.values(),
        )
        return WhatsAppAccount(**dict(row)) if row else None

    async def of_business(self, business_id: UUID) -> WhatsAppAccount | None:
        row = await self._pool.fetchrow(
            f"SELECT {_COLUMNS} FROM whatsapp_accounts WHERE business_id = $1", business_id
        )
        return WhatsAppAccount(**dict(row)) if row else None

    async def by_phone_number_id(self, phone_number_id: str) -> WhatsAppAccount | None:
        now = time.monotonic()
        cached = self._by_number.get(phone_number_id)
        if cached and cached[0] > now:
            return cached[1]
        row = await self._pool.fetchrow(
            f"SELECT {_COLUMNS} FROM whatsapp_accounts WHERE phone_number_id = $1", phone_number_id
        )
        account = WhatsAppAccount(**dict(row)) if row else None
        self._by_number[phone_number_id] = (now + self._ttl, account)
        return account

    async def by_waba_id(self, waba_id: str) -> list[WhatsAppAccount]:
        rows = await self._pool.fetch(
            f"SELECT {_COLUMNS} FROM whatsapp_accounts WHERE waba_id = $1", waba_id
        )
        return [WhatsAppAccount(**dict(r)) for r in rows]


# --- the message log and notices, as the merchant reads them ---


async def record_messages(conn: Conn, messages: list[MessageRecorded]) -> None:
    """Keep each message's newest snapshot (a replayed older revision changes nothing)."""
    if not messages:
        return
    await conn.executemany(
        "INSERT INTO wa_messages (message_id, business_id, customer_phone, order_id, direction, "
        " purpose, kind, template, language, text, wamid, status, history, error, attempts, "
        " revision, created_at) VALUES ($1, $2, $3, $4, 'outbound', $5, $6, $7, $8, $9, $10, "
        " $11, $12::jsonb, $13::jsonb, $14, $15, $16) "
        "ON CONFLICT (message_id) DO UPDATE SET wamid = EXCLUDED.wamid, status = EXCLUDED.status, "
        " history = EXCLUDED.history, error = EXCLUDED.error, attempts = EXCLUDED.attempts, "
        " revision = EXCLUDED.revision, text = EXCLUDED.text, updated_at = now() "
        "WHERE wa_messages.revision < EXCLUDED.revision",
        [
            (
                b.message_id,
                m.business_id,
                b.customer_phone,
                b.order_id,
                b.purpose.value,
                b.kind,
                b.template,
                b.language,
                b.text,
                b.wamid,
                b.status.value,
                orjson.dumps([h.model_dump(mode="json") for h in b.history]).decode(),
                orjson.dumps(b.error.model_dump(mode="json")).decode() if b.error else None,
                b.attempts,
                b.revision,
                b.created_at,
            )
            for m in messages
            for b in (m.body,)
        ],
    )


def inbound_message_id(business_id: UUID, wamid: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"sauda:inbound:{business_id}:{wamid}")


async def record_inbound(conn: Conn, messages: list[InboundMessageReceived]) -> None:
    if not messages:
        return
    await conn.executemany(
        "INSERT INTO wa_messages (message_id, business_id, customer_phone, direction, kind, "
        " text, wamid, status, revision, created_at) "
        "VALUES ($1, $2, $3, 'inbound', $4, $5, $6, 'received', 1, $7) "
        "ON CONFLICT (message_id) DO NOTHING",
        [
            (
                inbound_message_id(m.business_id, b.wamid),
                m.business_id,
                b.customer_phone,
                b.kind.value,
                b.text or (b.reply_id or f"[{b.meta_type}]"),
                b.wamid,
                m.occurred_at,  # when Sauda got it: Meta stamps whole seconds only
            )
            for m in messages
            for b in (m.body,)
        ],
    )


async def record_notices(conn: Conn, notices: list[NoticeRaised]) -> None:
    if not notices:
        return
    await conn.executemany(
        "INSERT INTO notices (notice_id, business_id, kind, message, order_id, order_number, "
        " customer_phone, details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) "
        "ON CONFLICT (notice_id) DO NOTHING",
        [
            (
                b.notice_id,
                n.business_id,
                b.kind.value,
                b.message,
                b.order_id,
                b.order_number,
                b.customer_phone,
                orjson.dumps(b.details).decode(),
                n.occurred_at,
            )
            for n in notices
            for b in (n.body,)
        ],
    )


_MESSAGE_FIELDS = (
    "message_id, order_id, customer_phone, direction, purpose, kind, template, language, text, "
    "wamid, status, history, error, attempts, created_at, updated_at"
)


def _message(row: asyncpg.Record) -> dict[str, Any]:
    data = dict(row)
    data["history"] = orjson.loads(data["history"]) if data["history"] else []
    data["error"] = orjson.loads(data["error"]) if data["error"] else None
    return data


class MessageLog:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def of_order(self, business_id: UUID, order_id: UUID) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            f"SELECT {_MESSAGE_FIELDS} FROM wa_messages WHERE order_id = $1 AND business_id = $2 "
            "ORDER BY created_at, message_id",
            order_id,
            business_id,
        )
        return [_message(r) for r in rows]

    async def of_customer(
        self, business_id: UUID, phone: str, *, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Newest first, as the Wabotick seed pages a conversation (limit, offset)."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                f"SELECT {_MESSAGE_FIELDS} FROM wa_messages "
                "WHERE business_id = $1 AND customer_phone = $2 "
                "ORDER BY created_at DESC, message_id DESC LIMIT $3 OFFSET $4",
                business_id, phone, limit, offset,
            )  # fmt: skip
            total = await conn.fetchval(
                "SELECT count(*) FROM wa_messages WHERE business_id = $1 AND customer_phone = $2",
                business_id,
                phone,
            )
        return [_message(r) for r in rows], int(total)

    async def notices(
        self,
        business_id: UUID,
        *,
        limit: int,
        offset: int,
        kind: str | None = None,
        order_id: UUID | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        where = "business_id = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::uuid IS NULL OR order_id = $3)"
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT notice_id, kind, message, order_id, order_number, customer_phone, "
                f"details, created_at FROM notices WHERE {where} "
                "ORDER BY created_at DESC, notice_id LIMIT $4 OFFSET $5",
                business_id, kind, order_id, limit, offset,
            )  # fmt: skip
            total = await conn.fetchval(
                f"SELECT count(*) FROM notices WHERE {where}", business_id, kind, order_id
            )
        return [{**dict(r), "details": orjson.loads(r["details"])} for r in rows], int(total)
