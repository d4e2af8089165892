"""The dashboard's orders page through the gateway's app on a real Postgres: search by order
number, phone or part of a name, the date range, keyset paging with an opaque cursor, the status
tabs' counts, and the next statuses of an order (the FSM's), each for one business only."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest

from sauda_contracts import OrderPlaced, OrderStatus
from sauda_contracts.testing import order_placed, status_changed
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.view.folds import ViewWriter

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
AT = datetime(2026, 6, 18, 9, 0, tzinfo=UTC)
PEOPLE = [  # (name, phone, minutes after AT)
    ("Ayesha Siddiqui", "923001234567", 0),
    ("Bilal Ahmed", "923211112222", 10),
    ("ayesha khan", "923331234000", 20),
    ("Zainab 50%_off", "919876543210", 30),
]


async def fold(pool: asyncpg.Pool, *events: object) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await ViewWriter().apply(conn, events)  # type: ignore[arg-type]


async def shop(pool: asyncpg.Pool, business_id: UUID) -> list[OrderPlaced]:
    """The four customers' orders ORD-000001..4, an hour apart from the first one's day on."""
    placed = [
        order_placed(business_id, number=f"ORD-{n + 1:06d}", name=name, phone=phone,
                     at=AT + timedelta(minutes=minutes), external_order_id=f"WC-{n + 1}")
        for n, (name, phone, minutes) in enumerate(PEOPLE)
    ]  # fmt: skip
    await fold(pool, *placed)
    return placed


def auth(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


async def numbers(http: httpx.AsyncClient, key: str, query: str) -> list[str]:
    got = await http.get(f"/api/v1/orders?{query}", headers=auth(key))
    assert got.status_code == 200, got.text
    return [o["order_number"] for o in got.json()["orders"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ORD-000002", ["ORD-000002"]),
        ("%23ORD-000003", ["ORD-000003"]),  # '#ORD-000003'
        ("%232", ["ORD-000002"]),  # '#2'
        ("4", ["ORD-000004"]),
        ("WC-1", ["ORD-000001"]),  # the store's own order id
        ("0321-1112222", ["ORD-000002"]),  # local Pakistani form of 923211112222
        ("%2B92 333 1234000", ["ORD-000003"]),
        ("ayesha", ["ORD-000003", "ORD-000001"]),
        ("SIDDIQ", ["ORD-000001"]),
        ("b 50%25_o", ["ORD-000004"]),  # % and _ are what was typed, not wildcards
        ("b%25a", []),
        ("nobody", []),
    ],
)
async def test_a_search_finds_by_order_number_phone_or_part_of_a_name(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], q: str, expected: list[str]
) -> None:
    await shop(pool, business[0].business_id)
    other, _ = await create_business(BusinessStore(pool), name="Other", plan="business")
    await shop(pool, other.business_id)
    async with api() as http:
        assert await numbers(http, business[1], f"q={q}") == expected


async def test_the_date_range_takes_dates_and_datetimes_and_refuses_others(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await shop(pool, business[0].business_id)
    key = business[1]
    async with api() as http:
        assert await numbers(http, key, "created_from=2026-06-18&created_to=2026-06-18") == [
            "ORD-000004", "ORD-000003", "ORD-000002", "ORD-000001"]  # fmt: skip
        assert await numbers(http, key, "created_to=2026-06-17") == []
        window = "created_from=2026-06-18T09:10:00Z&created_to=2026-06-18T14:25:00%2B05:00"
        assert await numbers(http, key, window) == ["ORD-000003", "ORD-000002"]
        for query, field in (
            ("created_from=yesterday", "created_from"),
            ("created_to=2026-13-01", "created_to"),
            ("created_from=2026-06-19&created_to=2026-06-18", "created_to"),
        ):
            refused = await http.get(f"/api/v1/orders?{query}", headers=auth(key))
            assert refused.status_code == 400, query
            assert refused.json()["field"] == field and refused.json()["code"] == "invalid_field"
        counted = await http.get("/api/v1/orders/counts?created_from=nope", headers=auth(key))
        assert counted.status_code == 400 and counted.json()["field"] == "created_from"


async def test_keyset_pages_walk_every_order_once_newest_first(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    bid = business[0].business_id
    # Seven orders, three of them placed at the same instant: order_id breaks the tie.
    same = [order_placed(bid, number=f"ORD-{n:06d}", at=AT) for n in (1, 2, 3)]
    later = [order_placed(bid, number=f"ORD-{n:06d}", at=AT + timedelta(hours=n)) for n in (4, 5, 6, 7)]  # fmt: skip
    await fold(pool, *same, *later)
    await shop(pool, (await create_business(BusinessStore(pool), name="B", plan="business"))[0].business_id)  # fmt: skip
    async with api() as http:
        everything = (await http.get("/api/v1/orders", headers=auth(business[1]))).json()
        assert everything["next_cursor"] is None and everything["total"] == 7
        walked, cursor, pages = [], None, 0
        while True:
            query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
            got = (await http.get(f"/api/v1/orders?{query}", headers=auth(business[1]))).json()
            assert got["total"] == 7
            walked += [o["order_id"] for o in got["orders"]]
            pages += 1
            if (cursor := got["next_cursor"]) is None:
                break
        assert pages == 3
        assert walked == [o["order_id"] for o in everything["orders"]]
        offset_page = (await http.get("/api/v1/orders?limit=3&offset=3",
                                      headers=auth(business[1]))).json()  # fmt: skip
        assert [o["order_id"] for o in offset_page["orders"]] == walked[3:6]
        assert offset_page["next_cursor"]  # an offset page also says where the next begins


async def test_a_bad_cursor_is_400_naming_the_cursor(
    api: Api, business: tuple[Business, str]
) -> None:
    async with api() as http:
        for cursor in ("nonsense", "bm90LWEtcGFpcg", "MjAyNi0wNi0xOFQwOTowMDowMHxub3QtYS11dWlk"):
            refused = await http.get(f"/api/v1/orders?cursor={cursor}", headers=auth(business[1]))
            assert refused.status_code == 400, cursor
            assert refused.json()["field"] == "cursor"
            assert refused.json()["code"] == "invalid_cursor"
        both = await http.get("/api/v1/orders?cursor=x&offset=10", headers=auth(business[1]))
        assert both.status_code == 400 and both.json()["field"] == "cursor"


async def test_counts_give_every_status_under_the_same_search(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    placed = await shop(pool, business[0].business_id)
    await fold(pool, status_changed(placed[0], OrderStatus.CONFIRMED),
               status_changed(placed[2], OrderStatus.CANCELLED))  # fmt: skip
    other, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    await shop(pool, other.business_id)
    async with api() as http:
        every = await http.get("/api/v1/orders/counts", headers=auth(business[1]))
        assert every.status_code == 200, every.text
        assert every.json() == {
            "counts": {"pending": 2, "confirmed": 1, "shipped": 0, "delivered": 0,
                       "cancelled": 1, "returned": 0},
            "total": 4,
        }  # fmt: skip
        ayesha = await http.get("/api/v1/orders/counts?q=ayesha", headers=auth(business[1]))
        assert ayesha.json()["counts"]["confirmed"] == ayesha.json()["counts"]["cancelled"] == 1
        assert ayesha.json()["total"] == 2
        theirs = (await http.get("/api/v1/orders/counts", headers=auth(other_key))).json()
        assert theirs["counts"]["pending"] == 4 and theirs["total"] == 4
        tab = await http.get("/api/v1/orders?status=pending&q=ayesha", headers=auth(business[1]))
        assert [o["order_number"] for o in tab.json()["orders"]] == []
        assert (await numbers(http, business[1], "status=pending")) == ["ORD-000004", "ORD-000002"]
        web = await http.get("/api/v1/orders/counts?source=whatsapp", headers=auth(business[1]))
        assert web.json()["total"] == 0


async def test_the_detail_names_the_statuses_the_order_may_move_to(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    pending, shipped, done = (order_placed(business[0].business_id, order_id=uuid4())
                              for _ in range(3))  # fmt: skip
    await fold(pool, pending, shipped, done)
    await fold(pool, status_changed(shipped, OrderStatus.CONFIRMED),
               status_changed(shipped, OrderStatus.SHIPPED, version=3),
               status_changed(done, OrderStatus.CANCELLED))  # fmt: skip
    async with api() as http:

        async def moves(order: OrderPlaced) -> list[str]:
            got = await http.get(f"/api/v1/orders/{order.body.order_id}", headers=auth(business[1]))
            assert got.status_code == 200, got.text
            return list(got.json()["next_statuses"])

        assert await moves(pending) == ["confirmed", "cancelled"]
        assert await moves(shipped) == ["delivered", "returned"]
        assert await moves(done) == []
        listed = (await http.get("/api/v1/orders", headers=auth(business[1]))).json()
        assert all("next_statuses" not in o for o in listed["orders"])
