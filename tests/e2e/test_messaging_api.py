"""The merchant's messaging API end to end: real gateway, notifier, conversation and sandbox
processes over real Kafka and Postgres. A shopper writes in the sandbox; the merchant sends a
text, buttons and templates through Sauda's REST and through the Wabotick-compatible routes;
the shopper's chat shows them, their statuses reach read, a text to a shopper outside the
window is refused, and a retried request with the same Idempotency-Key sends once."""

import uuid
from typing import Any

from .conftest import SHOPPER, Chat, Shop, to_shopper

STRANGER = "923009876543"  # a shopper who never wrote to the shop


async def window_opened(shop: Shop, phone: str = SHOPPER) -> None:
    """The shopper writes; the merchant's view sees it (the window the gateway checks)."""
    await shop.write("Salam, is the lawn suit in stock?", phone)

    async def seen() -> bool:
        chat = await shop.get(f"/api/v1/conversations/{phone}")
        return any(m["direction"] == "inbound" for m in chat["messages"])

    await shop.wait_for(seen, timeout=45, what="the shopper's message in the merchant's view")


async def shown(shop: Shop, match: Any, what: str) -> Chat:
    """The shopper's chat once a message to the shopper matches."""

    async def found() -> Chat | None:
        messages = to_shopper(await shop.chat())
        return [m for m in messages if match(m)] or None

    return await shop.wait_for(found, timeout=45, what=what)  # type: ignore[no-any-return]


async def status_becomes(shop: Shop, message_id: str, *wanted: str) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        await shop.chat()  # the shopper looks at the chat: what is there is read
        got = await shop.get(f"/api/v1/whatsapp/messages/{message_id}")
        return got if got["status"] in wanted else None

    return await shop.wait_for(reached, timeout=45, what=f"message {message_id} {wanted}")  # type: ignore[no-any-return]


async def test_the_merchant_messages_a_shopper_both_ways_in(shop: Shop) -> None:
    await window_opened(shop)
    key = f"thanks-{uuid.uuid4().hex}"
    text = {"to": SHOPPER, "type": "text", "text": "Yes, in all sizes. Shall I reserve one?"}
    headers = shop.headers | {"Idempotency-Key": key}

    # Sauda's REST: a text, and the same request again (a client's retry).
    sent = await shop.api.post("/api/v1/whatsapp/messages", json=text, headers=headers)
    assert sent.status_code == 202, sent.text
    retried = await shop.api.post("/api/v1/whatsapp/messages", json=text, headers=headers)
    assert retried.status_code == 202 and retried.json()["message_id"] == sent.json()["message_id"]
    await shown(shop, lambda m: m["text"] == text["text"], "the REST text in the shopper's chat")

    # Wabotick's form: reply buttons, apiToken in the body.
    buttons = await shop.api.post("/api/v1/whatsapp/send/interactive-buttons", data={
        "apiToken": shop.business["api_key"], "phone_number_id": shop.number,
        "phone_number": SHOPPER, "message": "How would you like to pay?",
        "buttons": '["COD", {"id": "pay_card", "title": "Card"}]',
        "button_footer_text": "Chai Wala",
    })  # fmt: skip
    assert buttons.status_code in (200, 202), buttons.text
    assert buttons.json()["status"] == "1"
    [tapped] = await shown(shop, lambda m: m["text"] == "How would you like to pay?",
                           "the Wabotick buttons in the shopper's chat")  # fmt: skip
    assert [(b["id"], b["title"]) for b in tapped["buttons"]] == [("COD", "COD"),
                                                                  ("pay_card", "Card")]  # fmt: skip
    assert tapped["footer"] == "Chai Wala"

    # A template by name through the REST, and one by Meta's id through Wabotick's form.
    shipped = await shop.api.post("/api/v1/whatsapp/messages", headers=shop.headers, json={
        "to": SHOPPER, "type": "template", "template": {
            "name": "sauda_order_shipped", "language": "en",
            "body": ["Ayesha", "ORD-7788", "TRK-42"]}})  # fmt: skip
    assert shipped.status_code == 202, shipped.text
    template_id = await sandbox_template_id(shop, "sauda_order_delivered", "en")
    delivered = await shop.api.post("/api/v1/whatsapp/send/template", data={
        "apiToken": shop.business["api_key"], "phone_number_id": shop.number,
        "phone_number": SHOPPER, "template_id": template_id,
        "parameters": '["Ayesha", "ORD-7788"]'})  # fmt: skip
    assert delivered.status_code in (200, 202), delivered.text
    assert delivered.json()["status"] == "success"
    await shop.arrived("sauda_order_shipped")
    [arrived] = await shop.arrived("sauda_order_delivered")
    assert "ORD-7788" in arrived["text"]

    # Every send reaches read once the shopper has looked; Wabotick's status says so too.
    for answer in (sent, shipped):
        got = await status_becomes(shop, answer.json()["message_id"], "read")
        assert got["wamid"].startswith("wamid.") and got["purpose"] == "merchant"
        assert [h["status"] for h in got["history"]][-1] == "read"
    wabotick_id = delivered.json()["data"]["sauda_message_id"]
    read = await status_becomes(shop, wabotick_id, "read")
    status = await shop.api.post("/api/v1/whatsapp/get/message-status", data={
        "apiToken": shop.business["api_key"], "wa_message_id": read["wamid"],
        "whatsapp_bot_id": shop.number})  # fmt: skip
    assert status.status_code == 200, status.text
    assert status.json()["message"]["message_status"] == "read"
    assert status.json()["message"]["read_time"] is not None

    # The retried request was sent once, and once more after everything settled.
    again = await shop.api.post("/api/v1/whatsapp/messages", json=text, headers=headers)
    assert again.json() == {**again.json(), "message_id": sent.json()["message_id"],
                            "status": "read"}  # fmt: skip
    texts = [m for m in to_shopper(await shop.chat()) if m["text"] == text["text"]]
    assert len(texts) == 1

    # The conversation both ways, as the document pages it.
    chat = await shop.api.post("/api/v1/whatsapp/get/conversation", data={
        "apiToken": shop.business["api_key"], "phone_number_id": shop.number,
        "phone_number": SHOPPER, "limit": "50"})  # fmt: skip
    lines = chat.json()["message"]
    assert {"user", "bot"} <= {line["sender"] for line in lines}
    assert text["text"] in [line["message_content"] for line in lines]


