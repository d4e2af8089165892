"""Businesses and their API keys (hashes only), plans, and the shared hourly request counter."""

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from sauda_gateway.domain import Business, order_sequence_name
from sauda_gateway.merchant.domain import (
    LAST_USED_EVERY,
    hash_api_key,
    key_prefix,
    last_use_due,
)

_ADD_KEY = "INSERT INTO api_keys (key_hash, business_id, prefix) VALUES ($1, $2, $3)"


@dataclass
class _Verified:
    """A key this process checked: until when it trusts the answer, and the key's last use."""

    until: float  # time.monotonic()
    business: Business
    last_used_at: datetime | None


class BusinessStore:
    """Businesses, and which business an API key names. Verified keys are cached for
    `cache_seconds`: a key revoked on another replica keeps working here for that long at most
    (a revoke on this one calls `forget_key`, so it stops at once here)."""

    def __init__(self, pool: asyncpg.Pool, *, cache_seconds: float = 30.0) -> None:
        self._pool = pool
        self._cache: dict[str, _Verified] = {}
        self._ttl = cache_seconds

    async def create(
        self,
        business_id: UUID,
        name: str,
        plan: str,
        raw_key: str,
        rate_limit_per_hour: int | None = None,
        default_country: str = "PK",
    ) -> Business:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO businesses (business_id, name, plan, rate_limit_per_hour, default_country) "
                "VALUES ($1, $2, $3, $4, $5)",
                business_id,
                name,
                plan,
                rate_limit_per_hour,
                default_country,
            )
            await conn.execute(_ADD_KEY, hash_api_key(raw_key), business_id, key_prefix(raw_key))
            # A sequence per business: numbering never serialises two businesses' ingests.
            await conn.execute(f'CREATE SEQUENCE "{order_sequence_name(business_id)}"')
        return Business(business_id, name, plan, default_country)

    async def by_api_key(self, raw_key: str, *, now: datetime) -> Business | None:
        """The business a live key names (None for an unknown or revoked key); its last use is
        written down when it is a minute or more older than `now`."""
        key_hash = hash_api_key(raw_key)
        verified = self._cache.get(key_hash)
        if verified is None or verified.until <= time.monotonic():
            row = await self._pool.fetchrow(
                "SELECT b.business_id, b.name, b.plan, b.default_country, k.last_used_at "
                "FROM api_keys k JOIN businesses b USING (business_id) "
                "WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
                key_hash,
            )
            if row is None:
                return None
            business = Business(row["business_id"], row["name"], row["plan"],
                                row["default_country"])  # fmt: skip
            verified = _Verified(time.monotonic() + self._ttl, business, row["last_used_at"])
            self._cache[key_hash] = verified
        if last_use_due(verified.last_used_at, now):
            verified.last_used_at = now  # before the await: concurrent uses do not write too
            # The guard keeps replicas from each writing the same minute down.
            await self._pool.execute(
                "UPDATE api_keys SET last_used_at = $2 WHERE key_hash = $1 "
                "AND (last_used_at IS NULL OR last_used_at <= $3)",
                key_hash, now, now - LAST_USED_EVERY,
            )  # fmt: skip
        return verified.business

    def forget_key(self, key_hash: str) -> None:
        """A revoked key: this process stops accepting it now (other replicas, within their
        cache's `API_KEY_CACHE_SECONDS`)."""
        self._cache.pop(key_hash, None)

    @property
    def pool(self) -> asyncpg.Pool:
        return self._pool

    async def get(self, business_id: UUID) -> Business | None:
        row = await self._pool.fetchrow(
            "SELECT business_id, name, plan, default_country FROM businesses WHERE business_id = $1",
            business_id,
        )
        return Business(**dict(row)) if row else None

    async def first_named(self, name: str) -> Business | None:
        row = await self._pool.fetchrow(
            "SELECT business_id, name, plan, default_country FROM businesses WHERE name = $1 "
            "ORDER BY created_at LIMIT 1",
            name,
        )
        return Business(**dict(row)) if row else None

    async def add_key(self, business_id: UUID, raw_key: str) -> None:
        """Another key of the business, under the default name (the CLI's `--if-missing`)."""
        await self._pool.execute(_ADD_KEY, hash_api_key(raw_key), business_id, key_prefix(raw_key))

    async def set_plan(self, business_id: UUID, plan: str) -> bool:
        done = await self._pool.execute(
            "UPDATE businesses SET plan = $2 WHERE business_id = $1", business_id, plan
        )
        return done.endswith(" 1")

    async def set_rate_limit(self, business_id: UUID, per_hour: int | None) -> bool:
        """Override the plan's hourly allowance for one business (None: back to the plan's)."""
        done = await self._pool.execute(
            "UPDATE businesses SET rate_limit_per_hour = $2 WHERE business_id = $1",
            business_id,
            per_hour,
        )
        return done.endswith(" 1")

    async def plan_names(self) -> list[str]:
        return [r["name"] for r in await self._pool.fetch("SELECT name FROM plans ORDER BY rank")]

    async def upsert_plan(self, name: str, apis: list[str], per_hour: int, rank: int) -> None:
        await self._pool.execute(
            "INSERT INTO plans (name, apis, requests_per_hour, rank) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (name) DO UPDATE SET apis = EXCLUDED.apis, "
            "requests_per_hour = EXCLUDED.requests_per_hour, rank = EXCLUDED.rank",
            name,
            apis,
            per_hour,
            rank,
        )

    async def plans(self) -> list[dict[str, object]]:
        rows = await self._pool.fetch(
            "SELECT name, apis, requests_per_hour, rank FROM plans ORDER BY rank"
        )
        return [dict(r) | {"apis": list(r["apis"])} for r in rows]


