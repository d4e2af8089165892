"""Product import progress in Debian's Chromium against the real stack, at phone and desktop
width: an import started from the Products page shows its progress bar advance while the fake
store (on loopback) holds its last pages, still runs when the page is reopened, then ends with its
counts, the new products and the skipped pages listed; a store that does not answer ends the
import with its message. axe-core finds no serious violation on the way."""

import threading

import pytest
from playwright.async_api import Page, expect

from sauda_gateway.testing import held_site, serving

from .dashboard import Business, Stack, accessible, sign_in, user

pytestmark = pytest.mark.usefixtures("built_dashboard")

PAGES, HELD, BROKEN = 30, 4, 3  # product pages; the last HELD wait for the test, BROKEN are 500s
TOTAL = 4 + PAGES  # the Shopify and WooCommerce probes, robots.txt and the sitemap come first


async def test_product_import_progress(
    stack: Stack, business: Business, page: Page, width: dict[str, int]
) -> None:
    await sign_in(page, stack, await user(business), width)
    await page.get_by_test_id("nav-products").click()
    hold = threading.Event()
    try:
        with serving(held_site(PAGES, held=HELD, broken=BROKEN, hold=hold)) as store:
            await page.get_by_test_id("import-url").fill(store.url)
            await page.get_by_test_id("import-start").click()
            # Every page but the held ones read: the bar stands between nothing and all.
            bar = page.get_by_role("progressbar", name="Import progress")
            await expect(bar).to_have_attribute("aria-valuemax", str(TOTAL))
            await expect(bar).to_have_attribute("aria-valuenow", str(TOTAL - HELD))
            pages_read = page.get_by_test_id("import-pages")
            await expect(pages_read).to_have_text(f"{TOTAL - HELD} of {TOTAL} pages read")
            await expect(page.get_by_test_id("import-start")).to_be_disabled()
            await accessible(page)

            await page.reload()  # reopened while it runs, the page shows it running
            await expect(pages_read).to_have_text(f"{TOTAL - HELD} of {TOTAL} pages read")
            hold.set()
            report = page.get_by_test_id("import-report")
            await expect(report).to_contain_text(f"Imported: {PAGES - BROKEN} new, 0 updated.")
            await expect(report).to_contain_text(f"{TOTAL} pages read")
        await expect(bar).to_have_count(0)
        skipped = page.get_by_test_id("import-skipped").locator("li")
        await expect(skipped).to_have_count(BROKEN)
        for n in range(PAGES - HELD - BROKEN, PAGES - HELD):
            await expect(skipped.filter(has_text=f"{store.url}/products/p{n}")).to_contain_text(
                "HTTP 500"
            )
        await expect(page.get_by_test_id("product")).to_have_count(PAGES - BROKEN)
        await expect(page.get_by_test_id("import-start")).to_be_enabled()
        await accessible(page)
    finally:
        hold.set()

    await page.get_by_test_id("import-url").fill("http://127.0.0.1:9/")  # nothing listens there
    await page.get_by_test_id("import-start").click()
    failed = page.get_by_test_id("import-failed")
    await expect(failed).to_contain_text("The import failed: http://127.0.0.1:9 did not answer")
    await expect(page.get_by_test_id("import-report")).to_have_count(0)
    await accessible(page)
