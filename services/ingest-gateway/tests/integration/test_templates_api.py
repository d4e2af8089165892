"""GET /api/v1/whatsapp/templates through the gateway's app on a real Postgres: the notifier's
TemplateRecorded snapshots folded by the message consumer's own handler (a newer revision
replaces, an older or repeated one changes nothing, a removed one leaves the list), listed by
name for an API key, an owner or staff (who still may not edit the connection), filtered by
review state and language, paged, bad filters refused with their field, the connected WABA's
only and never another business's; each change reaches the live stream as `event: template`."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import pytest

from sauda_contracts.message_templates import (
    TemplateRecorded,
    TemplateRecordedBody,
    TemplateStatus,
)
from sauda_gateway.accounts.domain import Role
from sauda_gateway.bootstrap import live_channel
from sauda_gateway.domain import Business
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.view.projector import on_message_stream
from sauda_runtime.kit import unit_of_work
from sauda_runtime.secrets import SecretBox

from .test_accounts_api import Api, insecure, login, user
from .test_live_stream_api import client, served, stream

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


async def connected(pool: asyncpg.Pool, box: SecretBox, business: Business, waba_id: str) -> None:
    await WhatsAppAccounts(pool).connect(
        business.business_id, phone_number_id=f"pn-{uuid4().hex[:10]}", waba_id=waba_id,
        access_token="token", box=box, graph_url="http://127.0.0.1:9", api_version="v21.0",
        display_phone_number=None, admin_phone=None, language="en", sandbox=True,
    )  # fmt: skip


def snapshot(business: Business, name: str, *, waba_id: str = "waba-1", language: str = "en",
             status: TemplateStatus = TemplateStatus.APPROVED, revision: int = 1,
             **fields: Any) -> TemplateRecorded:  # fmt: skip
    return TemplateRecorded(
        event_id=uuid4(), occurred_at=T0, business_id=business.business_id,
        correlation_id="template-sync",
        body=TemplateRecordedBody(
            waba_id=waba_id, name=name, language=language, status=status, category="UTILITY",
            template_id=f"id-{name}-{language}", revision=revision,
            recorded_at=T0 + timedelta(minutes=revision), **fields,
        ),
    )  # fmt: skip


async def fold(pool: asyncpg.Pool, *snapshots: TemplateRecorded) -> None:
    """The snapshots through the message consumer's handler, as it folds a batch."""
    schema = str(await pool.fetchval("SELECT current_schema()"))
    async with unit_of_work(pool, None) as tx:
        await on_message_stream(list(snapshots), tx, live=live_channel(schema))


async def listed(http: Any, key: str | None = None, **params: Any) -> Any:
    headers = {"X-API-Key": key} if key else {}
    got = await http.get("/api/v1/whatsapp/templates", params=params, headers=headers)
    assert got.status_code == 200, got.text
    return got.json()


def names(page: Any) -> list[tuple[str, str, str]]:
    return [(t["name"], t["language"], t["status"]) for t in page["templates"]]


