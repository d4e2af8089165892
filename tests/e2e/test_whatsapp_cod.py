"""The WhatsApp COD loop, end to end: real gateway, ledger, notifier, conversation and sandbox
processes over real Kafka and Postgres. The shopper's phone is the sandbox's chat API."""

import asyncio
import hashlib
import hmac
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson
import pytest
from aiokafka import AIOKafkaProducer

from sauda_contracts import Topic

SHOPPER = "923001234567"
Chat = list[dict[str, Any]]


async def chat(sandbox: httpx.AsyncClient, business: dict[str, str], phone: str = SHOPPER) -> Chat:
    got = await sandbox.get(f"/sandbox/{business['whatsapp_phone_number_id']}/chats/{phone}")
    assert got.status_code == 200, got.text
    return got.json()["messages"]  # type: ignore[no-any-return]


def to_shopper(messages: Chat, template: str | None = None) -> Chat:
    return [
        m for m in messages
        if m["direction"] == "to_shopper"
        and (template is None or (m.get("template") or {}).get("name") == template)
    ]  # fmt: skip


async def wait_for_template(
    sandbox: httpx.AsyncClient, business: dict[str, str], template: str, wait_for: Any,
    phone: str = SHOPPER, count: int = 1,
) -> Chat:  # fmt: skip
    async def arrived() -> Chat | None:
        found = to_shopper(await chat(sandbox, business, phone), template)
        return found if len(found) >= count else None

    return await wait_for(arrived, timeout=45, what=f"{template} at the shopper's phone")  # type: ignore[no-any-return]


async def place(
    client: httpx.AsyncClient, business: dict[str, str], seed: Any, **customer: Any
) -> dict[str, Any]:
    body = seed()
    body["customer"] |= customer
    created = await client.post("/api/v1/events/ingest", json=body,
                                headers={"X-API-Key": business["api_key"]})  # fmt: skip
    assert created.status_code == 201, created.text
    return created.json()  # type: ignore[no-any-return]


async def tap(sandbox: httpx.AsyncClient, business: dict[str, str], button_id: str) -> None:
    sent = await sandbox.post(
        f"/sandbox/{business['whatsapp_phone_number_id']}/chats/{SHOPPER}",
        json={"button_id": button_id},
    )
    assert sent.status_code == 201, sent.text


async def order_status(client: httpx.AsyncClient, business: dict[str, str], order_id: str, status: str,
                       wait_for: Any) -> dict[str, Any]:  # fmt: skip
    async def moved() -> dict[str, Any] | None:
        got = await client.get(
            f"/api/v1/orders/{order_id}", headers={"X-API-Key": business["api_key"]}
        )
        return got.json() if got.json().get("status") == status else None

    return await wait_for(moved, timeout=45, what=f"order {status}")  # type: ignore[no-any-return]


@pytest.fixture
async def shop(make_business: Callable[..., Awaitable[dict[str, str]]]) -> dict[str, str]:
    """A business connected to a fresh sandbox number with Sauda's templates approved."""
    return await make_business(whatsapp=True)


async def test_confirm_tap_confirms_the_order_and_thanks_the_shopper(
    client: httpx.AsyncClient,
    sandbox: httpx.AsyncClient,
    shop: dict[str, str],
    seed: Any,
    wait_for: Any,
) -> None:
    order = await place(client, shop, seed)
    [cod] = await wait_for_template(sandbox, shop, "sauda_cod_confirmation", wait_for)
    assert order["order_number"] in cod["text"] and "Widget Pro" in cod["text"]
    assert "3,000" in cod["text"]
    assert [b["title"] for b in cod["buttons"]] == ["Confirm", "Cancel"]

    await tap(sandbox, shop, cod["buttons"][0]["id"])
    confirmed = await order_status(client, shop, order["order_id"], "confirmed", wait_for)
    assert confirmed["history"][-1]["actor"] == "customer"
    [thanks] = await wait_for_template(sandbox, shop, "sauda_order_confirmed", wait_for)
    assert order["order_number"] in thanks["text"]

    async def logged() -> list[dict[str, Any]] | None:
        got = await client.get(f"/api/v1/orders/{order['order_id']}/messages",
                               headers={"X-API-Key": shop["api_key"]})  # fmt: skip
        messages = got.json()["messages"]
        return messages if len(messages) == 2 and all(m["wamid"] for m in messages) else None

    log = await wait_for(logged, timeout=30, what="both messages sent in the order's log")
    assert [m["purpose"] for m in log] == ["cod_confirmation", "order_confirmed"]
    assert all(m["wamid"].startswith("wamid.") for m in log)
    assert "sent" in [h["status"] for h in log[0]["history"]]


