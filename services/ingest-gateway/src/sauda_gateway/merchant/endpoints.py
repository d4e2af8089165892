"""Merchant webhook endpoints and store callbacks (configuration the dispatcher reads), and the
merchant's log of deliveries to them (folded by the view projector from webhooks.events.v1)."""

import base64
import secrets
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from sauda_gateway.merchant.domain import WebhookLimitReached
from sauda_gateway.paging import Table
from sauda_runtime.secrets import SecretBox

ROTATION_OVERLAP = timedelta(hours=24)
_FIELDS = (
    "endpoint_id AS id, url, events, active, consecutive_failures, deactivated_at, "
    "created_at, updated_at"
)
_DELIVERIES = Table("webhook_deliveries", "delivery_id, event_id, event, order_id, status, "
                    "attempts, response_status, duration_ms, response_excerpt, error, created_at, "
                    "updated_at", "created_at DESC, delivery_id")  # fmt: skip


def new_secret() -> str:
    """A Standard Webhooks secret (`whsec_` + base64 of 32 random bytes)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoints:
    def __init__(self, pool: asyncpg.Pool, box: SecretBox | None) -> None:
        self._pool = pool
        self._box = box

    def _seal(self, secret: str) -> bytes:
        if self._box is None:
            raise RuntimeError("SAUDA_SECRET_KEY is not set: webhook secrets cannot be stored")
        return self._box.seal(secret)

    async def create(
        self, business_id: UUID, url: str, events: list[str], active: bool, *, limit: int
    ) -> tuple[dict[str, Any], str]:
        secret = new_secret()
        async with self._pool.acquire() as conn, conn.transaction():
            # One business's creations queue behind each other, so the count cannot be raced.
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", str(business_id))
            count = await conn.fetchval(
                "SELECT count(*) FROM webhook_endpoints WHERE business_id = $1 AND kind = 'merchant'",
                business_id,
            )
            if count >= limit:
                raise WebhookLimitReached(
                    f"a business has at most {limit} webhook endpoints; delete one first",
                    field="url",
                )
            row = await conn.fetchrow(
                "INSERT INTO webhook_endpoints (endpoint_id, business_id, url, events, active, "
                f"secret_enc) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {_FIELDS}",
                uuid4(), business_id, url, events, active, self._seal(secret),
            )  # fmt: skip
        assert row is not None
        return dict(row), secret

    async def of_business(self, business_id: UUID) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            f"SELECT {_FIELDS} FROM webhook_endpoints WHERE business_id = $1 AND kind = 'merchant' "
            "ORDER BY created_at, endpoint_id",
            business_id,
        )
        return [dict(r) for r in rows]

    async def get(self, business_id: UUID, endpoint_id: UUID) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            f"SELECT {_FIELDS} FROM webhook_endpoints "
            "WHERE business_id = $1 AND endpoint_id = $2 AND kind = 'merchant'",
            business_id,
            endpoint_id,
        )
        return dict(row) if row else None

    async def update(
        self, business_id: UUID, endpoint_id: UUID, changes: dict[str, Any]
    ) -> dict[str, Any] | None:
        sets = ["updated_at = now()"]
        values: list[Any] = [business_id, endpoint_id]
        for column in ("url", "events", "active"):
            if column in changes:
                values.append(changes[column])
                sets.append(f"{column} = ${len(values)}")
        if changes.get("active") is True:
            # Reactivation: a deactivation before now is over, the failure count starts again.
            sets += ["activated_at = now()", "deactivated_at = NULL", "consecutive_failures = 0"]
        row = await self._pool.fetchrow(
            f"UPDATE webhook_endpoints SET {', '.join(sets)} "
            "WHERE business_id = $1 AND endpoint_id = $2 AND kind = 'merchant' "
            f"RETURNING {_FIELDS}",
            *values,
        )
        return dict(row) if row else None

    async def delete(self, business_id: UUID, endpoint_id: UUID, kind: str = "merchant") -> bool:
        done = await self._pool.execute(
            "DELETE FROM webhook_endpoints WHERE business_id = $1 AND endpoint_id = $2 AND kind = $3",
            business_id,
            endpoint_id,
            kind,
        )
        return bool(done != "DELETE 0")

    async def rotate_secret(
        self, business_id: UUID, endpoint_id: UUID, now: datetime
    ) -> tuple[str, datetime] | None:
        """A new secret; the current one keeps signing beside it for ROTATION_OVERLAP."""
        secret, until = new_secret(), now + ROTATION_OVERLAP
        done = await self._pool.fetchval(
            "UPDATE webhook_endpoints SET previous_secret_enc = secret_enc, secret_enc = $3, "
            " previous_secret_until = $4, updated_at = now() "
            "WHERE business_id = $1 AND endpoint_id = $2 RETURNING true",
            business_id, endpoint_id, self._seal(secret), until,
        )  # fmt: skip
        return (secret, until) if done else None

    async def store_callbacks(self, business_id: UUID) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            "SELECT endpoint_id AS id, url AS cancel_url, active, created_at FROM webhook_endpoints "
            "WHERE business_id = $1 AND kind = 'store_cancel'",
            business_id,
        )
        return dict(row) if row else None

    async def set_store_callbacks(self, business_id: UUID, cancel_url: str) -> dict[str, Any]:
        """Create the store's cancel callback (its secret is returned once) or change its URL."""
        secret = new_secret()
        row = await self._pool.fetchrow(
            "INSERT INTO webhook_endpoints (endpoint_id, business_id, kind, url, events, secret_enc) "
            "VALUES ($1, $2, 'store_cancel', $3, ARRAY['order_cancelled'], $4) "
            "ON CONFLICT (business_id) WHERE kind = 'store_cancel' DO UPDATE SET "
            " url = EXCLUDED.url, updated_at = now() "
            "RETURNING endpoint_id AS id, url AS cancel_url, active, created_at, "
            " (xmax = 0) AS created",
            uuid4(), business_id, cancel_url, self._seal(secret),
        )  # fmt: skip
        assert row is not None
        out = dict(row)
        created = out.pop("created")
        return {**out, "secret": secret if created else None}

    async def deliveries(
        self, business_id: UUID, endpoint_id: UUID, *, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        where = "business_id = $1 AND endpoint_id = $2"
        rows, total = await _DELIVERIES.page(self._pool, where, business_id, endpoint_id,
                                             limit=limit, offset=offset)  # fmt: skip
        return [dict(r) for r in rows], total

    async def has_delivery(self, business_id: UUID, endpoint_id: UUID, delivery_id: UUID) -> bool:
        return bool(
            await self._pool.fetchval(
                "SELECT true FROM webhook_deliveries "
                "WHERE business_id = $1 AND endpoint_id = $2 AND delivery_id = $3",
                business_id,
                endpoint_id,
                delivery_id,
            )
        )
