"""The dashboard's web app: /app/ and its client-side routes get index.html, /app/assets/ the
built files (hashed names, cached for a year), under a strict Content-Security-Policy; and
/widget.js, the orders widget that other sites' pages load."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from sauda_gateway.api.deps import SettingsDep

web = APIRouter(include_in_schema=False)

# Only this origin's scripts, styles and API; no inline script, no framing by other sites.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HASHED = {"Cache-Control": "public, max-age=31536000, immutable"}
NO_CACHE = {"Cache-Control": "no-cache"}

# Pages keep one fixed address, so a new build reaches them within minutes.
WIDGET = {"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"}
WIDGET_NOT_BUILT = "The orders widget is not built: run `make web` on the Sauda server.\n"

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sauda</title></head>
<body><h1>The dashboard is not built</h1><p>The web app's files are missing from {where}.
Run <code>make web</code> (or <code>make run</code>) and reload this page.</p></body></html>"""


def web_dir(configured: str) -> Path:
    """GATEWAY_WEB_DIR, or the dist/ that `make web` builds next to this package."""
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "web" / "dist"


@web.get("/")
async def root() -> Response:
    return RedirectResponse("/app/", status_code=307)


@web.api_route("/app", methods=["GET", "HEAD"])
@web.api_route("/app/{route:path}", methods=["GET", "HEAD"])
async def app_page(settings: SettingsDep, route: str = "") -> Response:
    dist = web_dir(settings.gateway_web_dir)
    index = dist / "index.html"
    if not index.is_file():
        return HTMLResponse(NOT_BUILT.format(where=dist), status_code=503,
                            headers={**HEADERS, **NO_CACHE})  # fmt: skip
    if route.startswith("assets/"):
        assets = (dist / "assets").resolve()
        asset = (dist / route).resolve()
        if not asset.is_relative_to(assets) or not asset.is_file():
            return Response("not found", status_code=404, media_type="text/plain", headers=HEADERS)
        return FileResponse(asset, headers={**HEADERS, **HASHED})
    return FileResponse(index, media_type="text/html", headers={**HEADERS, **NO_CACHE})


@web.get("/widget.js")
async def widget_script(settings: SettingsDep) -> Response:
    """The orders widget: `<script src="https://<sauda>/widget.js" data-session="wgt_...">` or
    `data-key="pk_..."` (see the widget routes), shown right after its tag or in `data-target`."""
    script = web_dir(settings.gateway_web_dir) / "widget.js"
    if not script.is_file():
        return Response(WIDGET_NOT_BUILT, status_code=503, media_type="text/plain",
                        headers={**WIDGET, **NO_CACHE})  # fmt: skip
    return FileResponse(script, media_type="application/javascript", headers=WIDGET)