async def test_cancel_tap_cancels_with_the_shoppers_reason(
    client: httpx.AsyncClient,
    sandbox: httpx.AsyncClient,
    shop: dict[str, str],
    seed: Any,
    wait_for: Any,
) -> None:
    order = await place(client, shop, seed)
    [cod] = await wait_for_template(sandbox, shop, "sauda_cod_confirmation", wait_for)
    await tap(sandbox, shop, cod["buttons"][1]["id"])
    cancelled = await order_status(client, shop, order["order_id"], "cancelled", wait_for)
    assert cancelled["history"][-1]["reason"] == "customer cancelled on WhatsApp"
    assert cancelled["history"][-1]["actor"] == "customer"
    await wait_for_template(sandbox, shop, "sauda_order_cancelled", wait_for)


async def test_tap_on_an_order_that_moved_on_gets_its_status_and_changes_nothing(
    client: httpx.AsyncClient,
    sandbox: httpx.AsyncClient,
    shop: dict[str, str],
    seed: Any,
    wait_for: Any,
) -> None:
    order = await place(client, shop, seed)
    [cod] = await wait_for_template(sandbox, shop, "sauda_cod_confirmation", wait_for)
    headers = {"X-API-Key": shop["api_key"]}
    for status in ("confirmed", "shipped"):
        moved = await client.patch(f"/api/v1/orders/{order['order_id']}/status",
                                   json={"status": status}, headers=headers)  # fmt: skip
        assert moved.status_code == 200, moved.text

    await tap(sandbox, shop, cod["buttons"][1]["id"])  # Cancel, after it shipped

    async def polite_reply() -> dict[str, Any] | None:
        texts = [m for m in to_shopper(await chat(sandbox, shop)) if m["type"] == "text"]
        return texts[-1] if texts else None

    reply = await wait_for(polite_reply, timeout=45, what="a reply to the late tap")
    assert reply["text"].startswith(f"Your order {order['order_number']} has already shipped")
    got = await client.get(f"/api/v1/orders/{order['order_id']}", headers=headers)
    assert got.json()["status"] == "shipped"


async def test_without_consent_no_message_and_the_order_says_why(
    client: httpx.AsyncClient,
    sandbox: httpx.AsyncClient,
    shop: dict[str, str],
    seed: Any,
    wait_for: Any,
) -> None:
    order = await place(client, shop, seed, consent=False)
    headers = {"X-API-Key": shop["api_key"]}

    async def explained() -> list[dict[str, Any]] | None:
        got = await client.get(f"/api/v1/orders/{order['order_id']}", headers=headers)
        return [n for n in got.json()["notices"] or [] if n["kind"] == "no_consent"] or None

    [notice] = await wait_for(explained, timeout=45, what="the no-consent notice on the order")
    assert order["order_number"] in notice["message"]
    # The admin notice for the same order came through the same topic: the notifier is done
    # with this order, and the shopper's phone shows nothing.
    assert to_shopper(await chat(sandbox, shop)) == []


async def test_reminder_once_after_silence_and_never_after_a_reply(
    client: httpx.AsyncClient,
    sandbox: httpx.AsyncClient,
    shop: dict[str, str],
    seed: Any,
    wait_for: Any,
    stack: Any,
) -> None:
    silent = await place(client, shop, seed)
    answered = await place(client, shop, seed, phone="923009876543")
    [cod] = await wait_for_template(sandbox, shop, "sauda_cod_confirmation", wait_for,
                                    phone="923009876543")  # fmt: skip
    sent = await sandbox.post(
        f"/sandbox/{shop['whatsapp_phone_number_id']}/chats/923009876543",
        json={"button_id": cod["buttons"][0]["id"]},
    )
    assert sent.status_code == 201
    await order_status(client, shop, answered["order_id"], "confirmed", wait_for)

    [reminder] = await wait_for_template(sandbox, shop, "sauda_cod_reminder", wait_for)
    assert silent["order_number"] in reminder["text"]
    await asyncio.sleep(stack.reminder_after * 2.5)  # long enough for a second one, were it due
    assert len(to_shopper(await chat(sandbox, shop), "sauda_cod_reminder")) == 1
    other = await chat(sandbox, shop, "923009876543")
    assert to_shopper(other, "sauda_cod_reminder") == []


