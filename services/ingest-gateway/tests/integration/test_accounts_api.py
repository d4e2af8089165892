"""The dashboard's sign-in through the gateway's app on a real Postgres: the session cookie, one
answer for every wrong login, sessions that see only their own business, CSRF, logout and
password changes revoking sessions, the login throttle, and what staff may not manage."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from uuid import uuid4

import asyncpg
import httpx
import pytest

from sauda_contracts.testing import order_placed
from sauda_gateway import clock
from sauda_gateway.accounts.domain import Role, login_window
from sauda_gateway.accounts.handlers import create_user
from sauda_gateway.accounts.passwords import Passwords
from sauda_gateway.accounts.store import AccountStore
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.view.folds import ViewWriter

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
PASSWORD = "correct horse battery"
TEA = {"name": "Tapal Danedar Tea", "price": 450, "currency": "PKR"}


async def user(pool: asyncpg.Pool, business: Business, email: str, role: Role = Role.OWNER) -> None:
    await create_user(business.business_id, email, PASSWORD, role, store=AccountStore(pool),
                      passwords=Passwords(), now=clock.now())  # fmt: skip


async def placed(pool: asyncpg.Pool, business: Business) -> str:
    order = order_placed(business.business_id, order_id=uuid4())
    async with pool.acquire() as conn, conn.transaction():
        await ViewWriter().apply(conn, [order])
    return str(order.body.order_id)


async def login(http: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await http.post("/api/v1/auth/login", json={"email": email, "password": password})


@pytest.fixture
async def owner(pool: asyncpg.Pool, business: tuple[Business, str]) -> str:
    """The business's owner, signed up: their email."""
    await user(pool, business[0], "owner@shop.pk")
    return "owner@shop.pk"


async def fail_logins(http: httpx.AsyncClient, email: str, times: int) -> None:
    for _ in range(times):
        assert (await login(http, email, "wrong password")).status_code == 401


def insecure(api: Api) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """A client over plain http keeps the cookie only when it is not Secure."""
    return api(gateway_cookie_secure=False)


