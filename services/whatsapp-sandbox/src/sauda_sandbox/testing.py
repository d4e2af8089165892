"""Helpers for tests that use the sandbox: the real app on a loopback port, a signature-checking receiver.

Used by this service's tests and usable by end-to-end tests elsewhere (`sandbox_running`).
"""

import asyncio
import hashlib
import hmac
import json
import os
import socket
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from sauda_runtime.service import http_server
from sauda_sandbox.bootstrap import create_app
from sauda_sandbox.handlers.ports import Clock
from sauda_sandbox.settings import SandboxSettings

APP_SECRET = "test-app-secret"


@dataclass
class Received:
    """One change of a signed webhook (a webhook may carry several, as Meta's do)."""

    raw: bytes
    signature: str | None
    body: dict[str, Any]
    change: int = 0  # which of the webhook's changes this is

    @property
    def value(self) -> dict[str, Any]:
        value: dict[str, Any] = self.body["entry"][0]["changes"][self.change]["value"]
        return value

    @property
    def field(self) -> str:
        name: str = self.body["entry"][0]["changes"][self.change]["field"]
        return name


@dataclass
class Receiver:
    """A loopback webhook endpoint: verifies X-Hub-Signature-256 over the raw body it received."""

    url: str = ""
    secret: str = APP_SECRET
    received: list[Received] = field(default_factory=list)
    bad_signatures: int = 0
    answers: list[int] = field(default_factory=list)  # statuses to answer next, then 200
    hits: int = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """A bare ASGI app: no framework between the wire bytes and the HMAC check."""
        if scope["type"] == "lifespan":
            while True:
                event = (await receive())["type"]
                await send({"type": f"{event}.complete"})
                if event == "lifespan.shutdown":
                    return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        status = self.answer(scope, raw)
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def answer(self, scope: Any, raw: bytes) -> int:
        self.hits += 1
        if scope["method"] != "POST":
            return 405
        if self.answers:
            return self.answers.pop(0)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        given = headers.get("x-hub-signature-256")
        expected = "sha256=" + hmac.new(self.secret.encode(), raw, hashlib.sha256).hexdigest()
        if given is None or not hmac.compare_digest(given, expected):
            self.bad_signatures += 1
            return 403
        body = json.loads(raw)
        for change in range(len(body["entry"][0]["changes"])):
            self.received.append(Received(raw, given, body, change))
        return 200

    def statuses(self, message_id: str) -> list[dict[str, Any]]:
        return [
            s
            for r in self.received
            if r.field == "messages"
            for s in r.value.get("statuses", [])
            if s["id"] == message_id
        ]

    def inbound(self) -> list[Received]:
        return [r for r in self.received if r.field == "messages" and "messages" in r.value]

    async def wait_for(
        self, check: Callable[[], Any], *, timeout: float = 5.0, what: str = "a webhook"
    ) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = check()
            if result:
                return result
            await asyncio.sleep(0.02)
        raise AssertionError(
            f"timed out waiting for {what}; received: {[r.body for r in self.received]}"
        )


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """An ASGI app under real uvicorn on a free loopback port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = http_server(app, "127.0.0.1", port)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    deadline = time.monotonic() + 10
    while not server.started:
        if task.done():
            raise RuntimeError(f"the server did not start: {task.exception()!r}")
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start within 10 s")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@asynccontextmanager
async def receiving(secret: str = APP_SECRET) -> AsyncIterator[Receiver]:
    """A webhook receiver on a free loopback port."""
    receiver = Receiver(secret=secret)
    async with serving(receiver) as url:
        receiver.url = f"{url}/webhooks/whatsapp"
        yield receiver


@dataclass
class Env:
    """A running sandbox, its receiver, and an HTTP client on it."""

    url: str
    receiver: Receiver
    http: httpx.AsyncClient

    async def number(self) -> dict[str, Any]:
        response = await self.http.post("/sandbox/numbers", json={"verified_name": "Test Shop"})
        assert response.status_code == 201, response.text
        number: dict[str, Any] = response.json()
        return number

    async def send(self, number: dict[str, Any], body: dict[str, Any]) -> httpx.Response:
        return await self.http.post(
            f"/v21.0/{number['phone_number_id']}/messages",
            json={"messaging_product": "whatsapp", **body},
            headers={"Authorization": f"Bearer {number['access_token']}"},
        )

    async def template(
        self,
        number: dict[str, Any],
        name: str,
        body_text: str,
        *,
        buttons: Sequence[str] = (),
        status: str = "APPROVED",
        language: str = "en_US",
    ) -> None:
        components: list[dict[str, Any]] = [{"type": "BODY", "text": body_text}]
        if buttons:
            components.append(
                {
                    "type": "BUTTONS",
                    "buttons": [{"type": "QUICK_REPLY", "text": b} for b in buttons],
                }
            )
        created = await self.http.post(
            f"/v21.0/{number['waba_id']}/message_templates",
            json={
                "name": name,
                "language": language,
                "category": "UTILITY",
                "components": components,
            },
            headers={"Authorization": f"Bearer {number['access_token']}"},
        )
        assert created.status_code == 200, created.text
        changed = await self.http.post(
            f"/sandbox/{number['waba_id']}/templates/status",
            json={"name": name, "language": language, "status": status},
        )
        assert changed.status_code == 200, changed.text

    async def shopper(
        self, number: dict[str, Any], phone: str, body: dict[str, Any]
    ) -> httpx.Response:
        return await self.http.post(
            f"/sandbox/{number['phone_number_id']}/chats/{phone}", json=body
        )


DEFAULTS: dict[str, Any] = {
    "sandbox_app_secret": APP_SECRET,
    "sandbox_state_file": None,
    "sandbox_mps": 80,
    "sandbox_pair_burst": 20,
    "sandbox_pair_per_minute": 10,
    "sandbox_template_missing_status": 400,
    "sandbox_status_delay_ms": 50,
    "sandbox_webhook_attempts": 10,
    "sandbox_webhook_backoff_s": 0.5,
    "sandbox_webhook_batch": 1,
}


@asynccontextmanager
async def sandbox_running(clock: Clock = time.time, **overrides: Any) -> AsyncIterator[Env]:
    """A sandbox wired to a fresh receiver; settings are the defaults above unless overridden.

    Every setting is given explicitly, so SANDBOX_* variables in the environment cannot leak in.
    """
    async with receiving(overrides.get("sandbox_app_secret", APP_SECRET)) as receiver:
        settings = SandboxSettings(**{**DEFAULTS, "sandbox_webhook_url": receiver.url, **overrides})
        async with (
            serving(create_app(settings, clock=clock)) as url,
            httpx.AsyncClient(base_url=url, timeout=10) as http,
        ):
            yield Env(url=url, receiver=receiver, http=http)


def order_template(to: str, name: str = "order_update", **extra: Any) -> dict[str, Any]:
    """A template send with two quick replies (payloads CONFIRM_1042 and CANCEL_1042)."""
    return {
        "to": to,
        "type": "template",
        "template": {
            "name": name,
            "language": {"code": "en_US"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Asha"},
                        {"type": "text", "text": "#1042"},
                    ],
                },
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": "0",
                    "parameters": [{"type": "payload", "payload": "CONFIRM_1042"}],
                },
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": 1,
                    "parameters": [{"type": "payload", "payload": "CANCEL_1042"}],
                },
            ],
        },
        **extra,
    }


# --- Debian's Chromium, driven by Playwright (no browser download) ---

CHROMIUM = Path(os.environ.get("SAUDA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_missing() -> bool:
    return not CHROMIUM.exists()


@asynccontextmanager
async def chromium_page() -> AsyncIterator[Any]:
    """A fresh page in Debian's Chromium; a missing browser fails the test (never skips)."""
    from playwright.async_api import async_playwright

    if _chromium_missing():
        import pytest

        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with "
            "`bash deploy/scripts/browser.sh` (or `apt-get install -y chromium`)",
            pytrace=False,
        )
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=30_000
        )
        try:
            context = await browser.new_context()
            page = await context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            await browser.close()
