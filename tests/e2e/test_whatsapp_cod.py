"""The WhatsApp COD loop, end to end: real gateway, ledger, notifier, conversation and sandbox
processes over real Kafka and Postgres. The shopper's phone is the sandbox's chat API."""

import asyncio
import hashlib
import hmac
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import orjson
from aiokafka import AIOKafkaProducer

from sauda_contracts import Topic

from .conftest import SHOPPER, Chat, Shop, to_shopper


async def test_confirm_tap_confirms_the_order_and_thanks_the_shopper(shop: Shop) -> None:
    order = await shop.place()
    [cod] = await shop.arrived("sauda_cod_confirmation")
    assert order["order_number"] in cod["text"] and "Widget Pro" in cod["text"]
    assert "3,000" in cod["text"]
    assert [b["title"] for b in cod["buttons"]] == ["Confirm", "Cancel"]

    await shop.tap(cod["buttons"][0]["id"])
    confirmed = await shop.order_becomes(order, "confirmed")
    assert confirmed["history"][-1]["actor"] == "customer"
    [thanks] = await shop.arrived("sauda_order_confirmed")
    assert order["order_number"] in thanks["text"]

    async def logged() -> list[dict[str, Any]] | None:
        messages = (await shop.get(f"/api/v1/orders/{order['order_id']}/messages"))["messages"]
        thanked = messages and messages[-1]["purpose"] == "order_confirmed"
        return messages if thanked and all(m["wamid"] for m in messages) else None

    log = await shop.wait_for(logged, timeout=30, what="the thanks sent, last in the order's log")
    # A reminder falls between the two when the tap took longer than the tests' short
    # REMINDER_AFTER_SECONDS to reach the notifier (a loaded machine); nothing else may.
    purposes = [m["purpose"] for m in log]
    assert purposes[0] == "cod_confirmation" and purposes[-1] == "order_confirmed"
    assert set(purposes[1:-1]) <= {"cod_reminder"} and len(purposes) <= 3
    assert all(m["wamid"].startswith("wamid.") for m in log)
    assert "sent" in [h["status"] for h in log[0]["history"]]


async def test_cancel_tap_cancels_with_the_shoppers_reason(shop: Shop) -> None:
    order = await shop.place()
    [cod] = await shop.arrived("sauda_cod_confirmation")
    await shop.tap(cod["buttons"][1]["id"])
    cancelled = await shop.order_becomes(order, "cancelled")
    assert cancelled["history"][-1]["reason"] == "customer cancelled on WhatsApp"
    assert cancelled["history"][-1]["actor"] == "customer"
    await shop.arrived("sauda_order_cancelled")


async def conversation_saw(shop: Shop, db: asyncpg.Pool, **statuses: str) -> None:
    """Wait until the conversation service has read these orders' events (order number →
    status; its own consumer of orders.events.v1, beside the notifier's), so a typed answer
    finds the orders that wait for one."""

    async def seen() -> bool:
        rows = await db.fetch(
            "SELECT order_number, status FROM conversation.cod_orders "
            "WHERE order_number = ANY($1::text[]) AND business_id = $2::uuid",
            list(statuses), shop.business["business_id"],
        )  # fmt: skip
        return {r["order_number"]: r["status"] for r in rows} == statuses

    await shop.wait_for(seen, timeout=45, what=f"the conversation service to see {statuses}")


async def test_an_answer_typed_instead_of_tapped_counts_as_the_tap(
    shop: Shop, db: asyncpg.Pool
) -> None:
    order = await shop.place()
    await shop.arrived("sauda_cod_confirmation")
    await conversation_saw(shop, db, **{order["order_number"]: "pending"})
    await shop.write("haan ji")
    confirmed = await shop.order_becomes(order, "confirmed")
    assert confirmed["history"][-1]["actor"] == "customer"
    [thanks] = await shop.arrived("sauda_order_confirmed")
    assert order["order_number"] in thanks["text"]

    later = await shop.place()
    await shop.arrived("sauda_cod_confirmation", count=2)
    await conversation_saw(shop, db, **{order["order_number"]: "confirmed",
                                        later["order_number"]: "pending"})  # fmt: skip
    await shop.write("منسوخ کریں")  # only the later order waits for an answer now
    cancelled = await shop.order_becomes(later, "cancelled")
    assert cancelled["history"][-1]["reason"] == "customer cancelled on WhatsApp"
    assert (await shop.get(f"/api/v1/orders/{order['order_id']}"))["status"] == "confirmed"