@dataclass(frozen=True)
class Admission:
    plan: str
    apis: list[str]
    limit: int
    used: int | None  # None: nothing was counted (the plan lacks the API, or counting is off)


# A business's plan, its APIs and its hourly allowance (its own, else its plan's).
_ALLOWANCE = (
    "SELECT b.business_id, b.plan, p.apis, coalesce(b.rate_limit_per_hour, p.requests_per_hour) "
    "AS lim FROM businesses b JOIN plans p ON p.name = b.plan WHERE b.business_id = $1"
)


class AccessStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def admit(
        self, business_id: UUID, api: str, window: int, *, count: bool = True
    ) -> Admission | None:
        """Count this request in the business's window (when its plan includes `api` and
        `count`); `used` is None when nothing was counted."""
        row = await self._pool.fetchrow(
            f"WITH biz AS ({_ALLOWANCE}), hit AS ("
            " INSERT INTO rate_windows (business_id, window_start, used)"
            " SELECT business_id, $2, 1 FROM biz WHERE $3 = ANY (apis) AND $4"
            " ON CONFLICT (business_id, window_start) DO UPDATE SET used = rate_windows.used + 1"
            " RETURNING used"
            ") SELECT plan, apis, lim, (SELECT used FROM hit) AS used FROM biz",
            business_id,
            datetime.fromtimestamp(window, UTC),
            api,
            count,
        )
        return Admission(row["plan"], list(row["apis"]), row["lim"], row["used"]) if row else None

    async def usage(self, business_id: UUID, window: int) -> Admission | None:
        """The business's plan and allowance, and what its window has counted (counting
        nothing itself)."""
        row = await self._pool.fetchrow(
            f"WITH biz AS ({_ALLOWANCE}) SELECT plan, apis, lim, coalesce((SELECT used FROM "
            "rate_windows WHERE business_id = $1 AND window_start = $2), 0) AS used FROM biz",
            business_id,
            datetime.fromtimestamp(window, UTC),
        )
        return Admission(row["plan"], list(row["apis"]), row["lim"], row["used"]) if row else None

    async def plans(self) -> list[tuple[str, list[str], int]]:
        rows = await self._pool.fetch("SELECT name, apis, rank FROM plans ORDER BY rank")
        return [(r["name"], list(r["apis"]), r["rank"]) for r in rows]

    async def forget_old_windows(self, before: int) -> None:
        await self._pool.execute(
            "DELETE FROM rate_windows WHERE window_start < $1", datetime.fromtimestamp(before, UTC)
        )
