"""The merchant's API for WhatsApp username users (Meta's business-scoped user ids, no phone),
end to end through the sandbox's username-only shoppers: real gateway, notifier, conversation,
ledger and webhook dispatcher processes over real Kafka and Postgres.

The merchant messages such a shopper by `user_id` (Sauda's REST and the Wabotick form), manages
them as a subscriber by their user id, reaches them with a label broadcast, and hears of their
chat order on its signed webhooks with their user id and no phone."""

import hashlib
import hmac
import json
import uuid
from typing import Any

from sauda_runtime.endpoints import Receiver, receivers

from .conftest import Chat, Shop, to_shopper

TEMPLATE = {"name": "sauda_order_shipped", "language": "en", "body": ["Friend", "EID-25", "-"]}
CATALOG = [{"name": "Olpers Milk 1L", "price": 330, "aliases": ["doodh", "milk"]}]


async def made_username_shopper(shop: Shop) -> dict[str, Any]:
    """A sandbox shopper who hides their number behind a username: Meta names them by user id."""
    made = await shop.sandbox.post(f"/sandbox/{shop.number}/shoppers",
                                   json={"username": f"ayesha{uuid.uuid4().hex[:8]}",
                                         "name": "Ayesha"})  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json()["phone"] is None
    return made.json()  # type: ignore[no-any-return]


async def username_shopper(shop: Shop) -> str:
    return (await made_username_shopper(shop))["user_id"]  # type: ignore[no-any-return]


async def wrote_first(shop: Shop, chat: str, text: str = "salam") -> None:
    """The shopper writes, and the gateway has their message (the 24-hour window is open)."""
    await shop.write(text, chat)

    async def logged() -> bool:
        got = await shop.get(f"/api/v1/conversations/{chat}")
        return any(m["direction"] == "inbound" for m in got["messages"])

    await shop.wait_for(logged, timeout=45, what=f"{chat}'s message in the gateway's log")


async def arrives(shop: Shop, chat: str, text: str) -> Chat:
    async def there() -> Chat | None:
        found = [m for m in to_shopper(await shop.chat(chat)) if text in m["text"]]
        return found or None

    return await shop.wait_for(there, timeout=45, what=f"{text!r} at {chat}")  # type: ignore[no-any-return]


def form(shop: Shop, **fields: str) -> dict[str, str]:
    return {"apiToken": shop.business["api_key"], "phone_number_id": shop.number, **fields}


async def test_the_merchant_texts_a_username_only_shopper_by_user_id_both_ways_in(
    shop: Shop,
) -> None:
    user = await username_shopper(shop)
    await wrote_first(shop, user)

    sent = await shop.api.post("/api/v1/whatsapp/messages", headers=shop.headers,
                               json={"user_id": user, "type": "text",
                                     "text": "Aap ka parcel kal aayega"})  # fmt: skip
    assert sent.status_code == 202, sent.text
    [delivered] = await arrives(shop, user, "Aap ka parcel kal aayega")
    assert delivered["direction"] == "to_shopper"

    async def logged() -> dict[str, Any] | None:
        got = await shop.get(f"/api/v1/whatsapp/messages/{sent.json()['message_id']}")
        return got if got["status"] in ("sent", "delivered", "read") else None

    message = await shop.wait_for(logged, timeout=45, what="the send in the message log")
    assert message["customer_phone"] == user  # the chat it went to: the user id

    wabotick = await shop.api.post("/api/v1/whatsapp/send",
                                   data=form(shop, user_id=user, message="Shukriya, Ayesha"))  # fmt: skip
    assert wabotick.status_code in (200, 202), wabotick.text
    assert wabotick.json()["status"] == "1"
    await arrives(shop, user, "Shukriya, Ayesha")

    both = await shop.api.post("/api/v1/whatsapp/messages", headers=shop.headers,
                               json={"to": "923001234567", "user_id": user, "type": "text",
                                     "text": "x"})  # fmt: skip
    assert (both.status_code, both.json()["field"]) == (400, "user_id"), both.text
    neither = await shop.api.post("/api/v1/whatsapp/messages", headers=shop.headers,
                                  json={"type": "text", "text": "x"})  # fmt: skip
    assert (neither.status_code, neither.json()["code"], neither.json()["field"]) == (
        400, "missing_field", "to")  # fmt: skip
    refused = await shop.api.post("/api/v1/whatsapp/send", data=form(shop, message="x"))
    assert (refused.json()["status"], refused.json()["field"]) == ("0", "phone_number")


async def test_a_username_user_who_never_wrote_gets_no_free_form_message(shop: Shop) -> None:
    user = await username_shopper(shop)
    refused = await shop.api.post("/api/v1/whatsapp/messages", headers=shop.headers,
                                  json={"user_id": user, "type": "text", "text": "Hello"})  # fmt: skip
    assert refused.status_code == 409, refused.text
    assert (refused.json()["code"], refused.json()["field"]) == ("outside_customer_window",
                                                                 "user_id")  # fmt: skip
    assert refused.json()["details"]["customer_user_id"] == user


