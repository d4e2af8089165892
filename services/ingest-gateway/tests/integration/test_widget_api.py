"""The orders widget's keys and sessions through the gateway's app on a real Postgres: a page on a
listed origin reads and moves orders, any other origin or route is refused, CORS answers only the
session's own page, and revoking or expiry ends it."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from sauda_contracts.testing import order_placed
from sauda_gateway import clock
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.view.folds import ViewWriter

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
SHOP = "https://admin.shop.pk"
EVIL = "https://evil.example"


async def placed(pool: asyncpg.Pool, business: Business) -> str:
    order = order_placed(business.business_id, order_id=uuid4())
    async with pool.acquire() as conn, conn.transaction():
        await ViewWriter().apply(conn, [order])
    return str(order.body.order_id)


def key_of(api_key: str) -> dict[str, str]:
    return {"X-API-Key": api_key}


def widget(token: str, origin: str | None = SHOP) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **({"Origin": origin} if origin else {})}


async def publishable(http: httpx.AsyncClient, api_key: str, *origins: str) -> dict[str, Any]:
    made = await http.post("/api/v1/widget/keys", headers=key_of(api_key),
                           json={"name": "Store admin", "origins": list(origins)})  # fmt: skip
    assert made.status_code == 201, made.text
    return dict(made.json())


async def exchanged(http: httpx.AsyncClient, key: str, origin: str) -> httpx.Response:
    return await http.post("/api/v1/widget/exchange", headers={"Origin": origin},
                           json={"publishable_key": key})  # fmt: skip


async def session_of(http: httpx.AsyncClient, api_key: str) -> tuple[dict[str, Any], str]:
    """A publishable key listing SHOP, and the widget token a page on SHOP got with it."""
    key = await publishable(http, api_key, SHOP)
    return key, (await exchanged(http, key["publishable_key"], SHOP)).json()["token"]


async def test_a_publishable_key_opens_the_orders_panel_from_its_listed_origin_only(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    order_id = await placed(pool, business[0])
    async with api() as http:
        key = await publishable(
            http, business[1], "https://Admin.Shop.pk/", "http://localhost:3000"
        )
        assert key["origins"] == [SHOP, "http://localhost:3000"]
        assert key["publishable_key"].startswith("pk_")

        opened = await exchanged(http, key["publishable_key"], SHOP)
        assert opened.status_code == 201, opened.text
        assert opened.headers["access-control-allow-origin"] == SHOP
        token = opened.json()["token"]
        assert opened.json()["origin"] == SHOP

        listed = await http.get("/api/v1/orders", headers=widget(token))
        assert listed.status_code == 200, listed.text
        assert [o["order_id"] for o in listed.json()["orders"]] == [order_id]
        assert listed.headers["access-control-allow-origin"] == SHOP
        one = await http.get(f"/api/v1/orders/{order_id}", headers=widget(token))
        assert one.status_code == 200 and one.json()["order_id"] == order_id

        refused = await exchanged(http, key["publishable_key"], EVIL)
        assert refused.status_code == 403 and refused.json()["code"] == "origin_not_allowed"
        assert "access-control-allow-origin" not in refused.headers
        unknown = await exchanged(http, "pk_nothing", SHOP)
        assert unknown.status_code == 401 and unknown.json()["code"] == "invalid_publishable_key"


async def test_a_widget_session_refuses_other_pages_and_other_routes(
    api: Api, business: tuple[Business, str]
) -> None:
    async with api() as http:
        _, token = await session_of(http, business[1])
        for origin in (EVIL, None):
            other = await http.get("/api/v1/orders", headers=widget(token, origin))
            assert other.status_code == 403 and other.json()["code"] == "origin_not_allowed"
            assert "access-control-allow-origin" not in other.headers
        for method, path in [("GET", "/api/v1/webhooks"), ("GET", "/api/v1/products"),
                             ("POST", "/api/v1/widget/sessions"), ("GET", "/api/v1/widget/keys")]:  # fmt: skip
            outside = await http.request(method, path, headers=widget(token), json={})
            assert outside.status_code == 403, (path, outside.text)
            assert outside.json()["code"] == "outside_widget_scope"
            # Readable by the widget's own page, so it can say why.
            assert outside.headers["access-control-allow-origin"] == SHOP


async def test_revoking_the_key_ends_its_sessions_and_its_exchanges(
    api: Api, business: tuple[Business, str]
) -> None:
    async with api() as http:
        key, token = await session_of(http, business[1])
        gone = await http.delete(
            f"/api/v1/widget/keys/{key['key_id']}", headers=key_of(business[1])
        )
        assert gone.status_code == 204
        ended = await http.get("/api/v1/orders", headers=widget(token))
        assert ended.status_code == 401 and ended.json()["code"] == "widget_session_ended"
        assert (await exchanged(http, key["publishable_key"], SHOP)).status_code == 401
        again = await http.delete(
            f"/api/v1/widget/keys/{key['key_id']}", headers=key_of(business[1])
        )
        assert again.status_code == 404 and again.json()["code"] == "widget_key_not_found"
        [listed] = (await http.get("/api/v1/widget/keys", headers=key_of(business[1]))).json()[
            "widget_keys"
        ]
        assert listed["revoked_at"] is not None


async def test_the_stores_server_opens_a_short_lived_session_for_its_page(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id = await placed(pool, business[0])
    async with api() as http:
        opened = await http.post("/api/v1/widget/sessions", headers=key_of(business[1]),
                                 json={"origin": SHOP, "ttl_seconds": 600})  # fmt: skip
        assert opened.status_code == 201, opened.text
        token = opened.json()["token"]
        assert token.startswith("wgt_")
        messages = await http.get(f"/api/v1/orders/{order_id}/messages", headers=widget(token))
        assert messages.status_code == 200, messages.text

        later = clock.now() + timedelta(seconds=601)
        monkeypatch.setattr(clock, "now", lambda: later)
        ended = await http.get("/api/v1/orders", headers=widget(token))
        assert ended.status_code == 401 and ended.json()["code"] == "widget_session_ended"

        for body, field in [({"origin": "admin.shop.pk"}, "origin"),
                            ({"origin": SHOP, "ttl_seconds": 10}, "ttl_seconds")]:  # fmt: skip
            bad = await http.post("/api/v1/widget/sessions", headers=key_of(business[1]), json=body)
            assert bad.status_code == 400 and bad.json()["field"] == field, bad.text


async def test_a_widget_sees_only_its_own_business(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    other, _ = await create_business(BusinessStore(pool), name="Other shop", plan="business")
    theirs = await placed(pool, other)
    async with api() as http:
        token = (await http.post("/api/v1/widget/sessions", headers=key_of(business[1]),
                                 json={"origin": SHOP})).json()["token"]  # fmt: skip
        assert (
            await http.get(f"/api/v1/orders/{theirs}", headers=widget(token))
        ).status_code == 404
        assert (await http.get("/api/v1/orders", headers=widget(token))).json()["orders"] == []


async def test_preflights_are_answered_for_the_widgets_routes_only(api: Api) -> None:
    async with api() as http:
        asked = {"Origin": SHOP, "Access-Control-Request-Method": "PATCH",
                 "Access-Control-Request-Headers": "authorization, content-type"}  # fmt: skip
        ok = await http.options("/api/v1/orders/123/status", headers=asked)
        assert ok.status_code == 204
        assert ok.headers["access-control-allow-origin"] == SHOP
        assert "authorization" in ok.headers["access-control-allow-headers"]
        for path in ("/api/v1/webhooks", "/api/v1/orders"):  # no PATCH on the list
            no = await http.options(path, headers=asked)
            assert "access-control-allow-origin" not in no.headers, path
        plain = await http.get("/api/v1/orders", headers={"Origin": SHOP})
        assert (
            "access-control-allow-origin" not in plain.headers
        )  # an API key's reads stay same-origin


async def test_a_token_sauda_never_made_is_told_readably_that_it_opens_nothing(api: Api) -> None:
    async with api() as http:
        forged = await http.get("/api/v1/orders", headers=widget("wgt_" + "x" * 40, EVIL))
        assert forged.status_code == 401 and forged.json()["code"] == "widget_session_ended"
        # The page reads the refusal (and says "session ended"), rather than a network error.
        assert forged.headers["access-control-allow-origin"] == EVIL
        assert forged.json()["message"]
