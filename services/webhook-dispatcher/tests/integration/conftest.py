"""Webhook dispatcher integration fixtures: a migrated dispatcher schema and a gateway schema of
its own per test (built from the gateway's migration), real HTTP receivers on loopback, and the
dispatcher built on them."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest

from sauda_contracts import AnyOrderEvent, OrderPlaced
from sauda_contracts.testing import order_placed as placed_order
from sauda_contracts.webhooks import RedeliverWebhook, SendTestWebhook, WebhookAttemptDue
from sauda_runtime.consumer_service import consume
from sauda_runtime.db import Migrations
from sauda_runtime.endpoints import Receiver
from sauda_runtime.endpoints import receivers as endpoint_receivers
from sauda_runtime.secrets import SecretBox
from sauda_runtime.testing import given_business, outbox_rows
from sauda_webhooks.adapters.http import HttpSender
from sauda_webhooks.adapters.store import PgWebhookStore
from sauda_webhooks.bootstrap import MIGRATIONS, Dispatcher, wire
from sauda_webhooks.domain.deliveries import RETRY_TOPICS, Delivery
from sauda_webhooks.handlers.attempts import DispatcherConfig
from sauda_webhooks.handlers.deliveries import COMMANDS_CONSUMER, ORDERS_CONSUMER

REPO = Path(__file__).resolve().parents[4]
GATEWAY_ENDPOINTS_SQL = (
    REPO / "services/ingest-gateway/src/sauda_gateway/migrations/0007_webhook_endpoints.sql"
)
# The businesses table the endpoints reference (as in the gateway's 0001 migration, trimmed).
GATEWAY_DDL = """
CREATE TABLE businesses (
    business_id uuid PRIMARY KEY, name text NOT NULL, plan text NOT NULL DEFAULT 'free',
    created_at timestamptz NOT NULL DEFAULT now()
);
"""
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


async def wait_for(check: Callable[[], Awaitable[Any]], *, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


# `pool`, `box` and `gateway_schema` are the shared fixtures of services/conftest.py.
@pytest.fixture
def migrations() -> Migrations:
    return MIGRATIONS


@pytest.fixture
def gateway_ddl() -> str:
    return GATEWAY_DDL + GATEWAY_ENDPOINTS_SQL.read_text()


@pytest.fixture
async def receivers() -> AsyncIterator[Callable[[], Awaitable[Receiver]]]:
    """Endpoints whose 2xx answers are longer than the excerpt the delivery log keeps."""
    async with endpoint_receivers() as make:
        yield lambda: make(ok_body="ok " * 1500)


@dataclass
class World:
    d: Dispatcher
    pool: asyncpg.Pool
    gateway_schema: str
    box: SecretBox
    business_id: UUID
    sender: HttpSender

    async def order_events(self, events: list[AnyOrderEvent]) -> list[Delivery]:
        """Order events through the orders consumer, as the kit runs a batch."""
        s = self.d.subscribers
        return await consume(self.pool, self.d.store.relay, s.on_order_events, events,
                             consumer=ORDERS_CONSUMER)  # fmt: skip

    async def commands(self, commands: list[SendTestWebhook | RedeliverWebhook]) -> list[Delivery]:
        s = self.d.subscribers
        return await consume(self.pool, self.d.store.relay, s.on_commands, commands,
                             consumer=COMMANDS_CONSUMER)  # fmt: skip

    async def add_endpoint(
        self,
        url: str,
        *,
        events: tuple[str, ...] = ("order_created", "order_status_changed"),
        kind: str = "merchant",
        secret: str = SECRET,
        previous: str | None = None,
        business_id: UUID | None = None,
    ) -> UUID:
        business_id = business_id or self.business_id
        g = self.gateway_schema
        await given_business(self.pool, g, business_id, "Chai Wala")
        endpoint_id = uuid4()
        await self.pool.execute(
            f'INSERT INTO "{g}".webhook_endpoints (endpoint_id, business_id, kind, url, events, '
            " secret_enc, previous_secret_enc, previous_secret_until) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, "
            " CASE WHEN $7::bytea IS NULL THEN NULL ELSE now() + interval '1 hour' END)",
            endpoint_id,
            business_id,
            kind,
            url,
            list(events),
            self.box.seal(secret),
            self.box.seal(previous) if previous else None,
        )
        return endpoint_id

    async def deliveries(self) -> list[asyncpg.Record]:
        return await self.pool.fetch("SELECT * FROM deliveries ORDER BY created_at, delivery_id")

    async def outbox(self, topic: str | None = None) -> list[asyncpg.Record]:
        return await outbox_rows(self.pool, topic)


def make_world(
    pool: asyncpg.Pool,
    gateway_schema: str,
    box: SecretBox,
    *,
    timeout: float = 2.0,
    allow_private: bool = True,
    retry_scale: float = 0.02,
) -> World:
    sender = HttpSender(timeout=timeout, allow_private=allow_private)
    d = wire(
        PgWebhookStore(pool, gateway_schema=gateway_schema, box=box),
        sender,
        DispatcherConfig(retry_scale=retry_scale, stale_after=30),
    )
    return World(d, pool, gateway_schema, box, uuid4(), sender)


@pytest.fixture
async def world(pool: asyncpg.Pool, gateway_schema: str, box: SecretBox) -> AsyncIterator[World]:
    w = make_world(pool, gateway_schema, box)
    try:
        yield w
    finally:
        await w.d.sends.drain(timeout=1)
        await w.sender.aclose()


@pytest.fixture
async def pump(world: World) -> AsyncIterator[None]:
    """Stands in for relay → retry topic → retry consumer: takes retry records from the outbox
    and hands them to the retry handler (the Kafka path has its own test)."""
    topics = [str(t) for t in RETRY_TOPICS]
    running: set[asyncio.Task[Any]] = set()

    async def loop() -> None:
        while True:
            rows = await world.pool.fetch(
                "DELETE FROM outbox WHERE topic = ANY($1) RETURNING value", topics
            )
            for r in rows:
                due = WebhookAttemptDue.model_validate_json(bytes(r["value"]))
                task = asyncio.create_task(world.d.subscribers.retrying.retry(due))
                running.add(task)
                task.add_done_callback(running.discard)
            await asyncio.sleep(0.01)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        for t in {task, *running}:
            t.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.gather(task, *running, return_exceptions=True)


def order_placed(business_id: UUID, **fields: Any) -> OrderPlaced:
    return placed_order(business_id, **({"number": "ORD-001"} | fields))
