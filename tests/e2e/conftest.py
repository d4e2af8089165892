"""End-to-end harness: the real ledger and gateway as processes, on the real Kafka and Postgres."""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
import orjson
import pytest
from playwright.async_api import Page

from sauda_contracts import TOPICS, Topic
from sauda_contracts.testing import seed_ingest_body
from sauda_runtime.kafka import ensure_topics
from sauda_runtime.secrets import new_key
from sauda_runtime.testing import free_ports, read_topic, required_env
from sauda_sandbox.testing import chromium_page

from .dashboard import AXE, DASHBOARD_DIST, DESKTOP, PHONE, Place

T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T | None]],
    *,
    timeout: float = 30.0,
    every: float = 0.1,
    what: str = "condition",
) -> T:
    """Poll `check` until it returns something truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


class Service:
    """One Sauda process, started the way `make run` starts it, logging to a file."""

    def __init__(
        self, name: str, module: str, env: dict[str, str], ready_url: str, logs: Path
    ) -> None:
        self.name, self.module, self.env, self.ready_url = name, module, env, ready_url
        self.log_path = logs / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", self.module], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    async def ready(self, timeout: float = 60.0) -> None:
        async with httpx.AsyncClient() as http:

            async def up() -> bool:
                assert self.proc is not None
                if self.proc.poll() is not None:
                    raise AssertionError(f"{self.name} exited: {self.log_path.read_text()[-3000:]}")
                try:
                    return (await http.get(self.ready_url, timeout=2)).status_code == 200
                except httpx.HTTPError:
                    return False

            await eventually(up, timeout=timeout, every=0.2, what=f"{self.name} to be ready")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)

    def log_lines(self) -> list[dict[str, Any]]:
        lines = []
        for raw in self.log_path.read_bytes().splitlines():
            if raw.startswith(b"{"):
                try:
                    lines.append(orjson.loads(raw))
                except orjson.JSONDecodeError:
                    pass
        return lines


# What the tests shorten: a reminder after seconds instead of 6 hours, retries 50x sooner.
REMINDER_AFTER_SECONDS = 8
RETRY_SCALE = 0.02
WEBHOOK_RETRY_SCALE = 0.1  # 0.1 / 0.4 / 1.6 s instead of 1 / 4 / 16 s
APP_SECRET = "e2e-meta-app-secret"
VERIFY_TOKEN = "e2e-verify-token"


class Stack:
    def __init__(self, tmp: Path) -> None:
        self.logs = tmp
        self.database_url = required_env("DATABASE_URL")
        self.bootstrap = required_env("KAFKA_BOOTSTRAP_SERVERS")
        (
            gateway_port,
            ledger_port,
            sandbox_port,
            notifier_port,
            conversation_port,
            dispatcher_port,
        ) = free_ports(6)
        self.gateway_url = f"http://127.0.0.1:{gateway_port}"
        self.app_secret, self.verify_token = APP_SECRET, VERIFY_TOKEN
        self.reminder_after = REMINDER_AFTER_SECONDS
        self.webhook_retry_scale = WEBHOOK_RETRY_SCALE
        self.sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        # Every process (and the `sauda` CLI the tests run) shares these settings.
        os.environ.setdefault("SAUDA_SECRET_KEY", new_key())
        os.environ.update(
            WHATSAPP_APP_SECRET=APP_SECRET,
            WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN,
            SANDBOX_URL=self.sandbox_url,
            WHATSAPP_GRAPH_URL=self.sandbox_url,  # numbers connected through the API
            WEBHOOKS_ALLOW_PRIVATE_URLS="true",  # the tests' receivers listen on loopback
            GATEWAY_COOKIE_SECURE="false",  # the dashboard tests' browser talks plain http
            GATEWAY_PUBLIC_URL=self.gateway_url,  # invite links open this stack's dashboard
        )
        self.base = {**os.environ, "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
        self.ledger = self.service("order-ledger", "sauda_ledger", ledger_port,
                                   LEDGER_HEALTH_PORT=str(ledger_port))  # fmt: skip
        self.gateway = self.gateway_service("ingest-gateway", gateway_port)
        self.sandbox = self.service(
            "whatsapp-sandbox", "sauda_sandbox", sandbox_port, path="/healthz",
            SANDBOX_PORT=str(sandbox_port), SANDBOX_APP_SECRET=APP_SECRET,
            SANDBOX_WEBHOOK_URL=f"{self.gateway_url}/webhooks/whatsapp",
            SANDBOX_STATUS_DELAY_MS="50",
        )  # fmt: skip
        self.notifier = self.service(
            "notifier", "sauda_notifier", notifier_port,
            NOTIFIER_HEALTH_PORT=str(notifier_port),
            NOTIFIER_REMINDER_AFTER_SECONDS=str(REMINDER_AFTER_SECONDS),
            NOTIFIER_RETRY_SCALE=str(RETRY_SCALE),
            NOTIFIER_REMINDER_POLL_SECONDS="0.5",
            # Slow enough that the broadcast crash test kills the notifier mid-broadcast.
            NOTIFIER_BROADCAST_RATE="10",
            NOTIFIER_BROADCAST_ROUND_SECONDS="0.5",
            # A minute of a cart recovery delay lasts a second (test_cart_recovery.py).
            NOTIFIER_CART_MINUTE_SECONDS="1",
        )  # fmt: skip
        self.conversation = self.service(
            "conversation", "sauda_conversation", conversation_port,
            CONVERSATION_HEALTH_PORT=str(conversation_port),
        )  # fmt: skip

        self.dispatcher = self.service(
            "webhook-dispatcher", "sauda_webhooks", dispatcher_port,
            WEBHOOKS_HEALTH_PORT=str(dispatcher_port),
            WEBHOOKS_RETRY_SCALE=str(WEBHOOK_RETRY_SCALE),
            WEBHOOKS_SWEEP_SECONDS="1",
            WEBHOOKS_STALE_SECONDS="5",
        )  # fmt: skip

    @property
    def services(self) -> tuple[Service, ...]:
        return (self.sandbox, self.ledger, self.gateway, self.notifier, self.conversation,
                self.dispatcher)  # fmt: skip

    def service(
        self, name: str, module: str, port: int, path: str = "/readyz", **env: str
    ) -> Service:
        return Service(
            name, module, {**self.base, **env}, f"http://127.0.0.1:{port}{path}", self.logs
        )

    def gateway_service(self, name: str, port: int) -> Service:
        """A gateway process on `port` (not started); several share one database and broker."""
        # The import-progress test holds a store's pages while it looks at the page: longer
        # than the 10 s a page may take by default.
        return self.service(name, "sauda_gateway", port, GATEWAY_PORT=str(port),
                            CATALOG_IMPORT_TIMEOUT_SECONDS="60")  # fmt: skip


@pytest.fixture(scope="session")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    s = Stack(tmp_path_factory.mktemp("services"))
    await ensure_topics(s.bootstrap, TOPICS)
    for svc in s.services:
        svc.start()
    try:
        for svc in s.services:
            await svc.ready()
        yield s
    finally:
        for svc in reversed(s.services):
            if svc.proc and svc.proc.poll() is None:
                svc.kill(signal.SIGTERM)


@pytest.fixture(scope="session")
async def db(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(stack.database_url, min_size=1, max_size=4)
    assert pool is not None
    yield pool
    await pool.close()


@pytest.fixture
async def client(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as http:
        yield http


async def sauda_cli(*args: str) -> str:
    """Run the operator's `sauda` command; its stdout, or the test fails with its stderr."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sauda_cli", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def _create_business(
    stack: Stack,
    name: str,
    plan: str = "business",
    rate_limit: int | None = 1_000_000,
    country: str = "PK",
    whatsapp: bool = False,
    admin_phone: str | None = None,
    language: str = "en",
) -> dict[str, str]:
    """Tests get a large hourly allowance unless they are about the allowance itself."""
    limit = ["--rate-limit", str(rate_limit)] if rate_limit is not None else []
    wa = ["--whatsapp", "sandbox", "--language", language] if whatsapp else []
    admin = ["--admin-phone", admin_phone] if admin_phone else []
    out = await sauda_cli(
        "business", "create", "--name", name, "--plan", plan, "--country", country, *limit,
        *wa, *admin,
    )  # fmt: skip
    return orjson.loads(out)  # type: ignore[no-any-return]


