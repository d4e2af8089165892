"""Settings → WhatsApp's templates in Debian's Chromium against the real stack, at phone and
desktop width: the owner sees Sauda's templates with Meta's approval state soon after the number
is connected; the sandbox (as Meta) rejects one with a reason and the page shows it rejected with
the reason without a reload, and the notifications page shows the "template not approved"
notice; staff see the templates but not the connection. axe-core finds no serious violation."""

from typing import Any

import pytest
from playwright.async_api import Page, expect

from sauda_contracts import Language
from sauda_contracts.templates import TEMPLATES

from .conftest import Shop
from .dashboard import PHONE, Stack, accessible, sign_in, user

pytestmark = pytest.mark.usefixtures("built_dashboard")
SAUDA_TEMPLATES = len(TEMPLATES) * len(Language)  # each purpose in English, Urdu, Roman Urdu


def template(page: Page, name: str, language: str) -> Any:
    return page.locator(
        f'[data-testid="template-row"][data-name="{name}"][data-language="{language}"]'
    )


async def open_whatsapp_settings(page: Page) -> None:
    await page.get_by_test_id("nav-settings").click()
    await page.get_by_test_id("settings-tab-whatsapp").click()


async def test_the_owner_sees_the_templates_and_a_rejection_arrives_live_with_its_reason(
    stack: Stack, open_shop: Any, page: Page, width: dict[str, int]
) -> None:
    shop: Shop = await open_shop()
    await sign_in(page, stack, await user(shop.business), width)
    await open_whatsapp_settings(page)
    await expect(page.get_by_test_id("whatsapp-number")).to_be_visible()  # the owner's connection
    rows = page.get_by_test_id("template-row")
    await expect(rows).to_have_count(SAUDA_TEMPLATES)
    await expect(
        page.locator('[data-testid="template-row"][data-status="APPROVED"]')
    ).to_have_count(SAUDA_TEMPLATES)
    shipped = template(page, "sauda_order_shipped", "en")
    await expect(shipped.get_by_test_id("template-status")).to_have_text("Approved")
    await expect(shipped.get_by_test_id("template-reason")).to_have_text("—")
    await expect(
        template(page, "sauda_order_shipped", "ur").get_by_test_id("template-language")
    ).to_have_text("ur")
    await accessible(page)

    # Meta (the sandbox) rejects one; the page was not reloaded if this mark survives.
    await page.evaluate("window.__sameDocument = true")
    rejected = await shop.sandbox.post(
        f"/sandbox/{shop.business['waba_id']}/templates/status",
        json={"name": "sauda_order_shipped", "language": "en", "status": "REJECTED",
              "reason": "INVALID_FORMAT"},
    )  # fmt: skip
    assert rejected.status_code == 200, rejected.text
    await expect(shipped).to_have_attribute("data-status", "REJECTED")
    await expect(shipped.get_by_test_id("template-status")).to_have_text("Rejected")
    await expect(shipped.get_by_test_id("template-reason")).to_have_text("INVALID_FORMAT")
    await expect(page.get_by_test_id("templates-announcement")).to_have_text(
        "Template sauda_order_shipped (en) is now Rejected."
    )
    assert await page.evaluate("window.__sameDocument === true")
    await expect(rows).to_have_count(SAUDA_TEMPLATES)
    await expect(template(page, "sauda_order_shipped", "ur")).to_have_attribute(
        "data-status", "APPROVED"
    )
    await accessible(page)

    await page.get_by_test_id("nav-notifications").click()
    notice = page.locator('[data-testid="notice"][data-kind="template_not_approved"]')
    await expect(notice).to_have_count(1)
    await expect(notice).to_contain_text("Template not approved")
    await expect(notice).to_contain_text(
        "WhatsApp template sauda_order_shipped (en) was rejected by Meta: INVALID_FORMAT."
    )
    await accessible(page)

    # Reopened, the page reads the same from the API.
    await page.goto(f"{stack.gateway_url}/app/settings/whatsapp")
    await expect(shipped.get_by_test_id("template-reason")).to_have_text("INVALID_FORMAT")


async def test_staff_see_the_templates_but_not_the_connection(
    stack: Stack, open_shop: Any, page: Page
) -> None:
    shop: Shop = await open_shop()
    await sign_in(page, stack, await user(shop.business, "staff"), PHONE)
    await open_whatsapp_settings(page)
    await expect(page.get_by_test_id("template-row")).to_have_count(SAUDA_TEMPLATES)
    await expect(page.get_by_test_id("whatsapp-number")).to_have_count(0)
    await expect(page.get_by_label("Admin phone")).to_have_count(0)
    await expect(page.get_by_test_id("owner-only")).to_have_count(0)
    await accessible(page)
    refused = await page.request.get(f"{stack.gateway_url}/api/v1/whatsapp")
    assert refused.status == 403 and (await refused.json())["code"] == "owner_only"
