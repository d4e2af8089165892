"""The bot's merchant surface through the gateway's app on a real Postgres, both ways in: the
flows listed; a trigger queues one TriggerBotFlow on the chat's key of whatsapp.inbound.v1
(a retry names the same trigger), only inside the window, an unknown flow 404; the postback
list counts shoppers' taps folded from inbound messages, a replayed message once."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import httpx

from sauda_contracts import Topic
from sauda_contracts.bot_flows import TriggerBotFlow
from sauda_contracts.whatsapp import (
    InboundKind,
    InboundMessageBody,
    InboundMessageReceived,
    chat_key,
    parse_inbound_record,
)
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_runtime.secrets import SecretBox
from sauda_runtime.testing import outbox_rows

from .messaging_flows import SHOPPER, connect, fold, shopper_wrote

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
BASE = "/api/v1/whatsapp"


async def triggers(pool: asyncpg.Pool) -> list[tuple[bytes, TriggerBotFlow]]:
    rows = await outbox_rows(pool, Topic.WHATSAPP_INBOUND.value)
    found = [(bytes(r["key"]), parse_inbound_record(r["value"])) for r in rows]
    return [(k, t) for k, t in found if isinstance(t, TriggerBotFlow)]


def tap(business: Business, number: str, reply_id: str, title: str, *, wamid: str | None = None,
        at: datetime | None = None, kind: InboundKind = InboundKind.BUTTON_REPLY,
        ) -> InboundMessageReceived:  # fmt: skip
    at = at or datetime.now(UTC)
    return InboundMessageReceived(
        event_id=uuid4(), occurred_at=at, business_id=business.business_id, correlation_id="t",
        body=InboundMessageBody(phone_number_id=number, customer_phone=SHOPPER,
                                wamid=wamid or f"wamid.T{uuid4().hex}", sent_at=at, kind=kind,
                                meta_type="interactive", text=title, reply_id=reply_id),
    )  # fmt: skip


async def test_a_trigger_queues_one_flow_start_for_the_chat_only_inside_the_window(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    number = await connect(pool, shop, box)
    headers = {"X-API-Key": key, "Idempotency-Key": "start-1"}
    async with api() as http:
        flows = await http.get(f"{BASE}/bot-flows", headers={"X-API-Key": key})
        outside = await http.post(f"{BASE}/subscribers/{SHOPPER}/bot-flows/order", headers=headers)
        await shopper_wrote(pool, shop, number)
        first = await http.post(f"{BASE}/subscribers/{SHOPPER}/bot-flows/order", headers=headers)
        again = await http.post(f"{BASE}/subscribers/{SHOPPER}/bot-flows/order", headers=headers)
        unknown = await http.post(f"{BASE}/subscribers/{SHOPPER}/bot-flows/welcome-2",
                                  headers=headers)  # fmt: skip
        wabotick = await http.post(f"{BASE}/trigger-bot", data={
            "apiToken": key, "phone_number_id": number, "bot_flow_unique_id": "menu",
            "phone_number": f"+{SHOPPER}"})  # fmt: skip
        wabotick_unknown = await http.post(f"{BASE}/trigger-bot", data={
            "apiToken": key, "phone_number_id": number, "bot_flow_unique_id": "nope",
            "phone_number": SHOPPER})  # fmt: skip

    assert [f["flow_id"] for f in flows.json()["data"]] == ["order", "menu"]
    assert outside.status_code == 409 and outside.json()["code"] == "outside_customer_window"
    assert outside.json()["field"] == "chat_id"
    assert first.status_code == 202, first.text
    assert first.json()["flow_id"] == "order" and first.json()["customer_phone"] == SHOPPER
    assert again.json()["trigger_id"] == first.json()["trigger_id"]
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (
        404, "unknown_bot_flow", "flow_id")  # fmt: skip
    assert wabotick.status_code == 200, wabotick.text
    assert wabotick.json() == {"status": "1", "message": "Bot has been trigger successfully."}
    assert (wabotick_unknown.status_code, wabotick_unknown.json()["status"],
            wabotick_unknown.json()["code"], wabotick_unknown.json()["field"]) == (
        404, "0", "unknown_bot_flow", "bot_flow_unique_id")  # fmt: skip
    queued = await triggers(pool)
    assert [(t.body.flow_id, t.body.customer_phone, t.body.phone_number_id) for _, t in queued] == [
        ("order", SHOPPER, number), ("order", SHOPPER, number), ("menu", SHOPPER, number)]  # fmt: skip
    assert all(k == chat_key(shop.business_id, SHOPPER) for k, _ in queued)
    # The retry carries the same trigger: the conversation service acts on it once.
    assert queued[0][1].body.trigger_id == queued[1][1].body.trigger_id
    assert queued[0][1].event_id == queued[1][1].event_id


async def test_the_postback_list_counts_taps_once_per_inbound_message_per_business(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    other, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    number = await connect(pool, shop, box)
    their_number = await connect(pool, other, box)
    earlier = datetime.now(UTC) - timedelta(minutes=5)
    checkout = tap(shop, number, "cart:checkout", "Checkout", wamid="wamid.CHK1", at=earlier)
    await fold(pool, [
        checkout, tap(shop, number, "cart:checkout", "Checkout"),
        tap(shop, number, "product:7f1c9d5e-0000-4000-8000-000000000001", "Kashmiri chai",
            kind=InboundKind.LIST_REPLY),
        tap(shop, number, "cod:confirm:7f1c9d5e-0000-4000-8000-000000000002:WA-000001",
            "Confirm", kind=InboundKind.BUTTON),
        tap(shop, number, "paid-by-card", "Card"),
        tap(other, their_number, "paid-by-card", "Card"),
    ])  # fmt: skip
    await fold(pool, [checkout])  # redelivered: the same message
    async with api() as http:
        rest = await http.get(f"{BASE}/postbacks", headers={"X-API-Key": key})
        theirs = await http.get(f"{BASE}/postbacks", headers={"X-API-Key": other_key})
        wabotick = await http.post(f"{BASE}/get/post-back-list",
                                   data={"apiToken": key, "phone_number_id": number})  # fmt: skip

    counts = {p["postback_id"]: (p["taps"], p["bot_name"]) for p in rest.json()["data"]}
    assert counts["cart:checkout"] == (2, "Cart: Checkout")
    assert counts["product"] == (1, "Product list: a product")
    assert counts["cod:confirm"] == (1, "COD confirmation: Confirm")
    assert counts["paid-by-card"] == (1, None)  # the merchant's own button
    assert counts["flow:menu"] == (0, "Welcome: Order now")  # the bot's, never tapped yet
    by_id = {p["postback_id"]: p for p in rest.json()["data"]}
    assert by_id["product"]["title"] == "Kashmiri chai"
    assert by_id["flow:menu"]["last_tapped_at"] is None
    assert by_id["cart:checkout"]["last_tapped_at"] > earlier.isoformat()
    assert {p["postback_id"]: p["taps"] for p in theirs.json()["data"]}["paid-by-card"] == 1
    assert {p["postback_id"]: p["taps"] for p in theirs.json()["data"]}["cart:checkout"] == 0
    assert wabotick.status_code == 200 and wabotick.json()["status"] == "1"
    rows = {r["postback_id"]: r for r in wabotick.json()["message"]}
    cod = rows["cod:confirm"]
    assert (cod["is_template"], cod["use_status"], cod["status"], cod["taps"]) == ("1", "1", "1", 1)
    assert cod["whatsapp_bot_id"] == number and cod["google_sheet_ids"] is None
    assert rows["flow:menu"]["use_status"] == "0" and rows["flow:menu"]["updated_at"] is None
    assert len(rows["cart:checkout"]["updated_at"]) == len("2024-07-14 05:25:55")