async def sandbox_template_id(shop: Shop, name: str, language: str) -> str:
    """Meta's id of one of the shop's templates, as a Graph client lists them."""
    number = (await shop.sandbox.get(f"/sandbox/numbers/{shop.number}")).json()
    listed = await shop.sandbox.get(
        f"/v21.0/{number['waba_id']}/message_templates",
        params={"name": name, "language": language, "fields": "id,name,language"},
        headers={"Authorization": f"Bearer {number['access_token']}"},
    )
    assert listed.status_code == 200, listed.text
    [found] = [t for t in listed.json()["data"] if (t["name"], t["language"]) == (name, language)]
    return str(found["id"])


async def test_free_form_to_a_shopper_outside_the_window_is_refused(shop: Shop) -> None:
    text = {"to": STRANGER, "type": "text", "text": "Eid sale starts today!"}
    refused = await shop.api.post("/api/v1/whatsapp/messages", json=text, headers=shop.headers)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "outside_customer_window"
    assert refused.json()["field"] == "to" and STRANGER in refused.json()["message"]
    assert "24-hour" in refused.json()["message"]
    wabotick = await shop.api.post("/api/v1/whatsapp/send", data={
        "apiToken": shop.business["api_key"], "phone_number_id": shop.number,
        "phone_number": STRANGER, "message": "Eid sale starts today!"})  # fmt: skip
    assert wabotick.status_code == 409
    assert wabotick.json()["status"] == "0" and wabotick.json()["field"] == "phone_number"
    # A template may open the conversation: it is sent.
    template = await shop.api.post("/api/v1/whatsapp/messages", headers=shop.headers, json={
        "to": STRANGER, "type": "template", "template": {
            "name": "sauda_order_delivered", "language": "en", "body": ["Bilal", "ORD-1"]}})  # fmt: skip
    assert template.status_code == 202, template.text
    await shop.arrived("sauda_order_delivered", phone=STRANGER)
    chat = await shop.chat(STRANGER)
    assert [m for m in to_shopper(chat) if m.get("template") is None] == []
