"""Batches as the consumers hand them over: a batch of order events or of receipts is recorded in
one transaction and means exactly what the same events one by one would (real Postgres, a fake
Meta on loopback)."""

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from sauda_contracts import OrderConfirmed, OrderStatus
from sauda_contracts.language import Language
from sauda_contracts.testing import status_changed
from sauda_contracts.whatsapp import GraphError
from sauda_notifier.adapters.graph import GraphClient
from sauda_notifier.handlers.orders import handle_order_events
from sauda_notifier.handlers.receipts import handle_status_reports
from sauda_notifier.handlers.reminders import claim_stale
from sauda_notifier.handlers.sending import attempt, claim_all, send_all

from .flows import notices, receipt, snapshots


def confirmed(placed: Any) -> OrderConfirmed:
    return status_changed(placed, OrderStatus.CONFIRMED)  # type: ignore[return-value]


# --- order events --------------------------------------------------------------------------


async def test_a_batch_of_order_events_with_a_duplicate_means_what_each_alone_would(
    world: Any, make_order: Any
) -> None:
    await world.connect()
    earlier = make_order(world.business_id, phone="923000000009", number="ORD-9")
    await send_all(
        await handle_order_events([earlier], **world.n.deps(handle_order_events)),
        **world.n.deps(send_all),
    )
    first = make_order(world.business_id, phone="923000000001", number="ORD-1")
    second = make_order(world.business_id, phone="923000000002", number="ORD-2")
    # `earlier` was handled before; `first` is delivered twice within the batch.
    batch = [earlier, first, second, first, confirmed(first)]
    queued = await handle_order_events(batch, **world.n.deps(handle_order_events))
    assert [(m.purpose.value, m.customer_phone) for m in queued] == [
        ("cod_confirmation", "923000000001"),
        ("cod_confirmation", "923000000002"),
        ("order_confirmed", "923000000001"),  # sees the order placed earlier in the batch
    ]
    await send_all(queued, **world.n.deps(send_all))

    sent = [(s.body["to"], s.body["template"]["name"]) for s in world.graph.sends]
    assert sent[0] == ("923000000009", "sauda_cod_confirmation")
    # One chat's messages in order; the other chat's in between does not matter.
    first_chat = [name for to, name in sent if to == "923000000001"]
    assert first_chat == ["sauda_cod_confirmation", "sauda_order_confirmed"]
    assert len(sent) == 4
    rows = await world.messages()
    assert len(rows) == 4 and {r["status"] for r in rows} == {"sent"}
    new_orders = [n.body.order_number for n in await notices(world) if n.body.kind == "new_order"]
    assert sorted(new_orders) == ["ORD-1", "ORD-2", "ORD-9"]
    reminders = dict(await world.pool.fetch("SELECT order_id, state FROM reminders"))
    assert reminders[first.body.order_id] == "cancelled"
    assert reminders[second.body.order_id] == "scheduled"
    order = await world.pool.fetchrow(
        "SELECT status, version FROM orders WHERE order_id = $1", first.body.order_id
    )
    assert (order["status"], order["version"]) == ("confirmed", 2)

    # The whole batch again (a redelivery after a crash) records and sends nothing more.
    assert await handle_order_events(batch, **world.n.deps(handle_order_events)) == []
    assert len(await world.messages()) == 4 and len(world.graph.sends) == 4


async def test_a_batch_uses_the_language_an_earlier_order_of_the_batch_named(
    world: Any, make_order: Any
) -> None:
    await world.connect()
    named = make_order(world.business_id, language=Language.UR, number="ORD-1")
    unnamed = make_order(world.business_id, number="ORD-2")  # same shopper, no language
    await send_all(
        await handle_order_events([named, unnamed], **world.n.deps(handle_order_events)),
        **world.n.deps(send_all),
    )
    codes = [s.body["template"]["language"]["code"] for s in world.graph.sends]
    assert codes == ["ur", "ur"]


# --- receipts ------------------------------------------------------------------------------


