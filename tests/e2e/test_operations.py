"""What operators rely on: the replayable topic, rebuilding the view, correlation ids, the CLI."""

import asyncio
import json
import os
import sys
import uuid

import httpx

from sauda_contracts import Topic, parse_order_event


def auth(business: dict[str, str]) -> dict[str, str]:
    return {"X-API-Key": business["api_key"]}


async def test_order_events_can_be_read_from_offset_zero(
    client, business, ingest, topic_reader
) -> None:
    order_id = (await ingest(business))["order_id"]
    await client.patch(
        f"/api/v1/orders/{order_id}/status", json={"status": "confirmed"}, headers=auth(business)
    )
    records = [r for r in await topic_reader(Topic.ORDERS_EVENTS) if r.key == order_id.encode()]
    events = [parse_order_event(r.value) for r in records]
    assert [(e.type, e.body.version) for e in events] == [("OrderPlaced", 1), ("OrderConfirmed", 2)]
    assert len({r.partition for r in records}) == 1  # one order, one partition, in order


async def test_the_request_id_travels_to_every_hop(stack, client, business, seed, wait_for) -> None:
    request_id = f"req-{uuid.uuid4().hex}"
    answer = await client.post(
        "/api/v1/events/ingest", json=seed(), headers={**auth(business), "X-Request-ID": request_id}
    )
    assert answer.headers["x-request-id"] == request_id
    order_id = answer.json()["order_id"]

    def lines_for(service) -> list[dict]:
        return [line for line in service.log_lines() if line.get("correlation_id") == request_id]

    async def logged_everywhere() -> bool:
        return bool(lines_for(stack.ledger)) and any(
            line.get("event") == "order_view_updated" for line in lines_for(stack.gateway)
        )

    await wait_for(
        logged_everywhere, timeout=20, what="log lines with the request id in every service"
    )
    # Every line about this request names the order it concerns.
    for line in lines_for(stack.ledger) + lines_for(stack.gateway):
        assert line.get("order_id") == order_id, line


async def test_replay_rebuilds_an_identical_view(
    stack, client, business, ingest, db, wait_for
) -> None:
    ids = [(await ingest(business))["order_id"] for _ in range(5)]
    for status in ("confirmed", "shipped"):
        await client.patch(
            f"/api/v1/orders/{ids[0]}/status", json={"status": status}, headers=auth(business)
        )
    await client.patch(
        f"/api/v1/orders/{ids[1]}/status", json={"status": "cancelled"}, headers=auth(business)
    )

    async def snapshot() -> list[dict]:
        # This test's business only: rows other runs left may have been folded by older code.
        rows = await db.fetch(
            "SELECT * FROM gateway.orders WHERE business_id = $1 ORDER BY order_id",
            uuid.UUID(business["business_id"]),
        )
        return [dict(r) for r in rows]

    before = await snapshot()
    assert {str(r["order_id"]) for r in before} == set(ids)
    # A wiped row shows the rebuild really comes from the topic, not from the old table.
    await db.execute("DELETE FROM gateway.orders WHERE order_id = $1", uuid.UUID(ids[2]))

    replay = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sauda_cli",
        "replay",
        "orders-view",
        env={**os.environ},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )

    async def reads_while_replaying() -> None:
        while replay.returncode is None:
            assert (
                await client.get("/api/v1/orders?limit=1", headers=auth(business))
            ).status_code == 200
            await asyncio.sleep(0.05)

    reader = asyncio.create_task(reads_while_replaying())
    out, _ = await replay.communicate()
    await reader
    assert replay.returncode == 0, out.decode()
    assert "swapped in" in out.decode()
    assert await snapshot() == before
    detail = await client.get(f"/api/v1/orders/{ids[0]}", headers=auth(business))
    assert [h["status"] for h in detail.json()["history"]] == ["pending", "confirmed", "shipped"]
    # The live projector keeps folding into the swapped-in table.
    moved = await client.patch(
        f"/api/v1/orders/{ids[0]}/status", json={"status": "delivered"}, headers=auth(business)
    )
    assert moved.status_code == 200 and moved.json()["status"] == "delivered"


async def test_cli_creates_a_business_whose_key_is_kept_only_as_a_hash(
    client, business, db
) -> None:
    assert set(business) == {"business_id", "api_key"}
    rows = await db.fetch(
        "SELECT key_hash, prefix FROM gateway.api_keys WHERE business_id = $1",
        uuid.UUID(business["business_id"]),
    )
    assert len(rows) == 1
    assert rows[0]["key_hash"] != business["api_key"] and len(rows[0]["key_hash"]) == 64
    assert (await client.get("/api/v1/orders", headers=auth(business))).status_code == 200


async def test_the_ledger_being_down_still_accepts_orders(
    stack, client: httpx.AsyncClient, business, seed, wait_for
) -> None:
    stack.ledger.kill()
    try:
        accepted = await client.post("/api/v1/events/ingest", json=seed(), headers=auth(business))
        assert accepted.status_code == 202
        assert accepted.json()["status"] == "accepted"
        location = accepted.headers["location"]
        assert (await client.get(location, headers=auth(business))).status_code == 404
    finally:
        stack.ledger.start()
        await stack.ledger.ready()

    async def placed() -> bool:
        response = await client.get(location, headers=auth(business))
        return response.status_code == 200 and response.json()["status"] == "pending"

    await wait_for(
        placed, timeout=60, what="the queued order to be placed after the ledger restarted"
    )


async def test_the_doctor_finds_a_running_installation_healthy(stack) -> None:
    """`sauda doctor` pointed at the stack: every check passes, exit status 0."""
    ports = {
        "SANDBOX_PORT": stack.sandbox, "LEDGER_HEALTH_PORT": stack.ledger,
        "GATEWAY_PORT": stack.gateway, "NOTIFIER_HEALTH_PORT": stack.notifier,
        "CONVERSATION_HEALTH_PORT": stack.conversation, "WEBHOOKS_HEALTH_PORT": stack.dispatcher,
    }  # fmt: skip
    env = os.environ | {var: httpx.URL(svc.ready_url).port for var, svc in ports.items()}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sauda_cli", "doctor", "--json",
        env={k: str(v) for k, v in env.items()}, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    answer = json.loads(out)
    assert [c for c in answer["checks"] if not c["ok"]] == [], err.decode()
    assert answer["healthy"] is True and proc.returncode == 0
    names = {c["name"] for c in answer["checks"]}
    assert {"postgres", "kafka", "migrations notifier", "service ingest-gateway",
            "topic orders.events.v1", "secret SAUDA_SECRET_KEY"} <= names  # fmt: skip
