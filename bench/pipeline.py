"""The whole pipeline's cost per order: every service, the WhatsApp sandbox, Kafka and Postgres at
a fixed order rate spread over 10 businesses (each with its own sandbox number and a webhook
endpoint), beside a bare FastAPI endpoint validating the same seed body in the same run. The CPU
time of every process is sampled from /proc; the last line is

    pipeline: R orders/s offered, A achieved, C CPU-ms per order (bare: B CPU-ms per request,
    ratio C/B), POST p99 P ms, POST→COD p99 Q ms, POST→webhook p99 W ms

C counts Sauda's services, the sandbox, Kafka's JVM and every Postgres backend from the first POST
until the stack is quiet again (statuses and logs go on after the last COD); B counts the bare
server alone. The load generator (this process, with the webhook receiver) is printed apart.
`--find-max` raises the rate until POST→COD p99 passes 1 s and prints the highest rate under it.

Against the dev Kafka and Postgres (`make infra`, or KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL); not
beside `make run` (they would share consumer groups).

    uv run python bench/pipeline.py --rate 50 --seconds 30
    uv run python bench/pipeline.py --find-max --rate 25 --seconds 20
"""

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cpu import CpuMeter, listening_pid, per_unit_ms  # noqa: E402
from bench.openloop import open_loop  # noqa: E402
from bench.processes import SERVICES, Processes  # noqa: E402
from bench.report import pct  # noqa: E402
from sauda_runtime.testing import free_ports  # noqa: E402

COD_TEMPLATE = "sauda_cod_confirmation"
COD_P99_LIMIT_MS = 1000.0


def seed_body(key: str, phone: str) -> dict:
    """The seed's order (the Botaura Store API shape), the same for the bare endpoint."""
    return {
        "event_type": "order_created",
        "idempotency_key": key,
        "customer": {"phone": phone, "name": "Ali Khan", "consent": True},
        "order": {"items": [{"name": "Widget Pro", "qty": 2, "price": 1500}], "total": 3000},
    }


def shopper(step: int, i: int) -> str:
    return f"9230{step % 10}{i:07d}"  # one chat per order: the COD is read per chat


@dataclass
class Shop:
    api_key: str
    number: str  # its sandbox phone number id


@dataclass
class Step:
    """One rate's orders: when each POST started (wall clock), what it answered, arrivals."""

    posted: dict[str, float] = field(default_factory=dict)  # order_id: POST start
    chat_of: dict[str, tuple[str, str]] = field(default_factory=dict)  # order_id: (number, phone)
    latencies: list[float] = field(default_factory=list)
    codes: dict[int, int] = field(default_factory=dict)
    webhook_at: dict[str, float] = field(default_factory=dict)  # order_id: first arrival


class Receiver:
    """One webhook endpoint per business (/b/<n>) on a loopback server in this process."""

    def __init__(self) -> None:
        self.step = Step()

    async def handle(self, request: web.Request) -> web.Response:
        payload = json.loads(await request.read())
        order_id = (payload.get("data") or {}).get("order_id")
        if order_id:
            self.step.webhook_at.setdefault(order_id, time.time())
        return web.Response(text="ok")


async def post_orders(http: aiohttp.ClientSession, url: str, keys: list[str], rate: float,
                      seconds: float, step_no: int, run: str, step: Step,
                      numbers: list[str] | None = None) -> float:  # fmt: skip
    """POST `rate` orders a second for `seconds`, round-robin over the businesses' keys."""

    async def one(i: int) -> None:
        b = i % len(keys)
        phone = shopper(step_no, i)
        started, begin = time.time(), time.perf_counter()
        async with http.post(f"{url}/api/v1/events/ingest",
                             json=seed_body(f"pipe-{run}-{step_no}-{i}", phone),
                             headers={"X-API-Key": keys[b]} if keys[b] else {}) as r:  # fmt: skip
            answer = await r.read()
            step.codes[r.status] = step.codes.get(r.status, 0) + 1
        step.latencies.append(time.perf_counter() - begin)
        if numbers and r.status in (201, 202):
            order_id = json.loads(answer)["order_id"]
            step.posted[order_id] = started
            step.chat_of[order_id] = (numbers[b], phone)

    return await open_loop(rate, int(rate * seconds), one)


