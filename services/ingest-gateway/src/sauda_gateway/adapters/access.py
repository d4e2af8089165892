"""Plans and the shared hourly request counter: one round trip per request, for every process."""

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import asyncpg


@dataclass(frozen=True)
class Admission:
    plan: str
    apis: list[str]
    limit: int
    used: int | None  # None: nothing was counted (the plan lacks the API, or counting is off)


class AccessStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def admit(
        self, business_id: UUID, api: str, window: int, *, count: bool = True
    ) -> Admission | None:
        """Count this request in the business's window (when its plan includes `api` and
        `count`); `used` is None when nothing was counted."""
        row = await self._pool.fetchrow(
            "WITH biz AS ("
            " SELECT b.business_id, b.plan, p.apis,"
            "  coalesce(b.rate_limit_per_hour, p.requests_per_hour) AS lim"
            " FROM businesses b JOIN plans p ON p.name = b.plan WHERE b.business_id = $1"
            "), hit AS ("
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

    async def plans(self) -> list[tuple[str, list[str], int]]:
        rows = await self._pool.fetch("SELECT name, apis, rank FROM plans ORDER BY rank")
        return [(r["name"], list(r["apis"]), r["rank"]) for r in rows]

    async def forget_old_windows(self, before: int) -> None:
        await self._pool.execute(
            "DELETE FROM rate_windows WHERE window_start < $1", datetime.fromtimestamp(before, UTC)
        )
