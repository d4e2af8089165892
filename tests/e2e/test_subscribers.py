"""The subscriber CRM end to end: real gateway, conversation, notifier, ledger and sandbox
processes over real Kafka and Postgres. A shopper writes in the sandbox and becomes a
subscriber; the merchant labels them, sets a custom field, adds a note and assigns the chat to
a staff member (both ways in), lists by label, resets their chat-ordering flow mid-cart (the
next message finds an empty cart), and deletes them (the chat history stays)."""

import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson
import pytest

from .test_chat_orders import Shopper

PRODUCTS = [
    {"name": "Olpers Milk 1L", "price": 330, "aliases": ["doodh", "milk"]},
    {"name": "Guard Basmati Rice 5kg", "price": 2400, "aliases": ["chawal", "rice"]},
]
W = "/api/v1/whatsapp"


async def staff_user(business_id: str, email: str) -> str:
    """A dashboard user of the business, as the operator creates one (`sauda user create`)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sauda_cli", "user", "create", "--business", business_id,
        "--email", email, "--role", "staff", "--password-stdin",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate(b"correct horse battery\n")
    assert proc.returncode == 0, err.decode()
    return str(orjson.loads(out)["user_id"])


@pytest.fixture
async def shopper(
    make_business: Callable[..., Awaitable[dict[str, str]]],
    client: httpx.AsyncClient,
    sandbox: httpx.AsyncClient,
    wait_for: Any,
) -> Shopper:
    business = await make_business(whatsapp=True)
    for product in PRODUCTS:
        added = await client.post("/api/v1/products", json={"currency": "PKR", **product},
                                  headers={"X-API-Key": business["api_key"]})  # fmt: skip
        assert added.status_code == 201, added.text
    return Shopper(business, client, sandbox, wait_for, phone="923001114455")


async def test_a_shopper_becomes_a_subscriber_the_merchant_manages_and_resets(
    shopper: Shopper, make_business: Callable[..., Awaitable[dict[str, str]]]
) -> None:
    api, key, phone = shopper.api, shopper.business["api_key"], shopper.phone
    number = shopper.business["whatsapp_phone_number_id"]
    form = {"apiToken": key, "phone_number_id": number, "phone_number": phone}
    h = {"X-API-Key": key}

    [products] = await shopper.says("I want to order")
    assert products["list"], products

    async def subscribed() -> dict[str, Any] | None:
        got = await api.get(f"{W}/subscribers/{phone}", headers=h)
        return got.json() if got.status_code == 200 else None

    found = await shopper.wait_for(subscribed, timeout=45, what="the shopper as a subscriber")
    assert (found["first_name"], found["source"], found["labels"]) == ("Ayesha", "inbound", [])

    # Labels, a custom field, a note and a team member: Wabotick's forms and Sauda's REST.
    created = await api.post(f"{W}/label/create", data=form | {"label_name": "Repeat buyer"})
    assert created.json()["status"] == "1", created.text
    [label] = (await api.post(f"{W}/label/list", data=form)).json()["message"]
    other = await api.post(f"{W}/labels", headers=h, json={"name": "Wholesale"})
    assert other.status_code == 201, other.text
    assigned = await api.post(f"{W}/subscriber/chat/assign-labels",
                              data=form | {"label_ids": str(label["id"])})  # fmt: skip
    assert assigned.json()["status"] == "1", assigned.text
    field = await api.post(f"{W}/subscribers/custom-fields", headers=h,
                           json={"name": "city", "reply_type": "text"})  # fmt: skip
    assert field.status_code == 201, field.text
    valued = await api.post(f"{W}/subscriber/chat/assign-custom-fields",
                            data=form | {"custom_fields": '{"city": "Karachi"}'})  # fmt: skip
    assert valued.json()["status"] == "1", valued.text
    noted = await api.post(f"{W}/subscribers/{phone}/notes", headers=h,
                           json={"text": "Asked about bulk rice"})  # fmt: skip
    assert noted.status_code == 201, noted.text
    staff = await staff_user(shopper.business["business_id"], f"s-{uuid.uuid4().hex[:8]}@shop.pk")
    elsewhere = await make_business()
    outsider = await staff_user(elsewhere["business_id"], f"o-{uuid.uuid4().hex[:8]}@shop.pk")
    refused = await api.post(f"{W}/subscriber/chat/assign-to-team-member",
                             data=form | {"team_member_id": outsider})  # fmt: skip
    assert refused.status_code == 404 and refused.json()["field"] == "team_member_id"
    agent = await api.post(f"{W}/subscriber/chat/assign-to-team-member",
                           data=form | {"team_member_id": staff})  # fmt: skip
    assert agent.json() == {"status": "1", "message": "Successfully Assign Agent to Conversation."}

    profile = (await api.post(f"{W}/subscriber/get", data=form)).json()["data"]
    assert profile["labels"] == ["Repeat buyer"]
    assert profile["custom_fields"] == {"city": "Karachi"}
    assert [n["note_text"] for n in profile["notes"]] == ["Asked about bulk rice"]
    assert profile["assigned_user_id"] == staff

    by_label = await api.post(f"{W}/subscriber/list", data={
        "apiToken": key, "phone_number_id": number, "label_id": str(label["id"])})  # fmt: skip
    assert [s["chat_id"] for s in by_label.json()["message"]] == [phone]
    wholesale = (await api.get(f"{W}/subscribers", headers=h,
                               params={"label_id": other.json()["label_id"]})).json()  # fmt: skip
    assert wholesale["items"] == [] and wholesale["total"] == 0

    # Mid-cart, the merchant resets the flow: the shopper's next message finds it empty.
    [more] = await shopper.adds("Olpers Milk 1L", "2")
    assert "2 × Olpers Milk 1L" in more["text"]
    reset = await api.post(f"{W}/subscriber/reset/user-input-flow", data=form)
    assert reset.json() == {"status": "1", "message": "Reset User Input Flow successfully."}
    [cart] = await shopper.says("cart")
    assert cart["text"].startswith("Your cart is empty."), cart["text"]

    deleted = await api.delete(f"{W}/subscribers/{phone}", headers=h)
    assert deleted.status_code == 204
    gone = await api.post(f"{W}/subscriber/get", data=form)
    assert gone.status_code == 404 and gone.json()["status"] == "0"
    history = (await api.get(f"/api/v1/conversations/{phone}", headers=h)).json()
    assert any(m["direction"] == "inbound" for m in history["messages"])  # the log is kept
