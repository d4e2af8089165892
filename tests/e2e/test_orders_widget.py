"""The orders widget in a store's admin page on another origin, in Debian's Chromium: one script
tag with a server-made session or a publishable key lists the business's orders and confirms one
in a click, despite hostile host CSS; the same page from an unlisted origin is refused, a revoked
key ends the panel; at phone width in Urdu the panel is usable and right-to-left."""

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from playwright.async_api import Page, expect

from sauda_gateway.testing import FakeStore, serving
from sauda_gateway.testing import Page as StorePage

from .dashboard import PHONE, Business, Place, Stack

pytestmark = pytest.mark.usefixtures("built_dashboard")

# What a careless admin theme does to everything, the widget's box included.
HOSTILE = """* { color: red !important; font-size: 40px !important; }
button { display: none !important; }"""
RED = "rgb(255, 0, 0)"


@contextmanager
def two_admin_sites() -> Iterator[tuple[FakeStore, FakeStore]]:
    """Two store-admin sites on their own loopback ports: the listed origin and another."""
    with serving({}) as listed, serving({}) as unlisted:
        yield listed, unlisted


def show(site: FakeStore, stack: Stack, attributes: str) -> str:
    """The admin page, with the widget's tag and the hostile CSS, at /admin on `site`."""
    site.pages["/admin"] = StorePage(f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Store admin</title>
<style>{HOSTILE}</style></head><body><h1>My store's admin</h1><div id="orders-here"></div>
<script src="{stack.gateway_url}/widget.js" {attributes}></script></body></html>""")
    return f"{site.url}/admin"


async def widget_session(client: httpx.AsyncClient, business: Business, origin: str) -> str:
    """What the store's server does with its API key before rendering the page."""
    opened = await client.post("/api/v1/widget/sessions", json={"origin": origin, "ttl_seconds": 600},
                               headers={"X-API-Key": business["api_key"]})  # fmt: skip
    assert opened.status_code == 201, opened.text
    token: str = opened.json()["token"]
    return token


async def publishable_key(client: httpx.AsyncClient, business: Business, origin: str) -> str:
    made = await client.post("/api/v1/widget/keys", json={"name": "Store admin", "origins": [origin]},
                             headers={"X-API-Key": business["api_key"]})  # fmt: skip
    assert made.status_code == 201, made.text
    key: str = made.json()["publishable_key"]
    return key


async def shows_the_order(page: Page, order_number: str) -> None:
    rows = page.get_by_test_id("order-row")
    await expect(rows).to_have_count(1)
    await expect(rows.get_by_test_id("order-number")).to_have_text(order_number)


async def refused(page: Page, message: str) -> None:
    """The panel says why Sauda refused it, and shows no order."""
    await expect(page.get_by_test_id("widget-refused")).to_have_text(message)
    await expect(page.get_by_test_id("order-row")).to_have_count(0)


async def test_a_server_made_session_lists_opens_and_confirms_an_order_despite_the_host_css(
    stack: Stack, business: Business, placed: Place, page: Page, client: httpx.AsyncClient
) -> None:
    order = await placed(business)
    with two_admin_sites() as (listed, _):
        token = await widget_session(client, business, listed.url)
        address = show(listed, stack, f'data-session="{token}"')
        await page.goto(address)
        await shows_the_order(page, order["order_number"])
        tab = page.get_by_test_id("tab-pending")
        await expect(tab).to_be_visible()
        await expect(page.get_by_test_id("tab-count-pending")).to_have_text("1")
        style = await tab.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).fontSize]")
        assert style[0] != RED and style[1] != "40px", style

        await page.get_by_test_id("order-row").get_by_role("link").click()
        await expect(page.get_by_test_id("detail-number")).to_have_text(
            f"Order {order['order_number']}"
        )
        await expect(page.get_by_test_id("customer-name")).to_have_text("Ayesha Siddiqui")
        confirm = page.get_by_test_id("move-confirmed")
        await expect(confirm).to_be_visible()
        assert await confirm.evaluate("e => getComputedStyle(e).color") != RED
        await confirm.click()
        await expect(page.get_by_test_id("detail-status")).to_have_attribute(
            "data-status", "confirmed"
        )
        # Navigation stayed inside the widget: the host page's address never changed.
        assert page.url == address
        await page.get_by_test_id("back").click()
        await expect(page.get_by_test_id("tab-count-confirmed")).to_have_text("1")
        assert page.url == address

    got = await client.get(f"/api/v1/orders/{order['order_id']}",
                           headers={"X-API-Key": business["api_key"]})  # fmt: skip
    assert got.json()["status"] == "confirmed"
    assert got.json()["history"][-1]["actor"] == "merchant"


async def test_a_publishable_key_opens_the_panel_on_its_origin_until_it_is_revoked(
    stack: Stack, business: Business, placed: Place, page: Page, client: httpx.AsyncClient
) -> None:
    order = await placed(business)
    owner = {"X-API-Key": business["api_key"]}
    with two_admin_sites() as (listed, _):
        key = await publishable_key(client, business, listed.url)
        await page.goto(show(listed, stack, f'data-key="{key}" data-target="#orders-here"'))
        await shows_the_order(page, order["order_number"])
        # data-target: the panel sits in the host's element, not after the tag.
        await expect(page.locator("#orders-here sauda-orders-widget")).to_have_count(1)

        keys = (await client.get("/api/v1/widget/keys", headers=owner)).json()["widget_keys"]
        revoked = await client.delete(f"/api/v1/widget/keys/{keys[0]['key_id']}", headers=owner)
        assert revoked.status_code == 204
        await page.get_by_test_id("tab-confirmed").click()
        await refused(page, "This orders panel's session has ended; reload the page.")


@pytest.mark.parametrize("way", ["session", "key"])
async def test_the_same_page_from_an_unlisted_origin_is_refused(
    stack: Stack, business: Business, placed: Place, page: Page, client: httpx.AsyncClient,
    way: str,
) -> None:  # fmt: skip
    await placed(business)
    with two_admin_sites() as (listed, unlisted):
        if way == "session":
            attribute = f'data-session="{await widget_session(client, business, listed.url)}"'
        else:
            attribute = f'data-key="{await publishable_key(client, business, listed.url)}"'
        await page.goto(show(unlisted, stack, attribute))
        await refused(page, "Sauda refused this page (is its address listed?).")


async def test_a_session_token_sauda_never_made_says_the_session_ended(
    stack: Stack, page: Page
) -> None:
    with two_admin_sites() as (site, _):
        await page.goto(show(site, stack, f'data-session="wgt_{"x" * 40}"'))
        await refused(page, "This orders panel's session has ended; reload the page.")


async def test_at_phone_width_in_urdu_the_list_is_usable_and_right_to_left(
    stack: Stack, business: Business, placed: Place, page: Page, client: httpx.AsyncClient
) -> None:
    order = await placed(business)
    await page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    with two_admin_sites() as (listed, _):
        token = await widget_session(client, business, listed.url)
        await page.goto(show(listed, stack, f'data-session="{token}" data-lang="ur"'))
        await expect(page.get_by_test_id("orders-widget")).to_have_attribute("dir", "rtl")
        await shows_the_order(page, order["order_number"])
        await expect(page.get_by_test_id("tab-pending")).to_contain_text("زیرِ التوا")
        row = await page.get_by_test_id("order-row").bounding_box()
        assert row is not None and row["x"] >= 0 and row["x"] + row["width"] <= PHONE["width"], row
        await page.get_by_test_id("order-row").get_by_role("link").click()
        await expect(page.get_by_test_id("move-confirmed")).to_be_visible()
