"""The delivery address, end to end through the sandbox: a store sends an order with an address,
the shopper's COD message shows it with a third button, "Change address"; the shopper types a
new one, the bot reads it back, Yes changes it, and the merchant's view, history and webhook
see the new address. A redelivered Yes changes nothing twice; another shopper or another
business cannot change it. Store upserts and BusinessOnBot's Shopify pushes carry it too."""

import hashlib
import hmac
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from sauda_runtime.endpoints import Receiver, receivers

from .conftest import SHOPPER, Shop, to_shopper

HOME = {"address1": "House 5, Street 2", "city": "Lahore", "country": "Pakistan"}
NEW = "Flat 3, Block B, Gulshan-e-Iqbal, Karachi"
OTHER_SHOPPER = "923339998888"


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receivers("/hooks") as make:
        yield await make()


def present(address: dict[str, Any] | None) -> dict[str, Any] | None:
    """An address as the API shows it, less the parts it does not have (null)."""
    return None if address is None else {k: v for k, v in address.items() if v is not None}


async def place_with_address(shop: Shop, address: dict[str, Any] = HOME) -> dict[str, Any]:
    body = shop.seed(delivery_address=address)
    created = await shop.api.post("/api/v1/events/ingest", json=body, headers=shop.headers)
    assert created.status_code in (201, 202), created.text
    order: dict[str, Any] = created.json()

    async def visible() -> bool:
        got = await shop.api.get(f"/api/v1/orders/{order['order_id']}", headers=shop.headers)
        return got.status_code == 200

    await shop.wait_for(visible, timeout=45, what="the order in the view")
    return order


async def bot_replies(shop: Shop, after: int, phone: str = SHOPPER, count: int = 1) -> Any:
    async def arrived() -> Any:
        said = [m for m in to_shopper(await shop.chat(phone)) if not m["template"]][after:]
        return said[:count] if len(said) >= count else None

    return await shop.wait_for(arrived, timeout=45, what=f"{count} bot replies at {phone}")


async def said_so_far(shop: Shop, phone: str = SHOPPER) -> int:
    return len([m for m in to_shopper(await shop.chat(phone)) if not m["template"]])


def meta_webhook(number: str, phone: str, message: dict[str, Any]) -> bytes:
    """One shopper message as Meta posts it to the gateway."""
    return orjson.dumps({
        "object": "whatsapp_business_account",
        "entry": [{"id": "waba", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "1", "phone_number_id": number},
            "contacts": [{"profile": {"name": "Shopper"}, "wa_id": phone}],
            "messages": [{"from": phone, "timestamp": str(int(time.time())), **message}],
        }}]}],
    })  # fmt: skip


