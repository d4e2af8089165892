"""The live stream through a real gateway server on a real Postgres: what the projector folds is
NOTIFYd in its transaction and reaches each business's open streams (by API key or by session
cookie) as server-sent events, never another business's; idle streams get pings, and a stream
that falls too far behind is ended rather than kept growing."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import orjson
import uvicorn

from sauda_contracts import OrderPlaced, OrderStatus
from sauda_contracts.testing import order_placed, status_changed
from sauda_contracts.whatsapp import NoticeBody, NoticeKind, NoticeRaised
from sauda_gateway import clock
from sauda_gateway.accounts.domain import Role
from sauda_gateway.accounts.handlers import create_user
from sauda_gateway.accounts.passwords import Passwords
from sauda_gateway.accounts.store import AccountStore
from sauda_gateway.bootstrap import live_channel, live_feed, outcome_channel
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.settings import GatewaySettings
from sauda_gateway.view.folds import ViewWriter
from sauda_gateway.view.live import LiveFeed
from sauda_gateway.view.projector import on_message_stream, on_order_stream
from sauda_runtime.kit import unit_of_work
from sauda_runtime.testing import free_ports

from .conftest import gateway_app

Event = tuple[str, Any]  # (event name, data) or ("comment", text)


async def _schema(pool: asyncpg.Pool) -> str:
    return str(await pool.fetchval("SELECT current_schema()"))


@asynccontextmanager
async def served(pool: asyncpg.Pool, **overrides: Any) -> AsyncIterator[str]:
    """The gateway app with a started live feed, served by uvicorn on a free port."""
    settings = GatewaySettings(rate_limit_enabled=False, gateway_cookie_secure=False,
                               gateway_db_schema=await _schema(pool), **overrides)  # fmt: skip
    live = live_feed(settings, pool)
    await live.start()
    port = free_ports(1)[0]
    config = uvicorn.Config(gateway_app(pool, settings, live), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="off", timeout_graceful_shutdown=2)  # fmt: skip
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the test gateway did not start"
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        await live.stop()


class Stream:
    """An open GET /api/v1/stream, read event by event."""

    def __init__(self, lines: AsyncIterator[str]) -> None:
        self._lines = lines

    async def next(self, timeout: float = 10.0) -> Event:
        return await asyncio.wait_for(self._next(), timeout)

    async def _next(self) -> Event:
        name, data, comments = "message", [], []
        async for line in self._lines:
            if line == "":
                if data:
                    return name, orjson.loads("\n".join(data))
                if comments:
                    return "comment", " ".join(comments)
                continue
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "":
                comments.append(value)
            elif field == "event":
                name = value
            elif field == "data":
                data.append(value)
        raise EOFError("the stream ended")

    async def next_event(self) -> Event:
        """The next event that is not a comment."""
        while (got := await self.next())[0] == "comment":
            pass
        return got


@asynccontextmanager
async def stream(http: httpx.AsyncClient, **headers: str) -> AsyncIterator[Stream]:
    async with http.stream("GET", "/api/v1/stream", headers=headers) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        opened = Stream(response.aiter_lines())
        assert await opened.next() == ("comment", "connected")  # subscribed from here on
        yield opened


async def fold_orders(pool: asyncpg.Pool, *events: Any) -> None:
    """The events through the projector's own handler, as the view's consumer folds them."""
    schema = await _schema(pool)
    async with unit_of_work(pool, None) as tx:
        await on_order_stream(list(events), tx, writer=ViewWriter(),
                              channel=outcome_channel(schema), live=live_channel(schema))  # fmt: skip


async def signed_in(http: httpx.AsyncClient, pool: asyncpg.Pool, business: Business) -> None:
    email = f"{uuid4().hex[:8]}@shop.pk"
    await create_user(business.business_id, email, "correct horse battery", Role.STAFF,
                      store=AccountStore(pool), passwords=Passwords(), now=clock.now())  # fmt: skip
    login = {"email": email, "password": "correct horse battery"}
    assert (await http.post("/api/v1/auth/login", json=login)).status_code == 200


def client(url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(10, read=30))


async def test_each_business_streams_its_own_orders_and_never_anothers(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    a, a_key = business
    b, _ = await create_business(BusinessStore(pool), name="Shop B", plan="business")
    a_order = order_placed(a.business_id, number="ORD-000001")
    b_order = order_placed(b.business_id, number="ORD-000001")
    async with served(pool) as url, client(url) as by_key, client(url) as by_cookie:
        await signed_in(by_cookie, pool, b)
        async with (
            stream(by_key, **{"X-API-Key": a_key}) as a_stream,
            stream(by_cookie) as b_stream,
        ):
            await fold_orders(pool, a_order)
            await fold_orders(pool, b_order, status_changed(b_order, OrderStatus.CONFIRMED))
            assert await a_stream.next_event() == ("order", {
                "order_id": str(a_order.body.order_id), "order_number": "ORD-000001",
                "status": "pending", "version": 1, "placed": True})  # fmt: skip
            # B's first event is its own order: A's, folded before it, never reached B.
            name, first = await b_stream.next_event()
            assert (name, first["order_id"], first["placed"]) == ("order", str(b_order.body.order_id), True)  # fmt: skip
            name, second = await b_stream.next_event()
            assert (second["order_id"], second["placed"], second["status"]) == (
                str(b_order.body.order_id), False, "confirmed")  # fmt: skip
            await fold_orders(pool, status_changed(a_order, OrderStatus.CANCELLED))
            _, moved = await a_stream.next_event()
            assert (moved["status"], moved["version"], moved["placed"]) == ("cancelled", 2, False)


async def test_a_notice_reaches_the_stream_as_the_notices_list_shows_it(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    a, key = business
    order: OrderPlaced = order_placed(a.business_id, number="ORD-000007")
    notice = NoticeRaised(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=a.business_id,
        correlation_id="t", body=NoticeBody(
            notice_id=uuid4(), kind=NoticeKind.NEW_ORDER, order_id=order.body.order_id,
            order_number="ORD-000007", customer_phone="923001234567",
            message="New order ORD-000007 from Ayesha, total PKR 3,000."))  # fmt: skip
    async with served(pool) as url, client(url) as http:
        async with stream(http, **{"X-API-Key": key}) as live:
            async with unit_of_work(pool, None) as tx:
                await on_message_stream([notice], tx, live=live_channel(await _schema(pool)))
            name, data = await live.next_event()
        listed = (await http.get("/api/v1/notices", headers={"X-API-Key": key})).json()
    assert name == "notice"
    assert data == listed["notices"][0]
    assert data["kind"] == "new_order" and data["order_number"] == "ORD-000007"


async def test_an_idle_stream_gets_pings_and_no_key_gets_no_stream(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    async with served(pool, gateway_stream_ping_seconds=0.2) as url, client(url) as http:
        async with stream(http, **{"X-API-Key": business[1]}) as live:
            assert await live.next(timeout=5) == ("comment", "ping")
            assert await live.next(timeout=5) == ("comment", "ping")
        refused = await http.get("/api/v1/stream")
        assert refused.status_code == 401 and refused.json()["code"] == "missing_api_key"


async def test_a_stream_that_falls_behind_is_ended_not_kept_growing(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    settings = GatewaySettings(gateway_db_schema=await _schema(pool), gateway_stream_queue=2)
    live: LiveFeed = live_feed(settings, pool)
    await live.start()
    try:
        events = live.events(business[0].business_id, ping_seconds=30)
        assert b"connected" in await anext(events)  # subscribed, then reads nothing for a while
        assert live.watching(business[0].business_id) == 1
        await fold_orders(pool, *(order_placed(business[0].business_id) for _ in range(3)))
        deadline = time.monotonic() + 10
        while live.watching(business[0].business_id):
            assert time.monotonic() < deadline, "a stream past its queue's bound must be dropped"
            await asyncio.sleep(0.02)
        remaining = [chunk async for chunk in events]  # it ends without the events it missed
        assert not any(chunk.startswith(b"event:") for chunk in remaining)
    finally:
        await live.stop()