async def test_templates_are_listed_by_name_with_their_review_state_and_reason(
    api: Api, pool: asyncpg.Pool, box: SecretBox, business: tuple[Business, str]
) -> None:
    shop, key = business
    await connected(pool, box, shop, "waba-1")
    await fold(
        pool,
        snapshot(shop, "sauda_order_shipped", language="ur"),
        snapshot(shop, "sauda_cod_confirmation"),
        snapshot(shop, "sauda_order_shipped", status=TemplateStatus.PENDING),
    )
    # Rejected later, in a batch that also holds an older revision of it: the newest wins.
    rejected = snapshot(shop, "sauda_order_shipped", status=TemplateStatus.REJECTED, revision=2,
                        rejected_reason="INVALID_FORMAT")  # fmt: skip
    await fold(pool, rejected, snapshot(shop, "sauda_order_shipped", revision=1))
    async with api() as http:
        page = await listed(http, key)
        assert names(page) == [
            ("sauda_cod_confirmation", "en", "APPROVED"),
            ("sauda_order_shipped", "en", "REJECTED"),
            ("sauda_order_shipped", "ur", "APPROVED"),
        ]
        assert (page["total"], page["limit"], page["offset"]) == (3, 50, 0)
        assert page["templates"][1] == {
            "waba_id": "waba-1", "name": "sauda_order_shipped", "language": "en",
            "status": "REJECTED", "category": "UTILITY", "template_id": "id-sauda_order_shipped-en",
            "rejected_reason": "INVALID_FORMAT", "removed": False, "revision": 2,
            "updated_at": "2026-06-01T09:02:00Z",
        }  # fmt: skip

        # Redelivered, or an older snapshot arriving late: nothing changes.
        await fold(pool, rejected, snapshot(shop, "sauda_order_shipped", revision=1))
        assert (await listed(http, key))["templates"][1] == page["templates"][1]

        # Meta no longer lists one: it leaves the list, and an older snapshot cannot bring it back.
        await fold(pool, snapshot(shop, "sauda_order_shipped", language="ur", revision=2,
                                  removed=True))  # fmt: skip
        await fold(pool, snapshot(shop, "sauda_order_shipped", language="ur", revision=1))
        assert names(await listed(http, key)) == [
            ("sauda_cod_confirmation", "en", "APPROVED"),
            ("sauda_order_shipped", "en", "REJECTED"),
        ]


async def test_filters_and_paging_and_bad_filters_named(
    api: Api, pool: asyncpg.Pool, box: SecretBox, business: tuple[Business, str]
) -> None:
    shop, key = business
    await connected(pool, box, shop, "waba-1")
    await fold(pool, *(snapshot(shop, f"t{n}", status=status, language=language)
                       for n, (status, language) in enumerate([
                           (TemplateStatus.APPROVED, "en"), (TemplateStatus.REJECTED, "ur"),
                           (TemplateStatus.PENDING, "en"), (TemplateStatus.PAUSED, "en_US"),
                           (TemplateStatus.APPROVED, "ur")])))  # fmt: skip
    async with api() as http:
        assert names(await listed(http, key, status="rejected,PAUSED")) == [
            ("t1", "ur", "REJECTED"), ("t3", "en_US", "PAUSED")]  # fmt: skip
        assert names(await listed(http, key, language="ur")) == [
            ("t1", "ur", "REJECTED"), ("t4", "ur", "APPROVED")]  # fmt: skip
        assert names(await listed(http, key, status="APPROVED", language="ur")) == [
            ("t4", "ur", "APPROVED")]  # fmt: skip
        page = await listed(http, key, limit=2, offset=2)
        assert [t["name"] for t in page["templates"]] == ["t2", "t3"] and page["total"] == 5

        for params, code, field in (
            ({"status": "APPROVED,MAYBE"}, "invalid_status", "status"),
            ({"status": ""}, "invalid_status", "status"),
            ({"language": "english"}, "invalid_language", "language"),
            ({"language": "EN"}, "invalid_language", "language"),
            ({"limit": 0}, "invalid_field", "limit"),
            ({"limit": 101}, "invalid_field", "limit"),
            ({"offset": -1}, "invalid_field", "offset"),
        ):
            refused = await http.get("/api/v1/whatsapp/templates", params=params,
                                     headers={"X-API-Key": key})  # fmt: skip
            assert refused.status_code == 400, (params, refused.text)
            body = refused.json()
            assert (body["code"], body["field"]) == (code, field), (params, body)
            assert body["message"]
        refused = await http.get("/api/v1/whatsapp/templates", params={"status": "MAYBE"},
                                 headers={"X-API-Key": key})  # fmt: skip
        assert "'MAYBE' is not a template status" in refused.json()["message"]


