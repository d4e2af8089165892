"""The abandoned-cart recovery setting: 60 minutes until changed; a change is stored and its
snapshot (SetCartRecovery, each change a higher revision) queued for the notifier on
whatsapp.outbound.v1 keyed by the business; a bad value is a 400 naming the field; staff may
read it but only an owner (or an API key) change it; each business sees only its own."""

from collections.abc import Callable
from typing import Any

import asyncpg

from sauda_contracts import Topic
from sauda_contracts.cart_recovery import SetCartRecovery
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_runtime.testing import outbox_rows

URL = "/api/v1/whatsapp/cart-recovery"


async def snapshots(pool: asyncpg.Pool) -> list[tuple[bytes, SetCartRecovery]]:
    return [
        (r["key"], SetCartRecovery.model_validate_json(r["value"]))
        for r in await outbox_rows(pool, Topic.WHATSAPP_OUTBOUND)
    ]


async def test_the_delay_defaults_to_an_hour_and_each_change_reaches_the_notifier(
    pool: asyncpg.Pool, business: tuple[Business, str], api: Callable[..., Any]
) -> None:
    shop, key = business
    other, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    h = {"X-API-Key": key}
    async with api() as http:
        first = await http.get(URL, headers=h)
        set_ = await http.put(URL, headers=h, json={"cart_recovery_delay_minutes": 15})
        off = await http.put(URL, headers=h, json={"cart_recovery_delay_minutes": 0})
        now = await http.get(URL, headers=h)
        theirs = await http.get(URL, headers={"X-API-Key": other_key})
    assert first.json() == {"cart_recovery_delay_minutes": 60}
    assert set_.status_code == 200 and set_.json() == {"cart_recovery_delay_minutes": 15}
    assert off.json() == now.json() == {"cart_recovery_delay_minutes": 0}
    assert theirs.json() == {"cart_recovery_delay_minutes": 60}
    sent = await snapshots(pool)
    assert [(k, c.business_id, c.body.delay_minutes, c.body.revision) for k, c in sent] == [
        (str(shop.business_id).encode(), shop.business_id, 15, 1),
        (str(shop.business_id).encode(), shop.business_id, 0, 2),
    ]
    assert other.business_id not in {c.business_id for _, c in sent}


async def test_a_bad_delay_is_refused_naming_the_field_and_nothing_is_sent(
    pool: asyncpg.Pool, business: tuple[Business, str], api: Callable[..., Any]
) -> None:
    h = {"X-API-Key": business[1]}
    async with api() as http:
        answers = [
            await http.put(URL, headers=h, json={"cart_recovery_delay_minutes": v})
            for v in (-1, 10081, "soon")
        ]
        still = await http.get(URL, headers=h)
    for a in answers:
        assert a.status_code == 400, a.text
        assert a.json()["field"] == "cart_recovery_delay_minutes" and a.json()["code"]
    assert still.json() == {"cart_recovery_delay_minutes": 60}
    assert await snapshots(pool) == []


async def test_staff_may_read_the_setting_but_not_change_it(signed_in: Callable[..., Any]) -> None:
    async with signed_in("staff@example.com", role="staff") as http:
        read = await http.get(URL)
        change = await http.put(URL, json={"cart_recovery_delay_minutes": 5})
    assert read.json() == {"cart_recovery_delay_minutes": 60}
    assert change.status_code == 403 and change.json()["code"]
