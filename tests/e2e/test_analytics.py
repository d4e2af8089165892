"""The merchant's analytics on the running stack: orders a store sends are counted, and the
operator's `sauda replay orders-view` rebuilds the order facts from the topic."""

import uuid


def auth(business: dict[str, str]) -> dict[str, str]:
    return {"X-API-Key": business["api_key"]}


async def test_analytics_count_the_stores_orders_and_survive_a_replay(
    client, business, ingest, db, wait_for, cli
) -> None:
    ids = [(await ingest(business))["order_id"] for _ in range(3)]
    for status in ("confirmed", "shipped", "delivered"):
        moved = await client.patch(
            f"/api/v1/orders/{ids[0]}/status", json={"status": status}, headers=auth(business)
        )
        assert moved.status_code == 200, moved.text
    cancelled = await client.post(
        f"/api/v1/orders/{ids[1]}/cancel", json={"reason": "out of stock"}, headers=auth(business)
    )
    assert cancelled.status_code == 200, cancelled.text

    async def summary() -> dict:
        answer = await client.get("/api/v1/analytics", headers=auth(business))
        assert answer.status_code == 200, answer.text
        return answer.json()["summary"]

    async def all_folded() -> bool:
        s = await summary()
        return (s["orders"], s["delivered"], s["cancelled"]) == (3, 1, 1)

    await wait_for(all_folded, timeout=20, what="the orders in the analytics")
    before = await summary()
    assert before["cod_orders"] == 3 and before["cancel_rate"] == 0.3333
    assert (before["shipped"], before["delivered_rate"], before["returned_rate"]) == (1, 1.0, 0.0)
    assert before["answered"] == 0  # the merchant confirmed, not the shopper
    # A wiped row shows the rebuild really comes from the topic.
    await db.execute("DELETE FROM gateway.order_facts WHERE order_id = $1", uuid.UUID(ids[0]))

    out = await cli("replay", "orders-view")

    assert "order facts rebuilt" in out
    assert await summary() == before
