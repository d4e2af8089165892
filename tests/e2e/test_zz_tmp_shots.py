"""temporary: screenshots for a visual check (not committed)."""
import importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("dash", Path(__file__).parent / "test_dashboard_pages.py")
dash = importlib.util.module_from_spec(spec); spec.loader.exec_module(dash)
placed = dash.placed
page = dash.page
built_dashboard = dash.built_dashboard

async def test_shots(stack, business, placed, page, make_business):
    o1 = await placed(business)
    o2 = await placed(business)
    email = await dash.user(business)
    for name, size in (("phone", dash.PHONE), ("desktop", dash.DESKTOP)):
        await dash.sign_in(page, stack, email, size)
        await page.wait_for_timeout(800)
        await page.screenshot(path=f"/tmp/shots/{name}-orders.png", full_page=True)
        await page.goto(f"{stack.gateway_url}/app/orders/{o1['order_id']}")
        await page.wait_for_timeout(800)
        await page.screenshot(path=f"/tmp/shots/{name}-detail.png", full_page=True)
        for route in ("notifications", "products", "settings/keys", "settings/webhooks", "settings/plan", "settings/users", "settings/whatsapp"):
            await page.goto(f"{stack.gateway_url}/app/{route}")
            await page.wait_for_timeout(800)
            await page.screenshot(path=f"/tmp/shots/{name}-{route.replace('/', '-')}.png", full_page=True)
        await page.get_by_test_id("lang").select_option("ur")
        await page.goto(f"{stack.gateway_url}/app/orders")
        await page.wait_for_timeout(800)
        await page.screenshot(path=f"/tmp/shots/{name}-orders-ur.png", full_page=True)
        await page.get_by_test_id("lang").select_option("en")
        await page.get_by_test_id("sign-out").click()
    msgs = []
    page.on("console", lambda m: msgs.append(m.text))
    await dash.sign_in(page, stack, email, dash.DESKTOP)
    await page.wait_for_timeout(500)
    print("CONSOLE", msgs)
