"""The dashboard's orders page against 100,000 orders: p50/p99 of each API call the page makes
(first page, a status tab, a search by name and by phone, the next page by cursor, the tab
counts) beside the gateway's bare /healthz, measured in the same run on the same process.

Seeds a schema of its own on the dev Postgres (`make infra`, or DATABASE_URL): one business with
--orders orders folded into the view by the view's own ViewWriter (statuses then set in SQL, as
the status folds would leave them), a second business with --other orders; VACUUM ANALYZE; then
serves the gateway's app from that schema with uvicorn (uvloop, httptools) in a process of its
own, without Kafka (the page's calls read the view only), and calls it one request at a time.
The schema is dropped at the end unless --keep.

    uv run python bench/dashboard.py --orders 100000 --requests 300
"""

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import stop_all, wait_ready  # noqa: E402
from bench.report import percentiles, shown  # noqa: E402
from sauda_contracts.orders import LineItem, OrderStatus  # noqa: E402
from sauda_contracts.testing import order_placed  # noqa: E402
from sauda_gateway.app import build_app  # noqa: E402
from sauda_gateway.bootstrap import offline_wiring, open_pool  # noqa: E402
from sauda_gateway.merchant.handlers import create_business  # noqa: E402
from sauda_gateway.merchant.store import BusinessStore  # noqa: E402
from sauda_gateway.orders.domain import format_order_number  # noqa: E402
from sauda_gateway.settings import GatewaySettings  # noqa: E402
from sauda_gateway.view.folds import ViewWriter  # noqa: E402
from sauda_runtime.testing import free_ports  # noqa: E402

FIRST = ["Ayesha", "Bilal", "Fatima", "Hamza", "Zainab", "Usman", "Maryam", "Ali", "Sana",
         "Imran", "Hira", "Faisal", "Nida", "Kashif", "Rabia", "Tariq", "Amna", "Saad", "Iqra",
         "Waqas", "Mehwish", "Adeel", "Sadia", "Junaid", "Farah", "Asad", "Komal", "Naveed",
         "Rida", "Shahid"]  # fmt: skip
LAST = ["Khan", "Ahmed", "Siddiqui", "Malik", "Qureshi", "Sheikh", "Butt", "Chaudhry", "Raza",
        "Hussain", "Iqbal", "Mirza", "Javed", "Akhtar", "Baig", "Rana", "Abbasi", "Hashmi",
        "Anwar", "Yousaf", "Aslam", "Nawaz", "Farooq", "Saleem", "Rashid", "Zaidi", "Bhatti",
        "Gill", "Shah", "Awan"]  # fmt: skip
# The share of orders in each status, as a shop a few months in might have them.
STATUS_SHARE = [(OrderStatus.PENDING, 0.35), (OrderStatus.CONFIRMED, 0.25),
                (OrderStatus.SHIPPED, 0.15), (OrderStatus.DELIVERED, 0.15),
                (OrderStatus.CANCELLED, 0.07), (OrderStatus.RETURNED, 0.03)]  # fmt: skip
ITEMS = (LineItem(name="Lawn suit 3pc", qty=1, price=Decimal("4500")),
         LineItem(name="Dupatta", qty=2, price=Decimal("1200")))  # fmt: skip
BATCH = 5000


def serve() -> FastAPI:
    """The gateway's app on GATEWAY_DB_SCHEMA without Kafka (uvicorn --factory)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with offline_wiring() as wiring:
            app.state.wiring = wiring
            yield

    return build_app(lifespan)


def phone_of(n: int) -> str:
    return f"92300{n:07d}"


async def seed(settings: GatewaySettings, orders: int, other: int) -> tuple[str, list[str]]:
    """Both businesses' orders in the view; the first's API key and some of its phones."""
    pool = await open_pool(settings)
    rng = random.Random(13)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    try:
        (shop, key), (rival, _) = [
            await create_business(BusinessStore(pool), name=name, plan="business")
            for name in ("Lahore Lawn House", "Pune Sarees")
        ]
        writer = ViewWriter()
        began = time.perf_counter()
        for business, count in ((shop, orders), (rival, other)):
            for first in range(0, count, BATCH):
                events = [
                    order_placed(business.business_id, number=format_order_number(n + 1),
                                 name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                                 phone=phone_of(rng.randrange(orders // 3)), items=ITEMS,
                                 at=start + timedelta(seconds=rng.randrange(330 * 86400)))
                    for n in range(first, min(count, first + BATCH))
                ]  # fmt: skip
                async with pool.acquire() as conn, conn.transaction():
                    await writer.apply(conn, events)
        await _spread_statuses(pool)
        await pool.execute("VACUUM ANALYZE orders")
        took = time.perf_counter() - began
        print(f"seeded {orders:,} + {other:,} orders in {took:.1f} s", flush=True)
        phones = [r["customer_phone"] for r in await pool.fetch(
            "SELECT customer_phone FROM orders WHERE business_id = $1 LIMIT 50", shop.business_id)]  # fmt: skip
        return key, phones
    finally:
        await pool.close()


async def _spread_statuses(pool: asyncpg.Pool) -> None:
    """Each order's status by STATUS_SHARE, as the status folds would have left it."""
    bounds, total = [], 0.0
    for status, share in STATUS_SHARE:
        total += share
        bounds.append(f"WHEN h < {total:.2f} THEN '{status.value}'")
    await pool.execute(
        "UPDATE orders SET status = CASE " + " ".join(bounds) + " ELSE 'returned' END, "
        "version = 2 FROM (SELECT order_id AS id, "
        " (('x' || substr(md5(order_id::text), 1, 8))::bit(32)::bigint / 4294967296.0) AS h "
        " FROM orders) AS hashed WHERE order_id = hashed.id"
    )