async def test_a_label_broadcast_reaches_the_labels_username_subscriber(shop: Shop) -> None:
    user, phone = await username_shopper(shop), "923005550071"
    for chat in (user, phone):
        await wrote_first(shop, chat)

    async def subscribed() -> bool:
        got = await shop.api.get(f"/api/v1/whatsapp/subscribers/{user}", headers=shop.headers)
        return got.status_code == 200

    await shop.wait_for(subscribed, timeout=45, what="the username user as a subscriber")
    made = await shop.api.post("/api/v1/whatsapp/labels", headers=shop.headers,
                               json={"name": f"vip-{uuid.uuid4().hex[:6]}"})  # fmt: skip
    assert made.status_code == 201, made.text
    label = made.json()["label_id"]
    # The username user labelled through the Wabotick form by user_id, the phone by REST.
    labelled = await shop.api.post("/api/v1/whatsapp/subscriber/chat/assign-labels",
                                   data=form(shop, user_id=user, label_ids=str(label)))  # fmt: skip
    assert labelled.json()["status"] == "1", labelled.text
    by_phone = await shop.api.post(f"/api/v1/whatsapp/subscribers/{phone}/labels",
                                   headers=shop.headers, json={"label_ids": [label]})  # fmt: skip
    assert by_phone.status_code == 200, by_phone.text
    profile = await shop.api.post("/api/v1/whatsapp/subscriber/get", data=form(shop, user_id=user))
    assert profile.json()["data"]["phone_number"] == user
    assert profile.json()["data"]["labels"] == [made.json()["name"]]

    started = await shop.api.post("/api/v1/whatsapp/broadcasts", headers=shop.headers,
                                  json={"template": TEMPLATE, "label_id": str(label)})  # fmt: skip
    assert started.status_code == 202, started.text
    assert started.json()["recipients"] == 2
    broadcast_id = started.json()["broadcast_id"]

    async def completed() -> dict[str, Any] | None:
        got = await shop.get(f"/api/v1/whatsapp/broadcasts/{broadcast_id}")
        return got if got["status"] == "completed" else None

    final = await shop.wait_for(completed, timeout=60, what="the label broadcast completed")
    assert final["counts"]["failed"] == final["counts"]["skipped"] == 0
    for chat in (user, phone):
        [arrived] = to_shopper(await shop.chat(chat), TEMPLATE["name"])
        assert "EID-25" in arrived["text"]
    page = await shop.get(f"/api/v1/whatsapp/broadcasts/{broadcast_id}/recipients")
    assert sorted(r["phone"] for r in page["recipients"]) == sorted([phone, user])


async def order_in_chat(shop: Shop, chat: str) -> None:
    """The shopper orders three Olpers in the chat and confirms the cart."""
    for product in CATALOG:
        added = await shop.api.post("/api/v1/products", json={"currency": "PKR", **product},
                                    headers=shop.headers)  # fmt: skip
        assert added.status_code == 201, added.text
    seen = 0

    async def says(said: dict[str, str], replies: int = 1) -> Chat:
        nonlocal seen
        sent = await shop.sandbox.post(f"/sandbox/{shop.number}/chats/{chat}", json=said)
        assert sent.status_code == 201, sent.text

        async def arrived() -> Chat | None:
            new = to_shopper(await shop.chat(chat))[seen:]
            return new[:replies] if len(new) >= replies else None

        got: Chat = await shop.wait_for(arrived, timeout=45, what="the bot's reply")
        seen += replies
        return got

    def row(message: dict[str, Any], title: str) -> str:
        [found] = [r for s in message["list"]["sections"] for r in s["rows"] if r["title"] == title]
        return found["id"]  # type: ignore[no-any-return]

    def button(message: dict[str, Any], title: str) -> str:
        [found] = [b for b in message["buttons"] if b["title"] == title]
        return found["id"]  # type: ignore[no-any-return]

    [products] = await says({"text": "I want to order milk"})
    [quantities] = await says({"list_row_id": row(products, "Olpers Milk 1L")})
    [more] = await says({"list_row_id": row(quantities, "3")})
    [summary] = await says({"button_id": button(more, "Checkout")})
    await says({"button_id": button(summary, "Confirm")}, replies=2)


async def test_a_username_users_chat_order_reaches_the_merchants_webhook_with_their_user_id(
    shop: Shop,
) -> None:
    async with receivers("/hooks/sauda") as make:
        receiver: Receiver = await make()
        endpoint = await shop.api.post("/api/v1/webhooks", headers=shop.headers,
                                       json={"url": receiver.url})  # fmt: skip
        assert endpoint.status_code == 201, endpoint.text
        made = await made_username_shopper(shop)
        user = made["user_id"]
        await order_in_chat(shop, user)
        hits = await shop.wait_for(receiver.at_least, timeout=45, what="the order_created hook")
    [hit] = [h for h in hits if json.loads(h.body)["event"] == "order_created"]
    secret = endpoint.json()["secret"]
    signed = "sha256=" + hmac.new(secret.encode(), hit.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signed, hit.headers["X-Sauda-Signature"])
    payload = json.loads(hit.body)
    assert payload["data"]["source"] == "whatsapp"
    assert payload["data"]["customer_phone"] is None
    assert payload["data"]["customer_user_id"] == user

    [order] = (await shop.get("/api/v1/orders", source="whatsapp"))["orders"]
    assert order["order_id"] == payload["data"]["order_id"]
    assert order["customer"].get("phone") is None  # the list leaves out what is not there
    assert order["customer"]["whatsapp_user_id"] == user
    assert order["customer"]["whatsapp_username"] == made["username"]  # as Meta showed it