async def test_a_typed_answer_that_could_mean_two_orders_asks_which(
    shop: Shop, db: asyncpg.Pool
) -> None:
    first, second = await shop.place(), await shop.place()
    await shop.arrived("sauda_cod_confirmation", count=2)
    await conversation_saw(shop, db, **{first["order_number"]: "pending",
                                        second["order_number"]: "pending"})  # fmt: skip
    await shop.write("confirm")

    async def asked() -> Chat | None:
        offers = [
            m for m in to_shopper(await shop.chat()) if (m["text"] or "").startswith("Order ")
        ]
        return offers if len(offers) == 2 else None

    offers = await shop.wait_for(asked, timeout=45, what="each order's buttons offered again")
    assert [m["text"] for m in offers] == [f"Order {second['order_number']}: PKR 3,000",
                                           f"Order {first['order_number']}: PKR 3,000"]  # fmt: skip
    assert [b["title"] for b in offers[1]["buttons"]] == ["Confirm", "Cancel"]
    await shop.tap(offers[1]["buttons"][0]["id"])
    await shop.order_becomes(first, "confirmed")
    assert (await shop.get(f"/api/v1/orders/{second['order_id']}"))["status"] == "pending"


async def test_tap_on_an_order_that_moved_on_gets_its_status_and_changes_nothing(
    shop: Shop,
) -> None:
    order = await shop.place()
    [cod] = await shop.arrived("sauda_cod_confirmation")
    await shop.move(order, "confirmed", "shipped")
    await shop.tap(cod["buttons"][1]["id"])  # Cancel, after it shipped

    async def polite_reply() -> dict[str, Any] | None:
        texts = [m for m in to_shopper(await shop.chat()) if m["type"] == "text"]
        return texts[-1] if texts else None

    reply = await shop.wait_for(polite_reply, timeout=45, what="a reply to the late tap")
    assert reply["text"].startswith(f"Your order {order['order_number']} has already shipped")
    assert (await shop.get(f"/api/v1/orders/{order['order_id']}"))["status"] == "shipped"


async def test_without_consent_no_message_and_the_order_says_why(shop: Shop) -> None:
    order = await shop.place(consent=False)

    async def explained() -> list[dict[str, Any]] | None:
        detail = await shop.get(f"/api/v1/orders/{order['order_id']}")
        return [n for n in detail["notices"] or [] if n["kind"] == "no_consent"] or None

    [notice] = await shop.wait_for(explained, timeout=45, what="the no-consent notice")
    assert order["order_number"] in notice["message"]
    # The notifier decided this order's messages in the same transaction as that notice; a
    # message decided then would have reached the phone within this second.
    await asyncio.sleep(1.0)
    assert to_shopper(await shop.chat()) == []


async def test_reminder_once_after_silence_and_never_after_a_reply(shop: Shop, stack: Any) -> None:
    silent = await shop.place()
    answered = await shop.place(phone="923009876543")
    [cod] = await shop.arrived("sauda_cod_confirmation", phone="923009876543")
    await shop.tap(cod["buttons"][0]["id"], phone="923009876543")
    await shop.order_becomes(answered, "confirmed")

    [reminder] = await shop.arrived("sauda_cod_reminder")
    assert silent["order_number"] in reminder["text"]
    assert [b["title"] for b in reminder["buttons"]] == ["Confirm", "Cancel"]
    await asyncio.sleep(stack.reminder_after * 2.5)  # long enough for a second one, were it due
    assert len(to_shopper(await shop.chat(), "sauda_cod_reminder")) == 1
    assert to_shopper(await shop.chat("923009876543"), "sauda_cod_reminder") == []


