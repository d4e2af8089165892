"""Creating and syncing templates through the gateway's app on a real Postgres (no Kafka: the
command is read from the outbox, the notifier's outcome folded by the message consumer's own
handler): a create checked as Meta checks it, recorded with its CreateTemplate in one
transaction, refused as a duplicate while the template exists or its create is queued; the
outcome shown by GET once folded (once: a repeat changes nothing); another business's request
is not found; staff may not; Wabotick's template/list lists the folded templates."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from sauda_contracts.message_templates import TemplateStatus
from sauda_contracts.template_admin import (
    TemplateRequestError,
    TemplateRequestKind,
    TemplateRequestRecorded,
    TemplateRequestRecordedBody,
    TemplateRequestStatus,
)
from sauda_contracts.whatsapp import parse_outbound_command
from sauda_gateway.accounts.domain import Role
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_runtime.secrets import SecretBox

from .test_accounts_api import Api, insecure, login, user
from .test_templates_api import connected, fold, snapshot

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DEFINITION = {
    "name": "order_update", "language": "en", "category": "utility",
    "components": [{"type": "BODY", "text": "Hi {{1}}, your order {{2}} is on its way."}],
}  # fmt: skip


def auth(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


async def commands(pool: asyncpg.Pool) -> list[Any]:
    rows = await pool.fetch("SELECT topic, key, value FROM outbox ORDER BY id")
    return [(r["topic"], bytes(r["key"]), parse_outbound_command(bytes(r["value"]))) for r in rows]


def outcome(business: Business, request_id: str, status: TemplateRequestStatus,
            **fields: Any) -> TemplateRequestRecorded:  # fmt: skip
    return TemplateRequestRecorded(
        event_id=uuid4(), occurred_at=T0, business_id=business.business_id,
        correlation_id="req", body=TemplateRequestRecordedBody(
            request_id=UUID(request_id), kind=TemplateRequestKind.CREATE, status=status,
            recorded_at=T0, **fields),
    )  # fmt: skip


async def test_a_create_is_queued_with_its_command_and_shows_meta_answer_once_told(
    api: Api, pool: asyncpg.Pool, box: SecretBox, business: tuple[Business, str]
) -> None:
    shop, key = business
    await connected(pool, box, shop, "waba-1")
    async with api() as http:
        made = await http.post("/api/v1/whatsapp/templates", json=DEFINITION, headers=auth(key))
        assert made.status_code == 202, made.text
        request = made.json()
        assert (request["kind"], request["status"], request["name"], request["language"]) == (
            "create", "queued", "order_update", "en",
        )  # fmt: skip
        location = f"/api/v1/whatsapp/templates/requests/{request['request_id']}"
        assert made.headers["Location"] == location

        ((topic, kafka_key, command),) = await commands(pool)
        assert (topic, kafka_key) == ("whatsapp.outbound.v1", str(shop.business_id).encode())
        assert command.type == "CreateTemplate"
        assert str(command.body.request_id) == request["request_id"]
        assert command.body.definition.model_dump(mode="json", exclude_none=True) == {
            "name": "order_update", "language": "en", "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Hi {{1}}, your order {{2}} is on its way."}],
        }  # fmt: skip

        # A second create of it while the first is queued: refused, nothing more queued.
        again = await http.post("/api/v1/whatsapp/templates", json=DEFINITION, headers=auth(key))
        assert (again.status_code, again.json()["code"], again.json()["field"]) == (
            409, "template_exists", "name",
        )  # fmt: skip
        assert len(await commands(pool)) == 1
        queued = await http.get(location, headers=auth(key))
        assert queued.json()["status"] == "queued"

        # The notifier's answer: done with Meta's id; a late failure of it changes nothing.
        await fold(pool, outcome(shop, request["request_id"], TemplateRequestStatus.DONE,
                                 template_id="9876543210", template_status="PENDING"))  # fmt: skip
        error = TemplateRequestError(code="100", message="late")
        await fold(pool, outcome(shop, request["request_id"], TemplateRequestStatus.FAILED,
                                 error=error))  # fmt: skip
        done = (await http.get(location, headers=auth(key))).json()
        assert (done["status"], done["template_id"], done["error"]) == ("done", "9876543210", None)

        # Once Meta lists it, creating it again is a duplicate; another language is not.
        await fold(pool, snapshot(shop, "order_update", status=TemplateStatus.PENDING))
        dup = await http.post("/api/v1/whatsapp/templates", json=DEFINITION, headers=auth(key))
        assert (dup.status_code, dup.json()["code"]) == (409, "template_exists")
        ur = await http.post("/api/v1/whatsapp/templates", json=DEFINITION | {"language": "ur"},
                             headers=auth(key))  # fmt: skip
        assert ur.status_code == 202, ur.text


async def test_meta_refusal_is_shown_and_a_new_create_may_follow(
    api: Api, pool: asyncpg.Pool, box: SecretBox, business: tuple[Business, str]
) -> None:
    shop, key = business
    await connected(pool, box, shop, "waba-1")
    async with api() as http:
        made = (await http.post("/api/v1/whatsapp/templates", json=DEFINITION,
                                headers=auth(key))).json()  # fmt: skip
        error = TemplateRequestError(code="100", message="Invalid parameter: components")
        await fold(pool, outcome(shop, made["request_id"], TemplateRequestStatus.FAILED,
                                 error=error))  # fmt: skip
        got = await http.get(f"/api/v1/whatsapp/templates/requests/{made['request_id']}",
                             headers=auth(key))  # fmt: skip
        assert (got.json()["status"], got.json()["error"]) == (
            "failed", {"code": "100", "message": "Invalid parameter: components"},
        )  # fmt: skip
        retry = await http.post("/api/v1/whatsapp/templates", json=DEFINITION, headers=auth(key))
        assert retry.status_code == 202, retry.text


async def test_a_sync_is_queued_and_bad_requests_are_refused_by_field(
    api: Api, pool: asyncpg.Pool, box: SecretBox, business: tuple[Business, str]
) -> None:
    shop, key = business
    _, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    async with api() as http:
        unconnected = await http.post("/api/v1/whatsapp/templates/sync", headers=auth(key))
        assert (unconnected.status_code, unconnected.json()["code"]) == (
            404, "whatsapp_not_connected",
        )  # fmt: skip
        await connected(pool, box, shop, "waba-1")
        synced = await http.post("/api/v1/whatsapp/templates/sync", headers=auth(key))
        assert synced.status_code == 202, synced.text
        assert (synced.json()["kind"], synced.json()["status"]) == ("sync", "queued")
        ((_, _, command),) = await commands(pool)
        assert (command.type, str(command.body.request_id)) == (
            "SyncTemplates", synced.json()["request_id"],
        )  # fmt: skip
        theirs = await http.get(
            f"/api/v1/whatsapp/templates/requests/{synced.json()['request_id']}",
            headers=auth(other_key),
        )
        assert (theirs.status_code, theirs.json()["code"]) == (404, "template_request_not_found")
        for bad, field in (({"name": "Order Update"}, "name"),
                           ({"category": "TRANSACTIONAL"}, "category"),
                           ({"components": [{"type": "BODY", "text": "Hi {{2}}"}]},
                            "components[0].text")):  # fmt: skip
            got = await http.post("/api/v1/whatsapp/templates", json=DEFINITION | bad,
                                  headers=auth(key))  # fmt: skip
            assert (got.status_code, got.json()["field"]) == (400, field), got.text
        assert len(await commands(pool)) == 1


async def test_staff_may_not_create_or_sync(
    api: Api, pool: asyncpg.Pool, box: SecretBox, business: tuple[Business, str]
) -> None:
    await connected(pool, box, business[0], "waba-1")
    await user(pool, business[0], "staff@shop.pk", Role.STAFF)
    async with insecure(api) as http:
        signed = await login(http, "staff@shop.pk")
        http.headers["X-CSRF-Token"] = signed.json()["csrf_token"]
        for path, body in (("/api/v1/whatsapp/templates", DEFINITION),
                           ("/api/v1/whatsapp/templates/sync", None)):  # fmt: skip
            got = await http.post(path, json=body)
            assert got.status_code == 403, got.text
    assert await commands(pool) == []


async def test_wabotick_template_list_answers_the_folded_templates(
    api: Api, pool: asyncpg.Pool, box: SecretBox, business: tuple[Business, str]
) -> None:
    shop, key = business
    await connected(pool, box, shop, "waba-1")
    number = await pool.fetchval("SELECT phone_number_id FROM whatsapp_accounts "
                                 "WHERE business_id = $1", shop.business_id)  # fmt: skip
    await fold(pool, snapshot(shop, "sauda_cod_confirmation"),
               snapshot(shop, "order_update", status=TemplateStatus.REJECTED,
                        rejected_reason="INVALID_FORMAT"))  # fmt: skip
    async with api() as http:
        got = await http.post("/api/v1/whatsapp/template/list",
                              data={"apiToken": key, "phone_number_id": number})  # fmt: skip
        assert got.status_code == 200, got.text
        body = got.json()
        assert body["status"] == "1"
        assert [(t["template_name"], t["status"], t["system_template"]) for t in body["message"]] == [
            ("order_update", "Rejected", "0"), ("sauda_cod_confirmation", "Approved", "1"),
        ]  # fmt: skip
        rejected = body["message"][0]
        assert rejected | {"updated_at": None} == rejected | {
            "template_id": "id-order_update-en", "whatsapp_business_id": "waba-1",
            "locale": "en", "category": "UTILITY", "status_raw": "REJECTED",
            "rejected_reason": "INVALID_FORMAT", "updated_at": None,
        }  # fmt: skip
        wrong = await http.post("/api/v1/whatsapp/template/list",
                                data={"apiToken": key, "phone_number_id": "123"})  # fmt: skip
        assert (wrong.status_code, wrong.json()["status"]) == (404, "0")
        nobody = await http.post("/api/v1/whatsapp/template/list", data={"apiToken": "nope"})
        assert (nobody.status_code, nobody.json()["status"]) == (401, "0")
