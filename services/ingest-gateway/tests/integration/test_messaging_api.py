"""Sauda's messaging REST through the gateway's app on a real Postgres: a send queues one
SendWhatsAppMessage for the notifier (in the same statement as its idempotency record), a retry
with the same key sends nothing more, free-form needs the customer's 24-hour window, the answer
waits for the notifier's record, and every read is the caller's business's only."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from sauda_contracts.sends import outbound_message_id
from sauda_contracts.whatsapp import GraphError
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
    keyed,
    recorded,
    rival,
    shopper_wrote,
    waiting_api,
)

TEXT = {"to": "0300 1234567", "type": "text", "text": "Your parcel left today"}


async def test_a_send_is_queued_once_per_key_and_another_body_on_it_is_refused(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key, _number = await connected(pool, business, box)
    async with api() as http:
        first = await http.post("/api/v1/whatsapp/messages", json=TEXT, headers=keyed(key, "k-1"))
        again = await http.post("/api/v1/whatsapp/messages", json=TEXT, headers=keyed(key, "k-1"))
        other = await http.post("/api/v1/whatsapp/messages", json=TEXT | {"text": "Other"},
                                headers=keyed(key, "k-1"))  # fmt: skip

    assert first.status_code == 202, first.text
    message_id = str(outbound_message_id(shop.business_id, "api:k-1"))
    assert first.json() == {"message_id": message_id, "status": "accepted", "wamid": None,
                            "error": None}  # fmt: skip
    assert first.headers["location"] == f"/api/v1/whatsapp/messages/{message_id}"
    assert again.status_code == 202 and again.json()["message_id"] == message_id
    assert again.headers["idempotent-replayed"] == "true"
    assert other.status_code == 409, other.text
    assert (other.json()["code"], other.json()["field"]) == ("idempotency_key_reused",
                                                             "Idempotency-Key")  # fmt: skip
    [command] = await commands(pool)
    body = command.body
    assert (command.business_id, body.customer_phone, body.kind.value, body.text) == (
        shop.business_id, SHOPPER, "text", "Your parcel left today")  # fmt: skip
    assert (body.message_key, body.merchant) == ("api:k-1", True)


async def test_free_form_needs_the_customers_window_and_a_template_does_not(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    number = await connect(pool, shop, box)
    template = {"to": SHOPPER, "type": "template",
                "template": {"name": "order_update", "language": "en", "body": ["ORD-1"]}}  # fmt: skip
    buttons = {"to": SHOPPER, "type": "buttons", "text": "Ship it?",
               "buttons": [{"id": "yes", "title": "Yes"}]}  # fmt: skip
    async with api() as http:
        never = await http.post("/api/v1/whatsapp/messages", json=TEXT, headers=keyed(key))
        await shopper_wrote(pool, shop, number, at=datetime.now(UTC) - timedelta(hours=25))
        stale = await http.post("/api/v1/whatsapp/messages", json=buttons, headers=keyed(key))
        queued = await http.post("/api/v1/whatsapp/messages", json=template, headers=keyed(key))
        await shopper_wrote(pool, shop, number)
        opened = await http.post("/api/v1/whatsapp/messages", json=buttons, headers=keyed(key))

    for refused in (never, stale):
        assert refused.status_code == 409, refused.text
        assert (refused.json()["code"], refused.json()["field"]) == ("outside_customer_window",
                                                                     "to")  # fmt: skip
        assert SHOPPER in refused.json()["message"]
        assert "24-hour customer service window" in refused.json()["message"]
    assert "never written" in never.json()["message"]
    assert queued.status_code == 202 and opened.status_code == 202, (queued.text, opened.text)
    assert [c.body.kind.value for c in await commands(pool)] == ["template", "buttons"]


async def test_the_answer_carries_the_notifiers_record_and_the_message_reads_back(
    pool: asyncpg.Pool, dsn: str, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key, number = await connected(pool, business, box)
    message_id = outbound_message_id(shop.business_id, "api:k-wait")
    async with waiting_api(pool, dsn, whatsapp_send_wait_ms=60_000) as (http, waiter):
        sending = asyncio.create_task(
            http.post("/api/v1/whatsapp/messages", json=TEXT, headers=keyed(key, "k-wait"))
        )
        await first_command(pool)  # the request recorded the send and waits
        await fold(pool, [recorded(shop, message_id, number, "queued")], sends=waiter.channel)
        await fold(pool, [recorded(shop, message_id, number, "queued", "sent", wamid="wamid.S1")],
                   sends=waiter.channel)  # fmt: skip
        answer = await asyncio.wait_for(sending, timeout=30)
        await fold(pool, [recorded(shop, message_id, number, "queued", "sent", "delivered", "read",
                                   wamid="wamid.S1")])  # fmt: skip
        by_id = await http.get(f"/api/v1/whatsapp/messages/{message_id}", headers=keyed(key))
        by_wamid = await http.get("/api/v1/whatsapp/messages/wamid.S1", headers=keyed(key))

    assert answer.status_code == 202, answer.text
    assert answer.json() == {"message_id": str(message_id), "status": "sent",
                             "wamid": "wamid.S1", "error": None}  # fmt: skip
    assert by_id.status_code == 200, by_id.text
    got = by_id.json()
    assert (got["status"], got["wamid"], got["purpose"], got["direction"]) == (
        "read", "wamid.S1", "merchant", "outbound")  # fmt: skip
    assert [h["status"] for h in got["history"]] == ["queued", "sent", "delivered", "read"]
    assert by_wamid.json() == got


async def test_a_failed_send_answers_with_metas_error(
    pool: asyncpg.Pool, dsn: str, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key, number = await connected(pool, business, box)
    message_id = outbound_message_id(shop.business_id, "api:k-fail")
    error = GraphError(code=131047, title="Re-engagement message")
    async with waiting_api(pool, dsn, whatsapp_send_wait_ms=60_000) as (http, waiter):
        sending = asyncio.create_task(
            http.post("/api/v1/whatsapp/messages", json=TEXT, headers=keyed(key, "k-fail"))
        )
        await first_command(pool)
        await fold(pool, [recorded(shop, message_id, number, "queued", "failed", error=error)],
                   sends=waiter.channel)  # fmt: skip
        answer = await asyncio.wait_for(sending, timeout=30)
        got = await http.get(f"/api/v1/whatsapp/messages/{message_id}", headers=keyed(key))

    assert answer.json()["status"] == "failed"
    assert answer.json()["error"] == {"code": 131047, "title": "Re-engagement message",
                                      "details": None}  # fmt: skip
    assert got.json()["error"]["code"] == 131047


async def test_a_send_not_yet_recorded_reads_accepted_and_other_businesses_see_nothing(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key, number = await connected(pool, business, box)
    _other, other_key, _ = await rival(pool, box)
    async with api() as http:
        sent = await http.post("/api/v1/whatsapp/messages", json=TEXT, headers=keyed(key, "same"))
        message_id = sent.json()["message_id"]
        await fold(pool, [recorded(shop, outbound_message_id(shop.business_id, "api:x"), number,
                                   "queued", "sent", wamid="wamid.MINE")])  # fmt: skip
        mine = await http.get(f"/api/v1/whatsapp/messages/{message_id}", headers=keyed(key))
        theirs = await http.get(f"/api/v1/whatsapp/messages/{message_id}",
                                headers=keyed(other_key))  # fmt: skip
        by_wamid = await http.get("/api/v1/whatsapp/messages/wamid.MINE", headers=keyed(other_key))
        nonsense = await http.get("/api/v1/whatsapp/messages/nope", headers=keyed(key))
        their_send = await http.post("/api/v1/whatsapp/messages", json=TEXT,
                                     headers=keyed(other_key, "same"))  # fmt: skip

    assert mine.status_code == 200, mine.text
    assert (mine.json()["status"], mine.json()["kind"], mine.json()["customer_phone"]) == (
        "accepted", "text", SHOPPER)  # fmt: skip
    for missing in (theirs, by_wamid, nonsense):
        assert missing.status_code == 404 and missing.json()["code"] == "message_not_found"
    # The other business's shopper never wrote to it: its own window, its own key space.
    assert their_send.status_code == 409
    assert their_send.json()["code"] == "outside_customer_window"


async def test_bad_sends_are_refused_naming_the_field(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    async with api() as http:
        unconnected = await http.post("/api/v1/whatsapp/messages", json=TEXT, headers=keyed(key))
        number = await connect(pool, shop, box)
        await shopper_wrote(pool, shop, number)
        cases: list[tuple[dict[str, Any], str, str]] = [
            ({"type": "buttons", "text": "Pick"}, "invalid_field", "buttons"),
            ({"type": "image", "media": {"link": "https://x.pk/a.gif"}}, "invalid_field",
             "media.link"),
            ({"type": "audio", "media": {"id": "1", "caption": "hi"}}, "invalid_field",
             "media.caption"),
            ({"type": "text", "text": "x" * 4097}, "invalid_field", "text"),
            ({"type": "fax", "text": "hi"}, "invalid_field", "type"),
            ({"type": "template", "template": {"name": "t"}}, "invalid_field", "template"),
            ({"to": "12", "type": "text", "text": "hi"}, "invalid_field", "to"),
            ({"to": "0300 123", "type": "text", "text": "hi"}, "invalid_phone", "to"),
        ]  # fmt: skip
        answers = [await http.post("/api/v1/whatsapp/messages", json={"to": SHOPPER} | body,
                                   headers=keyed(key)) for body, _, _ in cases]  # fmt: skip
        bad_key = await http.post("/api/v1/whatsapp/messages", json=TEXT,
                                  headers=keyed(key, "has space"))  # fmt: skip

    assert unconnected.status_code == 404
    assert unconnected.json()["code"] == "whatsapp_not_connected"
    for (_, code, field), answer in zip(cases, answers, strict=True):
        assert answer.status_code == 400, answer.text
        assert (answer.json()["code"], answer.json()["field"]) == (code, field), answer.text
    assert bad_key.status_code == 400 and bad_key.json()["field"] == "Idempotency-Key"
    assert await commands(pool) == []


async def test_a_dashboard_session_sends_with_its_csrf_token(
    signed_in: Any, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, _ = business
    number = await connect(pool, shop, box)
    await shopper_wrote(pool, shop, number)
    async with signed_in("staff@shop.pk", role="staff") as http:
        sent = await http.post("/api/v1/whatsapp/messages", json=TEXT)
        forged = await http.post("/api/v1/whatsapp/messages", json=TEXT,
                                 headers={"X-CSRF-Token": "wrong"})  # fmt: skip
        connect_as_staff = await http.put("/api/v1/whatsapp", json={
            "phone_number_id": "123", "waba_id": "456", "access_token": "t"})  # fmt: skip
    assert sent.status_code == 202, sent.text
    assert forged.status_code == 403 and forged.json()["code"] == "csrf_failed"
    assert connect_as_staff.status_code == 403
    assert len(await commands(pool)) == 1


async def test_an_owner_connects_a_number_that_is_no_other_businesss(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    other, _ = await create_business(BusinessStore(pool), name="Other", plan="business")
    taken = await connect(pool, other, box)
    number = {"phone_number_id": "106540352242922", "waba_id": "102290129340398",
              "access_token": "EAAG-token", "display_phone_number": "+92 300 0000000"}  # fmt: skip
    async with api(whatsapp_graph_url="https://graph.example.test") as http:
        connected = await http.put("/api/v1/whatsapp", json=number, headers=keyed(key))
        patched = await http.patch("/api/v1/whatsapp", json={"language": "ur"},
                                   headers=keyed(key))  # fmt: skip
        again = await http.put("/api/v1/whatsapp", json=number | {"access_token": "EAAG-new"},
                               headers=keyed(key))  # fmt: skip
        stolen = await http.put("/api/v1/whatsapp", json=number | {"phone_number_id": taken},
                                headers=keyed(key))  # fmt: skip

    assert connected.status_code == 200, connected.text
    assert connected.json()["whatsapp_phone_number_id"] == "106540352242922"
    assert connected.json()["graph_url"] == "https://graph.example.test"
    assert "access_token" not in connected.text and "EAAG" not in connected.text
    assert patched.status_code == 200
    assert again.status_code == 200 and again.json()["language"] == "ur"  # kept on reconnect
    assert stolen.status_code == 409 and stolen.json()["code"] == "whatsapp_number_taken"
    account = await WhatsAppAccounts(pool).of_business(other.business_id)
    assert account is not None and account.phone_number_id == taken
    sealed = await pool.fetchval(
        "SELECT access_token_enc FROM whatsapp_accounts WHERE business_id = $1", shop.business_id
    )
    assert box.open(sealed) == "EAAG-new"


async def test_every_type_is_queued_as_the_message_the_notifier_sends(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    _shop, key, _number = await connected(pool, business, box)
    menu = {"button": "Sizes", "sections": [{"title": "Lawn", "rows": [
        {"id": "s", "title": "Small"}, {"id": "m", "title": "Medium", "description": "38-40"}]}]}  # fmt: skip
    sends: list[dict[str, Any]] = [
        {"type": "list", "text": "Pick a size", "header": "Lawn suits", "menu": menu},
        {"type": "buttons", "text": "Ship it?", "buttons": [{"id": "y", "title": "Yes"}],
         "header_media": {"type": "document", "link": "https://x.pk/menu.pdf",
                          "filename": "menu.pdf"}},
        {"type": "sticker", "media": {"link": "https://x.pk/thanks.webp"}},
        {"type": "video", "media": {"id": "4411", "caption": "How to wear it"}},
        {"type": "template", "template": {"template_id": "4375", "body": ["Ayesha"]}},
    ]  # fmt: skip
    async with api() as http:
        answers = [await http.post("/api/v1/whatsapp/messages", json={"to": SHOPPER} | s,
                                   headers=keyed(key)) for s in sends]  # fmt: skip
    assert [a.status_code for a in answers] == [202] * len(sends), [a.text for a in answers]
    queued = [c.body for c in await commands(pool)]
    assert [b.kind.value for b in queued] == ["list", "buttons", "media", "media", "template"]
    assert queued[0].menu is not None and queued[0].header == "Lawn suits"
    assert queued[1].header_media is not None and queued[1].header_media.filename == "menu.pdf"
    assert [b.media.type.value for b in queued[2:4] if b.media] == ["sticker", "video"]
    assert queued[4].template is not None and queued[4].template.template_id == "4375"
    kinds = await pool.fetch("SELECT kind FROM message_requests ORDER BY created_at")
    assert [r["kind"] for r in kinds] == ["list", "buttons", "sticker", "video", "template"]
