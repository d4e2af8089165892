"""Notifier integration fixtures: a migrated notifier schema and a gateway schema of its own
per test (real Postgres), a fake Graph API on a loopback port, and the notifier built on them."""

import itertools
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from aiohttp import web

from sauda_contracts import LineItem, OrderPlaced
from sauda_contracts.testing import order_placed as placed_order
from sauda_notifier.adapters.accounts import PgAccountDirectory
from sauda_notifier.adapters.graph import GraphClient
from sauda_notifier.adapters.limits import SendLimiter
from sauda_notifier.adapters.store import PgNotifierStore
from sauda_notifier.bootstrap import MIGRATIONS, Notifier, wire
from sauda_notifier.domain.templates import sauda_templates
from sauda_notifier.handlers.common import NotifierConfig
from sauda_notifier.handlers.templates import TemplateBook
from sauda_runtime.db import Migrations
from sauda_runtime.secrets import SecretBox
from sauda_runtime.testing import given_business, outbox_rows

# The two gateway tables the notifier reads (as in the gateway's 0001 and 0006 migrations).
GATEWAY_DDL = """
CREATE TABLE businesses (
    business_id uuid PRIMARY KEY, name text NOT NULL, plan text NOT NULL DEFAULT 'free',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE whatsapp_accounts (
    business_id uuid PRIMARY KEY REFERENCES businesses (business_id) ON DELETE CASCADE,
    phone_number_id text NOT NULL UNIQUE,
    waba_id text NOT NULL,
    display_phone_number text,
    access_token_enc bytea NOT NULL,
    graph_url text NOT NULL,
    api_version text NOT NULL DEFAULT 'v21.0',
    admin_phone text,
    language text NOT NULL DEFAULT 'en',
    sandbox boolean NOT NULL DEFAULT false,
    connected_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
"""


# --- a fake Graph API: a real HTTP server on loopback ---
@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    auth: str | None


@dataclass
class FakeGraph:
    page_size: int = 10
    requests: list[Recorded] = field(default_factory=list)
    templates: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    _failures: list[tuple[int, dict[str, Any] | None]] = field(default_factory=list)
    refuse_creates: dict[str, Any] | None = None  # Meta's error body for every template create
    _ids: "itertools.count[int]" = field(default_factory=lambda: itertools.count(1))
    url: str = ""

    # --- test controls ---

    def approve_all(self) -> None:
        for _purpose, _lang, definition in sauda_templates():
            self.set_template(definition["name"], definition["language"], "APPROVED")

    def set_template(self, name: str, language: str, status: str) -> None:
        self.templates[(name, language)] = {
            "id": str(next(self._ids)),
            "name": name,
            "language": language,
            "status": status,
            "category": "UTILITY",
        }

    def fail_next(self, times: int, status: int = 500, code: int | None = None) -> None:
        """The next `times` sends fail with `status` (and a Graph error body if `code`)."""
        body = None
        if code is not None:
            body = {
                "error": {
                    "message": f"(#{code}) injected",
                    "type": "OAuthException",
                    "code": code,
                    "error_data": {"messaging_product": "whatsapp", "details": "injected"},
                    "fbtrace_id": "Ax",
                }
            }
        self._failures += [(status, body)] * times

    @property
    def sends(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/messages")]

    # --- the API ---

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(
            Recorded("POST", request.path, body, request.headers.get("Authorization"))
        )
        if self._failures:
            status, error = self._failures.pop(0)
            if error is None:
                return web.Response(status=status, text="upstream trouble")
            return web.json_response(error, status=status)
        wamid = f"wamid.FAKE{next(self._ids):08d}"
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                "messages": [{"id": wamid}],
            }
        )

    async def _list(self, request: web.Request) -> web.Response:
        self.requests.append(Recorded("GET", request.path, dict(request.query), None))
        items = sorted(self.templates.values(), key=lambda t: (t["name"], t["language"]))
        start = int(request.query.get("after") or 0)
        page = items[start : start + self.page_size]
        paging: dict[str, Any] = {"cursors": {"before": str(start)}}
        if start + self.page_size < len(items):
            paging["cursors"]["after"] = str(start + self.page_size)
            paging["next"] = f"{self.url}{request.path}?after={start + self.page_size}"
        return web.json_response({"data": page, "paging": paging})

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(Recorded("POST", request.path, body, None))
        if self.refuse_creates is not None:
            return web.json_response(self.refuse_creates, status=400)
        self.set_template(body["name"], body["language"], "PENDING")
        created = self.templates[(body["name"], body["language"])]
        return web.json_response(
            {"id": created["id"], "status": "PENDING", "category": body["category"]}
        )

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{version}/{number}/messages", self._send)
        app.router.add_get("/{version}/{waba}/message_templates", self._list)
        app.router.add_post("/{version}/{waba}/message_templates", self._create)
        return app