async def test_only_the_connected_waba_and_only_its_own_business(
    api: Api, pool: asyncpg.Pool, box: SecretBox, business: tuple[Business, str]
) -> None:
    shop, key = business
    other, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    await fold(pool, snapshot(shop, "ours"), snapshot(other, "theirs"),
               snapshot(shop, "on_the_other_waba", waba_id="waba-2"))  # fmt: skip
    async with api() as http:
        assert (await listed(http, key))["templates"] == []  # not connected: nothing to show
        await connected(pool, box, shop, "waba-1")
        await connected(pool, box, other, "waba-1")  # two shops, one WABA: each its own rows
        assert names(await listed(http, key)) == [("ours", "en", "APPROVED")]
        assert names(await listed(http, other_key)) == [("theirs", "en", "APPROVED")]
        await connected(pool, box, shop, "waba-2")  # moved to another WABA
        assert names(await listed(http, key)) == [("on_the_other_waba", "en", "APPROVED")]
        refused = await http.get("/api/v1/whatsapp/templates")
        assert refused.status_code == 401 and refused.json()["code"] == "missing_api_key"


@pytest.mark.parametrize("role", [Role.STAFF, Role.OWNER])
async def test_staff_read_the_templates_but_only_an_owner_edits_the_connection(
    api: Api, pool: asyncpg.Pool, box: SecretBox, business: tuple[Business, str], role: Role
) -> None:
    shop, _ = business
    await connected(pool, box, shop, "waba-1")
    await fold(pool, snapshot(shop, "sauda_cod_confirmation"))
    email = f"{uuid4().hex[:8]}@shop.pk"
    await user(pool, shop, email, role)
    async with insecure(api) as http:
        csrf = (await login(http, email)).json()["csrf_token"]
        assert names(await listed(http)) == [("sauda_cod_confirmation", "en", "APPROVED")]
        edit = await http.patch("/api/v1/whatsapp", json={"admin_phone": "923001112223"},
                                headers={"X-CSRF-Token": csrf})  # fmt: skip
    admin = await pool.fetchval(
        "SELECT admin_phone FROM whatsapp_accounts WHERE business_id = $1", shop.business_id
    )
    if role is Role.STAFF:
        assert edit.status_code == 403 and edit.json()["code"] == "owner_only"
        assert admin is None
    else:
        assert edit.status_code == 200, edit.text
        assert admin == "923001112223"


async def test_a_template_change_reaches_the_live_stream_as_the_list_shows_it(
    pool: asyncpg.Pool, box: SecretBox, business: tuple[Business, str]
) -> None:
    shop, key = business
    other, _ = await create_business(BusinessStore(pool), name="Other", plan="business")
    await connected(pool, box, shop, "waba-1")
    await fold(pool, snapshot(shop, "sauda_order_cancelled"))
    async with served(pool) as url, client(url) as http:
        async with stream(http, **{"X-API-Key": key}) as live:
            await fold(pool, snapshot(other, "theirs", status=TemplateStatus.REJECTED))
            await fold(pool, snapshot(shop, "sauda_order_cancelled", revision=1))  # a repeat
            await fold(pool, snapshot(shop, "sauda_order_cancelled", revision=2,
                                      status=TemplateStatus.REJECTED,
                                      rejected_reason="TAG_CONTENT_MISMATCH"))  # fmt: skip
            # The first event is the rejection: the repeat changed nothing, theirs is theirs.
            name, data = await live.next_event()
            gone = snapshot(shop, "sauda_order_cancelled", revision=3, removed=True)
            await fold(pool, gone)
            removed = await live.next_event()
        page = await listed(http, key)
    assert name == "template"
    assert (data["name"], data["status"], data["rejected_reason"], data["revision"]) == (
        "sauda_order_cancelled", "REJECTED", "TAG_CONTENT_MISMATCH", 2)  # fmt: skip
    gone_now = {"removed": True, "revision": 3, "rejected_reason": None, "status": "APPROVED",
                "updated_at": "2026-06-01T09:03:00Z"}  # fmt: skip
    assert removed == ("template", {**data, **gone_now})
    assert page["templates"] == []