async def post_as_meta(shop: Shop, stack: Any, body: bytes) -> None:
    signature = "sha256=" + hmac.new(stack.app_secret.encode(), body, hashlib.sha256).hexdigest()
    posted = await shop.api.post("/webhooks/whatsapp", content=body, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": signature})  # fmt: skip
    assert posted.status_code == 200, posted.text


async def test_the_shopper_changes_the_address_from_the_cod_message_and_the_merchant_sees_it(
    shop: Shop, stack: Any, receiver: Receiver
) -> None:
    hook = await shop.api.post("/api/v1/webhooks", headers=shop.headers, json={
        "url": receiver.url, "events": ["order_created", "order_address_changed"]})  # fmt: skip
    assert hook.status_code == 201, hook.text
    order = await place_with_address(shop)

    [cod] = await shop.arrived("sauda_cod_confirmation_address")
    assert "Deliver to: House 5, Street 2, Lahore, Pakistan" in cod["text"]
    assert [b["title"] for b in cod["buttons"]] == ["Confirm", "Cancel", "Change address"]

    before = await said_so_far(shop)
    await shop.tap(cod["buttons"][2]["id"])
    [ask] = await bot_replies(shop, before)
    assert ask["text"].startswith(f"Please type the new delivery address for order "
                                  f"{order['order_number']}")  # fmt: skip
    await shop.write(NEW)
    [read_back] = await bot_replies(shop, before + 1)
    assert read_back["text"] == f"Deliver order {order['order_number']} to:\n{NEW}\nIs this right?"
    assert [b["title"] for b in read_back["buttons"]] == ["Yes", "No, type again"]

    # The Yes, as Meta posts it, and the very same post again (Meta redelivers).
    yes = meta_webhook(shop.number, SHOPPER, {
        "id": f"wamid.yes-{uuid.uuid4().hex}", "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {
            "id": read_back["buttons"][0]["id"], "title": "Yes"}}})  # fmt: skip
    await post_as_meta(shop, stack, yes)
    await post_as_meta(shop, stack, yes)
    [saved] = await bot_replies(shop, before + 2)
    assert saved["text"] == f"Thank you! Order {order['order_number']} will be delivered to:\n{NEW}"

    async def readdressed() -> Any:
        got = await shop.get(f"/api/v1/orders/{order['order_id']}")
        return got if got["delivery_address"]["address1"] == NEW else None

    detail = await shop.wait_for(readdressed, timeout=45, what="the new address in the view")
    last = detail["history"][-1]
    assert (last["event"], last["actor"], last["status"]) == (
        "OrderAddressChanged", "customer", "pending")  # fmt: skip
    assert present(last["delivery_address"]) == {"address1": NEW}
    assert detail["status"] == "pending"  # the COD answer is still the shopper's to give

    async def announced() -> Any:
        bodies = [orjson.loads(h.body) for h in receiver.hits]
        changed = [b for b in bodies if b["event"] == "order_address_changed"]
        return (bodies, changed) if changed else None

    bodies, [changed] = await shop.wait_for(announced, timeout=45, what="the address webhook")
    assert present(changed["data"]["delivery_address"]) == {"address1": NEW}
    assert changed["data"]["order_id"] == order["order_id"]
    [created] = [b for b in bodies if b["event"] == "order_created"]
    assert created["data"]["delivery_address"]["address1"] == "House 5, Street 2"

    # A message after the repeat is handled after it (one chat, one partition): by its answer,
    # the repeat was read, and changed nothing: one change, one webhook, one thank-you.
    await shop.write("where is my order?")
    [status] = await bot_replies(shop, before + 3)
    assert status["text"].startswith(order["order_number"])
    assert await said_so_far(shop) == before + 4
    history = (await shop.get(f"/api/v1/orders/{order['order_id']}"))["history"]
    assert [h["event"] for h in history].count("OrderAddressChanged") == 1
    assert len([h for h in receiver.hits
                if orjson.loads(h.body)["event"] == "order_address_changed"]) == 1  # fmt: skip


async def test_no_asks_again_and_a_question_mid_change_is_answered(shop: Shop) -> None:
    order = await place_with_address(shop)
    [cod] = await shop.arrived("sauda_cod_confirmation_address")
    before = await said_so_far(shop)
    await shop.tap(cod["buttons"][2]["id"])
    await bot_replies(shop, before)
    await shop.write("Shop 9, Anarkali Bazaar, Lahore")
    [read_back] = await bot_replies(shop, before + 1)
    await shop.tap(read_back["buttons"][1]["id"])  # No
    [again] = await bot_replies(shop, before + 2)
    assert again["text"].startswith("Okay, please type the delivery address for order")

    await shop.write("where is my order?")  # the order question is answered mid-change
    [status] = await bot_replies(shop, before + 3)
    assert status["text"].startswith(order["order_number"])
    await shop.write(NEW)  # and the change goes on where it was
    [read_back] = await bot_replies(shop, before + 4)
    assert NEW in read_back["text"] and len(read_back["buttons"]) == 2


async def test_another_shopper_or_business_cannot_change_the_address(
    shop: Shop, open_shop: Any, stack: Any
) -> None:
    order = await place_with_address(shop)
    [cod] = await shop.arrived("sauda_cod_confirmation_address")
    change_address = cod["buttons"][2]["id"]
    other_shop = await open_shop()
    for target, phone in ((shop, OTHER_SHOPPER), (other_shop, SHOPPER)):
        # The shopper writes in (their chat is open), then the order's Change address payload
        # comes from their chat, as if tapped there.
        greeted = await said_so_far(target, phone)
        await target.write("where is my order?", phone)
        await bot_replies(target, greeted, phone)
        before = await said_so_far(target, phone)
        await post_as_meta(target, stack, meta_webhook(target.number, phone, {
            "id": f"wamid.forged-{uuid.uuid4().hex}", "type": "button",
            "button": {"text": "Change address", "payload": change_address}}))  # fmt: skip
        [refused] = await bot_replies(target, before, phone)
        assert refused["text"] == "Sorry, we could not find that order for this WhatsApp number."
    detail = await shop.get(f"/api/v1/orders/{order['order_id']}")
    assert present(detail["delivery_address"]) == HOME
    assert "OrderAddressChanged" not in [h["event"] for h in detail["history"]]


