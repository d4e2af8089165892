"""Unread notices through the gateway's app on a real Postgres: counted per signed-in user since
they last marked them read (a notice recorded late counts, whatever time it carries), marked
read with the session's CSRF token, null and refused with an API key, per business."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import httpx

from sauda_contracts.whatsapp import NoticeBody, NoticeKind, NoticeRaised
from sauda_gateway import clock
from sauda_gateway.accounts.domain import Role
from sauda_gateway.accounts.handlers import create_user
from sauda_gateway.accounts.passwords import Passwords
from sauda_gateway.accounts.store import AccountStore
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.view.folds import record_notices

from .test_accounts_api import Api, insecure

PASSWORD = "correct horse battery"


async def raise_notice(
    pool: asyncpg.Pool, business: Business, *, at: datetime | None = None
) -> None:
    notice = NoticeRaised(
        event_id=uuid4(), occurred_at=at or datetime.now(UTC), business_id=business.business_id,
        correlation_id="t", body=NoticeBody(notice_id=uuid4(), kind=NoticeKind.NEW_ORDER,
                                            message="New order ORD-000001 from Ayesha."))  # fmt: skip
    async with pool.acquire() as conn, conn.transaction():
        await record_notices(conn, [notice])


async def sign_in(
    http: httpx.AsyncClient, pool: asyncpg.Pool, business: Business, role: Role
) -> str:
    """A new user of the business, signed in on `http`: their CSRF token."""
    email = f"{uuid4().hex[:8]}@shop.pk"
    await create_user(business.business_id, email, PASSWORD, role, store=AccountStore(pool),
                      passwords=Passwords(), now=clock.now())  # fmt: skip
    signed = await http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert signed.status_code == 200, signed.text
    return str(signed.json()["csrf_token"])


async def unread(http: httpx.AsyncClient, **headers: str) -> object:
    listed = await http.get("/api/v1/notices", headers=headers)
    assert listed.status_code == 200, listed.text
    return listed.json()["unread"]


async def test_each_user_reads_their_own_notices_and_a_late_one_still_counts(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop = business[0]
    other, _ = await create_business(BusinessStore(pool), name="Other", plan="business")
    async with insecure(api) as owner, insecure(api) as staff, insecure(api) as theirs:
        csrf = await sign_in(owner, pool, shop, Role.OWNER)
        await sign_in(staff, pool, shop, Role.STAFF)
        await sign_in(theirs, pool, other, Role.OWNER)
        await raise_notice(pool, shop)
        await raise_notice(pool, shop)
        assert (await unread(owner), await unread(staff), await unread(theirs)) == (2, 2, 0)

        refused = await owner.post("/api/v1/notices/read", json={})
        assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
        read = await owner.post("/api/v1/notices/read", json={}, headers={"X-CSRF-Token": csrf})
        assert read.status_code == 204, read.text
        assert (await unread(owner), await unread(staff)) == (0, 2)

        await raise_notice(pool, shop)
        await raise_notice(pool, shop, at=datetime.now(UTC) - timedelta(days=1))  # recorded late
        assert (await unread(owner), await unread(staff)) == (2, 4)
        again = await owner.post("/api/v1/notices/read", headers={"X-CSRF-Token": csrf})
        assert again.status_code == 204
        assert await unread(owner) == 0


async def test_an_api_key_has_no_unread_count_and_cannot_mark_read(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await raise_notice(pool, business[0])
    async with api() as http:
        listed = (await http.get("/api/v1/notices", headers={"X-API-Key": business[1]})).json()
        assert listed["unread"] is None and listed["total"] == 1
        refused = await http.post("/api/v1/notices/read", headers={"X-API-Key": business[1]})
        assert refused.status_code == 403 and refused.json()["code"] == "session_required"
        nobody = await http.post("/api/v1/notices/read")
        assert nobody.status_code == 401
