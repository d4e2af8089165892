"""GET /api/v1/usage through the gateway's app on a real Postgres: the plan, its APIs, the
hourly allowance (the business's own or the plan's), the requests admitted this hour and when
the count starts again, for any user of the business, uncounted."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore

Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


async def test_usage_counts_this_hours_admitted_requests_against_the_allowance(
    api: Client, signed_in: Client, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await BusinessStore(pool).set_rate_limit(business[0].business_id, 3)
    key = {"X-API-Key": business[1]}
    async with api(rate_limit_enabled=True) as http:
        statuses = [(await http.get("/api/v1/orders", headers=key)).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        first = await http.get("/api/v1/usage", headers=key)
        again = await http.get("/api/v1/usage", headers=key)  # looking is not counted
    assert first.status_code == 200, first.text
    usage = first.json()
    assert again.json() == usage
    assert set(usage) == {"plan", "apis", "per_hour", "used_this_hour", "resets_at"}
    assert (usage["plan"], usage["per_hour"], usage["used_this_hour"]) == ("business", 3, 3)
    assert "store_api" in usage["apis"]
    resets = datetime.fromisoformat(usage["resets_at"])
    now = datetime.now(UTC)
    assert now < resets <= now + timedelta(hours=1)
    assert (resets.minute, resets.second, resets.microsecond) == (0, 0, 0)
    async with signed_in("staff@shop.pk", "staff", rate_limit_enabled=True) as staff:
        seen = await staff.get("/api/v1/usage")
        assert seen.status_code == 200 and seen.json()["used_this_hour"] == 3


async def test_a_plan_without_the_store_api_still_shows_its_usage(
    api: Client, pool: asyncpg.Pool
) -> None:
    _, key = await create_business(BusinessStore(pool), name="Free shop", plan="free")
    async with api(rate_limit_enabled=True) as http:
        refused = await http.get("/api/v1/orders", headers={"X-API-Key": key})
        assert refused.status_code == 403 and refused.json()["code"] == "plan_required"
        usage = await http.get("/api/v1/usage", headers={"X-API-Key": key})
        assert usage.status_code == 200, usage.text
        assert {k: usage.json()[k] for k in ("plan", "apis", "per_hour", "used_this_hour")} == {
            "plan": "free", "apis": [], "per_hour": 60, "used_this_hour": 0
        }  # fmt: skip
        assert (await http.get("/api/v1/usage")).json()["code"] == "missing_api_key"
