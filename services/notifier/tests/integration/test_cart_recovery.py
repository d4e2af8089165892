"""Abandoned-cart recovery through the notifier on a real Postgres, Meta a fake Graph API on
loopback: a consenting shopper's cart gets one `sauda_cart_recovery` template with the checkout
link after the business's delay, however often its CartAbandoned is delivered; a CartRecovered,
an order of the same phone placed after it, or a STOP leaves it without one; the business's
delay arrives as a SetCartRecovery snapshot (0: off; an older revision never replaces a newer);
a notifier killed between recording the message and sending it still sends it exactly once."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from sauda_contracts.cart_recovery import SetCartRecovery, SetCartRecoveryBody
from sauda_contracts.carts import (
    CartAbandoned,
    CartAbandonedBody,
    CartRecovered,
    CartRecoveredBody,
)
from sauda_contracts.orders import Customer, LineItem
from sauda_contracts.whatsapp import ContactOptOutChanged, OptOutBody
from sauda_notifier.handlers.carts import cart_round, handle_cart_records
from sauda_notifier.handlers.outbound import handle_outbound_batch
from sauda_notifier.handlers.reminders import run_due_work
from sauda_notifier.handlers.sending import send_all

PHONE, OTHER = "923001234567", "923007654321"
HOUR = 3600 + 1  # past the default delay of 60 minutes


def abandoned(
    world: Any, cart_id: str = "c-1", phone: str = PHONE, **customer: Any
) -> CartAbandoned:
    who = {"phone": phone, "name": "Ayesha", "consent": True} | customer
    body = CartAbandonedBody(cart_id=cart_id, customer=Customer(**who),
                             items=(LineItem(name="Kurta", qty=1, price=Decimal("2500")),),
                             total=Decimal("2500"), currency="PKR",
                             checkout_url=f"https://shop.example/checkout/{cart_id}")  # fmt: skip
    return CartAbandoned(event_id=uuid4(), occurred_at=world.clock(), business_id=world.business_id,
                         correlation_id="bob-cart", body=body)  # fmt: skip


async def carts(world: Any, *records: Any) -> int:
    return await handle_cart_records(list(records), **world.n.deps(handle_cart_records))


async def a_round(world: Any, send: Any = None) -> int:
    async def real(messages: Any) -> None:
        await send_all(messages, **world.n.deps(send_all))

    return await cart_round(**world.n.deps(cart_round), send=send or real)


async def outbound(world: Any, *commands: Any) -> None:
    queued = await handle_outbound_batch(list(commands), **world.n.deps(handle_outbound_batch))
    await send_all(queued, **world.n.deps(send_all))


def recoveries(world: Any) -> list[tuple[str, list[str]]]:
    return [
        (s.body["to"], [p["text"] for p in s.body["template"]["components"][0]["parameters"]])
        for s in world.graph.sends
        if s.body.get("template", {}).get("name", "").startswith("sauda_cart_recovery")
    ]


def stop(world: Any, phone: str = PHONE) -> ContactOptOutChanged:
    return ContactOptOutChanged(
        event_id=uuid4(), occurred_at=world.clock(), business_id=world.business_id,
        correlation_id="chat-stop",
        body=OptOutBody(customer_phone=phone, opted_out=True, wamid="wamid.STOP", at=world.clock()),
    )  # fmt: skip


def setting(world: Any, minutes: int, revision: int) -> SetCartRecovery:
    return SetCartRecovery(event_id=uuid4(), occurred_at=world.clock(),
                           business_id=world.business_id, correlation_id="api-cart-recovery",
                           body=SetCartRecoveryBody(delay_minutes=minutes, revision=revision))  # fmt: skip


@pytest.fixture
async def connected(world: Any) -> Any:
    await world.connect()
    return world


async def test_one_recovery_message_with_the_checkout_link_after_the_delay(connected: Any) -> None:
    world = connected
    cart = abandoned(world)
    again = cart.model_copy(update={"event_id": uuid4()})  # the store reports it once more
    assert await carts(world, cart, cart, again) == 1
    await a_round(world)
    assert recoveries(world) == []  # not yet due
    world.clock.advance(HOUR)
    assert await a_round(world) == 1
    await carts(world, cart)  # a replay after the send
    world.clock.advance(HOUR)
    await a_round(world)
    assert recoveries(world) == [
        (PHONE, ["Ayesha", "Chai Wala", "https://shop.example/checkout/c-1"])
    ]
    [row] = await world.pool.fetch("SELECT purpose, dedupe_key FROM messages")
    assert (row["purpose"], row["dedupe_key"]) == ("cart_recovery", "cart:c-1")


async def test_an_order_or_the_stores_recovery_first_means_no_message(
    connected: Any, make_order: Any
) -> None:
    world = connected
    ordered, recovered, other = abandoned(world, "c-1"), abandoned(world, "c-2", OTHER), abandoned(
        world, "c-3", "923009999999"
    )  # fmt: skip
    await carts(world, ordered, recovered, other)
    earlier = make_order(world.business_id, phone="923009999999",
                         at=world.clock() - timedelta(minutes=5))  # fmt: skip
    later = make_order(world.business_id, phone=PHONE, at=world.clock() + timedelta(minutes=5))
    back = CartRecovered(event_id=uuid4(), occurred_at=world.clock(), business_id=world.business_id,
                         correlation_id="view", body=CartRecoveredBody(cart_id="c-2",
                                                                       order_id=uuid4()))  # fmt: skip
    assert await carts(world, earlier, later, back) == 2
    world.clock.advance(HOUR)
    await a_round(world)
    # Only the cart whose phone's order came before it was abandoned still gets its message.
    assert [to for to, _ in recoveries(world)] == ["923009999999"]
    states = dict(await world.pool.fetch("SELECT cart_id, reason FROM cart_recoveries"))
    assert states == {"c-1": "order_placed", "c-2": "recovered", "c-3": None}


async def test_a_shopper_who_wrote_stop_or_did_not_consent_gets_nothing(connected: Any) -> None:
    world = connected
    await outbound(world, stop(world, OTHER))
    await carts(world, abandoned(world, "c-1"), abandoned(world, "c-2", OTHER),
                abandoned(world, "c-3", "923009999999", consent=False))  # fmt: skip
    await outbound(world, stop(world, PHONE))  # STOP after the cart, before its message
    world.clock.advance(HOUR)
    await a_round(world)
    assert recoveries(world) == []
    states = dict(await world.pool.fetch("SELECT cart_id, reason FROM cart_recoveries"))
    assert states == {"c-1": "opted_out", "c-2": "opted_out", "c-3": "no_consent"}


async def test_the_businesss_delay_decides_when_and_zero_turns_it_off(connected: Any) -> None:
    world = connected
    await outbound(world, setting(world, 5, revision=2), setting(world, 120, revision=1))
    await carts(world, abandoned(world, "c-1"))
    world.clock.advance(5 * 60 + 1)
    await a_round(world)
    assert [to for to, _ in recoveries(world)] == [PHONE]
    await outbound(world, setting(world, 0, revision=3))
    await carts(world, abandoned(world, "c-2", OTHER))
    world.clock.advance(HOUR * 24)
    await a_round(world)
    assert [to for to, _ in recoveries(world)] == [PHONE]
    reason = await world.pool.fetchval("SELECT reason FROM cart_recoveries WHERE cart_id = 'c-2'")
    assert reason == "recovery_off"


async def test_a_notifier_killed_after_recording_the_message_sends_it_once(connected: Any) -> None:
    world = connected
    await carts(world, abandoned(world))
    world.clock.advance(HOUR)

    async def killed(messages: Any) -> None:
        raise RuntimeError("killed after commit, before the send")

    with pytest.raises(RuntimeError):
        await a_round(world, send=killed)
    assert await a_round(world) == 0  # recorded: not due again
    assert recoveries(world) == []
    world.clock.advance(61)  # the stale-claim sweep takes the orphaned message
    await run_due_work(**world.n.deps(run_due_work))
    await run_due_work(**world.n.deps(run_due_work))
    assert Counter(to for to, _ in recoveries(world)) == Counter({PHONE: 1})


async def test_another_business_cart_is_not_touched_by_this_ones_order(
    connected: Any, make_order: Any
) -> None:
    world = connected
    other_business = await world.connect(uuid4(), name="Other Shop")
    theirs = abandoned(world).model_copy(update={"business_id": other_business})
    await carts(
        world, theirs, make_order(world.business_id, at=world.clock() + timedelta(seconds=5))
    )
    world.clock.advance(HOUR)
    await a_round(world)
    assert recoveries(world) == [
        (PHONE, ["Ayesha", "Other Shop", "https://shop.example/checkout/c-1"])
    ]