async def test_unapproved_template_status_still_changes_with_a_notice_and_no_message(
    client: httpx.AsyncClient,
    sandbox: httpx.AsyncClient,
    shop: dict[str, str],
    seed: Any,
    wait_for: Any,
) -> None:
    waba = (await sandbox.get(f"/sandbox/numbers/{shop['whatsapp_phone_number_id']}")).json()[
        "waba_id"
    ]
    paused = await sandbox.post(f"/sandbox/{waba}/templates/status",
                                json={"name": "sauda_order_shipped", "language": "en",
                                      "status": "REJECTED"})  # fmt: skip
    assert paused.status_code == 200, paused.text
    order = await place(client, shop, seed)
    headers = {"X-API-Key": shop["api_key"]}
    await wait_for_template(sandbox, shop, "sauda_cod_confirmation", wait_for)
    await asyncio.sleep(1.0)  # the review result travels sandbox → gateway → notifier
    for status in ("confirmed", "shipped"):
        moved = await client.patch(f"/api/v1/orders/{order['order_id']}/status",
                                   json={"status": status}, headers=headers)  # fmt: skip
        assert moved.status_code == 200, moved.text

    async def noticed() -> list[dict[str, Any]] | None:
        got = await client.get(
            "/api/v1/notices", params={"kind": "template_not_approved"}, headers=headers
        )
        return got.json()["notices"] or None

    [notice] = await wait_for(noticed, timeout=45, what="the template notice")
    assert notice["order_id"] == order["order_id"]
    assert notice["details"]["template"] == "sauda_order_shipped"
    detail = (await client.get(f"/api/v1/orders/{order['order_id']}", headers=headers)).json()
    assert detail["status"] == "shipped"
    assert "template_not_approved" in [n["kind"] for n in detail["notices"]]
    assert to_shopper(await chat(sandbox, shop), "sauda_order_shipped") == []


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def test_webhook_handshake_and_forged_signatures(
    client: httpx.AsyncClient, sandbox: httpx.AsyncClient, shop: dict[str, str], seed: Any,
    wait_for: Any, stack: Any,
) -> None:  # fmt: skip
    ok = await client.get("/webhooks/whatsapp", params={
        "hub.mode": "subscribe", "hub.verify_token": stack.verify_token, "hub.challenge": "1158201444"})  # fmt: skip
    assert (ok.status_code, ok.text) == (200, "1158201444")
    bad = await client.get("/webhooks/whatsapp", params={
        "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"})  # fmt: skip
    assert bad.status_code == 403

    order = await place(client, shop, seed)
    [cod] = await wait_for_template(sandbox, shop, "sauda_cod_confirmation", wait_for)
    forged = orjson.dumps({
        "object": "whatsapp_business_account",
        "entry": [{"id": "x", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "1", "phone_number_id": shop["whatsapp_phone_number_id"]},
            "messages": [{"from": SHOPPER, "id": "wamid.FORGED", "timestamp": "1749416383",
                          "type": "button", "button": {"text": "Cancel", "payload": cod["buttons"][1]["id"]}}],
        }}]}],
    })  # fmt: skip
    for signature in (sign(forged, "not-the-app-secret"), None):
        headers = {"Content-Type": "application/json"}
        if signature:
            headers["X-Hub-Signature-256"] = signature
        refused = await client.post("/webhooks/whatsapp", content=forged, headers=headers)
        assert refused.status_code == 401
        assert refused.json()["code"] == "invalid_signature"
    await asyncio.sleep(2.0)  # had it been published, the cancel would have landed by now
    got = await client.get(
        f"/api/v1/orders/{order['order_id']}", headers={"X-API-Key": shop["api_key"]}
    )
    assert got.json()["status"] == "pending"


async def test_a_redelivered_order_event_sends_no_second_message(
    client: httpx.AsyncClient, sandbox: httpx.AsyncClient, shop: dict[str, str], seed: Any,
    wait_for: Any, topic_reader: Any, stack: Any,
) -> None:  # fmt: skip
    order = await place(client, shop, seed)
    await wait_for_template(sandbox, shop, "sauda_cod_confirmation", wait_for)
    placed = [
        r for r in await topic_reader(Topic.ORDERS_EVENTS)
        if r.key == order["order_id"].encode() and b'"OrderPlaced"' in r.value
    ]  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap)
    await producer.start()
    try:
        for _ in range(3):  # what a relay crash between send and delete would do
            await producer.send_and_wait(Topic.ORDERS_EVENTS, placed[0].value, key=placed[0].key)
    finally:
        await producer.stop()
    marker = await place(client, shop, seed, phone="923331112222")  # same partition or not,
    await wait_for_template(sandbox, shop, "sauda_cod_confirmation", wait_for, phone="923331112222")
    assert marker["order_id"]
    await asyncio.sleep(1.0)
    assert len(to_shopper(await chat(sandbox, shop), "sauda_cod_confirmation")) == 1


