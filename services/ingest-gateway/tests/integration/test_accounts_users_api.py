"""An owner's team through the gateway's app on a real Postgres: invites with a one-time link
(looked at, accepted into a signed-in user, used up, expired, withdrawn), users' roles and
removal, the business's last owner, and staff kept out of all of it."""

import hashlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from uuid import uuid4

import asyncpg
import httpx

from sauda_gateway import clock
from sauda_gateway.accounts.domain import Role, login_window, token_hash
from sauda_gateway.accounts.handlers import create_user
from sauda_gateway.accounts.invites import InviteStore, NewInvite
from sauda_gateway.accounts.passwords import Passwords
from sauda_gateway.accounts.store import AccountStore
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore

Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
NEW_PASSWORD = "my own long password"


async def invite(http: httpx.AsyncClient, email: str, role: str = "staff") -> dict[str, str]:
    made = await http.post("/api/v1/users/invites", json={"email": email, "role": role})
    assert made.status_code == 201, made.text
    return dict(made.json())


def token_of(made: dict[str, str]) -> str:
    return made["invite_url"].split("#", 1)[1]


async def accept(
    http: httpx.AsyncClient, token: str, password: str = NEW_PASSWORD
) -> httpx.Response:
    return await http.post(
        "/api/v1/auth/invites/accept", json={"token": token, "password": password}
    )


