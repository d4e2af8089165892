"""The profile page in Debian's Chromium: who is signed in, and a password change that refuses
what it should, signs every other device out, and keeps this one working."""

import pytest
from playwright.async_api import Page, expect

from sauda_sandbox.testing import chromium_page

from .dashboard import PASSWORD, Business, Stack, accessible, sign_in, user

pytestmark = pytest.mark.usefixtures("built_dashboard")
NEW_PASSWORD = "another long enough password"


async def change(page: Page, current: str, new: str, repeat: str | None = None) -> None:
    await page.get_by_test_id("current-password").fill(current)
    await page.get_by_test_id("new-password").fill(new)
    await page.get_by_test_id("repeat-password").fill(new if repeat is None else repeat)
    await page.get_by_test_id("password-save").click()


async def test_a_password_change_signs_the_other_device_out_and_this_one_stays_in(
    stack: Stack, business: Business, page: Page, width: dict[str, int]
) -> None:
    email = await user(business)
    async with chromium_page() as other_device:
        await sign_in(other_device, stack, email)
        await sign_in(page, stack, email, width)
        await page.get_by_test_id("who").click()
        await expect(page.get_by_test_id("profile-email")).to_have_text(email)
        await expect(page.get_by_test_id("profile-role")).to_have_text("Owner")
        await accessible(page)

        await change(page, PASSWORD, NEW_PASSWORD, repeat="not the same password")
        await expect(page.get_by_test_id("error")).to_contain_text("differ")
        await change(page, "a wrong current password", NEW_PASSWORD)
        await expect(page.get_by_test_id("error")).to_be_visible()
        await expect(page.get_by_test_id("password-changed")).to_have_count(0)

        await change(page, PASSWORD, NEW_PASSWORD)
        await expect(page.get_by_test_id("password-changed")).to_be_visible()
        await expect(page.get_by_test_id("error")).to_have_count(0)

        # The other device's session ended: its next page load asks it to sign in again.
        await other_device.reload()
        await expect(other_device.get_by_label("Password")).to_be_visible()
        await expect(other_device.get_by_test_id("nav")).to_have_count(0)

    # This device still writes (its fresh CSRF token): the password changes back.
    async with page.expect_response("**/api/v1/auth/password") as answer:
        await change(page, NEW_PASSWORD, PASSWORD)
    assert (await answer.value).status == 204
    await expect(page.get_by_test_id("password-changed")).to_be_visible()
    await page.get_by_test_id("sign-out").click()
    await sign_in(page, stack, email, width)  # with PASSWORD again