async def measure(http: httpx.AsyncClient, path: str | list[str], n: int) -> list[float]:
    """`n` GETs one at a time (paths taken in turn), after a few to warm up; seconds each."""
    paths = [path] if isinstance(path, str) else path
    for p in paths[:5]:
        assert (await http.get(p)).status_code == 200, p
    times = []
    for i in range(n):
        began = time.perf_counter()
        response = await http.get(paths[i % len(paths)])
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, response.text
    return times


async def calls(http: httpx.AsyncClient, phones: list[str]) -> dict[str, str | list[str]]:
    """The orders page's calls, with real paths into the seeded data."""
    first = (await http.get("/api/v1/orders?limit=50")).json()
    local = [f"0{p[2:5]}-{p[5:]}" for p in phones]  # as a merchant types them: 0300-1234567
    names = [f"q={f.lower()}" for f in FIRST[:10]] + [f"q={f} {ln}" for f, ln in zip(FIRST, LAST, strict=True)][:10]  # fmt: skip
    return {
        "bare GET /healthz": "/healthz",
        "first page (50)": "/api/v1/orders?limit=50",
        "status tab: pending": "/api/v1/orders?status=pending&limit=50",
        "next page by cursor": f"/api/v1/orders?limit=50&cursor={first['next_cursor']}",
        "search by name": [f"/api/v1/orders?{q}&limit=50" for q in names],
        "search by phone": [f"/api/v1/orders?q={p}&limit=50" for p in local],
        "search by order number": [f"/api/v1/orders?q=%23{n}" for n in range(1, 400, 7)],
        "counts (tabs)": "/api/v1/orders/counts",
        "counts under a name search": [f"/api/v1/orders/counts?{q}" for q in names],
    }


def start_gateway(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """The gateway's app (`serve`) as its own uvicorn process, logging to .state/bench."""
    logs = ROOT / ".state" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.dashboard:serve", "--factory", "--port",
         str(port), "--loop", "uvloop", "--http", "httptools", "--no-access-log",
         "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=(logs / "dashboard-gateway.log").open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--other", type=int, default=5_000, help="the second business's orders")
    parser.add_argument("--requests", type=int, default=300, help="per call")
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    args = parser.parse_args()
    env = {**os.environ, "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
           "RATE_LIMIT_ENABLED": "false",
           "GATEWAY_DB_SCHEMA": f"bench_dash_{uuid.uuid4().hex[:8]}"}  # fmt: skip
    env.setdefault("DATABASE_URL", "postgresql://sauda@127.0.0.1:55432/sauda")
    os.environ.update(env)
    settings = GatewaySettings()
    key, phones = await seed(settings, args.orders, args.other)
    port = free_ports(1)[0]
    gateway = start_gateway(env, port)
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_ready(f"{url}/healthz", gateway)
        async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": key}, timeout=30) as http:
            print(f"{'call':<30} {'p50':>14} {'p99':>14}   ({args.requests} requests each)")
            for name, path in (await calls(http, phones)).items():
                row = percentiles(await measure(http, path, args.requests), 50, 99)
                print(f"{name:<30} {shown(row, 50, 99)}", flush=True)
    finally:
        stop_all([gateway])
        if not args.keep:
            pool = await open_pool(settings)
            await pool.execute(f'DROP SCHEMA "{settings.gateway_db_schema}" CASCADE')
            await pool.close()


if __name__ == "__main__":
    asyncio.run(main())
