"""The dashboard's Analytics page in Debian's Chromium against the real stack, at phone and desktop
width: its cards show the figures GET /api/v1/analytics answers, its charts are drawn (and their
table holds the day's numbers), the CSV it downloads is the API's, a range with no orders shows
"—", nothing breaks the page's CSP, and axe-core finds no serious violation."""

import asyncio
import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import ConsoleMessage, Page, expect

from .conftest import Shop
from .dashboard import PHONE, Stack, accessible, sign_in, user

pytestmark = pytest.mark.usefixtures("built_dashboard")
CARDS = ["cod_confirmation_rate", "cancel_rate", "median_minutes_to_answer",
         "answered_after_reminder_share", "delivered_rate", "returned_rate"]  # fmt: skip
WEBSITE_BLUE = (29, 78, 216)  # the Website bars' colour (#1d4ed8)
# Count the canvas's pixels of one colour: the bars are drawn, not just the axes.
PIXELS = """(canvas, rgb) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let found = 0;
  for (let i = 0; i < data.length; i += 4)
    if (data[i] === rgb[0] && data[i + 1] === rgb[1] && data[i + 2] === rgb[2]) found += 1;
  return found;
}"""


def shown(value: float | None, key: str) -> str:
    """A figure as the page writes it in English: a percentage or minutes, "—" when null."""
    if value is None:
        return "—"
    if key == "median_minutes_to_answer":
        return f"{round(value, 1):g} min"
    return f"{round(value * 100, 1):g}%"


async def three_orders(shop: Shop) -> dict[str, Any]:
    """Three orders through the Store API, one confirmed and one cancelled through it; the
    analytics once they count all three."""
    orders = [await shop.place() for _ in range(3)]
    await shop.move(orders[0], "confirmed")
    await shop.move(orders[1], "cancelled")

    async def counted() -> dict[str, Any] | None:
        report: dict[str, Any] = await shop.get("/api/v1/analytics")
        summary = report["summary"]
        done = (summary["orders"], summary["cancelled"]) == (3, 1)
        return report if done else None

    return await shop.wait_for(counted, timeout=45, what="the three orders in the analytics")  # type: ignore[no-any-return]


async def test_the_analytics_page_shows_the_apis_figures_charts_and_csv(
    stack: Stack, open_shop: Any, page: Page, width: dict[str, int]
) -> None:
    shop: Shop = await open_shop()
    report = await three_orders(shop)
    refused: list[str] = []

    def csp(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", csp)
    await sign_in(page, stack, await user(shop.business), width)
    await page.get_by_test_id("nav-analytics").click()
    await expect(page).to_have_url(f"{stack.gateway_url}/app/analytics")
    await expect(page.get_by_test_id("analytics-from")).to_have_value(report["from_date"])
    await expect(page.get_by_test_id("analytics-to")).to_have_value(report["to_date"])

    summary = report["summary"]
    for key in CARDS:
        card = page.get_by_test_id(f"card-{key}")
        await expect(card.get_by_test_id("card-value")).to_have_text(shown(summary[key], key))
    await expect(page.get_by_test_id("card-cancel_rate")).to_contain_text("1 of 3 orders")
    await expect(page.get_by_test_id("card-delivered_rate")).to_contain_text("No orders yet")

    today = page.locator(f'[data-testid="analytics-day"][data-date="{report["to_date"]}"]')
    await expect(today.get_by_test_id("day-total")).to_have_text("3")
    await expect(today.locator('[data-source="ingest"]')).to_have_text("3")
    await expect(today.locator('[data-source="whatsapp"]')).to_have_text("0")
    await expect(today.locator('[data-outcome="confirmed"]')).to_have_text("1")
    await expect(today.locator('[data-outcome="cancelled"]')).to_have_text("1")
    await expect(page.get_by_test_id("analytics-day")).to_have_count(len(report["days"]))
    canvas = page.get_by_test_id("chart-sources").get_by_test_id("chart-canvas")
    await expect(canvas).to_have_attribute("aria-label", re.compile("3 orders in all"))
    blue = await canvas.evaluate(PIXELS, list(WEBSITE_BLUE))
    assert blue > 50, "the Website bar is not drawn"
    if width is PHONE:  # the page fits the phone's screen: nothing scrolls sideways
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await accessible(page)

    async with page.expect_download() as downloading:
        await page.get_by_test_id("analytics-csv").click()
    download = await downloading.value
    name = f"sauda-analytics-{report['from_date']}-to-{report['to_date']}.csv"
    assert download.suggested_filename == name
    saved = Path(await download.path())
    rows = list(csv.reader(io.StringIO(await asyncio.to_thread(saved.read_text))))
    api = await shop.api.get("/api/v1/analytics.csv", headers=shop.headers)
    assert rows == list(csv.reader(io.StringIO(api.text)))
    assert rows[0][:4] == ["date", "orders_ingest", "orders_whatsapp", "orders"]
    assert rows[-1][:7] == [report["to_date"], "3", "0", "3", "1", "1", "0"]

    # A range before the orders: every card says so, and the CSV link follows the range.
    before = (dt.date.fromisoformat(report["to_date"]) - dt.timedelta(days=1)).isoformat()
    await page.get_by_test_id("analytics-from").fill(before)
    await page.get_by_test_id("analytics-to").fill(before)
    await page.get_by_test_id("analytics-to").press("Enter")
    await expect(page.get_by_test_id("analytics-day")).to_have_count(1)
    for key in CARDS:
        await expect(page.get_by_test_id(f"card-{key}").get_by_test_id("card-value")).to_have_text(
            "—"
        )
    await expect(page.get_by_test_id("card-cancel_rate")).to_contain_text("No orders yet")
    await expect(page.get_by_test_id("analytics-csv")).to_have_attribute(
        "href", f"/api/v1/analytics.csv?from={before}&to={before}"
    )
    await accessible(page)
    assert refused == []
