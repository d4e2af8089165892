"""The shopper chat page in Debian's Chromium: tapping quick replies and picking list rows sends webhooks."""

import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Page, expect

from sauda_sandbox.testing import Env, chromium_page, order_template

SHOPPER = "919812345678"


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with chromium_page() as opened:
        opened.set_default_timeout(10_000)
        yield opened


async def test_shopper_confirms_a_template_order(env: Env, page: Page) -> None:
    number = await env.number()
    await env.template(
        number,
        "order_confirm",
        "Hi {{1}}, confirm order {{2}}?",
        buttons=["Confirm", "Cancel"],
    )
    sent = await env.send(number, order_template(SHOPPER, name="order_confirm"))
    assert sent.status_code == 200, sent.text
    template_id = sent.json()["messages"][0]["id"]

    await page.goto(f"{env.url}/sandbox/?number={number['phone_number_id']}&phone={SHOPPER}")
    business = page.locator('[data-testid="message"][data-direction="to_shopper"]')
    await expect(business).to_have_count(1)
    await expect(business.locator('[data-testid="message-text"]')).to_have_text(
        "Hi Asha, confirm order #1042?"
    )
    # The page viewed the chat: the business message turns read (blue ticks).
    await expect(business.locator('[data-testid="status"]')).to_have_attribute(
        "data-status", "read"
    )

    await page.locator('[data-testid="reply-button"][data-button-id="CONFIRM_1042"]').click()

    def button_reply() -> Any:
        return [
            m for r in env.receiver.inbound() for m in r.value["messages"] if m["type"] == "button"
        ]

    [inbound] = await env.receiver.wait_for(button_reply, what="the Confirm tap")
    assert inbound["button"] == {"text": "Confirm", "payload": "CONFIRM_1042"}
    assert inbound["context"] == {"from": number["display_phone_number"], "id": template_id}
    assert env.receiver.bad_signatures == 0
    reply = page.locator('[data-testid="message"][data-direction="from_shopper"]')
    await expect(reply).to_have_count(1)
    await expect(reply.locator('[data-testid="message-text"]')).to_have_text("Confirm")
    await expect(page.locator('[data-testid="window"]')).to_have_attribute("data-open", "true")


async def test_shopper_types_then_picks_a_list_row(env: Env, page: Page) -> None:
    number = await env.number()
    await page.goto(f"{env.url}/sandbox/")
    await page.locator('[data-testid="number-select"]').select_option(number["phone_number_id"])
    await page.locator('[data-testid="shopper-phone"]').fill(f"+{SHOPPER}")
    await page.locator('[data-testid="open-chat"]').click()
    await page.locator('[data-testid="composer"]').fill("menu please")
    await page.locator('[data-testid="send"]').click()
    [hello] = await env.receiver.wait_for(env.receiver.inbound, what="the typed message")
    assert hello.value["messages"][0]["text"] == {"body": "menu please"}

    listed = await env.send(
        number,
        {
            "to": SHOPPER,
            "type": "interactive",
            "interactive": {
                "type": "list",
                "body": {"text": "What would you like?"},
                "action": {
                    "button": "Browse",
                    "sections": [
                        {
                            "title": "Staples",
                            "rows": [
                                {"id": "rice_5kg", "title": "Rice 5 kg", "description": "₹450"},
                                {"id": "dal_1kg", "title": "Toor dal 1 kg"},
                            ],
                        },
                        {"title": "Snacks", "rows": [{"id": "chips", "title": "Chips"}]},
                    ],
                },
            },
        },
    )
    assert listed.status_code == 200, listed.text
    list_id = listed.json()["messages"][0]["id"]

    await page.locator('[data-testid="list-open"]').click()
    await page.locator('[data-testid="list-row"][data-row-id="rice_5kg"]').click()

    def list_reply() -> Any:
        return [
            m
            for r in env.receiver.inbound()
            for m in r.value["messages"]
            if m["type"] == "interactive"
        ]

    [picked] = await env.receiver.wait_for(list_reply, what="the list pick")
    assert picked["interactive"] == {
        "type": "list_reply",
        "list_reply": {"id": "rice_5kg", "title": "Rice 5 kg", "description": "₹450"},
    }
    assert picked["context"]["id"] == list_id
    replies = page.locator('[data-testid="message"][data-direction="from_shopper"]')
    await expect(replies).to_have_count(2)
    await expect(replies.nth(1).locator('[data-testid="message-text"]')).to_have_text("Rice 5 kg")
    await expect(page.locator('[data-testid="list-sheet"]')).to_be_hidden()


def png() -> bytes:
    """A real 2×2 PNG, so the page's <img> must decode it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\xff\x00\x00" * 2 + b"\x00" + b"\x00\x00\xff" * 2)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def test_a_username_shopper_sees_a_picture_and_a_file(env: Env, page: Page) -> None:
    number = await env.number()
    auth = {"Authorization": f"Bearer {number['access_token']}"}
    await page.goto(f"{env.url}/sandbox/?number={number['phone_number_id']}")
    await page.locator('[data-testid="shopper-phone"]').fill("@meera")
    await page.locator('[data-testid="shopper-name"]').fill("Meera")
    await page.locator('[data-testid="open-chat"]').click()
    await page.locator('[data-testid="composer"]').fill("do you have it in red?")
    await page.locator('[data-testid="send"]').click()
    [inbound] = await env.receiver.wait_for(env.receiver.inbound, what="the username's text")
    [contact] = inbound.value["contacts"]
    assert contact["profile"] == {"name": "Meera", "username": "@meera"} and "wa_id" not in contact
    user_id = contact["user_id"]
    await expect(page.locator('[data-testid="chat-title"]')).to_contain_text("@meera")

    uploaded = await env.http.post(
        f"/v25.0/{number['phone_number_id']}/media",
        headers=auth,
        data={"messaging_product": "whatsapp", "type": "image/png"},
        files={"file": ("red.png", png(), "image/png")},
    )
    assert uploaded.status_code == 200, uploaded.text
    for body in (
        {"type": "image", "image": {"id": uploaded.json()["id"], "caption": "In red"}},
        {"type": "document", "document": {"id": uploaded.json()["id"], "filename": "red.png"}},
    ):
        sent = await env.send(number, {"recipient": user_id, **body})
        assert sent.status_code == 200, sent.text

    image = page.locator('[data-testid="media-image"]')
    await expect(image).to_have_count(1)
    assert await image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 2
    business = page.locator('[data-testid="message"][data-direction="to_shopper"]')
    await expect(business.first.locator('[data-testid="message-text"]')).to_have_text("In red")
    # A PNG is no document: Meta fails it with 131053, and the page shows the failure.
    await expect(business.nth(1).locator('[data-testid="status"]')).to_have_attribute(
        "data-status", "failed"
    )
    await expect(business.nth(1).locator('[data-testid="media"]')).to_contain_text(
        "could not be sent"
    )
