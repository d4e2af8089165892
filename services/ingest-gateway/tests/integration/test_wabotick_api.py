"""The Wabotick-compatible routes through the gateway's app on a real Postgres: the document's
forms (urlencoded, or JSON) with `apiToken` in them, its answers and refusals, on the same
handlers as Sauda's REST: a send queues one command, a retry sends nothing more, and another
business's number, message or key is refused."""

import asyncio
from typing import Any

import asyncpg

from sauda_contracts.sends import outbound_message_id
from sauda_gateway.domain import Business
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_runtime.secrets import SecretBox

from .messaging_flows import (
    SHOPPER,
    Api,
    commands,
    connect,
    connected,
    first_command,
    fold,
    recorded,
    waiting_api,
)

BASE = "/api/v1/whatsapp"


def form(api_key: str, number: str, **fields: str) -> dict[str, str]:
    return {"apiToken": api_key, "phone_number_id": number, "phone_number": SHOPPER} | fields


async def test_the_documents_sends_queue_sauda_sends_from_urlencoded_forms(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key, number = await connected(pool, business, box)
    async with api() as http:
        text = await http.post(f"{BASE}/send", data=form(key, number, message="Salam!"))
        template = await http.post(f"{BASE}/send/template", data=form(
            key, number, template_id="437509121867805"))  # fmt: skip
        buttons = await http.post(f"{BASE}/send/interactive-buttons", data=form(
            key, number, message="How would you like to pay?",
            buttons='["COD", {"id": "card", "title": "Card"}]', button_footer_text="Chai Wala",
            media_url="https://cdn.shop.pk/menu.pdf", media_name="menu.pdf"))  # fmt: skip
        file = await http.post(f"{BASE}/send/file", data=form(
            key, number, media_type="image", media_url="https://cdn.shop.pk/lawn.jpg",
            media_caption_text="New lawn"))  # fmt: skip

    for answer in (text, buttons, file):
        assert answer.status_code == 202, answer.text
        assert answer.json()["status"] == "1" and answer.json()["wa_message_id"] is None
        assert answer.json()["message"] == "Message accepted; it is being sent."
    assert template.status_code == 202, template.text
    assert template.json()["status"] == "success"
    assert template.json()["data"]["message_id"] is None
    sent = [c.body for c in await commands(pool)]
    assert [(b.kind.value, b.customer_phone, b.merchant) for b in sent] == [
        ("text", SHOPPER, True), ("template", SHOPPER, True), ("buttons", SHOPPER, True),
        ("media", SHOPPER, True)]  # fmt: skip
    assert sent[0].text == "Salam!"
    assert sent[1].template is not None and sent[1].template.template_id == "437509121867805"
    assert [(b.id, b.title) for b in sent[2].buttons] == [("COD", "COD"), ("card", "Card")]
    assert sent[2].header_media is not None and sent[2].header_media.filename == "menu.pdf"
    assert sent[3].media is not None and sent[3].media.caption == "New lawn"
    assert str(outbound_message_id(shop.business_id, sent[0].message_key)) == (
        text.json()["message_id"])  # fmt: skip


async def test_a_json_body_and_the_key_header_work_too_and_a_retry_sends_once(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    _shop, key, number = await connected(pool, business, box)
    body = {"phone_number_id": number, "phone_number": SHOPPER, "message": "Pick one",
            "buttons": [{"id": "a", "title": "A"}, "B"]}  # fmt: skip
    headers = {"X-API-Key": key, "Idempotency-Key": "wb-1"}
    async with api() as http:
        first = await http.post(f"{BASE}/send/interactive-buttons", json=body, headers=headers)
        again = await http.post(f"{BASE}/send/interactive-buttons", json=body, headers=headers)
        other = await http.post(f"{BASE}/send", data={"phone_number_id": number,
                                "phone_number": SHOPPER, "message": "x"}, headers=headers)  # fmt: skip
    assert first.status_code == 202, first.text
    assert again.json()["message_id"] == first.json()["message_id"]
    assert other.status_code == 409, other.text
    assert other.json() == {"status": "0", "message": other.json()["message"],
                            "code": "idempotency_key_reused", "field": "Idempotency-Key",
                            "message_id": first.json()["message_id"]}  # fmt: skip
    assert len(await commands(pool)) == 1


async def test_refusals_are_the_documents_status_0_with_a_sensible_http_status(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    other, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    number = await connect(pool, shop, box)
    async with api() as http:
        unconnected = await http.post(f"{BASE}/send", data=form(other_key, number, message="x"))
        theirs = await connect(pool, other, box)
        wrong_number = await http.post(f"{BASE}/send", data=form(key, theirs, message="x"))
        outside = await http.post(f"{BASE}/send", data=form(key, number, message="x"))
        no_token = await http.post(f"{BASE}/send", data={"phone_number_id": number,
                                                         "phone_number": SHOPPER, "message": "x"})  # fmt: skip
        bad_token = await http.post(f"{BASE}/send", data=form("sk_sauda_nope", number, message="x"))
        missing = await http.post(f"{BASE}/send", data=form(key, number))
        bad_phone = await http.post(f"{BASE}/send", data=form(key, number, message="x",
                                                              phone_number="12345"))  # fmt: skip
        upload = await http.post(f"{BASE}/send/file", data=form(key, number, media_type="image"),
                                 files={"media_file": ("a.gif", b"GIF89a", "image/gif")})  # fmt: skip
        bad_json = await http.post(f"{BASE}/send", content=b'{"apiToken": ',
                                   headers={"Content-Type": "application/json"})  # fmt: skip
        wrong_type = await http.post(f"{BASE}/send/file", data=form(
            key, number, media_type="hologram", media_url="https://x.pk/a.jpg"))  # fmt: skip

    expected = [
        (unconnected, 404, "whatsapp_not_connected", "phone_number_id"),
        (wrong_number, 404, "whatsapp_number_not_found", "phone_number_id"),
        (outside, 409, "outside_customer_window", "phone_number"),
        (no_token, 401, "missing_api_key", "apiToken"),
        (bad_token, 401, "invalid_api_key", "apiToken"),
        (missing, 400, "missing_field", "message"),
        (bad_phone, 400, "invalid_phone", "phone_number"),
        (upload, 415, "unsupported_media_type", "media_file"),
        (bad_json, 400, "invalid_field", None),
        (wrong_type, 400, "invalid_field", "media_type"),
    ]
    for answer, status, code, field in expected:
        assert answer.status_code == status, answer.text
        refusal = answer.json()
        assert (refusal["status"], refusal["code"], refusal.get("field")) == ("0", code, field)
        assert refusal["message"]
    assert "WhatsApp account not found." in unconnected.json()["message"]
    assert "24-hour" in outside.json()["message"]
    assert "image/gif" in upload.json()["message"]
    assert await commands(pool) == []


async def test_a_sent_message_reads_back_in_the_documents_status_and_conversation(
    pool: asyncpg.Pool, dsn: str, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key, number = await connected(pool, business, box)
    async with waiting_api(pool, dsn, whatsapp_send_wait_ms=60_000) as (http, waiter):
        sending = asyncio.create_task(http.post(f"{BASE}/send", data=form(key, number,
                                                message="Salam!"), headers={"Idempotency-Key": "c1"}))  # fmt: skip
        await first_command(pool)
        message_id = outbound_message_id(shop.business_id, "api:c1")
        await fold(pool, [recorded(shop, message_id, number, "queued", "sent", wamid="wamid.W1")],
                   sends=waiter.channel)  # fmt: skip
        sent = await asyncio.wait_for(sending, timeout=30)
        await fold(pool, [recorded(shop, message_id, number, "queued", "sent", "delivered",
                                   "read", wamid="wamid.W1")])  # fmt: skip
        status = await http.post(f"{BASE}/get/message-status", data={
            "apiToken": key, "wa_message_id": "wamid.W1", "whatsapp_bot_id": number})  # fmt: skip
        chat = await http.post(f"{BASE}/get/conversation", data=form(key, number, limit="1"))
        everything = await http.post(f"{BASE}/get/conversation", data=form(key, number))
        theirs, their_key = await create_business(BusinessStore(pool), name="O", plan="business")
        their_number = await connect(pool, theirs, box)
        foreign = await http.post(f"{BASE}/get/message-status", data={
            "apiToken": their_key, "wa_message_id": "wamid.W1", "whatsapp_bot_id": their_number})  # fmt: skip

    assert sent.status_code == 200, sent.text
    assert sent.json() == {"status": "1", "wa_message_id": "wamid.W1",
                           "message": "Message sent successfully.",
                           "message_id": str(message_id)}  # fmt: skip
    assert status.status_code == 200, status.text
    delivery = status.json()["message"]
    assert (status.json()["status"], delivery["message_status"]) == ("1", "read")
    assert delivery["read_time"] is not None and delivery["failed_reason"] == ""
    [line] = chat.json()["message"]
    assert (line["sender"], line["wa_message_id"], line["whatsapp_bot_id"]) == (
        "bot", "wamid.W1", number)  # fmt: skip
    assert line["whatsapp_bot_subscriber_subscriber_id"] == SHOPPER
    assert [m["sender"] for m in everything.json()["message"]] == ["bot", "user"]
    assert foreign.status_code == 404 and foreign.json()["status"] == "0"


async def test_a_send_meta_failed_is_the_documents_refusal_with_metas_code(
    pool: asyncpg.Pool, dsn: str, business: tuple[Business, str], box: SecretBox
) -> None:
    from sauda_contracts.whatsapp import GraphError

    shop, key, number = await connected(pool, business, box)
    async with waiting_api(pool, dsn, whatsapp_send_wait_ms=60_000) as (http, waiter):
        sending = asyncio.create_task(http.post(f"{BASE}/send", data=form(key, number,
                                                message="Salam!"), headers={"Idempotency-Key": "f1"}))  # fmt: skip
        await first_command(pool)
        message_id = outbound_message_id(shop.business_id, "api:f1")
        error = GraphError(code=131026, title="Message undeliverable")
        await fold(pool, [recorded(shop, message_id, number, "queued", "failed", error=error)],
                   sends=waiter.channel)  # fmt: skip
        failed = await asyncio.wait_for(sending, timeout=30)
    assert failed.status_code == 409, failed.text
    assert failed.json() == {"status": "0", "code": "message_not_sent",
                             "message": "Message not sent: (131026) Message undeliverable",
                             "message_id": str(message_id)}  # fmt: skip


async def test_an_owner_connects_the_account_and_staff_may_not(
    api: Api, signed_in: Any, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, key = business
    connect_form = {"apiToken": key, "user_id": "18492", "whatsapp_business_account_id": "1022",
                    "access_token": "EAAG-token", "phone_number_id": "1065403522"}  # fmt: skip
    async with api() as http:
        without_number = await http.post(f"{BASE}/account/connect", data={
            k: v for k, v in connect_form.items() if k != "phone_number_id"})  # fmt: skip
        connected = await http.post(f"{BASE}/account/connect", data=connect_form)
    async with signed_in("staff@shop.pk", role="staff") as staff:
        refused = await staff.post(f"{BASE}/account/connect", data={
            k: v for k, v in connect_form.items() if k != "apiToken"})  # fmt: skip

    assert without_number.status_code == 400
    assert without_number.json()["field"] == "phone_number_id"
    assert connected.status_code == 200, connected.text
    assert connected.json() == {"status": "1",
                                "message": "Whatsapp account has been connect successfully."}  # fmt: skip
    account = await WhatsAppAccounts(pool).of_business(shop.business_id)
    assert account is not None
    assert (account.phone_number_id, account.waba_id) == ("1065403522", "1022")
    assert refused.status_code == 403 and refused.json()["status"] == "0"
