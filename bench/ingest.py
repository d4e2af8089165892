"""Ingest benchmark: orders/s and latency of POST and of POST-until-visible, beside a bare endpoint.

Runs against the dev Kafka and Postgres (`make infra`, or KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL),
starting its own ledger, gateway and bare FastAPI app on free ports, served the same way
(uvicorn, uvloop, httptools, GATEWAY_WORKERS workers).

    uv run python bench/ingest.py --orders 20000 --concurrency 64
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import percentiles, shown  # noqa: E402
from sauda_runtime.testing import free_ports  # noqa: E402


def stop_all(procs: list[subprocess.Popen]) -> None:
    """SIGTERM every process, give each 20 s to stop cleanly, then kill it."""
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()


def body(i: int, run: str) -> dict:
    return {
        "event_type": "order_created",
        "idempotency_key": f"bench-{run}-{i}",
        "customer": {"phone": "923001234567", "name": "Ali Khan", "consent": True},
        "order": {
            "items": [{"name": "Widget Pro", "qty": 2, "price": 1500}],
            "total": 3000,
            "external_order_id": f"WC-{i}",
        },
    }


async def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"process for {url} exited with {proc.returncode}")
            try:
                if (await http.get(url, timeout=1)).status_code in (200, 404, 405):
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"{url} not ready")


async def load(
    url: str, headers: dict, n: int, concurrency: int, run: str, visible: bool = False
) -> tuple[float, list[float], dict[int, int]]:
    """POST n orders with `concurrency` in flight; with `visible`, time until a GET shows each."""
    latencies: list[float] = []
    codes: dict[int, int] = {}
    queue = iter(range(n))

    async def worker(http: aiohttp.ClientSession) -> None:
        for i in queue:
            start = time.perf_counter()
            async with http.post(
                url + "/api/v1/events/ingest", json=body(i, run), headers=headers
            ) as r:
                payload = await r.read()
                codes[r.status] = codes.get(r.status, 0) + 1
            if visible and r.status in (201, 202):
                order_url = f"{url}/api/v1/orders/{json.loads(payload)['order_id']}"
                while True:
                    async with http.get(order_url, headers=headers) as g:
                        await g.read()
                        if g.status == 200:
                            break
                    await asyncio.sleep(0.01)
            latencies.append(time.perf_counter() - start)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return n / elapsed, latencies, codes


def report(name: str, rate: float, lat: list[float], codes: dict[int, int]) -> dict:
    row = {
        "name": name,
        "per_s": round(rate, 1),
        **percentiles(lat, 50, 95, 99),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1),
        "codes": codes,
    }
    print(
        f"{name:<34} {row['per_s']:>9.1f}/s  {shown(row, 50, 95, 99, width=7)}  {codes}",
        flush=True,
    )
    return row


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--visible-orders", type=int, default=2000)
    args = parser.parse_args()

    env = {**os.environ, "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1"}
    env.setdefault("DATABASE_URL", "postgresql://sauda@127.0.0.1:55432/sauda")
    env.setdefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    workers = env.get("GATEWAY_WORKERS", "1")
    l_port, b_port, *gateway_ports = free_ports(5)
    logs = ROOT / ".state" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    procs = []

    def spawn(name: str, cmd: list[str], extra: dict) -> subprocess.Popen:
        p = subprocess.Popen(
            cmd,
            env={**env, **extra},
            cwd=ROOT,
            stdout=(logs / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        procs.append(p)
        return p

    try:
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "sauda_cli", "topics", "create"],
            env=env,
            check=True,
            capture_output=True,
        )
        made = await asyncio.to_thread(
            subprocess.run,
            [
                sys.executable,
                "-m",
                "sauda_cli",
                "business",
                "create",
                "--name",
                "bench",
                "--rate-limit",
                "1000000000",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        headers = {"X-API-Key": json.loads(made.stdout)["api_key"]}
        ledger = spawn(
            "ledger", [sys.executable, "-m", "sauda_ledger"], {"LEDGER_HEALTH_PORT": str(l_port)}
        )
        # Three gateways on one database and broker: the normal one, one with the limiter off
        # (same business, same allowance checks skipped), and one answering 202 at once.
        gateways = {}
        for name, extra in (
            ("gateway", {}),
            ("gateway-nolimit", {"RATE_LIMIT_ENABLED": "false"}),
            ("gateway-nowait", {"INGEST_WAIT_MS": "0"}),
        ):
            port = gateway_ports.pop()
            proc = spawn(
                name, [sys.executable, "-m", "sauda_gateway"], {"GATEWAY_PORT": str(port), **extra}
            )
            gateways[name] = (f"http://127.0.0.1:{port}", proc)
        bare = spawn(
            "bare",
            [sys.executable, "-m", "uvicorn", "bench.bare:app", "--port", str(b_port),
             "--workers", workers, "--loop", "uvloop", "--http", "httptools",
             "--no-access-log", "--log-level", "warning"],
            {},
        )  # fmt: skip
        await wait_ready(f"http://127.0.0.1:{l_port}/readyz", ledger)
        for url, proc in gateways.values():
            await wait_ready(f"{url}/readyz", proc)
        b_url = f"http://127.0.0.1:{b_port}"
        await wait_ready(f"{b_url}/docs", bare)
        g_url = gateways["gateway"][0]
        run = uuid.uuid4().hex[:8]
        # Warm the servers (connections, caches, pools) before measuring.
        await load(b_url, headers, 500, args.concurrency, "warm")
        for url, _ in gateways.values():
            await load(url, headers, 300, args.concurrency, f"warm-{url[-5:]}-{run}")

        print(f"\n{args.orders} orders, concurrency {args.concurrency}, gateway workers {workers}")
        phases = [
            ("bare FastAPI 202 (baseline)", b_url, args.orders, False),
            ("POST /api/v1/events/ingest", g_url, args.orders, False),
            ("POST ingest, rate limiter off", gateways["gateway-nolimit"][0], args.orders, False),
            ("POST until visible in GET", g_url, args.visible_orders, True),
            (
                "POST, 202 at once (INGEST_WAIT_MS=0)",
                gateways["gateway-nowait"][0],
                args.orders,
                False,
            ),
        ]
        rows = []
        for n, (name, url, count, visible) in enumerate(phases):
            measured = await load(
                url, headers, count, args.concurrency, f"{n}-{run}", visible=visible
            )
            rows.append(report(name, *measured))
        bare_rate, on, off = rows[0]["per_s"], rows[1]["per_s"], rows[2]["per_s"]
        ratio = on / bare_rate
        print(
            f"ingest throughput = {ratio:.0%} of the bare endpoint's; limiter on/off = {on / off:.0%}; "
            f"202-at-once = {rows[4]['per_s'] / bare_rate:.0%} of bare"
        )
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "ingest.json").write_text(
            json.dumps({"args": vars(args), "rows": rows, "ratio": ratio}, indent=2)
        )
    finally:
        stop_all(procs)


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
