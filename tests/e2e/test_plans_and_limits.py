"""Plans and the hourly allowance as a store meets them: 403 plan_required, 429 and its headers."""

import asyncio
import signal
import socket
import time

import httpx
import pytest

LIMIT_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


@pytest.fixture(autouse=True)
async def clear_of_the_hour_boundary() -> None:
    """The window is the clock hour: a test started in its last seconds waits for the next one."""
    left = 3600 - time.time() % 3600
    if left < 20:
        await asyncio.sleep(left + 0.5)


def auth(business: dict[str, str]) -> dict[str, str]:
    return {"X-API-Key": business["api_key"]}


async def test_a_plan_without_the_store_api_gets_403_naming_the_plan_that_has_it(
    client: httpx.AsyncClient, make_business, seed, cli
) -> None:
    free = await make_business(plan="free")
    for call in (
        client.get("/api/v1/orders", headers=auth(free)),
        client.post("/api/v1/events/ingest", json=seed(), headers=auth(free)),
    ):
        refused = await call
        assert refused.status_code == 403
        body = refused.json()
        assert body["code"] == "plan_required"
        assert body["details"] == {"current_plan": "free", "required_plan": "business"}

    await cli("business", "set-plan", free["business_id"], "business")
    assert (await client.get("/api/v1/orders", headers=auth(free))).status_code == 200


async def test_the_hourly_allowance_counts_down_then_refuses_with_retry_after(
    client: httpx.AsyncClient, make_business, seed
) -> None:
    business = await make_business(rate_limit=3)
    seen = []
    for _ in range(3):
        answer = await client.get("/api/v1/orders", headers=auth(business))
        assert answer.status_code == 200
        assert all(h in answer.headers for h in LIMIT_HEADERS)
        seen.append(int(answer.headers["x-ratelimit-remaining"]))
    assert seen == [2, 1, 0]
    assert answer.headers["x-ratelimit-limit"] == "3"
    reset = int(answer.headers["x-ratelimit-reset"])
    assert reset % 3600 == 0 and 0 < reset - time.time() <= 3600  # the end of this clock hour

    refused = await client.post("/api/v1/events/ingest", json=seed(), headers=auth(business))
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert refused.headers["x-ratelimit-reset"] == str(reset)


async def test_a_business_allowance_can_be_raised_without_a_restart(
    client: httpx.AsyncClient, make_business, cli
) -> None:
    business = await make_business(rate_limit=1)
    assert (await client.get("/api/v1/orders", headers=auth(business))).status_code == 200
    assert (await client.get("/api/v1/orders", headers=auth(business))).status_code == 429
    await cli("business", "set-rate-limit", business["business_id"], "5")
    raised = await client.get("/api/v1/orders", headers=auth(business))
    assert raised.status_code == 200 and raised.headers["x-ratelimit-limit"] == "5"


async def test_two_gateway_processes_share_one_allowance(stack, make_business) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    second = stack.gateway_service("ingest-gateway-2", port)
    second.start()
    try:
        await second.ready()
        business = await make_business(rate_limit=10)
        urls = [stack.gateway_url, f"http://127.0.0.1:{port}"]
        codes = []
        async with httpx.AsyncClient(timeout=30) as http:
            for i in range(16):  # alternate between the two processes
                answer = await http.get(f"{urls[i % 2]}/api/v1/orders", headers=auth(business))
                codes.append(answer.status_code)
        assert codes.count(200) == 10
        assert codes.count(429) == 6
        assert codes[:10] == [200] * 10  # the budget is one, whichever process answers
    finally:
        second.kill(signal.SIGTERM)
