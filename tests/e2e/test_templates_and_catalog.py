"""Templates and the WhatsApp catalog through the messaging API, end to end: real gateway,
notifier, conversation, ledger and sandbox processes over real Kafka and Postgres.

A merchant creates a template (Sauda's REST); Meta (the sandbox) holds it PENDING, approves it,
and the template list shows each state; a definition Meta refuses ends the request failed with
Meta's error; a template made at Meta outside Sauda appears after a sync, and a second sync
changes nothing. A shopper orders in the chat; the order is in Wabotick's catalog/order/list;
status-change moves it through the ledger's FSM (the orders API sees it, by the merchant) and a
move the FSM forbids is refused."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from .conftest import Shop
from .test_chat_orders import Shopper, open_store, placed_and_cod  # noqa: F401 (a fixture)

BODY = "Hi {{1}}, your order {{2}} is on its way."


async def meta_number(shop: Shop) -> dict[str, Any]:
    got = await shop.sandbox.get(f"/sandbox/numbers/{shop.number}")
    assert got.status_code == 200, got.text
    return got.json()  # type: ignore[no-any-return]


async def at_meta(shop: Shop, name: str) -> list[dict[str, Any]]:
    """The WABA's templates named `name`, as a Graph client lists them."""
    number = await meta_number(shop)
    listed = await shop.sandbox.get(
        f"/v21.0/{number['waba_id']}/message_templates",
        params={"name": name, "fields": "id,name,language,status,category"},
        headers={"Authorization": f"Bearer {number['access_token']}"},
    )
    assert listed.status_code == 200, listed.text
    return [t for t in listed.json()["data"] if t["name"] == name]


async def request_ends(shop: Shop, request_id: str) -> dict[str, Any]:
    async def ended() -> dict[str, Any] | None:
        got = await shop.get(f"/api/v1/whatsapp/templates/requests/{request_id}")
        return got if got["status"] != "queued" else None

    return await shop.wait_for(ended, timeout=45, what=f"template request {request_id}")  # type: ignore[no-any-return]


async def listed_as(shop: Shop, name: str, status: str) -> dict[str, Any]:
    async def shown() -> dict[str, Any] | None:
        page = await shop.get("/api/v1/whatsapp/templates")
        return next((t for t in page["templates"]
                     if t["name"] == name and t["status"] == status), None)  # fmt: skip

    return await shop.wait_for(shown, timeout=45, what=f"{name} {status} in the list")  # type: ignore[no-any-return]


async def test_a_template_created_through_sauda_is_reviewed_by_meta_and_listed(
    shop: Shop,
) -> None:
    definition = {"name": "order_update", "language": "en", "category": "UTILITY",
                  "components": [{"type": "BODY", "text": BODY},
                                 {"type": "BUTTONS",
                                  "buttons": [{"type": "QUICK_REPLY", "text": "Track"}]}]}  # fmt: skip
    made = await shop.api.post("/api/v1/whatsapp/templates", json=definition,
                               headers=shop.headers)  # fmt: skip
    assert made.status_code == 202, made.text
    done = await request_ends(shop, made.json()["request_id"])
    assert (done["status"], done["error"]) == ("done", None)
    [meta] = await at_meta(shop, "order_update")
    assert (meta["id"], meta["status"], meta["category"]) == (done["template_id"], "PENDING",
                                                              "UTILITY")  # fmt: skip
    pending = await listed_as(shop, "order_update", "PENDING")
    assert pending["template_id"] == done["template_id"]

    # The same name and language again: a duplicate, refused before Meta is asked.
    again = await shop.api.post("/api/v1/whatsapp/templates", json=definition,
                                headers=shop.headers)  # fmt: skip
    assert (again.status_code, again.json()["code"]) == (409, "template_exists")
    assert len(await at_meta(shop, "order_update")) == 1

    # Meta approves it: the list (both ways in) says so.
    waba = (await meta_number(shop))["waba_id"]
    approved = await shop.sandbox.post(f"/sandbox/{waba}/templates/status", json={
        "name": "order_update", "language": "en", "status": "APPROVED"})  # fmt: skip
    assert approved.status_code == 200, approved.text
    await listed_as(shop, "order_update", "APPROVED")
    wabotick = await shop.api.post("/api/v1/whatsapp/template/list", data={
        "apiToken": shop.business["api_key"], "phone_number_id": shop.number})  # fmt: skip
    assert wabotick.status_code == 200, wabotick.text
    [line] = [t for t in wabotick.json()["message"] if t["template_name"] == "order_update"]
    assert (line["status"], line["template_id"]) == ("Approved", done["template_id"])


async def test_meta_refusal_comes_back_as_the_request_outcome(shop: Shop) -> None:
    # A button type Sauda passes on as given, which Meta does not have.
    definition = {"name": "odd_buttons", "language": "en", "category": "MARKETING",
                  "components": [{"type": "BODY", "text": "Sale today"},
                                 {"type": "BUTTONS", "buttons": [{"type": "TELEPORT",
                                                                  "text": "Go"}]}]}  # fmt: skip
    made = await shop.api.post("/api/v1/whatsapp/templates", json=definition,
                               headers=shop.headers)  # fmt: skip
    assert made.status_code == 202, made.text
    failed = await request_ends(shop, made.json()["request_id"])
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "100" and failed["error"]["message"]
    assert await at_meta(shop, "odd_buttons") == []