async def chats_reached(http: aiohttp.ClientSession, sandbox: str, numbers: list[str],
                        phones: set[str]) -> int:  # fmt: skip
    """How many of `phones` have a message from their business at the sandbox (10 cheap GETs)."""
    reached = 0
    for number in numbers:
        async with http.get(f"{sandbox}/sandbox/{number}/chats") as r:
            for chat in (await r.json())["chats"]:
                reached += chat["messages"] > 0 and chat["shopper_phone"] in phones
    return reached


async def cod_times(http: aiohttp.ClientSession, sandbox: str, step: Step) -> dict[str, float]:
    """When each order's COD template reached its shopper (the sandbox's clock, same machine)."""
    arrived: dict[str, float] = {}

    async def look(order_id: str) -> None:
        number, phone = step.chat_of[order_id]
        async with http.get(f"{sandbox}/sandbox/{number}/chats/{phone}",
                            params={"mark_read": "false"}) as r:  # fmt: skip
            if r.status == 200:
                for m in (await r.json())["messages"]:
                    if (m.get("template") or {}).get("name") == COD_TEMPLATE:
                        arrived[order_id] = datetime.fromisoformat(m["timestamp"]).timestamp()

    ids = list(step.chat_of)
    for i in range(0, len(ids), 128):
        await asyncio.gather(*(look(o) for o in ids[i : i + 128]))
    return arrived


async def behind(bootstrap: str) -> list[str]:
    """Consumer groups still behind on the order topics (a backlog, e.g. bench/catchup.py's
    100,000 events, would be read during the measure and counted in it)."""
    from sauda_cli.lag import group_lags

    lags = await group_lags(bootstrap, "")
    groups: dict[str, int] = {}
    for row in lags:
        if row.topic.startswith("orders.") and not row.group.startswith(("catchup-", "bare-")):
            groups[row.group] = groups.get(row.group, 0) + row.lag
    return [f"{group} {lag}" for group, lag in sorted(groups.items()) if lag > 100]


