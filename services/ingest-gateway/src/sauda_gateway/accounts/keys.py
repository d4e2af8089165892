"""The API keys an owner manages, in Postgres: only each key's hash, its prefix, name and life."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from sauda_gateway.merchant.domain import hash_api_key, key_prefix

_KEY = "key_id, name, prefix, created_at, last_used_at, revoked_at"


class ApiKeyStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def of_business(self, business_id: UUID) -> list[dict[str, Any]]:
        """Every key of the business, revoked ones too, oldest first."""
        rows = await self._pool.fetch(
            f"SELECT {_KEY} FROM api_keys WHERE business_id = $1 ORDER BY created_at, key_id",
            business_id,
        )
        return [dict(r) for r in rows]

    async def create(
        self, business_id: UUID, key_id: UUID, name: str, raw_key: str, now: datetime, *,
        limit: int,
    ) -> bool:  # fmt: skip
        """Store the key (its hash and prefix); False, storing nothing, when the business already
        has `limit` live keys. The business's row is locked so that two requests cannot both take
        the last place."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "SELECT 1 FROM businesses WHERE business_id = $1 FOR UPDATE", business_id
            )
            live = await conn.fetchval(
                "SELECT count(*) FROM api_keys WHERE business_id = $1 AND revoked_at IS NULL",
                business_id,
            )
            if live >= limit:
                return False
            await conn.execute(
                "INSERT INTO api_keys (key_id, business_id, name, key_hash, prefix, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6)",
                key_id, business_id, name, hash_api_key(raw_key), key_prefix(raw_key), now,
            )  # fmt: skip
        return True

    async def revoke(self, business_id: UUID, key_id: UUID, now: datetime) -> str | None:
        """Revoke the business's key (a second revoke keeps the first time); its hash, or None
        when the business has no such key."""
        value = await self._pool.fetchval(
            "UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3) "
            "WHERE business_id = $1 AND key_id = $2 RETURNING key_hash",
            business_id, key_id, now,
        )  # fmt: skip
        return str(value) if value is not None else None