async def test_graph_api_failing_twice_then_succeeding_sends_exactly_one(
    client: httpx.AsyncClient,
    sandbox: httpx.AsyncClient,
    shop: dict[str, str],
    seed: Any,
    wait_for: Any,
) -> None:
    fault = await sandbox.post(f"/sandbox/{shop['whatsapp_phone_number_id']}/faults",
                               json={"code": 131000, "http_status": 500, "count": 2})  # fmt: skip
    assert fault.status_code in (200, 201), fault.text
    order = await place(client, shop, seed)
    await wait_for_template(sandbox, shop, "sauda_cod_confirmation", wait_for)
    headers = {"X-API-Key": shop["api_key"]}

    async def logged() -> dict[str, Any] | None:
        got = await client.get(f"/api/v1/orders/{order['order_id']}/messages", headers=headers)
        cod = [m for m in got.json()["messages"] if m["purpose"] == "cod_confirmation"]
        return cod[0] if cod and cod[0]["wamid"] else None

    message = await wait_for(logged, timeout=45, what="the COD message in the log")
    assert message["attempts"] == 3
    await asyncio.sleep(1.0)
    assert len(to_shopper(await chat(sandbox, shop), "sauda_cod_confirmation")) == 1


async def test_admin_hears_of_every_new_order(
    client: httpx.AsyncClient, sandbox: httpx.AsyncClient, seed: Any, wait_for: Any,
    make_business: Callable[..., Awaitable[dict[str, str]]],
) -> None:  # fmt: skip
    shop = await make_business(whatsapp=True, admin_phone="+92 321 5550000")
    order = await place(client, shop, seed)
    [note] = await wait_for_template(
        sandbox, shop, "sauda_admin_new_order", wait_for, phone="923215550000"
    )
    assert order["order_number"] in note["text"] and "Ali Khan" in note["text"]
    got = await client.get(
        "/api/v1/notices", params={"kind": "new_order"}, headers={"X-API-Key": shop["api_key"]}
    )
    assert [n["order_id"] for n in got.json()["notices"]] == [order["order_id"]]


async def test_templates_speak_the_business_and_the_customers_language(
    client: httpx.AsyncClient, sandbox: httpx.AsyncClient, seed: Any, wait_for: Any,
    make_business: Callable[..., Awaitable[dict[str, str]]],
) -> None:  # fmt: skip
    shop = await make_business(whatsapp=True, language="ur")
    await place(client, shop, seed)
    [nastaliq] = await wait_for_template(sandbox, shop, "sauda_cod_confirmation", wait_for)
    assert "آرڈر" in nastaliq["text"] and nastaliq["buttons"][0]["title"] == "تصدیق کریں"
    await place(client, shop, seed, phone="923004445555", language="ur-Latn")
    [roman] = await wait_for_template(sandbox, shop, "sauda_cod_confirmation_roman", wait_for,
                                      phone="923004445555")  # fmt: skip
    assert "shukriya" in roman["text"]
    # The same customer's next order names no language: the one they chose before is kept.
    await place(client, shop, seed, phone="923004445555")
    await wait_for_template(sandbox, shop, "sauda_cod_confirmation_roman", wait_for,
                            phone="923004445555", count=2)  # fmt: skip


async def test_conversation_log_pages_both_directions(
    client: httpx.AsyncClient,
    sandbox: httpx.AsyncClient,
    shop: dict[str, str],
    seed: Any,
    wait_for: Any,
) -> None:
    await place(client, shop, seed)
    [cod] = await wait_for_template(sandbox, shop, "sauda_cod_confirmation", wait_for)
    await tap(sandbox, shop, cod["buttons"][0]["id"])
    await wait_for_template(sandbox, shop, "sauda_order_confirmed", wait_for)
    headers = {"X-API-Key": shop["api_key"]}

    async def logged() -> dict[str, Any] | None:
        got = await client.get("/api/v1/conversations/0300-1234567", headers=headers)
        page = got.json()
        return page if page["total"] == 3 else None

    page = await wait_for(logged, timeout=30, what="three messages in the conversation")
    assert [m["direction"] for m in page["messages"]] == ["outbound", "inbound", "outbound"]
    assert page["messages"][1]["text"] == "Confirm"
    second = await client.get("/api/v1/conversations/923001234567", params={"limit": 1, "offset": 1},
                              headers=headers)  # fmt: skip
    assert [m["direction"] for m in second.json()["messages"]] == ["inbound"]

    async def read() -> bool:
        got = await client.get("/api/v1/conversations/923001234567", headers=headers)
        return got.json()["messages"][-1]["status"] == "read"

    await chat(sandbox, shop)  # the shopper opens the chat: blue ticks
    await wait_for(read, timeout=30, what="the COD message marked read")
