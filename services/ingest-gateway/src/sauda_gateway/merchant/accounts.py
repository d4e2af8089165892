"""WhatsApp accounts: the business's connected number (merchant configuration the notifier reads)."""

import time
from dataclasses import dataclass, fields
from typing import Any
from uuid import UUID

import asyncpg

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
        """What the merchant and the operator may see: everything but the token (never loaded
        here) and the business id, the number's id under the name the API gives it."""
        return {_PUBLIC_NAMES.get(f.name, f.name): getattr(self, f.name) for f in fields(self)
                if f.name != "business_id"}  # fmt: skip


_PUBLIC_NAMES = {"phone_number_id": "whatsapp_phone_number_id"}
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
