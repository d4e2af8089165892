"""The dashboard as a merchant and their shopper see it: a one-click confirm reaches the shopper's
WhatsApp chat (the sandbox's page), and every page at phone and desktop width, saved as the
screenshots in docs/screenshots (`make screenshots`; in a test run, into a temporary folder)."""

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from .conftest import SHOPPER, Shop
from .dashboard import DESKTOP, PHONE, Stack, sign_in, user

pytestmark = pytest.mark.usefixtures("built_dashboard")
# Each page: its path under /app (None: an order's detail), and what shows once it has loaded.
PAGES = {"orders": ("/orders", "order-row"), "order-detail": (None, "detail-number"),
         "notifications": ("/notifications", "notice"), "products": ("/products", "product"),
         "analytics": ("/analytics", "analytics-cards"), "profile": ("/profile", "password-form")}  # fmt: skip
SETTINGS = {"keys": "settings-tab-keys", "webhooks": "webhook-row", "plan": "settings-tab-plan",
            "users": "invite-email", "whatsapp": "template-row"}  # fmt: skip
PAGES |= {f"settings-{tab}": (f"/settings/{tab}", shown) for tab, shown in SETTINGS.items()}


async def test_a_confirm_in_the_dashboard_reaches_the_shoppers_whatsapp_chat(
    stack: Stack, open_shop: Any, page: Page
) -> None:
    shop: Shop = await open_shop()
    order = await shop.place()
    await shop.arrived("sauda_cod_confirmation")
    await sign_in(page, stack, await user(shop.business), PHONE)
    await page.goto(f"{stack.gateway_url}/app/orders/{order['order_id']}")
    await page.get_by_test_id("move-confirmed").click()
    await expect(page.get_by_test_id("detail-status")).to_have_attribute("data-status", "confirmed")

    await page.goto(f"{stack.sandbox_url}/sandbox/?number={shop.number}&phone={SHOPPER}")
    to_shopper = page.locator('[data-testid="message"][data-direction="to_shopper"]')
    thanks = to_shopper.filter(has_text=f"Your order {order['order_number']}").filter(
        has_text="is confirmed"
    )
    await expect(thanks).to_have_count(1, timeout=45_000)


def screenshot_folder(tmp_path: Path) -> Path:
    """docs/screenshots under `make screenshots` (SAUDA_SCREENSHOTS), else this test's own."""
    folder = Path(os.environ.get("SAUDA_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def a_busy_shop(shop: Shop, endpoint: str) -> dict[str, Any]:
    """Orders in several states, products, a webhook endpoint: pages with something on them."""
    orders = [await shop.place(name=name) for name in ("Ayesha Siddiqui", "Bilal Ahmed", "Sana")]
    await shop.move(orders[1], "confirmed", "shipped")
    for product in ({"name": "Lawn suit 3-piece", "price": 4500, "currency": "PKR"},
                    {"name": "Khussa, gold", "price": 2200, "currency": "PKR", "in_stock": False}):  # fmt: skip
        made = await shop.api.post("/api/v1/products", json=product, headers=shop.headers)
        assert made.status_code == 201, made.text
    hook = {"url": endpoint, "events": ["order_created"]}
    assert (await shop.api.post("/api/v1/webhooks", json=hook, headers=shop.headers)).is_success
    await shop.arrived("sauda_cod_confirmation", count=1)
    return orders[0]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_every_page_at_phone_and_desktop_width_as_a_screenshot(
    stack: Stack, open_shop: Any, page: Page, size: dict[str, int], tmp_path: Path
) -> None:
    folder, width = screenshot_folder(tmp_path), "phone" if size is PHONE else "desktop"
    whole = size is DESKTOP  # a phone's shot is its screen, with the navigation at the bottom
    shop: Shop = await open_shop()
    order = await a_busy_shop(shop, f"{stack.gateway_url}/healthz")
    await page.set_viewport_size(size)  # type: ignore[arg-type]
    await page.goto(f"{stack.gateway_url}/app/")
    await expect(page.get_by_test_id("sign-in-form")).to_be_visible()
    shots = [folder / f"sign-in-{width}.png"]
    await page.screenshot(path=shots[0], full_page=whole)

    await sign_in(page, stack, await user(shop.business), size)
    for name, (path, shown) in PAGES.items():
        await page.goto(f"{stack.gateway_url}/app{path or '/orders/' + order['order_id']}")
        await expect(page.get_by_test_id(shown).first).to_be_visible()
        shots.append(folder / f"{name}-{width}.png")
        await page.screenshot(path=shots[-1], full_page=whole)
    assert all(shot.stat().st_size > 5_000 for shot in shots), shots
