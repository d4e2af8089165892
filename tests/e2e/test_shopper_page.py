"""A person plays the shopper on the sandbox's chat page, in Debian's Chromium, and confirms an
order by clicking: the order moves in Sauda and the confirmation shows on the page."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from playwright.async_api import expect

from sauda_sandbox.testing import chromium_page


async def test_shopper_confirms_an_order_by_clicking_on_the_chat_page(
    client: httpx.AsyncClient, stack: Any, seed: Any, wait_for: Any,
    make_business: Callable[..., Awaitable[dict[str, str]]],
) -> None:  # fmt: skip
    shop = await make_business(whatsapp=True)
    headers = {"X-API-Key": shop["api_key"]}
    created = await client.post("/api/v1/events/ingest", json=seed(), headers=headers)
    assert created.status_code in (201, 202), created.text  # 202: the ledger answers shortly
    order = created.json()
    number = shop["whatsapp_phone_number_id"]

    async with chromium_page() as page:
        await page.goto(f"{stack.sandbox_url}/sandbox/?number={number}&phone=923001234567")
        cod = page.locator('[data-testid="message"][data-direction="to_shopper"]').filter(
            has_text=order["order_number"]
        )
        await expect(cod).to_have_count(1, timeout=45_000)
        await cod.locator('[data-testid="reply-button"]', has_text="Confirm").click()

        async def confirmed() -> dict[str, Any] | None:
            got = (await client.get(f"/api/v1/orders/{order['order_id']}", headers=headers)).json()
            return got if got["status"] == "confirmed" else None

        detail = await wait_for(confirmed, timeout=45, what="the order confirmed by the click")
        assert detail["history"][-1]["actor"] == "customer"
        thanks = page.locator('[data-testid="message"][data-direction="to_shopper"]').filter(
            has_text="is confirmed"
        )
        await expect(thanks).to_have_count(1, timeout=45_000)