async def test_a_batch_of_receipts_out_of_order_leaves_each_message_right(
    world: Any, make_order: Any
) -> None:
    await world.connect()
    orders = [
        make_order(world.business_id, phone=f"92300000000{i}", number=f"ORD-{i}")
        for i in range(1, 5)
    ]
    await send_all(
        await handle_order_events(orders, **world.n.deps(handle_order_events)),
        **world.n.deps(send_all),
    )
    rows = {r["customer_phone"]: r for r in await world.messages()}
    w1, w2, w3, w4 = (rows[f"92300000000{i}"]["wamid"] for i in range(1, 5))
    before = len(await snapshots(world))
    t = datetime.now(UTC)
    undeliverable = GraphError(code=131026, title="Message undeliverable")
    delivered_2 = receipt(world, w2, "delivered", at=t + timedelta(seconds=1))
    batch = [
        receipt(world, w1, "read", at=t + timedelta(seconds=2)),
        receipt(world, w1, "delivered", at=t + timedelta(seconds=1)),  # late: ignored
        delivered_2,
        receipt(world, w2, "sent", at=t),  # late: ignored
        delivered_2,  # delivered twice within the batch
        receipt(world, w3, "failed", at=t, errors=(undeliverable,)),
        receipt(world, w3, "delivered", at=t + timedelta(seconds=1)),  # nothing moves a failed one
        receipt(world, w4, "sent", at=t),  # no change at all
        receipt(world, "wamid.SOMEONE_ELSES", "read", at=t),
    ]
    changed = await handle_status_reports(batch, **world.n.deps(handle_status_reports))
    assert sorted(m.customer_phone for m in changed) == ["923000000001", "923000000002",
                                                         "923000000003"]  # fmt: skip

    rows = {r["customer_phone"]: r for r in await world.messages()}
    history = {p: [h["status"] for h in r["history"]] for p, r in rows.items()}
    assert history == {
        "923000000001": ["queued", "sent", "read"],
        "923000000002": ["queued", "sent", "delivered"],
        "923000000003": ["queued", "sent", "failed"],
        "923000000004": ["queued", "sent"],
    }
    assert rows["923000000003"]["error"]["code"] == 131026
    # One snapshot per changed message, a revision above the last, with the final state.
    new = [s.body for s in (await snapshots(world))[before:]]
    assert sorted((s.customer_phone, s.revision, s.status) for s in new) == [
        ("923000000001", 3, "read"),
        ("923000000002", 3, "delivered"),
        ("923000000003", 3, "failed"),
    ]
    assert {rows[s.customer_phone]["revision"] for s in new} == {3}
    failed = [n.body for n in await notices(world) if n.body.kind == "message_failed"]
    assert [n.customer_phone for n in failed] == ["923000000003"]
    reminder = await world.pool.fetchval(
        "SELECT state FROM reminders WHERE order_id = $1", orders[2].body.order_id
    )
    assert reminder == "cancelled"  # its COD confirmation never arrived

    # The same batch redelivered changes nothing.
    assert await handle_status_reports(batch, **world.n.deps(handle_status_reports)) == []
    assert len(await snapshots(world)) == before + 3


async def test_a_receipt_by_callback_then_one_by_wamid_in_one_batch(
    world: Any, make_order: Any
) -> None:
    await world.connect()
    [queued] = await handle_order_events(
        [make_order(world.business_id)], **world.n.deps(handle_order_events)
    )
    [claimed] = await claim_all(
        [queued], **world.n.deps(claim_all)
    )  # the sender "dies" after its claim
    t = datetime.now(UTC)
    batch = [
        receipt(world, "wamid.LATE", "sent", at=t, callback=str(claimed.message_id)),
        receipt(world, "wamid.LATE", "delivered", at=t + timedelta(seconds=1)),
    ]
    [changed] = await handle_status_reports(batch, **world.n.deps(handle_status_reports))
    [row] = await world.messages()
    assert (row["state"], row["status"], row["wamid"]) == ("done", "delivered", "wamid.LATE")
    assert row["revision"] == changed.revision == 3
    assert [s.body.revision for s in await snapshots(world)] == [1, 3]


# --- sending -------------------------------------------------------------------------------


async def test_a_claim_made_long_before_the_send_is_renewed_or_given_up(
    world: Any, make_order: Any
) -> None:
    await world.connect()
    orders = [make_order(world.business_id, phone=f"92300000000{i}") for i in (1, 2)]
    first, second = await claim_all(
        await handle_order_events(orders, **world.n.deps(handle_order_events)),
        **world.n.deps(claim_all),
    )

    # Waited its turn for 20 s: the claim is renewed (committed) before Meta is called.
    world.clock.advance(20)
    sent = await attempt(first, **world.n.deps(attempt))
    assert sent is not None and sent.status.value == "sent"
    assert sent.claimed_at is not None and first.claimed_at is not None
    assert sent.claimed_at - first.claimed_at >= timedelta(seconds=20)

    # Waited so long that the sweeper took it over: this sender leaves it to the sweeper.
    world.clock.advance(60)
    [swept] = await claim_stale(**world.n.deps(claim_stale))
    assert swept.message_id == second.message_id
    assert await attempt(second, **world.n.deps(attempt)) is None
    assert len(world.graph.sends) == 1
    await send_all([swept], **world.n.deps(send_all), claimed=True)
    assert [s.body["to"] for s in world.graph.sends] == ["923000000001", "923000000002"]


async def test_the_graph_client_keeps_at_most_its_connections_in_flight(world: Any) -> None:
    await world.connect()
    account = await world.accounts.of_business(world.business_id)
    in_flight = peak = 0

    async def slow(request: web.Request) -> web.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return web.json_response({"messages": [{"id": "wamid.X"}]})

    app = web.Application()
    app.router.add_post("/{version}/{number}/messages", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    client = GraphClient(timeout=5.0, max_connections=3)
    try:
        local = dataclasses.replace(account, graph_url=f"http://127.0.0.1:{port}")
        outcomes = await asyncio.gather(*(client.send(local, {"to": "1"}) for _ in range(12)))
    finally:
        await client.aclose()
        await runner.cleanup()
    assert {type(o).__name__ for o in outcomes} == {"Sent"}
    assert peak == 3