async def test_unapproved_template_status_still_changes_with_a_notice_and_no_message(
    shop: Shop,
) -> None:
    waba = (await shop.sandbox.get(f"/sandbox/numbers/{shop.number}")).json()["waba_id"]
    rejected = await shop.sandbox.post(
        f"/sandbox/{waba}/templates/status",
        json={"name": "sauda_order_shipped", "language": "en", "status": "REJECTED"},
    )
    assert rejected.status_code == 200, rejected.text
    order = await shop.place()
    await shop.arrived("sauda_cod_confirmation")
    await asyncio.sleep(1.0)  # the review result travels sandbox → gateway → notifier
    await shop.move(order, "confirmed", "shipped")

    async def about_the_order() -> list[dict[str, Any]] | None:
        found = (await shop.get("/api/v1/notices", kind="template_not_approved"))["notices"]
        return [n for n in found if n["order_id"] == order["order_id"]] or None

    [notice] = await shop.wait_for(about_the_order, timeout=45, what="the order's notice")
    assert notice["details"]["template"] == "sauda_order_shipped"
    # The review itself was told once, about the template and no order.
    found = (await shop.get("/api/v1/notices", kind="template_not_approved"))["notices"]
    reviewed = [n for n in found if n["order_id"] is None]
    assert [(n["details"]["template"], n["details"]["template_status"]) for n in reviewed] == [
        ("sauda_order_shipped", "REJECTED")]  # fmt: skip
    detail = await shop.get(f"/api/v1/orders/{order['order_id']}")
    assert detail["status"] == "shipped"
    assert "template_not_approved" in [n["kind"] for n in detail["notices"]]
    assert to_shopper(await shop.chat(), "sauda_order_shipped") == []


def forged_tap(number: str, payload: str) -> bytes:
    return orjson.dumps({
        "object": "whatsapp_business_account",
        "entry": [{"id": "x", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "1", "phone_number_id": number},
            "messages": [{"from": SHOPPER, "id": "wamid.FORGED", "timestamp": "1749416383",
                          "type": "button", "button": {"text": "Cancel", "payload": payload}}],
        }}]}],
    })  # fmt: skip


async def test_webhook_handshake_and_forged_signatures(shop: Shop, stack: Any) -> None:
    def handshake(token: str) -> Awaitable[httpx.Response]:
        return shop.api.get("/webhooks/whatsapp", params={
            "hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"})  # fmt: skip

    ok = await handshake(stack.verify_token)
    assert (ok.status_code, ok.text) == (200, "1158201444")
    assert (await handshake("guess")).status_code == 403

    order = await shop.place()
    [cod] = await shop.arrived("sauda_cod_confirmation")
    forged = forged_tap(shop.number, cod["buttons"][1]["id"])
    wrong = "sha256=" + hmac.new(b"not-the-app-secret", forged, hashlib.sha256).hexdigest()
    for signature in (wrong, None):
        headers = {"Content-Type": "application/json"}
        if signature:
            headers["X-Hub-Signature-256"] = signature
        refused = await shop.api.post("/webhooks/whatsapp", content=forged, headers=headers)
        assert refused.status_code == 401
        assert refused.json()["code"] == "invalid_signature"
    await asyncio.sleep(2.0)  # had it been published, the cancel would have landed by now
    assert (await shop.get(f"/api/v1/orders/{order['order_id']}"))["status"] == "pending"


async def test_a_redelivered_order_event_sends_no_second_message(
    shop: Shop, topic_reader: Any, stack: Any
) -> None:
    order = await shop.place()
    await shop.arrived("sauda_cod_confirmation")
    [placed] = [
        r for r in await topic_reader(Topic.ORDERS_EVENTS)
        if r.key == order["order_id"].encode() and b'"OrderPlaced"' in r.value
    ]  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap)
    await producer.start()
    try:
        for _ in range(3):  # what a relay crash between send and delete would do
            await producer.send_and_wait(Topic.ORDERS_EVENTS, placed.value, key=placed.key)
    finally:
        await producer.stop()
    # An order placed after the repeats is handled after them (same consumer, in order per
    # partition; the wait below covers the others): once its message is there, so would be a
    # second message for the repeated order.
    await shop.place(phone="923331112222")
    await shop.arrived("sauda_cod_confirmation", phone="923331112222")
    await asyncio.sleep(1.0)
    assert len(to_shopper(await shop.chat(), "sauda_cod_confirmation")) == 1