async def test_a_store_upsert_and_a_shopify_push_carry_the_address(shop: Shop) -> None:
    number = f"S-{uuid.uuid4().hex[:8]}"
    upsert = {"platform": "custom", "orderNumber": number, "orderStatus": "processing",
              "customerPhone": "923001234567", "items": [{"name": "Kettle", "quantity": 1,
              "price": 2500}], "deliveryAddress": HOME}  # fmt: skip
    first = await shop.api.post("/api/v1/orders", json=upsert, headers=shop.headers)
    assert first.status_code in (200, 201), first.text
    order_id = first.json()["order"]["order_id"]
    assert present((await shop.get(f"/api/v1/orders/{order_id}"))["delivery_address"]) == HOME
    moved = upsert | {"deliveryAddress": {"address1": NEW}}
    second = await shop.api.post("/api/v1/orders", json=moved, headers=shop.headers)
    assert second.status_code == 200, second.text
    detail = await shop.get(f"/api/v1/orders/{order_id}")
    assert present(detail["delivery_address"]) == {"address1": NEW}
    assert (detail["history"][-1]["event"], detail["history"][-1]["actor"]) == (
        "OrderAddressChanged", "store")  # fmt: skip

    shopify = {"id": 7001, "customer": {"phone": "+92 300 7654321", "first_name": "Ayesha"},
               "shipping_address": {"address1": "12 Mall Road", "city": "Lahore",
                                    "country": "Pakistan", "country_code": "PK", "zip": ""},
               "line_items": [{"title": "Lawn Suit", "quantity": 1, "price": "3500.00"}],
               "total_price": "3500.00", "currency": "PKR", "gateway": "COD"}  # fmt: skip
    pushed = await shop.api.post("/bob/orders-create", json=shopify,
                                 headers={"x-guest-id": shop.business["api_key"]})  # fmt: skip
    assert pushed.status_code == 200, pushed.text
    listed = await shop.get("/api/v1/orders", limit=50)
    [summary] = [o for o in listed["orders"] if o.get("external_order_id") == "7001"]
    bob = await shop.get(f"/api/v1/orders/{summary['order_id']}")
    assert present(bob["delivery_address"]) == {"address1": "12 Mall Road", "city": "Lahore",
                                       "country": "Pakistan", "country_code": "PK"}  # fmt: skip


async def test_a_shop_that_wants_an_address_asks_for_it_before_the_summary(shop: Shop) -> None:
    setting = await shop.api.put("/api/v1/whatsapp/chat-ordering", headers=shop.headers,
                                 json={"ask_delivery_address": True})  # fmt: skip
    assert setting.status_code == 200 and setting.json() == {"ask_delivery_address": True}
    assert (await shop.get("/api/v1/whatsapp/chat-ordering")) == {"ask_delivery_address": True}
    added = await shop.api.post("/api/v1/products", headers=shop.headers,
                                json={"name": "Olpers Milk 1L", "price": 330, "currency": "PKR"})  # fmt: skip
    assert added.status_code == 201, added.text

    async def choose(row_id: str) -> None:
        sent = await shop.sandbox.post(f"/sandbox/{shop.number}/chats/{SHOPPER}",
                                       json={"list_row_id": row_id})  # fmt: skip
        assert sent.status_code == 201, sent.text

    n = await said_so_far(shop)
    await shop.write("I want to order")
    [products] = await bot_replies(shop, n)
    await choose(products["list"]["sections"][0]["rows"][0]["id"])
    await bot_replies(shop, n + 1)
    await choose("qty:2")
    [more] = await bot_replies(shop, n + 2)
    [checkout] = [b for b in more["buttons"] if b["title"] == "Checkout"]
    await shop.tap(checkout["id"])
    [ask] = await bot_replies(shop, n + 3)
    assert ask["text"].startswith("Where should we deliver?")
    await shop.write(NEW)
    [summary] = await bot_replies(shop, n + 4)
    assert "2 × Olpers Milk 1L: PKR 660" in summary["text"]
    assert summary["text"].endswith(f"Deliver to: {NEW}")
    [confirm] = [b for b in summary["buttons"] if b["title"] == "Confirm"]
    await shop.tap(confirm["id"])

    [cod] = await shop.arrived("sauda_cod_confirmation_address")
    assert f"Deliver to: {NEW}" in cod["text"] and len(cod["buttons"]) == 3

    async def in_view() -> Any:
        return (await shop.get("/api/v1/orders", source="whatsapp"))["orders"]

    [placed] = await shop.wait_for(in_view, timeout=45, what="the chat order in the view")
    assert present(placed["delivery_address"]) == {"address1": NEW}
