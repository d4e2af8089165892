"""The COD policy settings through the gateway's app on a real Postgres: the defaults until
set, a PUT stored as the next revision with one CodPolicyChanged snapshot on the business's key
of whatsapp.outbound.v1, bad settings refused with their field, staff read-only, tenants apart."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import asyncpg
import httpx

from sauda_contracts import Topic
from sauda_contracts.cod_policy import CodPolicyChanged, ExpiryAction
from sauda_contracts.whatsapp import parse_outbound_command
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_runtime.testing import outbox_rows

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
URL = "/api/v1/whatsapp/cod-policy"
POLICY = {
    "first_message_delay_seconds": 3600,
    "reminder_delays_seconds": [21600, 86400],
    "expire_after_seconds": 259200,
    "expiry_action": "cancel",
    "min_order_total": "500.00",
    "quiet_hours_start": "22:00",
    "quiet_hours_end": "08:00",
    "time_zone": "Asia/Karachi",
}


async def snapshots(pool: asyncpg.Pool) -> list[tuple[bytes, CodPolicyChanged]]:
    rows = await outbox_rows(pool, Topic.WHATSAPP_OUTBOUND.value)
    found = [(bytes(r["key"]), parse_outbound_command(r["value"])) for r in rows]
    return [(k, c) for k, c in found if isinstance(c, CodPolicyChanged)]


async def test_the_defaults_then_a_put_is_stored_and_snapshotted_for_the_notifier(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, key = business
    headers = {"X-API-Key": key}
    async with api() as http:
        first = await http.get(URL, headers=headers)
        assert first.status_code == 200, first.text
        assert first.json() == {
            "revision": 0, "first_message_delay_seconds": 0, "reminder_delays_seconds": [21600],
            "expire_after_seconds": None, "expiry_action": "none", "min_order_total": None,
            "quiet_hours_start": None, "quiet_hours_end": None, "time_zone": "Asia/Karachi",
        }  # fmt: skip
        put = await http.put(URL, json=POLICY, headers=headers)
        assert put.status_code == 200, put.text
        assert put.json() == {**POLICY, "revision": 1}
        again = await http.put(URL, json={"reminder_delays_seconds": []}, headers=headers)
        assert again.json()["revision"] == 2
        read = await http.get(URL, headers=headers)
    assert read.json()["reminder_delays_seconds"] == []
    assert read.json()["first_message_delay_seconds"] == 0  # a PUT is the whole policy
    sent = await snapshots(pool)
    assert [(k, c.body.revision) for k, c in sent] == [
        (str(shop.business_id).encode(), 1), (str(shop.business_id).encode(), 2),
    ]  # fmt: skip
    first_policy = sent[0][1].body.policy
    assert first_policy.expiry_action is ExpiryAction.CANCEL
    assert first_policy.reminder_delays_seconds == (21600, 86400)
    assert all(c.business_id == shop.business_id for _, c in sent)


async def test_bad_settings_are_refused_with_their_field_and_nothing_is_stored(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    headers = {"X-API-Key": business[1]}
    bad = [
        {"first_message_delay_seconds": 48 * 3600 + 1},
        {"reminder_delays_seconds": [60, 120, 180, 240]},
        {"time_zone": "Mars/Olympus"},
        {"quiet_hours_start": "25:00", "quiet_hours_end": "08:00"},
        {"expiry_action": "cancel"},
        {"expiry_action": "explode", "expire_after_seconds": 60},
        {"min_order_total": "-5"},
        {"surprise": 1},
    ]
    async with api() as http:
        answers = [await http.put(URL, json=b, headers=headers) for b in bad]
        after = await http.get(URL, headers=headers)
    for a in answers:
        assert a.status_code == 400, a.text
        assert a.json()["code"] and a.json()["message"]
    fields = [a.json().get("field") for a in answers]
    assert fields[0] == "first_message_delay_seconds"
    assert fields[2] == "time_zone"
    assert after.json()["revision"] == 0
    assert await snapshots(pool) == []


async def test_staff_read_the_policy_but_may_not_change_it(
    signed_in: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
    business: tuple[Business, str],
) -> None:
    async with signed_in("staff@shop.pk", role="staff") as http:
        read = await http.get(URL)
        put = await http.put(URL, json=POLICY)
    assert read.status_code == 200 and read.json()["revision"] == 0
    assert (put.status_code, put.json()["code"]) == (403, "owner_only")


async def test_one_businesss_policy_is_not_anothers(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    _, other_key = await create_business(BusinessStore(pool), name="Other shop", plan="business")
    async with api() as http:
        await http.put(URL, json=POLICY, headers={"X-API-Key": business[1]})
        theirs = await http.get(URL, headers={"X-API-Key": other_key})
    assert theirs.json()["revision"] == 0
    assert theirs.json()["min_order_total"] is None
