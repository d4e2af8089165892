"""Failed deliveries (NDR), end to end (gateway, ledger, notifier, conversation, dispatcher and the
sandbox over real Kafka and Postgres): the courier fails, the shopper gets "Deliver again /
Change address / Cancel", taps one, and the store hears the answer on its webhook; a tap Meta
delivers again records nothing new; BusinessOnBot's courier status is an attempt too; after the
shop's number of failed attempts the merchant returns the order (RTO) in one call."""

import hashlib
import hmac
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
import pytest
from standardwebhooks.webhooks import Webhook

from sauda_runtime.endpoints import Receiver, receivers

from .conftest import SHOPPER, Chat, Shop, to_shopper

TEMPLATE = "sauda_delivery_failed"
FAILED, ANSWERED = "OrderDeliveryAttemptFailed", "OrderDeliveryAttemptAnswered"
NDR_EVENTS = ["order_delivery_attempt_failed", "order_delivery_attempt_answered"]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receivers("/hooks/ndr") as make:
        yield await make()


async def shipped(shop: Shop, **customer: Any) -> dict[str, Any]:
    order = await shop.place(**customer)
    await shop.move(order, "confirmed", "shipped")
    return order


async def attempt(shop: Shop, order: dict[str, Any], headers: dict[str, str] | None = None,
                  **body: Any) -> Any:  # fmt: skip
    return await shop.api.post(f"/api/v1/orders/{order['order_id']}/delivery-attempts",
                               json=body, headers=headers or shop.headers)  # fmt: skip


async def history_with(shop: Shop, order: dict[str, Any], event: str, n: int = 1) -> list[Any]:
    """The order's history once it holds `n` entries of `event`."""

    async def enough() -> list[Any] | None:
        history = (await shop.get(f"/api/v1/orders/{order['order_id']}"))["history"]
        return history if sum(h["event"] == event for h in history) >= n else None

    return await shop.wait_for(enough, timeout=45, what=f"{n} x {event} in the history")  # type: ignore[no-any-return]


def texts(chat: Chat) -> list[str]:
    return [m["text"] or "" for m in to_shopper(chat) if m.get("template") is None]


async def reply_saying(shop: Shop, words: str, phone: str = SHOPPER) -> list[str]:
    async def said() -> list[str] | None:
        found = [t for t in texts(await shop.chat(phone)) if words in t]
        return found or None

    return await shop.wait_for(said, timeout=45, what=f"the bot saying {words!r}")  # type: ignore[no-any-return]


def redelivered_tap(number: str, wamid: str, payload: str, secret: str) -> tuple[bytes, str]:
    """Meta's webhook for a tap it already delivered (same wamid), signed as Meta signs it."""
    body = orjson.dumps({
        "object": "whatsapp_business_account",
        "entry": [{"id": "x", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "1", "phone_number_id": number},
            "messages": [{"from": SHOPPER, "id": wamid, "timestamp": "1749416383",
                          "type": "button", "button": {"text": "Deliver again",
                                                       "payload": payload}}],
        }}]}],
    })  # fmt: skip
    return body, "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def hooks_of(receiver: Receiver, event: str) -> list[dict[str, Any]]:
    found = [orjson.loads(h.body) for h in receiver.hits]
    return [p for p in found if p["event"] == event]