async def team(http: httpx.AsyncClient) -> dict[str, list[dict[str, str]]]:
    answer = await http.get("/api/v1/users")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_an_invitee_looks_at_the_invite_accepts_it_and_is_signed_in_as_staff(
    signed_in: Client, api: Client, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    async with signed_in("owner@shop.pk", gateway_public_url="https://sauda.example.pk/") as owner:
        made = await invite(owner, " Staff@Shop.PK ")
        assert set(made) == {"invite_id", "email", "role", "created_at", "expires_at",
                             "invite_url"}  # fmt: skip
        assert (made["email"], made["role"]) == ("staff@shop.pk", "staff")
        assert made["invite_url"].startswith("https://sauda.example.pk/app/invite#")
        expires, created = (datetime.fromisoformat(made[k]) for k in ("expires_at", "created_at"))
        assert expires - created == timedelta(days=7)
        token = token_of(made)
        listed = await team(owner)
        assert [u["email"] for u in listed["users"]] == ["owner@shop.pk"]
        assert listed["invites"] == [{k: made[k] for k in made if k != "invite_url"}]
        assert token not in (await owner.get("/api/v1/users")).text
    stored = await pool.fetchval("SELECT token_hash FROM merchant_invites")
    assert bytes(stored) == hashlib.sha256(token.encode()).digest()

    async with api(gateway_cookie_secure=False) as invitee:
        looked = await invitee.get(f"/api/v1/auth/invites/{token}")
        assert looked.status_code == 200, looked.text
        assert looked.json() == {"email": "staff@shop.pk", "role": "staff",
                                 "business_name": "Test shop"}  # fmt: skip
        weak = await accept(invitee, token, "short")
        assert weak.status_code == 400 and weak.json()["code"] == "invalid_password"
        accepted = await accept(invitee, token)
        assert accepted.status_code == 200, accepted.text
        session = accepted.json()
        assert (session["email"], session["role"]) == ("staff@shop.pk", "staff")
        assert session["business_id"] == str(business[0].business_id) and session["csrf_token"]
        assert "httponly" in accepted.headers["set-cookie"].lower()
        assert (await invitee.get("/api/v1/auth/session")).json()["user_id"] == session["user_id"]
        assert (await invitee.get("/api/v1/orders")).status_code == 200
        assert (await invitee.get("/api/v1/api-keys")).json()["code"] == "owner_only"
        for used in (
            await accept(invitee, token),
            await invitee.get(f"/api/v1/auth/invites/{token}"),
        ):
            assert used.status_code == 410 and used.json()["code"] == "invite_used"
        login = {"email": "staff@shop.pk", "password": NEW_PASSWORD}
        assert (await invitee.post("/api/v1/auth/login", json=login)).status_code == 200
    async with api() as http:  # an API key has an owner's powers
        http.headers["X-API-Key"] = business[1]
        after = await team(http)
        assert [(u["email"], u["role"]) for u in after["users"]] == [
            ("owner@shop.pk", "owner"), ("staff@shop.pk", "staff")
        ]  # fmt: skip
        assert after["invites"] == []


async def test_unknown_and_expired_invite_links_say_so(
    signed_in: Client, api: Client, pool: asyncpg.Pool
) -> None:
    async with signed_in("owner@shop.pk") as owner:
        token = token_of(await invite(owner, "late@shop.pk", "owner"))
    await pool.execute("UPDATE merchant_invites SET expires_at = now() - interval '1 second'")
    async with api() as http:
        for answer in (await http.get(f"/api/v1/auth/invites/{token}"), await accept(http, token)):
            assert answer.status_code == 410 and answer.json()["code"] == "invite_expired"
        for answer in (
            await http.get("/api/v1/auth/invites/nonsense"),
            await accept(http, "nonsense"),
        ):
            assert answer.status_code == 404 and answer.json()["code"] == "invite_not_found"
        assert (await accept(http, "")).status_code == 400
    assert await pool.fetchval("SELECT count(*) FROM merchant_users") == 1


async def test_an_email_that_has_a_user_cannot_be_invited_nor_accept_an_invite(
    signed_in: Client, api: Client, pool: asyncpg.Pool
) -> None:
    other, _ = await create_business(BusinessStore(pool), name="Other", plan="business")
    await create_user(other.business_id, "taken@other.pk", NEW_PASSWORD, Role.OWNER,
                      store=AccountStore(pool), passwords=Passwords(), now=clock.now())  # fmt: skip
    async with signed_in("owner@shop.pk") as owner:
        for email in ("OWNER@shop.pk", "taken@other.pk"):
            taken = await owner.post(
                "/api/v1/users/invites", json={"email": email, "role": "staff"}
            )
            assert taken.status_code == 409 and taken.json()["code"] == "email_taken"
        bad = await owner.post("/api/v1/users/invites", json={"email": "nobody", "role": "staff"})
        assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (
            400, "invalid_email", "email"
        )  # fmt: skip
        admin = await owner.post("/api/v1/users/invites", json={"email": "a@b.pk", "role": "admin"})
        assert admin.status_code == 400 and admin.json()["field"] == "role"
        token = token_of(await invite(owner, "late@shop.pk"))
    # Someone made the same user another way before the invitee came back.
    await create_user(other.business_id, "late@shop.pk", NEW_PASSWORD, Role.STAFF,
                      store=AccountStore(pool), passwords=Passwords(), now=clock.now())  # fmt: skip
    async with api() as http:
        clash = await accept(http, token)
        assert clash.status_code == 409 and clash.json()["code"] == "email_taken"
        assert "set-cookie" not in clash.headers
        assert (await http.get(f"/api/v1/auth/invites/{token}")).status_code == 200  # not used


async def test_inviting_again_or_withdrawing_ends_the_earlier_link(
    signed_in: Client, api: Client, pool: asyncpg.Pool
) -> None:
    other, _ = await create_business(BusinessStore(pool), name="Other", plan="business")
    async with signed_in("boss@other.pk", of=other) as them:
        theirs = await invite(them, "x@other.pk")
    async with signed_in("owner@shop.pk") as owner:
        first = await invite(owner, "ali@shop.pk")
        second = await invite(owner, "ali@shop.pk", "owner")
        assert [i["invite_id"] for i in (await team(owner))["invites"]] == [second["invite_id"]]
        withdrawn = await owner.delete(f"/api/v1/users/invites/{second['invite_id']}")
        assert withdrawn.status_code == 204
        for gone in (second["invite_id"], theirs["invite_id"], str(uuid4()), "x"):
            again = await owner.delete(f"/api/v1/users/invites/{gone}")
            assert again.status_code == 404 and again.json()["code"] == "invite_not_found"
        assert (await team(owner))["invites"] == []
    async with api() as http:
        for made in (first, second):
            assert (await http.get(f"/api/v1/auth/invites/{token_of(made)}")).status_code == 404
        assert (await http.get(f"/api/v1/auth/invites/{token_of(theirs)}")).status_code == 200


async def test_roles_change_at_once_and_a_business_always_keeps_an_owner(
    signed_in: Client, pool: asyncpg.Pool
) -> None:
    other, _ = await create_business(BusinessStore(pool), name="Other", plan="business")
    async with signed_in("owner@shop.pk") as owner, signed_in("sara@shop.pk", "staff") as sara:
        ids = {u["email"]: u["user_id"] for u in (await team(owner))["users"]}
        for answer in (
            await owner.patch(f"/api/v1/users/{ids['owner@shop.pk']}", json={"role": "staff"}),
            await owner.delete(f"/api/v1/users/{ids['owner@shop.pk']}"),
        ):
            assert answer.status_code == 409 and answer.json()["code"] == "last_owner"
        promoted = await owner.patch(f"/api/v1/users/{ids['sara@shop.pk']}", json={"role": "owner"})
        assert promoted.status_code == 200, promoted.text
        assert set(promoted.json()) == {"user_id", "email", "role", "created_at"}
        assert (promoted.json()["email"], promoted.json()["role"]) == ("sara@shop.pk", "owner")
        assert (await sara.get("/api/v1/api-keys")).status_code == 200
        demoted = await sara.patch(f"/api/v1/users/{ids['owner@shop.pk']}", json={"role": "staff"})
        assert demoted.status_code == 200 and demoted.json()["role"] == "staff"
        assert (await owner.get("/api/v1/users")).json()["code"] == "owner_only"
        last = await sara.patch(f"/api/v1/users/{ids['sara@shop.pk']}", json={"role": "staff"})
        assert last.json()["code"] == "last_owner"
        bad = await sara.patch(f"/api/v1/users/{ids['owner@shop.pk']}", json={"role": "boss"})
        assert bad.status_code == 400 and bad.json()["field"] == "role"
        async with signed_in("boss@other.pk", of=other):
            outsider = await AccountStore(pool).user_by_email("boss@other.pk")
        assert outsider is not None
        for unknown in (str(outsider.user_id), str(uuid4()), "someone"):
            missing = await sara.patch(f"/api/v1/users/{unknown}", json={"role": "owner"})
            assert missing.status_code == 404 and missing.json()["code"] == "user_not_found"
            assert (await sara.delete(f"/api/v1/users/{unknown}")).status_code == 404
        assert (await AccountStore(pool).user(outsider.user_id)) is not None


async def test_a_removed_user_is_signed_out_everywhere_and_cannot_sign_in(
    signed_in: Client, api: Client
) -> None:
    async with signed_in("owner@shop.pk") as owner, signed_in("sara@shop.pk", "staff") as sara:
        sara_id = next(u["user_id"] for u in (await team(owner))["users"] if u["role"] == "staff")
        assert (await owner.delete(f"/api/v1/users/{sara_id}")).status_code == 204
        ended = await sara.get("/api/v1/orders")
        assert ended.status_code == 401 and ended.json()["code"] == "invalid_session"
        assert (await owner.delete(f"/api/v1/users/{sara_id}")).json()["code"] == "user_not_found"
        assert [u["email"] for u in (await team(owner))["users"]] == ["owner@shop.pk"]
    async with api() as http:
        login = {"email": "sara@shop.pk", "password": "correct horse battery"}
        assert (await http.post("/api/v1/auth/login", json=login)).status_code == 401


async def test_staff_may_not_see_or_change_users_or_invites(signed_in: Client) -> None:
    async with signed_in("staff@shop.pk", "staff") as staff:
        someone = uuid4()
        answers = [
            await staff.get("/api/v1/users"),
            await staff.post("/api/v1/users/invites", json={"email": "a@b.pk", "role": "staff"}),
            await staff.delete(f"/api/v1/users/invites/{someone}"),
            await staff.patch(f"/api/v1/users/{someone}", json={"role": "owner"}),
            await staff.delete(f"/api/v1/users/{someone}"),
        ]
        assert [(a.status_code, a.json()["code"]) for a in answers] == [(403, "owner_only")] * 5


async def test_expired_invites_are_forgotten_with_ended_sessions(
    pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    invites, now = InviteStore(pool), clock.now()
    for email, created in (("old@shop.pk", now - timedelta(days=8)), ("new@shop.pk", now)):
        await invites.create(NewInvite(uuid4(), business[0].business_id, email, Role.STAFF,
                                       token_hash(email), created, created + timedelta(days=7)))  # fmt: skip
    await AccountStore(pool).forget_ended(before=login_window(now))
    assert [r["email"] for r in await pool.fetch("SELECT email FROM merchant_invites")] == [
        "new@shop.pk"
    ]
    assert await invites.by_token(token_hash("old@shop.pk")) is None
