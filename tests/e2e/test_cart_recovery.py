"""Abandoned carts, as the shoppers and the merchant live them, through the sandbox: the merchant
sets the recovery delay; BusinessOnBot reports three carts left at checkout; the shopper who
consented and did nothing more gets one recovery message with the checkout link after the delay
(a second report of the same cart sends nothing more); the shopper who ordered first and the one
who wrote STOP get none; the merchant's analytics count the carts, the recovered one and the
message.

The e2e stack's notifier runs with NOTIFIER_CART_MINUTE_SECONDS=1, so a delay of 30 "minutes"
lasts 30 seconds."""

import os
import uuid
from typing import Any

import orjson

from .conftest import Shop, to_shopper

CONSENTING, ORDERED, STOPPED = "923001234567", "923001112233", "923004445566"
DELAY = 30  # minutes of the setting; seconds in this stack
URL = "/api/v1/whatsapp/cart-recovery"


def checkout(phone: str) -> dict[str, Any]:
    cart_id = f"chk-{uuid.uuid4().hex[:8]}"
    return {
        "id": cart_id, "abandoned_checkout_url": f"https://shop.example/checkouts/{cart_id}",
        "phone": f"+{phone}", "email": f"{phone}@example.pk",
        "line_items": [{"title": "Kurta", "quantity": 1, "price": "2500"}],
        "total_price": "2500", "currency": "PKR",
    }  # fmt: skip


async def abandon(shop: Shop, cart: dict[str, Any]) -> None:
    answer = await shop.api.post("/bob/abandoned-cart", json=cart,
                                 headers={"x-guest-id": shop.business["api_key"]})  # fmt: skip
    assert answer.json() == {"status": "success", "statusCode": 200}, answer.text


async def recoveries(shop: Shop, phone: str) -> list[dict[str, Any]]:
    return to_shopper(await shop.chat(phone), "sauda_cart_recovery")


async def test_one_recovery_message_to_the_consenting_shopper_and_none_after_an_order_or_stop(
    shop: Shop, db: Any
) -> None:
    # The merchant sets the delay; the notifier has it before the first cart.
    assert (await shop.get(URL)) == {"cart_recovery_delay_minutes": 60}
    put = await shop.api.put(URL, json={"cart_recovery_delay_minutes": DELAY}, headers=shop.headers)
    assert put.status_code == 200 and put.json() == {"cart_recovery_delay_minutes": DELAY}
    schema = os.environ.get("NOTIFIER_DB_SCHEMA", "notifier")

    async def notifier_has_it() -> bool:
        found = await db.fetchval(
            f'SELECT delay_minutes FROM "{schema}".cart_recovery_settings WHERE business_id = $1',
            uuid.UUID(shop.business["business_id"]),
        )
        return bool(found == DELAY)

    await shop.wait_for(notifier_has_it, timeout=45, what="the notifier's copy of the setting")

    # A shopper writes STOP (and is told so) before leaving a cart.
    await shop.write("STOP", phone=STOPPED)
    await shop.wait_for(lambda: _texts(shop, STOPPED), timeout=45, what="the STOP answer")
    await abandon(shop, checkout(STOPPED))

    # Another leaves a cart, then orders after all: the COD confirmation comes, not the cart's.
    await abandon(shop, checkout(ORDERED))
    await shop.place(phone=f"+{ORDERED}")
    await shop.arrived("sauda_cod_confirmation", phone=ORDERED)

    # The consenting shopper leaves a cart, reported twice, and does nothing more.
    cart = checkout(CONSENTING)
    await abandon(shop, cart)
    await abandon(shop, cart)

    async def arrived() -> list[dict[str, Any]]:
        return await recoveries(shop, CONSENTING)

    [message] = await shop.wait_for(arrived, timeout=DELAY + 60, what="the recovery message")
    assert cart["abandoned_checkout_url"] in orjson.dumps(message).decode()

    # By now the other two carts were due long since: neither got a message.
    assert await recoveries(shop, ORDERED) == []
    assert await recoveries(shop, STOPPED) == []
    assert len(await recoveries(shop, CONSENTING)) == 1

    async def counted() -> dict[str, Any] | None:
        summary = (await shop.get("/api/v1/analytics"))["summary"]
        return summary if summary["cart_recovery_messages"] == 1 else None

    summary = await shop.wait_for(counted, timeout=45, what="the recovery message counted")
    assert (summary["carts_abandoned"], summary["carts_recovered"]) == (3, 1)


async def _texts(shop: Shop, phone: str) -> list[dict[str, Any]]:
    return [m for m in to_shopper(await shop.chat(phone)) if m.get("text")]