async def settle(meter: CpuMeter, idle_cores: float, timeout: float = 60.0) -> None:
    """Wait until the stack's CPU use is back near idle for two seconds in a row."""
    deadline, quiet = time.monotonic() + timeout, 0
    last = sum(meter.totals().values())
    while quiet < 2 and time.monotonic() < deadline:
        await asyncio.sleep(1.0)
        now = sum(meter.totals().values())
        quiet = quiet + 1 if now - last <= idle_cores * 1.5 + 0.05 else 0
        last = now


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stack = Processes(
            {"SANDBOX_MPS": str(args.mps), "NOTIFIER_MPS": str(args.mps),
             "WEBHOOKS_ALLOW_PRIVATE_URLS": "true"},
            bare_app="bench.bare:validating",
        )  # fmt: skip
        self.receiver = Receiver()
        self.shops: list[Shop] = []
        self.run = uuid.uuid4().hex[:8]

    def meter(self) -> CpuMeter:
        """Every process of the system under test (the bare app and this process apart)."""
        env = self.stack.env
        kafka_port = int(env["KAFKA_BOOTSTRAP_SERVERS"].split(",")[0].rsplit(":", 1)[1])
        pg_port = urlsplit(env["DATABASE_URL"]).port or 5432
        groups = {name: [self.stack.pids[name]] for name in SERVICES}
        groups["kafka"] = [listening_pid(kafka_port) or 0]
        groups["postgres"] = [listening_pid(pg_port) or 0]
        for name in ("kafka", "postgres"):
            if not groups[name][0]:
                print(f"warning: no process found listening for {name}; not counted")
        return CpuMeter(groups)

    async def setup(self, http: aiohttp.ClientSession, receiver_port: int) -> None:
        await self.stack.start(*SERVICES, "bare")
        made = await asyncio.gather(*(asyncio.to_thread(
            self.stack.cli, "business", "create", "--name", f"pipe-{self.run}-{b}",
            "--rate-limit", "1000000000", "--whatsapp", "sandbox",
        ) for b in range(self.args.businesses)))  # fmt: skip
        for b, shop in enumerate(made):
            self.shops.append(Shop(shop["api_key"], shop["whatsapp_phone_number_id"]))
            async with http.post(f"{self.stack.gateway_url}/api/v1/webhooks",
                                 json={"url": f"http://127.0.0.1:{receiver_port}/b/{b}",
                                       "events": ["order_created"]},
                                 headers={"X-API-Key": shop["api_key"]}) as r:  # fmt: skip
                assert r.status == 201, await r.text()

    async def bare(self, http: aiohttp.ClientSession, rate: float, seconds: float) -> float:
        """CPU-ms per request of the bare endpoint at the same rate."""
        meter = CpuMeter({"bare": [self.stack.pids["bare"]]})
        meter.start()
        step = Step()
        await post_orders(http, self.stack.bare_url, [""], rate, seconds, 0, f"bare-{self.run}",
                          step)  # fmt: skip
        ok = sum(n for code, n in step.codes.items() if code == 202)
        if ok != len(step.latencies):
            print(f"warning: bare endpoint answered {step.codes}")
        return per_unit_ms(meter.sample()["bare"], ok)

    async def measure(self, http: aiohttp.ClientSession, rate: float, seconds: float,
                      step_no: int, bare_ms: float) -> dict:  # fmt: skip
        meter = self.meter()
        meter.start()
        await asyncio.sleep(2.0)
        idle = sum(meter.sample().values()) / 2.0
        step = self.receiver.step = Step()
        keys, numbers = [s.api_key for s in self.shops], [s.number for s in self.shops]
        meter.start()
        load0, t0 = time.process_time(), time.time()
        achieved_post = await post_orders(http, self.stack.gateway_url, keys, rate, seconds,
                                          step_no, self.run, step, numbers)  # fmt: skip
        phones = {phone for _, phone in step.chat_of.values()}
        deadline = time.monotonic() + self.args.timeout
        while time.monotonic() < deadline:
            reached = await chats_reached(http, self.stack.sandbox_url, numbers, phones)
            if reached >= len(phones) and len(step.webhook_at) >= len(step.posted):
                break
            await asyncio.sleep(1.0)
        await settle(meter, idle)
        cpu, wall = meter.sample(), time.time() - t0
        load_cpu = time.process_time() - load0
        cod = await cod_times(http, self.stack.sandbox_url, step)
        n = len(step.latencies)
        e2e = [cod[o] - step.posted[o] for o in cod]
        hooks = [step.webhook_at[o] - step.posted[o] for o in step.webhook_at if o in step.posted]
        span = (max(cod.values()) - t0) if cod else 0.0
        total = sum(cpu.values())
        row = {
            "offered": rate, "posted_per_s": round(achieved_post, 1),
            "achieved": round(len(cod) / span, 1) if span else 0.0,
            "orders": n, "codes": step.codes, "cod": len(cod), "webhooks": len(hooks),
            "cpu_ms_per_order": round(per_unit_ms(total, n), 2),
            "bare_cpu_ms_per_request": round(bare_ms, 3),
            "post_p50_ms": round(pct(step.latencies, 50), 1),
            "post_p99_ms": round(pct(step.latencies, 99), 1),
            "cod_p50_ms": round(pct(e2e, 50), 1) if e2e else None,
            "cod_p99_ms": round(pct(e2e, 99), 1) if e2e else None,
            "webhook_p99_ms": round(pct(hooks, 99), 1) if hooks else None,
            "window_s": round(wall, 1), "idle_cores": round(idle, 3),
            "cpu_ms_per_order_by_process": {k: round(per_unit_ms(v, n), 2) for k, v in cpu.items()},
            "load_generator_cpu_ms_per_order": round(per_unit_ms(load_cpu, n), 2),
        }  # fmt: skip
        shares = "  ".join(f"{k} {v:.1f}" for k, v in row["cpu_ms_per_order_by_process"].items())
        print(f"  {rate:.0f}/s: {n} orders {step.codes}, {len(cod)} COD, {len(hooks)} webhooks, "
              f"window {wall:.1f} s (idle {idle:.2f} cores); CPU-ms/order: {shares}; "
              f"load generator {row['load_generator_cpu_ms_per_order']:.1f}", flush=True)  # fmt: skip
        return row