async def test_the_shopper_answers_a_failed_attempt_and_the_store_hears_it_once(
    shop: Shop, receiver: Receiver, stack: Any
) -> None:
    made = await shop.api.post("/api/v1/webhooks", headers=shop.headers,
                               json={"url": receiver.url, "events": NDR_EVENTS})  # fmt: skip
    assert made.status_code == 201, made.text
    secret = made.json()["secret"]
    order = await shipped(shop)

    # The courier could not deliver: the merchant says so, with the courier's id of the attempt.
    posted = await attempt(shop, order, outcome="failed", reason="customer_unavailable",
                           note="nobody at home", attempt_id="tcs-77-1")  # fmt: skip
    assert posted.status_code == 201, posted.text
    assert posted.json()["status"] == "shipped"
    [entry] = [h for h in posted.json()["history"] if h["event"] == FAILED]
    assert entry["actor"] == "merchant"
    assert entry["reason"] == "delivery attempt 1 failed (customer_unavailable): nobody at home"
    again = await attempt(shop, order, outcome="failed", reason="customer_unavailable",
                          attempt_id="tcs-77-1")  # fmt: skip
    assert again.status_code in (200, 201), again.text  # the same attempt: nothing new

    [message] = await shop.arrived(TEMPLATE)
    assert order["order_number"] in message["text"]
    assert [b["title"] for b in message["buttons"]] == ["Deliver again", "Change address", "Cancel"]
    await shop.tap(message["buttons"][0]["id"])
    history = await history_with(shop, order, ANSWERED)
    [answered] = [h for h in history if h["event"] == ANSWERED]
    assert (answered["actor"], answered["status"]) == ("customer", "shipped")
    assert answered["reason"] == "shopper answered delivery attempt 1: deliver_again"
    await reply_saying(shop, "deliver your order again")

    # The store's endpoint: the attempt, then the answer, each signed as every webhook is.
    await shop.wait_for(lambda: receiver.at_least(2), timeout=45, what="the two NDR webhooks")
    for hit in receiver.hits:
        Webhook(secret).verify(hit.body, hit.headers)
    [told] = hooks_of(receiver, "order_delivery_attempt_answered")
    assert told["data"]["order_id"] == order["order_id"]
    assert told["data"]["delivery_attempt"] == {
        "attempt": 1, "answer": "deliver_again", "reason": None, "note": None}  # fmt: skip
    [failed] = hooks_of(receiver, "order_delivery_attempt_failed")
    assert failed["data"]["delivery_attempt"]["reason"] == "customer_unavailable"

    # Meta delivers the same tap again, then the shopper taps Cancel as well: the first answer
    # stands; the shopper is told so, and nothing new reaches the history or the store.
    [tapped] = [m for m in await shop.chat() if m["direction"] == "from_shopper"][-1:]
    body, signature = redelivered_tap(shop.number, tapped["id"], message["buttons"][0]["id"],
                                      stack.app_secret)  # fmt: skip
    redelivered = await shop.api.post("/webhooks/whatsapp", content=body, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": signature})  # fmt: skip
    assert redelivered.status_code == 200, redelivered.text
    await shop.tap(message["buttons"][2]["id"])
    await reply_saying(shop, "already answered")
    history = (await shop.get(f"/api/v1/orders/{order['order_id']}"))["history"]
    assert [h["event"] for h in history].count(ANSWERED) == 1
    assert [h["event"] for h in history].count(FAILED) == 1
    assert len(await reply_saying(shop, "deliver your order again")) == 1
    assert len(to_shopper(await shop.chat(), TEMPLATE)) == 1
    assert len(hooks_of(receiver, "order_delivery_attempt_answered")) == 1


async def test_change_address_is_recorded_and_the_shopper_is_asked_for_it(shop: Shop) -> None:
    order = await shipped(shop, phone="923005550001")
    posted = await attempt(shop, order, outcome="failed", reason="address_not_found")
    assert posted.status_code == 201, posted.text
    [message] = await shop.arrived(TEMPLATE, phone="923005550001")
    await shop.tap(message["buttons"][1]["id"], phone="923005550001")
    history = await history_with(shop, order, ANSWERED)
    assert history[-1]["reason"] == "shopper answered delivery attempt 1: change_address"
    # The address flow asks for it, reads it back, and a Yes makes it the order's.
    await reply_saying(shop, f"new delivery address for order {order['order_number']}",
                       phone="923005550001")  # fmt: skip
    await shop.write("House 9, Street 4, Gulberg, Lahore", phone="923005550001")
    chat = await shop.wait_for(lambda: _read_back(shop, "923005550001"), timeout=45,
                               what="the address read back")  # fmt: skip
    await shop.tap(chat["buttons"][0]["id"], phone="923005550001")
    changed = await history_with(shop, order, "OrderAddressChanged")
    assert changed[-1]["delivery_address"]["address1"] == "House 9, Street 4, Gulberg, Lahore"
    assert changed[-1]["status"] == "shipped"


async def _read_back(shop: Shop, phone: str) -> dict[str, Any] | None:
    found = [m for m in to_shopper(await shop.chat(phone)) if "Is this right?" in m.get("text", "")]
    return found[-1] if found else None


async def test_cancel_is_told_to_the_store_and_the_merchant_returns_the_order(shop: Shop) -> None:
    put = await shop.api.put("/api/v1/deliveries/policy", headers=shop.headers,
                             json={"rto_after_failed_attempts": 1})  # fmt: skip
    assert put.status_code == 200, put.text
    phone = "923005550005"
    order = await shipped(shop, phone=phone)
    assert (await attempt(shop, order, outcome="failed", reason="refused")).status_code == 201
    [message] = await shop.arrived(TEMPLATE, phone=phone)
    await shop.tap(message["buttons"][2]["id"], phone=phone)
    history = await history_with(shop, order, ANSWERED)
    assert history[-1]["reason"] == "shopper answered delivery attempt 1: cancel"
    assert history[-1]["status"] == "shipped"  # with the courier: the merchant decides the return
    await reply_saying(shop, "no longer want this order", phone=phone)
    returned = await shop.api.post(f"/api/v1/orders/{order['order_id']}/rto",
                                   headers=shop.headers, json={"note": "shopper cancelled"})  # fmt: skip
    assert returned.status_code == 200, returned.text
    assert returned.json()["history"][-1]["reason"] == (
        "returned to origin after 1 failed attempt (shopper cancelled)"
    )


async def test_rto_in_one_call_after_the_shops_number_of_failed_attempts(shop: Shop) -> None:
    assert (await shop.get("/api/v1/deliveries/policy")) == {
        "rto_after_failed_attempts": 2, "revision": 0}  # fmt: skip
    put = await shop.api.put("/api/v1/deliveries/policy", headers=shop.headers,
                             json={"rto_after_failed_attempts": 3})  # fmt: skip
    assert put.status_code == 200, put.text
    assert put.json() == {"rto_after_failed_attempts": 3, "revision": 1}
    order = await shipped(shop, phone="923005550002")
    rto = f"/api/v1/orders/{order['order_id']}/rto"
    for n in range(1, 4):
        early = await shop.api.post(rto, headers=shop.headers)
        assert early.status_code == 409, early.text
        assert early.json()["code"] == "rto_not_allowed_yet"
        assert early.json()["details"] == {"failed_attempts": n - 1, "rto_after_failed_attempts": 3}
        posted = await attempt(shop, order, outcome="failed", reason="refused")
        assert posted.status_code == 201, posted.text
    returned = await shop.api.post(rto, headers=shop.headers)
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "returned"
    last = returned.json()["history"][-1]
    assert (last["event"], last["actor"]) == ("OrderReturned", "merchant")
    assert last["reason"] == "returned to origin after 3 failed attempts"
    again = await shop.api.post(rto, headers=shop.headers)
    assert (again.status_code, again.json()["code"]) == (409, "not_shipped")


async def test_attempts_are_for_shipped_orders_of_this_business_with_a_known_reason(
    shop: Shop, open_shop: Callable[..., Awaitable[Shop]]
) -> None:
    order = await shop.place(phone="923005550003")
    await shop.move(order, "confirmed")
    early = await attempt(shop, order, outcome="failed", reason="refused")
    assert (early.status_code, early.json()["code"]) == (409, "not_shipped")
    rto = await shop.api.post(f"/api/v1/orders/{order['order_id']}/rto", headers=shop.headers)
    assert (rto.status_code, rto.json()["code"]) == (409, "not_shipped")
    await shop.move(order, "shipped")
    missing = await attempt(shop, order, outcome="failed")
    assert missing.status_code == 400
    assert (missing.json()["code"], missing.json()["field"]) == ("missing_field", "reason")
    unknown = await attempt(shop, order, outcome="failed", reason="dog_ate_it")
    assert unknown.status_code == 400 and unknown.json()["field"] == "reason"
    other = await open_shop()
    foreign = await attempt(shop, order, headers=other.headers, outcome="failed",
                            reason="refused")  # fmt: skip
    assert (foreign.status_code, foreign.json()["code"]) == (404, "order_not_found")
    history = (await shop.get(f"/api/v1/orders/{order['order_id']}"))["history"]
    assert FAILED not in [h["event"] for h in history]
    delivered = await attempt(shop, order, outcome="delivered")
    assert delivered.status_code == 201, delivered.text
    assert delivered.json()["status"] == "delivered"


async def test_a_businessonbot_courier_status_is_a_failed_attempt(shop: Shop) -> None:
    guest = {"x-guest-id": shop.business["api_key"]}
    body = {"id": 8801, "name": "#8801", "order_number": 8801, "currency": "PKR",
            "customer": {"id": 7, "phone": "+92 300 5550004", "first_name": "Sana"},
            "line_items": [{"id": 1, "title": "Lawn Suit", "quantity": 1, "price": "3500.00"}],
            "total_price": "3500.00", "financial_status": "pending",
            "gateway": "Cash on Delivery (COD)"}  # fmt: skip
    pushed = await shop.api.post("/bob/orders-create", json=body, headers=guest)
    assert pushed.status_code == 200, pushed.text

    async def placed() -> dict[str, Any] | None:
        listed = await shop.get("/api/v1/orders", limit=200)
        return next((o for o in listed["orders"] if o.get("external_order_id") == "8801"), None)

    order = await shop.wait_for(placed, timeout=45, what="the BusinessOnBot order")
    await shop.move(order, "confirmed", "shipped")
    courier = {"id": "8801", "delivery_id": "dlv-1", "fulfillment_id": "f-1",
               "status": "Attempted-delivery", "message": "customer not reachable"}  # fmt: skip
    for _ in range(2):  # BusinessOnBot pushes the same courier event again: one attempt
        told = await shop.api.post("/bob/fulfillments-events-create", json=courier,
                                   headers=guest)  # fmt: skip
        assert told.json() == {"status": "success", "statusCode": 200}, told.text
    history = await history_with(shop, order, FAILED)
    [entry] = [h for h in history if h["event"] == FAILED]
    assert entry["actor"] == "store"
    assert entry["reason"] == (
        "delivery attempt 1 failed (other): courier status Attempted-delivery: customer not "
        "reachable"
    )
    [message] = await shop.arrived(TEMPLATE, phone="923005550004")
    assert "Sana" in message["text"]
