"""Nothing lost, nothing doubled: 1,000 orders posted while the ledger is SIGKILLed and restarted twice."""

import asyncio
import signal
from collections import defaultdict

import httpx

from sauda_contracts import Topic, parse_order_event

N_ORDERS = 1000
CONCURRENCY = 20
KILL_AT = (250, 600)


async def test_orders_survive_ledger_kills(
    stack, client: httpx.AsyncClient, business, seed, wait_for, topic_reader
) -> None:
    headers = {"X-API-Key": business["api_key"]}
    posted: dict[str, int] = {}
    sent = 0
    gate = asyncio.Semaphore(CONCURRENCY)

    async def post(i: int) -> None:
        nonlocal sent
        async with gate:
            body = seed(key=f"crash-{i}")
            for _ in range(5):  # a store retries a request that failed in transit
                try:
                    response = await client.post(
                        "/api/v1/events/ingest", json=body, headers=headers
                    )
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.5)
            assert response.status_code in (201, 202), response.text
            posted[response.json()["order_id"]] = response.status_code
            sent += 1

    async def kill_ledger_twice() -> None:
        for threshold in KILL_AT:
            await wait_for(
                lambda t=threshold: asyncio.sleep(0, sent >= t),
                timeout=120,
                every=0.02,
                what=f"{threshold} orders posted",
            )
            stack.ledger.kill(signal.SIGKILL)
            await asyncio.sleep(1.0)  # orders keep arriving while the ledger is down
            stack.ledger.start()
            await stack.ledger.ready()

    await asyncio.gather(kill_ledger_twice(), *(post(i) for i in range(N_ORDERS)))
    assert len(posted) == N_ORDERS
    # While the ledger was down the gateway kept answering (202), and nothing it accepted is lost.
    assert 202 in posted.values()

    async def all_visible() -> bool:
        listed = (await client.get("/api/v1/orders?limit=1", headers=headers)).json()
        return listed["total"] == N_ORDERS

    await wait_for(all_visible, timeout=180, every=0.5, what=f"{N_ORDERS} orders in the view")
    listed = []
    for offset in range(0, N_ORDERS, 200):
        page = (
            await client.get(f"/api/v1/orders?limit=200&offset={offset}", headers=headers)
        ).json()
        listed += [o["order_id"] for o in page["orders"]]
    assert sorted(listed) == sorted(posted)

    # The public history holds exactly one OrderPlaced per order. A relay killed between its send
    # and its delete may publish a record twice; such a repeat carries the same event_id, which is
    # what every consumer drops repeats by. So: one distinct OrderPlaced event per order id.
    placed: dict[str, set[str]] = defaultdict(set)
    for record in await topic_reader(Topic.ORDERS_EVENTS):
        event = parse_order_event(record.value)
        if event.type == "OrderPlaced" and str(event.business_id) == business["business_id"]:
            placed[str(event.body.order_id)].add(str(event.event_id))
    assert set(placed) == set(posted)
    assert all(len(ids) == 1 for ids in placed.values())