def summary(row: dict) -> str:
    c, b = row["cpu_ms_per_order"], row["bare_cpu_ms_per_request"]
    return (
        f"pipeline: {row['offered']:.0f} orders/s offered, {row['achieved']:.1f} achieved, "
        f"{c:.1f} CPU-ms per order (bare: {b:.2f} CPU-ms per request, ratio {c / b if b else 0:.0f}), "
        f"POST p99 {row['post_p99_ms']:.0f} ms, POST→COD p99 {row['cod_p99_ms'] or 0:.0f} ms, "
        f"POST→webhook p99 {row['webhook_p99_ms'] or 0:.0f} ms"
    )


def within(row: dict) -> bool:
    return row["cod"] == row["orders"] and (row["cod_p99_ms"] or 1e9) < COD_P99_LIMIT_MS


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=50.0, help="orders per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--businesses", type=int, default=10)
    parser.add_argument("--mps", type=int, default=1000,
                        help="per-number throughput of the sandbox and the notifier")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="longest wait for the last COD and webhook after the last POST")  # fmt: skip
    parser.add_argument("--find-max", action="store_true",
                        help="double the rate from --rate while POST→COD p99 < 1 s, then bisect")  # fmt: skip
    args = parser.parse_args()
    bench = Bench(args)
    [receiver_port] = free_ports(1)
    app = web.Application()
    app.router.add_post("/b/{n}", bench.receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", receiver_port).start()
    rows: list[dict] = []
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1024)) as http:
            await bench.setup(http, receiver_port)
            if late := await behind(bench.stack.env["KAFKA_BOOTSTRAP_SERVERS"]):
                print(f"warning: consumer groups behind on the order topics: {', '.join(late)}; "
                      "the measure will include their catching up", flush=True)  # fmt: skip
            # Warm every path (connections, caches, the template table) before measuring.
            await bench.measure(http, 10, 2, 9, 0.0)
            print(f"\n{args.businesses} businesses, {args.seconds:.0f} s per rate, "
                  f"per-number limit {args.mps}/s, pid {os.getpid()}", flush=True)  # fmt: skip
            rate, step_no = args.rate, 0
            ok, bad = 0.0, 0.0
            while True:
                bare_ms = await bench.bare(http, rate, min(args.seconds, 10))
                row = await bench.measure(http, rate, args.seconds, step_no, bare_ms)
                rows.append(row)
                print(summary(row), flush=True)
                step_no += 1
                if not args.find_max or step_no >= 8:
                    break
                if within(row):
                    ok = rate
                else:
                    bad = rate
                if bad and ok and bad - ok <= max(5.0, ok * 0.15):
                    break
                if bad and not ok and rate <= 5:
                    break
                rate = (ok + bad) / 2 if bad else rate * 2
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "pipeline.json").write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))
        if args.find_max:
            best = max((r for r in rows if within(r)), key=lambda r: r["offered"], default=None)
            print(summary(rows[-1]))
            print(f"pipeline max: {best['offered'] if best else 0:.0f} orders/s with POST→COD "
                  f"p99 under 1 s ({best['cod_p99_ms'] if best else '-'} ms)")  # fmt: skip
    finally:
        bench.stack.stop()
        await runner.cleanup()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