class Clock:
    """Real time plus an offset the test can move forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


# `pool`, `box` and `gateway_schema` are the shared fixtures of services/conftest.py.
@pytest.fixture
def migrations() -> Migrations:
    return MIGRATIONS


@pytest.fixture
def gateway_ddl() -> str:
    return GATEWAY_DDL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    fake = FakeGraph()
    fake.approve_all()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    port = _free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        await runner.cleanup()


@dataclass
class World:
    """The notifier under test and the handles a test needs around it."""

    n: Notifier
    pool: asyncpg.Pool
    graph: FakeGraph
    clock: Clock
    business_id: UUID
    gateway_schema: str
    box: SecretBox

    def rewire(self, **changes: Any) -> Notifier:
        """The notifier wired again with some collaborators replaced."""
        return wire(**{**self.n.collaborators, **changes})

    @property
    def store(self) -> PgNotifierStore:
        return self.n.collaborators["store"]  # type: ignore[return-value]

    @property
    def accounts(self) -> PgAccountDirectory:
        return self.n.collaborators["accounts"]  # type: ignore[return-value]

    @property
    def templates(self) -> TemplateBook:
        return self.n.collaborators["templates"]  # type: ignore[return-value]

    async def connect(
        self,
        business_id: UUID | None = None,
        *,
        admin_phone: str | None = None,
        language: str = "en",
        name: str = "Chai Wala",
    ) -> UUID:
        business_id = business_id or self.business_id
        g = self.gateway_schema
        await given_business(self.pool, g, business_id, name)
        await self.pool.execute(
            f'INSERT INTO "{g}".whatsapp_accounts (business_id, phone_number_id, waba_id, '
            " access_token_enc, graph_url, api_version, admin_phone, language) "
            "VALUES ($1, $2, $3, $4, $5, 'v21.0', $6, $7)",
            business_id,
            f"pn{business_id.hex[:10]}",
            f"waba{business_id.hex[:10]}",
            self.box.seal("test-token"),
            self.graph.url,
            admin_phone,
            language,
        )
        return business_id

    async def messages(self) -> list[asyncpg.Record]:
        return await self.pool.fetch("SELECT * FROM messages ORDER BY created_at, purpose")

    async def outbox(self, topic: str | None = None) -> list[asyncpg.Record]:
        return await outbox_rows(self.pool, topic)


@pytest.fixture
async def world(
    pool: asyncpg.Pool, gateway_schema: str, graph: FakeGraph, box: SecretBox
) -> AsyncIterator[World]:
    clock = Clock()
    store = PgNotifierStore(pool)
    client = GraphClient(timeout=5.0)
    config = NotifierConfig(reminder_after=3600, retry_scale=0.02, stale_sending=60, pair_wait=2)
    n = wire(
        store=store,
        accounts=PgAccountDirectory(pool, schema=gateway_schema, box=box, cache_seconds=0),
        sender=client,
        templates=TemplateBook(store, client, min_resync=0),
        limiter=SendLimiter(mps=1000, pair_per_minute=600, pair_burst=100),
        config=config,
        clock=clock,
    )
    try:
        yield World(n, pool, graph, clock, uuid4(), gateway_schema, box)
    finally:
        await client.aclose()


@pytest.fixture
def make_order() -> Any:
    return order_placed


# Two lines, so the COD template's items summary has a list to show.
TWO_LINES = (
    LineItem(name="Widget Pro", qty=2, price=Decimal("1000")),
    LineItem(name="Cable", qty=1, price=Decimal("1000")),
)


def order_placed(business_id: UUID, **fields: Any) -> OrderPlaced:
    return placed_order(business_id, **({"items": TWO_LINES} | fields))
