"""The merchant's dashboard in Debian's Chromium against the real stack, at phone and desktop
width: sign-in, the status tabs, search, a date range and "Load more", a new order arriving live and its notice, one-click confirm (its delivery address shown) and
cancel with a reason, a store import with its skipped pages, a webhook's secret shown once, an invited staff member kept out of API keys,
another business's order not found, and a write without the CSRF token refused; axe-core finds
no serious violation on the pages they pass through."""

import uuid
from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import Page, expect

from sauda_gateway.testing import jsonld_site, serving

from .dashboard import (
    DESKTOP,
    PASSWORD,
    PHONE,
    Business,
    Place,
    Stack,
    accessible,
    drawn_fonts,
    sign_in,
    user,
)

pytestmark = pytest.mark.usefixtures("built_dashboard")


async def test_sign_in_refuses_a_wrong_password_then_shows_the_status_tabs(
    stack: Stack, business: Business, placed: Place, page: Page,
    width: dict[str, int],
) -> None:  # fmt: skip
    email = await user(business)
    order = await placed(business)
    await page.set_viewport_size(width)  # type: ignore[arg-type]
    await page.goto(f"{stack.gateway_url}/app/orders")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill("not the password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_test_id("sign-in-error")).to_have_text(
        "That email and password do not match. Check them and try again."
    )
    await accessible(page)

    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    rows = page.get_by_test_id("order-row")
    await expect(rows).to_have_count(1)
    await expect(rows.get_by_test_id("order-number")).to_have_text(order["order_number"])
    await expect(rows.get_by_test_id("source-badge")).to_have_text("Website")
    await expect(page.get_by_test_id("tab-pending")).to_have_attribute("aria-selected", "true")
    await expect(page.get_by_test_id("tab-count-pending")).to_have_text("1")
    await expect(page.get_by_test_id("tab-count-confirmed")).to_have_text("0")
    await page.get_by_test_id("tab-confirmed").click()
    await expect(page.get_by_test_id("no-orders")).to_be_visible()
    await accessible(page)

    # Signed out, the orders are behind the sign-in again.
    await page.get_by_test_id("sign-out").click()
    await expect(page.get_by_test_id("sign-in-form")).to_be_visible()
    await page.reload()
    await expect(page.get_by_test_id("sign-in-form")).to_be_visible()


async def test_search_a_date_range_and_load_more(
    stack: Stack, business: Business, placed: Place, page: Page
) -> None:
    orders = [await placed(business) for _ in range(26)]  # one more than a page
    await sign_in(page, stack, await user(business), DESKTOP)
    rows = page.get_by_test_id("order-row")
    await expect(rows).to_have_count(25)
    await page.get_by_test_id("load-more").click()
    await expect(rows).to_have_count(26)
    await expect(page.get_by_test_id("load-more")).to_have_count(0)

    wanted = orders[6]["order_number"]
    await page.get_by_label("Search").fill(wanted)
    await expect(rows).to_have_count(1)
    await expect(rows.get_by_test_id("order-number")).to_have_text(wanted)
    await page.get_by_label("Search").fill("")
    await expect(rows).to_have_count(25)
    await page.get_by_label("To").fill("2020-01-31")
    await expect(page.get_by_test_id("no-orders")).to_be_visible()
    await expect(page.get_by_test_id("tab-count-pending")).to_have_text("0")