async def test_a_sync_brings_in_what_changed_at_meta_and_again_changes_nothing(
    shop: Shop,
) -> None:
    number = await meta_number(shop)
    outside = await shop.sandbox.post(
        f"/v21.0/{number['waba_id']}/message_templates",
        json={"name": "made_at_meta", "language": "ur", "category": "MARKETING",
              "components": [{"type": "BODY", "text": "Eid Mubarak!"}]},
        headers={"Authorization": f"Bearer {number['access_token']}"},
    )  # fmt: skip
    assert outside.status_code == 200, outside.text

    synced = await shop.api.post("/api/v1/whatsapp/templates/sync", headers=shop.headers)
    assert synced.status_code == 202, synced.text
    assert (await request_ends(shop, synced.json()["request_id"]))["status"] == "done"
    first = await listed_as(shop, "made_at_meta", "PENDING")
    assert first["template_id"] == outside.json()["id"]

    again = await shop.api.post("/api/v1/whatsapp/templates/sync", headers=shop.headers)
    assert (await request_ends(shop, again.json()["request_id"]))["status"] == "done"
    after = await shop.get("/api/v1/whatsapp/templates")
    [same] = [t for t in after["templates"] if t["name"] == "made_at_meta"]
    assert (same["revision"], same["updated_at"]) == (first["revision"], first["updated_at"])


@pytest.fixture
async def chatting(open_store: Callable[..., Awaitable[Shopper]]) -> Shopper:  # noqa: F811
    """A shopper chatting with a fresh store that has the chat-ordering catalog."""
    return await open_store()


async def test_a_chat_order_is_a_catalog_order_moved_through_the_fsm(chatting: Shopper) -> None:
    shopper = chatting
    await shopper.says("mujhe chai chahiye")
    await shopper.adds("Tapal Danedar Tea 950g", "2")
    await shopper.taps("Checkout")
    placed_and_cod(await shopper.taps("Confirm karein", replies=2))
    order = await shopper.listed()
    key, catalog_id = shopper.business["api_key"], shopper.business["business_id"]

    catalogs = await shopper.api.post("/api/v1/whatsapp/catalog/list", data={"apiToken": key})
    assert catalogs.status_code == 200, catalogs.text
    assert [c["catalog_id"] for c in catalogs.json()["message"]] == [catalog_id]
    listed = await shopper.api.post("/api/v1/whatsapp/catalog/order/list", data={
        "apiToken": key, "whatsapp_catalog_id": catalog_id})  # fmt: skip
    assert listed.status_code == 200, listed.text
    [line] = listed.json()["message"]
    assert (line["order_unique_id"], line["chat_id"], line["cart_total"], line["cart_currency"],
            line["cart_status_raw"]) == (order["order_id"], shopper.phone, 2500.0, "PKR",
                                         "Submitted")  # fmt: skip

    async def change(cart_status: str) -> Any:
        return await shopper.api.post("/api/v1/whatsapp/catalog/order/status-change", data={
            "apiToken": key, "order_unique_id": order["order_id"], "cart_status": cart_status})  # fmt: skip

    async def becomes(status: str) -> dict[str, Any]:
        async def moved() -> dict[str, Any] | None:
            got = await shopper.get(f"/api/v1/orders/{order['order_id']}")
            return got if got["status"] == status else None

        return await shopper.wait_for(moved, timeout=45, what=f"the order {status}")  # type: ignore[no-any-return]

    approved = await change("approved")
    # 200 once the ledger answered; 202 on a machine too busy for it to answer in time.
    assert approved.status_code in (200, 202), approved.text
    assert approved.json()["status"] is True
    detail = await becomes("confirmed")
    assert (detail["history"][-1]["status"], detail["history"][-1]["actor"]) == ("confirmed",
                                                                                 "merchant")  # fmt: skip

    shipped = await shopper.api.post(
        f"/api/v1/whatsapp/catalogs/orders/{order['order_id']}/status",
        json={"cart_status": "shipped"}, headers=shopper.headers,
    )  # fmt: skip
    assert shipped.status_code in (200, 202), shipped.text
    await becomes("shipped")

    # Shipped cannot be declined: the ledger's FSM refuses, and the order stays shipped.
    declined = await change("declined")
    assert declined.status_code == 409, declined.text
    assert (declined.json()["status"], declined.json()["code"]) == ("0", "invalid_transition")
    after = await shopper.api.post("/api/v1/whatsapp/catalog/order/list", data={
        "apiToken": key, "whatsapp_catalog_id": catalog_id})  # fmt: skip
    assert after.json()["message"][0]["cart_status_raw"] == "Shipped"
