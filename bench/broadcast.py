"""A broadcast through every Sauda process and the sandbox: one template to N recipients (10,000
by default) at the configured per-number limit. Prints the achieved messages/s beside the
limit, the time from the POST to the first and to the last message at the sandbox (its own
clock, same machine), and how long the POST itself took.

Runs against the dev Kafka and Postgres (`make infra`). Do not run it beside `make run`; on a
shared machine try it small first:

    uv run python bench/broadcast.py --recipients 300 --rate 80
"""

import argparse
import asyncio
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.processes import Processes  # noqa: E402

TEMPLATE = {"name": "sauda_order_shipped", "language": "en", "body": ["Friend", "EID-25", "-"]}


async def arrivals(http: aiohttp.ClientSession, sandbox: str, number: str,
                   phones: list[str]) -> dict[str, float]:  # fmt: skip
    """When the template reached each phone, by the sandbox's clock (phones it has not yet
    reached are left out)."""
    arrived: dict[str, float] = {}

    async def look(phone: str) -> None:
        async with http.get(f"{sandbox}/sandbox/{number}/chats/{phone}",
                            params={"mark_read": "false"}) as r:  # fmt: skip
            if r.status != 200:
                return
            for m in (await r.json())["messages"]:
                if (m.get("template") or {}).get("name") == TEMPLATE["name"]:
                    arrived[phone] = datetime.fromisoformat(m["timestamp"]).timestamp()

    for i in range(0, len(phones), 256):
        await asyncio.gather(*(look(p) for p in phones[i : i + 256]))
    return arrived


async def until_completed(http: aiohttp.ClientSession, url: str, headers: dict[str, str],
                          timeout: float) -> dict[str, Any]:  # fmt: skip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with http.get(url, headers=headers) as r:
            got: dict[str, Any] = await r.json()
        if got["status"] == "completed":
            return got
        await asyncio.sleep(1.0)
    raise SystemExit(f"the broadcast did not complete within {timeout:.0f} s: {got}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=80.0,
                        help="NOTIFIER_BROADCAST_RATE: messages/s per number")  # fmt: skip
    args = parser.parse_args()
    limit = str(args.rate)
    # The number's own limits no lower than the broadcast's (the sandbox models Meta's).
    stack = Processes({"NOTIFIER_BROADCAST_RATE": limit, "NOTIFIER_MPS": limit,
                       "SANDBOX_MPS": str(max(args.rate, 80.0)), "SANDBOX_STATUS_DELAY_MS": "0"})  # fmt: skip
    try:
        await stack.start("sandbox", "ledger", "gateway", "notifier", "conversation")
        shop = await asyncio.to_thread(stack.cli, "business", "create", "--name", "bench-broadcast",
                                       "--rate-limit", "1000000000", "--whatsapp", "sandbox")  # fmt: skip
        number, sandbox = shop["whatsapp_phone_number_id"], stack.sandbox_url
        headers = {"X-API-Key": shop["api_key"]}
        phones = [f"9233{i:08d}" for i in range(args.recipients)]
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=300)) as http:
            posted = time.time()
            async with http.post(f"{stack.gateway_url}/api/v1/whatsapp/broadcasts",
                                 headers=headers,
                                 json={"template": TEMPLATE, "recipients": phones}) as r:  # fmt: skip
                assert r.status == 202, await r.text()
                broadcast_id = (await r.json())["broadcast_id"]
            answered = time.time() - posted
            expected = args.recipients / args.rate
            final = await until_completed(
                http, f"{stack.gateway_url}/api/v1/whatsapp/broadcasts/{broadcast_id}", headers,
                timeout=max(120.0, expected * 3 + 60),
            )  # fmt: skip
            arrived = await arrivals(http, sandbox, number, phones)
        if not arrived:
            raise SystemExit(f"no message reached the sandbox: {final}")
        first, last = min(arrived.values()) - posted, max(arrived.values()) - posted
        span = last - first
        achieved = (len(arrived) - 1) / span if span > 0 else float(len(arrived))
        print(f"\nbroadcast of {args.recipients} recipients, limit {args.rate:g} messages/s "
              f"per number")  # fmt: skip
        print(f"POST answered in {answered * 1000:.0f} ms")
        print(f"reached the sandbox: {len(arrived)}/{args.recipients} "
              f"(counts {final['counts']})")  # fmt: skip
        print(f"first message {first:.2f} s after the POST, last {last:.2f} s")
        print(f"achieved {achieved:.1f} messages/s beside the limit of {args.rate:g}/s")
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "broadcast.json").write_text(json.dumps(
            {"args": vars(args), "answered_s": round(answered, 3), "received": len(arrived),
             "first_s": round(first, 2), "last_s": round(last, 2),
             "messages_per_s": round(achieved, 1), "limit": args.rate,
             "counts": final["counts"]}, indent=2))  # fmt: skip
    finally:
        stack.stop()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
