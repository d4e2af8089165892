"""The dashboard's files as the gateway serves them: index.html for every client-side route,
hashed assets cached for a year, a strict Content-Security-Policy, and a 503 saying how to build
when the files are missing."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import httpx

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
INDEX = '<!doctype html><script type="module" src="/app/assets/main-ABC123.js"></script>'


def built(tmp_path: Path) -> Path:
    """A dist/ as `make web` leaves it: index.html and one hashed bundle."""
    (tmp_path / "assets").mkdir(parents=True)
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "main-ABC123.js").write_text("console.log('sauda')")
    (tmp_path.parent / "secret.txt").write_text("not for the web")
    return tmp_path


async def test_every_app_route_gets_index_html_under_a_strict_csp(api: Api, tmp_path: Path) -> None:
    async with api(gateway_web_dir=str(built(tmp_path / "dist"))) as http:
        for route in ("/app", "/app/", "/app/orders", "/app/orders/5b1f/x", "/app/invite"):
            page = await http.get(route)
            assert page.status_code == 200, route
            assert page.text == INDEX
            assert page.headers["content-type"].startswith("text/html")
            assert page.headers["cache-control"] == "no-cache"
            csp = page.headers["content-security-policy"]
            assert "default-src 'self'" in csp and "script-src 'self'" in csp
            assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        root = await http.get("/")
        assert root.status_code == 307 and root.headers["location"] == "/app/"
        head = await http.head("/app/orders")  # uptime checks and `curl -I`
        assert head.status_code == 200 and head.headers["content-type"].startswith("text/html")


async def test_hashed_assets_are_cached_and_nothing_outside_assets_is_served(
    api: Api, tmp_path: Path
) -> None:
    async with api(gateway_web_dir=str(built(tmp_path / "dist"))) as http:
        bundle = await http.get("/app/assets/main-ABC123.js")
        assert bundle.status_code == 200 and bundle.text == "console.log('sauda')"
        assert "javascript" in bundle.headers["content-type"]
        assert bundle.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert "default-src 'self'" in bundle.headers["content-security-policy"]
        assert (await http.get("/app/assets/main-OLD.js")).status_code == 404
        assert (await http.get("/app/assets/..%2f..%2fsecret.txt")).status_code == 404
        assert (await http.get("/app/assets/%2e%2e/%2e%2e/secret.txt")).status_code == 404


async def test_a_missing_build_is_a_503_that_says_to_run_make_web(api: Api, tmp_path: Path) -> None:
    async with api(gateway_web_dir=str(tmp_path / "nothing-here")) as http:
        page = await http.get("/app/orders")
        assert page.status_code == 503
        assert "make web" in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]


async def test_the_widget_script_has_a_fixed_name_cached_for_minutes_or_a_503_if_not_built(
    api: Api, tmp_path: Path
) -> None:
    dist = built(tmp_path / "dist")
    (dist / "widget.js").write_text("(()=>{})();")
    async with api(gateway_web_dir=str(dist)) as http:
        script = await http.get("/widget.js")
        assert script.status_code == 200 and script.text == "(()=>{})();"
        assert script.headers["content-type"].startswith("application/javascript")
        assert script.headers["cache-control"] == "public, max-age=300"
    async with api(gateway_web_dir=str(tmp_path / "nothing-here")) as http:
        missing = await http.get("/widget.js")
        assert missing.status_code == 503
        assert missing.headers["content-type"].startswith("text/plain")
        assert "orders widget is not built" in missing.text and "make web" in missing.text