async def test_graph_api_failing_twice_then_succeeding_sends_exactly_one(shop: Shop) -> None:
    fault = await shop.sandbox.post(f"/sandbox/{shop.number}/faults",
                                    json={"code": 131000, "http_status": 500, "count": 2})  # fmt: skip
    assert fault.status_code in (200, 201), fault.text
    order = await shop.place()
    await shop.arrived("sauda_cod_confirmation")

    async def logged() -> dict[str, Any] | None:
        messages = (await shop.get(f"/api/v1/orders/{order['order_id']}/messages"))["messages"]
        cod = [m for m in messages if m["purpose"] == "cod_confirmation"]
        return cod[0] if cod and cod[0]["wamid"] else None

    message = await shop.wait_for(logged, timeout=45, what="the COD message in the log")
    assert message["attempts"] == 3
    await asyncio.sleep(1.0)
    assert len(to_shopper(await shop.chat(), "sauda_cod_confirmation")) == 1


async def test_admin_hears_of_every_new_order(open_shop: Callable[..., Awaitable[Shop]]) -> None:
    shop = await open_shop(admin_phone="+92 321 5550000")
    order = await shop.place()
    [note] = await shop.arrived("sauda_admin_new_order", phone="923215550000")
    assert order["order_number"] in note["text"] and "Ali Khan" in note["text"]
    notices = await shop.notices(kind="new_order")
    assert [n["order_id"] for n in notices] == [order["order_id"]]
    assert "Ali Khan" in notices[0]["message"] and order["order_number"] in notices[0]["message"]


async def test_templates_speak_the_business_and_the_customers_language(
    open_shop: Callable[..., Awaitable[Shop]],
) -> None:
    shop = await open_shop(language="ur")
    await shop.place()
    [nastaliq] = await shop.arrived("sauda_cod_confirmation")
    assert "آرڈر" in nastaliq["text"] and nastaliq["buttons"][0]["title"] == "تصدیق کریں"
    await shop.place(phone="923004445555", language="ur-Latn")
    [roman] = await shop.arrived("sauda_cod_confirmation_roman", phone="923004445555")
    assert "shukriya" in roman["text"]
    # The same customer's next order names no language: the one they chose before is kept.
    await shop.place(phone="923004445555")
    await shop.arrived("sauda_cod_confirmation_roman", phone="923004445555", count=2)


async def test_conversation_log_pages_both_directions(shop: Shop) -> None:
    await shop.place()
    [cod] = await shop.arrived("sauda_cod_confirmation")
    await shop.tap(cod["buttons"][0]["id"])
    await shop.arrived("sauda_order_confirmed")

    async def logged() -> dict[str, Any] | None:
        page = await shop.get("/api/v1/conversations/0300-1234567")  # a local form of the number
        return page if page["total"] == 3 else None

    page = await shop.wait_for(logged, timeout=30, what="three messages in the conversation")
    assert [m["direction"] for m in page["messages"]] == ["outbound", "inbound", "outbound"]
    assert page["messages"][1]["text"] == "Confirm"
    second = await shop.get("/api/v1/conversations/923001234567", limit=1, offset=1)
    assert [m["direction"] for m in second["messages"]] == ["inbound"]

    async def read() -> bool:
        page = await shop.get("/api/v1/conversations/923001234567")
        return bool(page["messages"][-1]["status"] == "read")

    await shop.chat()  # the shopper opens the chat: blue ticks
    await shop.wait_for(read, timeout=30, what="the COD message marked read")
