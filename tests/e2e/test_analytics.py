"""The merchant's analytics on the running stack: the operator's `sauda replay orders-view`
rebuilds the order facts from the topic, and the figures count the store's orders."""

import uuid

from sauda_contracts import parse_order_event


def auth(business: dict[str, str]) -> dict[str, str]:
    return {"X-API-Key": business["api_key"]}


async def test_a_replay_rebuilds_the_order_facts_the_figures_come_from(
    client, business, ingest, db, wait_for, topic_reader, cli
) -> None:
    ids = {(await ingest(business))["order_id"] for _ in range(3)}

    async def on_the_topic() -> bool:
        events = [parse_order_event(r.value) for r in await topic_reader()]
        return ids <= {str(e.body.order_id) for e in events}

    await wait_for(on_the_topic, timeout=30, what="the orders on orders.events.v1")
    # Wiped rows show the rebuild really comes from the topic.
    await db.execute("DELETE FROM gateway.order_facts WHERE business_id = $1",
                     uuid.UUID(business["business_id"]))  # fmt: skip

    out = await cli("replay", "orders-view")

    assert "order facts rebuilt" in out
    answer = await client.get("/api/v1/analytics", headers=auth(business))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    s = body["summary"]
    assert (s["orders"], s["cod_orders"], s["cancelled"], s["cancel_rate"]) == (3, 3, 0, 0.0)
    assert (s["shipped"], s["delivered_rate"], s["median_minutes_to_answer"]) == (0, None, None)
    assert body["time_zone"] == "Asia/Karachi" and body["days"][-1]["orders"]["ingest"] == 3
