"""COD end to end: at a steady rate of orders, the time from POST to the COD template arriving
at the shopper's phone (the WhatsApp sandbox), beside ingest-only and bare-endpoint figures
measured in the same run at the same rate.

Starts its own sandbox, ledger, gateway, notifier and conversation processes (and a bare FastAPI
app) on free ports against the dev Kafka and Postgres (`make infra`, or KAFKA_BOOTSTRAP_SERVERS /
DATABASE_URL). Do not run it beside `make run`: they would share consumer groups.

    uv run python bench/cod_e2e.py --rate 200 --seconds 60
"""

import argparse
import asyncio
import json
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.openloop import open_loop  # noqa: E402
from bench.processes import Processes  # noqa: E402
from bench.report import percentiles, shown  # noqa: E402


def order_body(run: str, i: int, phone: str) -> dict:
    return {
        "event_type": "order_created",
        "idempotency_key": f"cod-{run}-{i}",
        "customer": {"phone": phone, "name": "Ali Khan", "consent": True},
        "order": {"items": [{"name": "Widget Pro", "qty": 2, "price": 1500}], "total": 3000},
    }


def shopper(run_no: int, i: int) -> str:
    return f"9230{run_no}{i:07d}"  # one chat per order: arrival is read per chat


async def steady(url: str, headers: dict, rate: float, seconds: float, run: str,
                 run_no: int) -> tuple[list[float], dict[str, float], dict[int, int], float]:  # fmt: skip
    """Open loop: order i is sent at t0 + i/rate whatever the answers before it took.
    Returns request latencies, each shopper's POST start (wall clock), status codes, and the
    achieved send rate."""
    n = int(rate * seconds)
    latencies: list[float] = []
    started_at: dict[str, float] = {}
    codes: dict[int, int] = {}
    connector = aiohttp.TCPConnector(limit=512)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one(i: int) -> None:
            phone = shopper(run_no, i)
            started_at[phone] = time.time()
            begin = time.perf_counter()
            async with http.post(
                url + "/api/v1/events/ingest", json=order_body(run, i, phone), headers=headers
            ) as r:
                await r.read()
                codes[r.status] = codes.get(r.status, 0) + 1
            latencies.append(time.perf_counter() - begin)

        achieved = await open_loop(rate, n, one)
    return latencies, started_at, codes, achieved


async def arrivals(
    sandbox: str, number: str, started: dict[str, float], timeout: float
) -> dict[str, float]:
    """When each shopper's COD template reached the sandbox (its own clock, same machine)."""
    arrived: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=32)) as http:
        while len(arrived) < len(started) and time.monotonic() < deadline:
            pending = [p for p in started if p not in arrived]

            async def look(phone: str) -> None:
                async with http.get(f"{sandbox}/sandbox/{number}/chats/{phone}",
                                    params={"mark_read": "false"}) as r:  # fmt: skip
                    if r.status != 200:
                        return
                    for m in (await r.json())["messages"]:
                        if (m.get("template") or {}).get("name") == "sauda_cod_confirmation":
                            arrived[phone] = datetime.fromisoformat(m["timestamp"]).timestamp()

            for i in range(0, len(pending), 256):
                await asyncio.gather(*(look(p) for p in pending[i : i + 256]))
            if len(arrived) < len(started):
                await asyncio.sleep(1.0)
    return arrived


def line(name: str, seconds: list[float], extra: str = "") -> dict:
    row = {"name": name, "n": len(seconds), **percentiles(seconds, 50, 95, 99)}
    print(f"{name:<44} n={row['n']:>6}  {shown(row, 50, 95, 99)}  {extra}", flush=True)
    return row


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=200.0, help="orders per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--mps", type=int, default=1000,
                        help="per-number throughput of the sandbox and the notifier (Meta: 80, or 1,000 once upgraded)")  # fmt: skip
    args = parser.parse_args()

    stack = Processes({"SANDBOX_MPS": str(args.mps), "NOTIFIER_MPS": str(args.mps)})
    ports, sandbox_url, gateway_url, cli = (
        stack.ports,
        stack.sandbox_url,
        stack.gateway_url,
        stack.cli,
    )
    try:
        await stack.start()
        plain = await asyncio.to_thread(cli, "business", "create", "--name", "bench-plain",
                                        "--rate-limit", "1000000000")  # fmt: skip
        shop = await asyncio.to_thread(cli, "business", "create", "--name", "bench-cod",
                                       "--rate-limit", "1000000000", "--whatsapp", "sandbox")  # fmt: skip
        run = uuid.uuid4().hex[:8]
        # Warm up every path (connections, caches, the template table) before measuring.
        await steady(gateway_url, {"X-API-Key": shop["api_key"]}, 50, 2, f"warm-{run}", 9)

        print(f"\n{args.rate:.0f} orders/s for {args.seconds:.0f} s, per-number limit {args.mps}/s")
        bare_lat, _, bare_codes, bare_rate = await steady(
            f"http://127.0.0.1:{ports['bare']}",
            {},
            args.rate,
            args.seconds,
            f"bare-{run}",
            1,
        )
        plain_lat, _, plain_codes, plain_rate = await steady(
            gateway_url, {"X-API-Key": plain["api_key"]}, args.rate, args.seconds, f"plain-{run}", 2
        )
        cod_lat, started, cod_codes, cod_rate = await steady(
            gateway_url, {"X-API-Key": shop["api_key"]}, args.rate, args.seconds, f"cod-{run}", 3
        )
        arrived = await arrivals(
            sandbox_url, shop["whatsapp_phone_number_id"], started, timeout=300
        )
        e2e = [(arrived[p] - started[p]) for p in arrived]
        rows = [
            line("bare FastAPI POST (baseline)", bare_lat, f"sent {bare_rate:.0f}/s {bare_codes}"),
            line("POST ingest, no WhatsApp (ingest only)", plain_lat, f"sent {plain_rate:.0f}/s {plain_codes}"),
            line("POST ingest, WhatsApp connected", cod_lat, f"sent {cod_rate:.0f}/s {cod_codes}"),
            line("POST -> COD template at the sandbox", e2e),
        ]  # fmt: skip
        span = max(arrived.values()) - min(arrived.values()) if len(arrived) > 1 else 0.0
        received = len(arrived) / span if span else 0.0
        print(f"sandbox received {len(arrived)}/{len(started)} COD templates, "
              f"{received:.1f} messages/s over {span:.1f} s")  # fmt: skip
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "cod_e2e.json").write_text(json.dumps(
            {"args": vars(args), "rows": rows, "received": len(arrived), "sent": len(started),
             "sandbox_messages_per_s": round(received, 1)}, indent=2))  # fmt: skip
    finally:
        stack.stop()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
