"""An owner's API keys through the gateway's app on a real Postgres: several named keys, each
shown once and kept as a hash, the CLI's key listed under the default name, last use written
about once a minute, revoking (at once, even when the key is cached), and who may do any of it."""

import hashlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import httpx

from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore

Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


async def make_key(http: httpx.AsyncClient, name: str) -> dict[str, str]:
    made = await http.post("/api/v1/api-keys", json={"name": name})
    assert made.status_code == 201, made.text
    return dict(made.json())


async def works(http: httpx.AsyncClient, key: str) -> int:
    """The status of an orders read with `key` (a key wins over the client's session)."""
    return (await http.get("/api/v1/orders", headers={"X-API-Key": key})).status_code


async def listed(http: httpx.AsyncClient) -> list[dict[str, str | None]]:
    answer = await http.get("/api/v1/api-keys")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["api_keys"])


async def test_an_owner_makes_named_keys_shown_once_kept_as_hashes_beside_the_cli_key(
    signed_in: Client, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    async with signed_in("owner@shop.pk") as http:
        shopify = await make_key(http, "  Shopify store ")
        assert set(shopify) == {"key_id", "name", "prefix", "created_at", "api_key"}
        assert shopify["name"] == "Shopify store"
        assert shopify["api_key"].startswith(shopify["prefix"])
        assert len(shopify["prefix"]) < len(shopify["api_key"]) // 2
        zapier = await make_key(http, "Zapier")
        keys = await listed(http)
        assert [k["name"] for k in keys] == ["Default key", "Shopify store", "Zapier"]
        assert keys[0]["prefix"] == business[1][:16]
        assert [k["key_id"] for k in keys[1:]] == [shopify["key_id"], zapier["key_id"]]
        assert all(set(k) == {"key_id", "name", "prefix", "created_at", "last_used_at",
                              "revoked_at"} for k in keys)  # fmt: skip
        assert keys[1]["last_used_at"] is None and keys[1]["revoked_at"] is None
        for raw in (shopify["api_key"], zapier["api_key"], business[1]):
            assert raw not in (await http.get("/api/v1/api-keys")).text
            assert await works(http, raw) == 200
    stored = await pool.fetchval(
        "SELECT key_hash FROM api_keys WHERE key_id = $1", UUID(shopify["key_id"])
    )
    assert stored == hashlib.sha256(shopify["api_key"].encode()).hexdigest()


async def test_a_key_needs_a_name_of_1_to_80_characters(signed_in: Client) -> None:
    async with signed_in("owner@shop.pk") as http:
        for name in ("", "   ", "x" * 81, "a\x00b"):
            refused = await http.post("/api/v1/api-keys", json={"name": name})
            assert refused.status_code == 400, (name, refused.text)
            assert refused.json()["field"] == "name"
        missing = await http.post("/api/v1/api-keys", json={})
        assert missing.json()["code"] == "missing_field"
        assert (await make_key(http, "x" * 80))["name"] == "x" * 80


async def test_a_revoked_key_is_refused_at_once_though_this_process_had_cached_it(
    signed_in: Client,
) -> None:
    async with signed_in("owner@shop.pk", api_key_cache_seconds=300) as http:
        key = await make_key(http, "Old shop")
        assert await works(http, key["api_key"]) == 200  # now in the cache for 5 minutes
        revoked = await http.delete(f"/api/v1/api-keys/{key['key_id']}")
        assert revoked.status_code == 204, revoked.text
        refused = await http.get("/api/v1/orders", headers={"X-API-Key": key["api_key"]})
        assert refused.status_code == 401 and refused.json()["code"] == "invalid_api_key"
        first = next(k for k in await listed(http) if k["key_id"] == key["key_id"])
        assert first["revoked_at"] is not None
        again = await http.delete(f"/api/v1/api-keys/{key['key_id']}")
        assert again.status_code == 204  # revoking twice is not an error, and changes nothing
        assert next(k for k in await listed(http) if k["key_id"] == key["key_id"]) == first
        for unknown in (str(uuid4()), "not-a-key-id"):
            missing = await http.delete(f"/api/v1/api-keys/{unknown}")
            assert missing.status_code == 404
            assert missing.json()["code"] == "api_key_not_found"


async def test_another_business_key_is_not_found_and_keeps_working(
    signed_in: Client, pool: asyncpg.Pool
) -> None:
    other, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    theirs = await pool.fetchval("SELECT key_id FROM api_keys WHERE business_id = $1",
                                 other.business_id)  # fmt: skip
    async with signed_in("owner@shop.pk") as http:
        refused = await http.delete(f"/api/v1/api-keys/{theirs}")
        assert refused.status_code == 404 and refused.json()["code"] == "api_key_not_found"
        assert str(theirs) not in (await http.get("/api/v1/api-keys")).text
        assert await works(http, other_key) == 200


async def test_staff_may_not_see_make_or_revoke_keys_an_api_key_may(
    signed_in: Client, business: tuple[Business, str]
) -> None:
    async with signed_in("staff@shop.pk", role="staff") as http:
        answers = [
            await http.get("/api/v1/api-keys"),
            await http.post("/api/v1/api-keys", json={"name": "Mine"}),
            await http.delete(f"/api/v1/api-keys/{uuid4()}"),
        ]
        assert [(a.status_code, a.json()["code"]) for a in answers] == [(403, "owner_only")] * 3
        key = {"X-API-Key": business[1]}
        with_key = await http.post("/api/v1/api-keys", json={"name": "By key"}, headers=key)
        assert with_key.status_code == 201, with_key.text


async def last_used(pool: asyncpg.Pool, business: Business) -> datetime | None:
    value = await pool.fetchval(
        "SELECT last_used_at FROM api_keys WHERE business_id = $1", business.business_id
    )
    assert value is None or isinstance(value, datetime)
    return value


async def test_a_key_last_use_is_written_at_most_about_once_a_minute(
    signed_in: Client, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    async with signed_in("owner@shop.pk") as http:
        assert (await listed(http))[0]["last_used_at"] is None
        assert await works(http, business[1]) == 200
        first = await last_used(pool, business[0])
        assert first is not None
        assert datetime.fromisoformat(str((await listed(http))[0]["last_used_at"])) == first
        for _ in range(3):
            assert await works(http, business[1]) == 200
        assert await last_used(pool, business[0]) == first  # no write per request
        earlier = first - timedelta(minutes=2)
        await pool.execute("UPDATE api_keys SET last_used_at = $1", earlier)
        assert await works(http, business[1]) == 200
        later = await last_used(pool, business[0])
        assert later is not None and later > earlier + timedelta(minutes=1)


async def test_a_business_has_at_most_20_live_keys(signed_in: Client) -> None:
    async with signed_in("owner@shop.pk") as http:
        made = [await make_key(http, f"key {n}") for n in range(19)]  # and the CLI's one
        refused = await http.post("/api/v1/api-keys", json={"name": "one too many"})
        assert refused.status_code == 409
        assert refused.json()["code"] == "api_key_limit_reached"
        assert (await http.delete(f"/api/v1/api-keys/{made[0]['key_id']}")).status_code == 204
        assert (await make_key(http, "in its place"))["name"] == "in its place"
        assert len(await listed(http)) == 21