async def test_one_click_confirm_and_a_cancel_with_its_reason(
    stack: Stack, business: Business, placed: Place, page: Page
) -> None:
    home = {"address1": "House 5, Street 2", "city": "Lahore", "country": "Pakistan"}
    confirmed, cancelled = await placed(business, delivery_address=home), await placed(business)
    await sign_in(page, stack, await user(business), PHONE)
    row = page.locator(f'[data-testid="order-row"][data-order-id="{confirmed["order_id"]}"]')
    await row.get_by_role("link").click()
    await expect(page.get_by_test_id("detail-number")).to_have_text(
        f"Order {confirmed['order_number']}"
    )
    await expect(page.get_by_test_id("customer-name")).to_have_text("Ayesha Siddiqui")
    await expect(page.get_by_test_id("delivery-address")).to_have_text(
        "House 5, Street 2, Lahore, Pakistan"
    )
    await expect(page.get_by_test_id("item")).to_have_count(1)
    # Only the FSM's next states are offered: no "Mark Delivered" on a pending order.
    await expect(page.get_by_test_id("move-delivered")).to_have_count(0)
    await page.get_by_test_id("move-confirmed").click()
    await expect(page.get_by_test_id("detail-status")).to_have_attribute("data-status", "confirmed")
    entries = page.get_by_test_id("history-entry")
    await expect(entries.first).to_have_attribute("data-status", "confirmed")
    await expect(entries.first).to_contain_text("merchant")
    await expect(page.get_by_test_id("move-shipped")).to_be_visible()
    await accessible(page)

    await page.goto(f"{stack.gateway_url}/app/orders/{cancelled['order_id']}")
    await page.get_by_test_id("cancel-order").click()
    dialog = page.get_by_test_id("cancel-dialog")
    await expect(dialog).to_be_visible()
    await dialog.get_by_label("Why is it cancelled?").fill("Customer ordered twice")
    await dialog.get_by_test_id("cancel-confirm").click()
    await expect(page.get_by_test_id("detail-status")).to_have_attribute("data-status", "cancelled")
    await expect(page.get_by_test_id("history-reason").first).to_have_text("Customer ordered twice")
    await expect(page.get_by_test_id("cancel-order")).to_have_count(0)


async def test_products_imported_from_a_store_with_the_skipped_pages_then_edited(
    stack: Stack, business: Business, page: Page
) -> None:
    await sign_in(page, stack, await user(business), PHONE)
    await page.get_by_test_id("nav-products").click()
    with serving(jsonld_site()) as store:
        await page.get_by_test_id("import-url").fill(store.url)
        await page.get_by_test_id("import-start").click()
        report = page.get_by_test_id("import-report")
        await expect(report).to_contain_text("Imported: 4 new, 0 updated.")
    skipped = page.get_by_test_id("import-skipped").locator("li")
    await expect(skipped).to_have_count(3)
    await expect(page.get_by_test_id("import-skipped")).to_contain_text("HTTP 500")
    await expect(page.get_by_test_id("product")).to_have_count(4)

    mug = page.get_by_test_id("product").filter(has_text="Clay Mug")
    await mug.get_by_test_id("product-stock").uncheck()
    await expect(mug).to_contain_text("Out of stock")
    await page.get_by_test_id("product-name").fill("Doodh Patti Mix")
    await page.get_by_test_id("product-price").fill("450")
    await page.get_by_test_id("product-save").click()
    await expect(page.get_by_test_id("product")).to_have_count(5)
    await page.reload()
    await expect(page.get_by_test_id("product").filter(has_text="Clay Mug")).to_contain_text(
        "Out of stock"
    )
    await expect(page.get_by_test_id("product").filter(has_text="Doodh Patti Mix")).to_contain_text(
        "Rs 450"
    )


async def test_a_webhook_secret_is_shown_once(stack: Stack, business: Business, page: Page) -> None:
    await sign_in(page, stack, await user(business), PHONE)
    await page.get_by_test_id("nav-settings").click()
    await page.get_by_test_id("settings-tab-webhooks").click()
    await page.get_by_label("Endpoint URL").fill(
        f"{stack.gateway_url}/healthz"
    )  # a loopback endpoint that answers
    await page.get_by_test_id("webhook-create").click()
    secret = page.get_by_test_id("webhook-secret")
    await expect(secret).to_be_visible()
    assert len((await secret.inner_text()).strip()) >= 16
    await expect(page.get_by_test_id("webhook-row")).to_have_count(1)

    await page.reload()
    await expect(page.get_by_test_id("webhook-row")).to_have_count(1)
    await expect(page.get_by_test_id("webhook-secret")).to_have_count(0)
    await accessible(page)

    # Urdu is right-to-left, and the choice outlives a reload.
    await page.get_by_test_id("lang").select_option("ur")
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await page.reload()
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.get_by_test_id("nav-settings")).to_contain_text("ترتیبات")
    # ... drawn in Nastaliq (Debian's Noto, installed by deploy/scripts/browser.sh), not boxes.
    assert "Noto Nastaliq Urdu" in await drawn_fonts(page, "nav-settings")


