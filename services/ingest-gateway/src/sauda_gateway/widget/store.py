"""Widget keys and widget sessions, in Postgres."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from sauda_gateway.domain import Business
from sauda_gateway.merchant.rows import BUSINESS_COLUMNS, business_of


@dataclass(frozen=True)
class WidgetKey:
    key_id: UUID
    business_id: UUID
    name: str
    publishable_key: str
    origins: list[str]
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class WidgetSession:
    """A widget session with its business, live or not; `key_revoked` when the publishable key
    that opened it has since been revoked."""

    business: Business
    origin: str
    expires_at: datetime
    key_revoked: bool


_KEY = "key_id, business_id, name, publishable_key, origins, created_at, revoked_at"


class WidgetStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def add_key(self, key: WidgetKey) -> None:
        await self._pool.execute(
            f"INSERT INTO widget_keys ({_KEY}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            key.key_id, key.business_id, key.name, key.publishable_key, key.origins,
            key.created_at, key.revoked_at,
        )  # fmt: skip

    async def keys(self, business_id: UUID) -> list[WidgetKey]:
        rows = await self._pool.fetch(
            f"SELECT {_KEY} FROM widget_keys WHERE business_id = $1 ORDER BY created_at, key_id",
            business_id,
        )
        return [WidgetKey(**dict(r)) for r in rows]

    async def revoke_key(self, business_id: UUID, key_id: UUID, now: datetime) -> bool:
        """Revoke a live key of this business (its sessions end with it); False when none."""
        done = await self._pool.execute(
            "UPDATE widget_keys SET revoked_at = $3 "
            "WHERE business_id = $1 AND key_id = $2 AND revoked_at IS NULL",
            business_id, key_id, now,
        )  # fmt: skip
        return done != "UPDATE 0"

    async def live_key(self, publishable_key: str) -> WidgetKey | None:
        row = await self._pool.fetchrow(
            f"SELECT {_KEY} FROM widget_keys WHERE publishable_key = $1 AND revoked_at IS NULL",
            publishable_key,
        )
        return WidgetKey(**dict(row)) if row else None

    async def open_session(
        self, token_hash: bytes, business_id: UUID, origin: str, key_id: UUID | None,
        now: datetime, expires_at: datetime,
    ) -> None:  # fmt: skip
        await self._pool.execute(
            "INSERT INTO widget_sessions (token_hash, business_id, origin, key_id, created_at, "
            "expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            token_hash, business_id, origin, key_id, now, expires_at,
        )  # fmt: skip

    async def session(self, token_hash: bytes) -> WidgetSession | None:
        row = await self._pool.fetchrow(
            f"SELECT s.origin, s.expires_at, k.revoked_at IS NOT NULL AS key_revoked, {BUSINESS_COLUMNS} "
            "FROM widget_sessions s JOIN businesses b USING (business_id) "
            "LEFT JOIN widget_keys k USING (key_id) WHERE s.token_hash = $1",
            token_hash,
        )
        return None if row is None else WidgetSession(
            business_of(row), row["origin"], row["expires_at"], row["key_revoked"]
        )  # fmt: skip

    async def forget_ended(self, before: datetime) -> None:
        """Widget sessions that ended before `before`."""
        await self._pool.execute("DELETE FROM widget_sessions WHERE expires_at < $1", before)