@pytest.fixture
async def business(stack: Stack) -> dict[str, str]:
    """A fresh business per test: tests never see each other's orders."""
    return await _create_business(stack, f"test-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def make_business(stack: Stack) -> Callable[..., Awaitable[dict[str, str]]]:
    """make_business(plan="business", rate_limit=1_000_000) -> {"business_id", "api_key"}."""
    return lambda **kw: _create_business(stack, f"test-{uuid.uuid4().hex[:8]}", **kw)


@pytest.fixture
async def sandbox(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """The WhatsApp sandbox: Meta's API and the shopper's side of every chat."""
    async with httpx.AsyncClient(base_url=stack.sandbox_url, timeout=30) as http:
        yield http


@pytest.fixture
def cli() -> Callable[..., Awaitable[str]]:
    return sauda_cli


def seed_body(key: str | None = None, **order: Any) -> dict[str, Any]:
    """The Botaura seed's ingest body, with a fresh idempotency key."""
    return seed_ingest_body(key or f"order-{uuid.uuid4().hex}", **order)


@pytest.fixture
def seed() -> Callable[..., dict[str, Any]]:
    return seed_body


@pytest.fixture
def ingest(
    client: httpx.AsyncClient, seed: Callable[..., dict[str, Any]]
) -> Callable[[dict[str, str]], Awaitable[dict[str, Any]]]:
    """ingest(business) -> the gateway's answer (order id, order number) to the seed's order,
    posted with that business's key."""

    async def post(business: dict[str, str]) -> dict[str, Any]:
        answer = await client.post(
            "/api/v1/events/ingest", json=seed(), headers={"X-API-Key": business["api_key"]}
        )
        return answer.json()  # type: ignore[no-any-return]

    return post


@pytest.fixture
def topic_reader(stack: Stack) -> Callable[[str], Awaitable[list[Any]]]:
    return lambda topic=Topic.ORDERS_EVENTS: read_topic(stack.bootstrap, topic)


@pytest.fixture
def wait_for() -> Callable[..., Awaitable[Any]]:
    return eventually


# --- a shop on WhatsApp: a business on a fresh sandbox number, and its shoppers' chats ---

SHOPPER = "923001234567"
Chat = list[dict[str, Any]]


def to_shopper(messages: Chat, template: str | None = None) -> Chat:
    return [
        m for m in messages
        if m["direction"] == "to_shopper"
        and (template is None or (m.get("template") or {}).get("name") == template)
    ]  # fmt: skip


@dataclass
class Shop:
    """A business connected to a fresh sandbox number, and the phones of its shoppers."""

    business: dict[str, str]
    api: httpx.AsyncClient
    sandbox: httpx.AsyncClient
    seed: Callable[..., dict[str, Any]]
    wait_for: Callable[..., Awaitable[Any]]

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.business["api_key"]}

    @property
    def number(self) -> str:
        return self.business["whatsapp_phone_number_id"]

    async def place(self, **customer: Any) -> dict[str, Any]:
        body = self.seed()
        body["customer"] |= customer
        created = await self.api.post("/api/v1/events/ingest", json=body, headers=self.headers)
        # 202: accepted, and the ledger had not answered within INGEST_WAIT_MS (a busy machine)
        assert created.status_code in (201, 202), created.text
        order: dict[str, Any] = created.json()

        async def visible() -> bool:
            path = f"/api/v1/orders/{order['order_id']}"
            return (await self.api.get(path, headers=self.headers)).status_code == 200

        await self.wait_for(visible, timeout=45, what="the order in the view")
        return order

    async def move(self, order: dict[str, Any], *statuses: str) -> None:
        for status in statuses:
            moved = await self.api.patch(f"/api/v1/orders/{order['order_id']}/status",
                                         json={"status": status}, headers=self.headers)  # fmt: skip
            assert moved.status_code == 200, moved.text

    async def get(self, path: str, **params: Any) -> Any:
        got = await self.api.get(path, params=params, headers=self.headers)
        assert got.status_code == 200, got.text
        return got.json()

    async def chat(self, phone: str = SHOPPER) -> Chat:
        got = await self.sandbox.get(f"/sandbox/{self.number}/chats/{phone}")
        assert got.status_code == 200, got.text
        return got.json()["messages"]  # type: ignore[no-any-return]

    async def arrived(self, template: str, phone: str = SHOPPER, count: int = 1) -> Chat:
        """The messages of `template` at the shopper's phone, once `count` have arrived."""

        async def enough() -> Chat | None:
            found = to_shopper(await self.chat(phone), template)
            return found if len(found) >= count else None

        return await self.wait_for(enough, timeout=45, what=f"{template} at {phone}")  # type: ignore[no-any-return]

    async def tap(self, button_id: str, phone: str = SHOPPER) -> None:
        sent = await self.sandbox.post(f"/sandbox/{self.number}/chats/{phone}",
                                       json={"button_id": button_id})  # fmt: skip
        assert sent.status_code == 201, sent.text

    async def write(self, text: str, phone: str = SHOPPER) -> None:
        sent = await self.sandbox.post(f"/sandbox/{self.number}/chats/{phone}",
                                       json={"text": text})  # fmt: skip
        assert sent.status_code == 201, sent.text

    async def order_becomes(self, order: dict[str, Any], status: str) -> dict[str, Any]:
        async def moved() -> dict[str, Any] | None:
            got = await self.get(f"/api/v1/orders/{order['order_id']}")
            return got if got["status"] == status else None

        return await self.wait_for(moved, timeout=45, what=f"order {status}")  # type: ignore[no-any-return]

    async def notices(self, **params: Any) -> list[dict[str, Any]]:
        async def some() -> list[dict[str, Any]] | None:
            return (await self.get("/api/v1/notices", **params))["notices"] or None

        return await self.wait_for(some, timeout=45, what=f"notices {params}")  # type: ignore[no-any-return]


@pytest.fixture
def open_shop(
    make_business: Callable[..., Awaitable[dict[str, str]]],
    client: httpx.AsyncClient,
    sandbox: httpx.AsyncClient,
    seed: Any,
    wait_for: Any,
) -> Callable[..., Awaitable[Shop]]:
    async def make(**options: Any) -> Shop:
        business = await make_business(whatsapp=True, **options)
        return Shop(business, client, sandbox, seed, wait_for)

    return make


@pytest.fixture
async def shop(open_shop: Callable[..., Awaitable[Shop]]) -> Shop:
    """A business on a fresh sandbox number with Sauda's templates approved."""
    return await open_shop()


# --- the dashboard in Chromium (helpers: dashboard.py) ---


@pytest.fixture(scope="session")
def built_dashboard() -> None:
    """The gateway serves the built web app; without it every page is the 503 page."""
    for needed in (DASHBOARD_DIST / "index.html", AXE):
        if not needed.is_file():
            pytest.fail(f"{needed} is missing: build the dashboard with `make web`", pytrace=False)


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def width(request: pytest.FixtureRequest) -> dict[str, int]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with chromium_page() as opened:
        yield opened


@pytest.fixture
def placed(client: httpx.AsyncClient, wait_for: Callable[..., Awaitable[Any]]) -> Place:
    """placed(business, **order) -> an order placed through the Store API with the business's
    key (`order` fields added to the seed's, e.g. a delivery address), once the view shows it."""

    async def place(business: dict[str, str], **order: Any) -> dict[str, Any]:
        body = {
            "event_type": "order_created",
            "idempotency_key": f"order-{uuid.uuid4().hex}",
            "customer": {"phone": "923001234567", "name": "Ayesha Siddiqui", "consent": True},
            "order": {"items": [{"name": "Lawn suit", "qty": 2, "price": 2500}], "total": 5000}
            | order,
        }
        headers = {"X-API-Key": business["api_key"]}
        created = await client.post("/api/v1/events/ingest", json=body, headers=headers)
        # 202: accepted while the ledger is slow; the view shows it soon after.
        assert created.status_code in (201, 202), created.text
        answer: dict[str, Any] = created.json()

        async def shown() -> bool:
            got = await client.get(f"/api/v1/orders/{answer['order_id']}", headers=headers)
            return got.status_code == 200

        await wait_for(shown, what="the order in the view")
        return answer

    return place