async def test_a_new_order_arrives_live_and_its_notice_is_counted_until_read(
    stack: Stack, business: Business, placed: Place, page: Page
) -> None:
    await sign_in(page, stack, await user(business), DESKTOP)
    await expect(page.get_by_test_id("no-orders")).to_be_visible()
    order = await placed(business)
    # No reload: the stream brings the order, and a screen reader hears about it.
    row = page.locator(f'[data-testid="order-row"][data-order-id="{order["order_id"]}"]')
    await expect(row).to_be_visible()
    await expect(page.get_by_test_id("live-announcement")).to_have_text(
        f"New order {order['order_number']}"
    )
    await expect(page.get_by_test_id("tab-count-pending")).to_have_text("1")
    badge = page.get_by_test_id("unread-count")
    await expect(badge).to_be_visible()

    await page.get_by_test_id("nav-notifications").click()
    new_order = page.locator('[data-testid="notice"][data-kind="new_order"]')
    await expect(new_order).to_contain_text(f"New order {order['order_number']}")
    await page.get_by_test_id("mark-all-read").click()
    await expect(badge).to_have_count(0)
    await page.reload()
    await expect(new_order).to_be_visible()
    await expect(page.get_by_test_id("unread-count")).to_have_count(0)


async def test_an_invited_staff_member_signs_up_and_cannot_open_api_keys(
    stack: Stack, business: Business, page: Page
) -> None:
    await sign_in(page, stack, await user(business), PHONE)
    await page.goto(f"{stack.gateway_url}/app/settings/users")
    staff = f"staff-{uuid.uuid4().hex[:8]}@shop.pk"
    await page.get_by_test_id("invite-email").fill(staff)
    await page.get_by_test_id("invite-role").select_option("staff")
    await page.get_by_test_id("invite-create").click()
    link = (await page.get_by_test_id("invite-link").inner_text()).strip()
    assert link.startswith(f"{stack.gateway_url}/app/invite#"), link
    await page.get_by_test_id("sign-out").click()

    await page.goto(link)
    await expect(page.get_by_test_id("invite-form")).to_contain_text(staff)
    await page.get_by_test_id("invite-password").fill(PASSWORD)
    await page.get_by_test_id("invite-accept").click()
    await expect(page.get_by_test_id("nav")).to_be_visible()
    await page.get_by_test_id("nav-settings").click()
    await expect(page.get_by_test_id("settings-tab-plan")).to_be_visible()
    await expect(page.get_by_test_id("settings-tab-keys")).to_have_count(0)
    await page.goto(f"{stack.gateway_url}/app/settings/keys")
    await expect(page.get_by_test_id("owner-only")).to_have_text(
        "Only the owner can open this. Ask the shop's owner."
    )
    refused = await page.request.get(f"{stack.gateway_url}/api/v1/api-keys")
    assert refused.status == 403 and (await refused.json())["code"] == "owner_only"


async def test_another_business_order_is_not_found_and_a_write_without_csrf_is_refused(
    stack: Stack, business: Business, make_business: Callable[..., Awaitable[Business]],
    placed: Place, page: Page,
) -> None:  # fmt: skip
    theirs = await placed(await make_business())
    ours = await placed(business)
    await sign_in(page, stack, await user(business), DESKTOP)
    await page.goto(f"{stack.gateway_url}/app/orders/{theirs['order_id']}")
    await expect(page.get_by_test_id("not-found")).to_contain_text(
        "This order does not exist in your business."
    )

    move = f"{stack.gateway_url}/api/v1/orders/{ours['order_id']}/status"
    refused = await page.request.patch(move, data={"status": "confirmed"})
    assert refused.status == 403 and (await refused.json())["code"] == "csrf_failed"
    await page.goto(f"{stack.gateway_url}/app/orders/{ours['order_id']}")
    await expect(page.get_by_test_id("detail-status")).to_have_attribute("data-status", "pending")
