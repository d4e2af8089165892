"""The dashboard tests' helpers: the built web app, widths, users made the operator's way,
signing in, and axe-core's check."""

import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
from playwright.async_api import Page, expect

WEB = Path(__file__).resolve().parents[2] / "services" / "ingest-gateway" / "web"
DASHBOARD_DIST = WEB / "dist"
AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"  # installed by `make web` (npm ci)
PASSWORD = "a long enough password"
# A status change may answer 202 on a busy machine and land a few seconds later (live stream).
expect.set_options(timeout=20_000)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
Business = dict[str, str]
Stack = Any  # tests/e2e/conftest.py's Stack: gateway_url and the processes
Place = Callable[..., Awaitable[dict[str, Any]]]


async def user(business: Business, role: str = "owner") -> str:
    """A dashboard user made the operator's way (`sauda user create --password-stdin`)."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@shop.pk"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sauda_cli", "user", "create", "--business", business["business_id"],
        "--email", email, "--role", role, "--password-stdin",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate(f"{PASSWORD}\n".encode())
    assert proc.returncode == 0, err.decode()
    assert orjson.loads(out)["email"] == email
    return email


async def accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it stands."""
    # Evaluated through the DevTools protocol, so the page's CSP (no inline script) allows it.
    await page.evaluate(AXE.read_text())
    found = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`)"
    )
    assert found == [], found


async def drawn_fonts(page: Page, test_id: str) -> set[str]:
    """The fonts Chromium drew the text of the element with this test id in (shadow roots
    searched), as its DevTools report them: what a reader actually sees, not the CSS asked."""
    find = (
        "(() => { const find = (root) => { const hit = root.querySelector("
        f"'[data-testid=\"{test_id}\"]'); if (hit) return hit; for (const el of "
        "root.querySelectorAll('*')) { if (el.shadowRoot) { const h = find(el.shadowRoot);"
        " if (h) return h; } } return null; }; return find(document); })()"
    )
    cdp = await page.context.new_cdp_session(page)
    try:
        await cdp.send("DOM.enable")
        await cdp.send("CSS.enable")
        await cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
        found = await cdp.send("Runtime.evaluate", {"expression": find})
        node = await cdp.send("DOM.requestNode", {"objectId": found["result"]["objectId"]})
        fonts = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
        return {f["familyName"] for f in fonts["fonts"]}
    finally:
        await cdp.detach()


async def sign_in(page: Page, stack: Stack, email: str, size: dict[str, int] = DESKTOP) -> None:
    await page.set_viewport_size(size)  # type: ignore[arg-type]
    await page.goto(f"{stack.gateway_url}/")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_test_id("nav")).to_be_visible()