async def test_login_sets_an_httponly_lax_secure_cookie_backed_by_a_session(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await user(pool, business[0], "Owner@Shop.pk")
    async with api() as http:
        signed = await login(http, " owner@SHOP.PK ")
        assert signed.status_code == 200, signed.text
        body = signed.json()
        assert body["email"] == "owner@shop.pk" and body["role"] == "owner"
        assert body["business_id"] == str(business[0].business_id) and body["csrf_token"]
        cookie = signed.headers["set-cookie"]
        token = cookie.split(";")[0].removeprefix("sauda_session=")
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite=lax", "path=/", "secure", "max-age=43200"} <= attributes
        row = await pool.fetchrow("SELECT * FROM merchant_sessions")
        assert row["csrf_token"] == body["csrf_token"] and row["revoked_at"] is None
        assert token.encode() not in bytes(row["token_hash"])  # only its hash is kept
    async with insecure(api) as http:
        plain = await login(http, "owner@shop.pk")
        assert "secure" not in plain.headers["set-cookie"].lower()
        now = await http.get("/api/v1/auth/session")
        assert now.status_code == 200 and now.json()["user_id"] == body["user_id"]


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await user(pool, business[0], "owner@shop.pk")
    async with api() as http:
        wrong = await login(http, "owner@shop.pk", "not the password")
        unknown = await login(http, "nobody@shop.pk")
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json()
        assert wrong.json()["code"] == "invalid_credentials"
        assert "set-cookie" not in wrong.headers
        assert (await http.get("/api/v1/auth/session")).json()["code"] == "not_signed_in"


async def test_a_session_sees_its_own_orders_and_never_another_business(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    other, _ = await create_business(BusinessStore(pool), name="Other", plan="business")
    mine, theirs = await placed(pool, business[0]), await placed(pool, other)
    await user(pool, business[0], "owner@shop.pk", Role.STAFF)
    async with insecure(api) as http:
        assert (await login(http, "owner@shop.pk")).status_code == 200
        listed = await http.get("/api/v1/orders")
        assert listed.status_code == 200, listed.text
        assert [o["order_id"] for o in listed.json()["orders"]] == [mine]
        assert (await http.get(f"/api/v1/orders/{mine}")).status_code == 200
        foreign = await http.get(f"/api/v1/orders/{theirs}")
        assert foreign.status_code == 404 and theirs not in foreign.text


async def test_a_state_changing_request_of_a_session_needs_its_csrf_token(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await user(pool, business[0], "owner@shop.pk")
    async with insecure(api) as http:
        csrf = (await login(http, "owner@shop.pk")).json()["csrf_token"]
        for sent in ({}, {"X-CSRF-Token": "guess"}, {"X-CSRF-Token": "ü".encode("latin-1")}):
            refused = await http.post("/api/v1/products", json=TEA, headers=sent)
            assert refused.status_code == 403, refused.text
            assert refused.json()["code"] == "csrf_failed"
        assert await pool.fetchval("SELECT count(*) FROM products") == 0
        made = await http.post("/api/v1/products", json=TEA, headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201, made.text
        refused = await http.post("/api/v1/auth/logout")
        assert refused.json()["code"] == "csrf_failed"


async def test_logout_revokes_the_session_and_clears_the_cookie(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await user(pool, business[0], "owner@shop.pk")
    async with insecure(api) as http:
        signed = await login(http, "owner@shop.pk")
        token, csrf = http.cookies["sauda_session"], signed.json()["csrf_token"]
        out = await http.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
        assert out.status_code == 204
        assert 'sauda_session=""' in out.headers["set-cookie"] or "max-age=0" in (
            out.headers["set-cookie"].lower()
        )
    async with insecure(api) as http:
        again = await http.get("/api/v1/orders", headers={"Cookie": f"sauda_session={token}"})
        assert again.status_code == 401 and again.json()["code"] == "invalid_session"


async def test_a_password_change_revokes_every_session_and_opens_a_fresh_one(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await user(pool, business[0], "owner@shop.pk")
    async with insecure(api) as laptop, insecure(api) as phone:
        csrf = (await login(laptop, "owner@shop.pk")).json()["csrf_token"]
        await login(phone, "owner@shop.pk")
        old = laptop.cookies["sauda_session"]
        short = await laptop.post("/api/v1/auth/password", headers={"X-CSRF-Token": csrf},
                                  json={"current_password": PASSWORD, "new_password": "short"})  # fmt: skip
        assert short.status_code == 400 and short.json()["field"] == "new_password"
        wrong = await laptop.post("/api/v1/auth/password", headers={"X-CSRF-Token": csrf},
                                  json={"current_password": "nope nope nope",
                                        "new_password": "a new long password"})  # fmt: skip
        assert wrong.json()["code"] == "wrong_password"
        changed = await laptop.post("/api/v1/auth/password", headers={"X-CSRF-Token": csrf},
                                    json={"current_password": PASSWORD,
                                          "new_password": "a new long password"})  # fmt: skip
        assert changed.status_code == 204, changed.text
        assert laptop.cookies["sauda_session"] != old
        assert (await laptop.get("/api/v1/auth/session")).status_code == 200
        assert (await phone.get("/api/v1/orders")).json()["code"] == "invalid_session"
        old_cookie = {"Cookie": f"sauda_session={old}"}
    async with insecure(api) as http:
        assert (await http.get("/api/v1/orders", headers=old_cookie)).status_code == 401
        assert (await login(http, "owner@shop.pk")).status_code == 401
        assert (await login(http, "owner@shop.pk", "a new long password")).status_code == 200


async def test_the_sixth_failed_login_of_an_email_is_refused_with_retry_after(
    api: Api, owner: str
) -> None:
    async with api() as http:
        await fail_logins(http, "owner@shop.pk", 5)
        throttled = await login(http, "OWNER@shop.pk")  # even the right password, now
        assert throttled.status_code == 429
        assert throttled.json()["code"] == "too_many_login_attempts"
        assert 1 <= int(throttled.headers["retry-after"]) <= 900


async def test_a_success_clears_the_email_count_but_not_the_address_count(
    api: Api, owner: str
) -> None:
    async with api() as http:
        await fail_logins(http, "owner@shop.pk", 4)
        assert (await login(http, "owner@shop.pk")).status_code == 200
        await fail_logins(http, "owner@shop.pk", 4)
        for n in range(12):  # 20 failures from this address in all
            assert (await login(http, f"guess{n}@shop.pk")).status_code == 401
        throttled = await login(http, "owner@shop.pk")  # the 21st attempt after failures
        assert throttled.status_code == 429 and "retry-after" in throttled.headers
        assert "address" in throttled.json()["message"]


@pytest.mark.parametrize("role", [Role.STAFF, Role.OWNER])
async def test_staff_may_not_manage_webhooks_or_whatsapp_an_owner_and_a_key_may(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], role: Role
) -> None:
    await user(pool, business[0], "someone@shop.pk", role)
    missing = f"/api/v1/webhooks/{uuid4()}"
    async with insecure(api) as http:
        csrf = (await login(http, "someone@shop.pk")).json()["csrf_token"]
        listed = await http.get("/api/v1/webhooks")
        deleted = await http.delete(missing, headers={"X-CSRF-Token": csrf})
        account = await http.get("/api/v1/whatsapp")
        orders = await http.get("/api/v1/orders")
    assert orders.status_code == 200
    if role is Role.STAFF:
        for refused in (listed, deleted, account):
            assert refused.status_code == 403, refused.text
            assert refused.json()["code"] == "owner_only"
    else:
        assert listed.status_code == 200 and listed.json() == {"webhooks": []}
        assert deleted.json()["code"] == "webhook_not_found"
        assert account.json()["code"] == "whatsapp_not_connected"
    async with api() as http:  # the API key: an owner's powers, as before
        key = {"X-API-Key": business[1]}
        assert (await http.get("/api/v1/webhooks", headers=key)).status_code == 200
        assert (await http.delete(missing, headers=key)).json()["code"] == "webhook_not_found"


async def test_without_a_cookie_the_api_key_answers_are_unchanged(
    api: Api, business: tuple[Business, str]
) -> None:
    async with api() as http:
        missing = await http.get("/api/v1/orders")
        assert missing.status_code == 401
        assert missing.json() == {"code": "missing_api_key", "field": "X-API-Key",
                                  "message": "send your API key in the X-API-Key header"}  # fmt: skip
        wrong = await http.get("/api/v1/orders", headers={"X-API-Key": "sk_nope"})
        assert wrong.json() == {"code": "invalid_api_key", "field": "X-API-Key",
                                "message": "this API key is not valid"}  # fmt: skip
        made = await http.post("/api/v1/products", json=TEA, headers={"X-API-Key": business[1]})
        assert made.status_code == 201  # no CSRF token for a key
        # A key wins over a cookie that names no session.
        both = await http.get("/api/v1/orders", headers={"X-API-Key": business[1],
                                                         "Cookie": "sauda_session=stale"})  # fmt: skip
        assert both.status_code == 200


async def test_ended_sessions_and_old_login_counts_are_forgotten(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await user(pool, business[0], "owner@shop.pk")
    store, now = AccountStore(pool), clock.now()
    await store.record_failure("owner@shop.pk", "10.0.0.1", login_window(now) - timedelta(hours=1))
    await store.record_failure("owner@shop.pk", "10.0.0.1", login_window(now))
    await pool.execute(
        "INSERT INTO merchant_sessions SELECT $1::bytea, user_id, business_id, 'c', $2::timestamptz, $2::timestamptz, NULL::timestamptz "
        "FROM merchant_users UNION ALL SELECT $3::bytea, user_id, business_id, 'c', $2::timestamptz, $4::timestamptz, NULL::timestamptz "
        "FROM merchant_users",
        b"old", now - timedelta(days=2), b"live", now + timedelta(hours=1),
    )  # fmt: skip
    await store.forget_ended(before=login_window(now))
    assert await store.failures("owner@shop.pk", "10.0.0.1", login_window(now)) == (1, 1)
    assert await pool.fetchval("SELECT count(*) FROM login_attempts") == 2
    assert [bytes(r[0]) for r in await pool.fetch("SELECT token_hash FROM merchant_sessions")] == [
        b"live"
    ]
