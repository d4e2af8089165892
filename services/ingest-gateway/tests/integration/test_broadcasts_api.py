"""Broadcasts through the gateway's app on a real Postgres, both ways in: a POST queues one
StartBroadcast (recipients normalized, deduplicated) and answers 202 at once; the key names the
broadcast, so a retry queues nothing more; bad recipients are refused by index; the notifier's
progress is folded by revision and each recipient's result read from the message log; another
business's broadcast is 404."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg

from sauda_contracts import Topic
from sauda_contracts.broadcasts import (
    BroadcastCounts,
    BroadcastRecorded,
    BroadcastRecordedBody,
    BroadcastStatus,
    StartBroadcast,
    broadcast_id_for,
    broadcast_message_id,
)
from sauda_contracts.whatsapp import GraphError
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_runtime.secrets import SecretBox
from sauda_runtime.testing import outbox_rows

from .messaging_flows import (
    Api,
    connect,
    connected,
    fold,
    keyed,
    recorded,
    rival,
)

BASE = "/api/v1/whatsapp/broadcasts"
TEMPLATE = {"name": "eid_sale", "language": "en_US", "body": ["20%"]}
SALE = {"template": TEMPLATE, "recipients": ["0300 1110001", "+92 300 1110002", "923001110001"]}


async def started(pool: asyncpg.Pool) -> list[StartBroadcast]:
    rows = await outbox_rows(pool, Topic.WHATSAPP_OUTBOUND.value)
    return [StartBroadcast.model_validate_json(r["value"]) for r in rows]


def progress(shop: Business, broadcast_id: UUID | str, revision: int, status: str, **counts: int) -> (
    BroadcastRecorded
):  # fmt: skip
    now = datetime.now(UTC)
    return BroadcastRecorded(
        event_id=uuid4(), occurred_at=now, business_id=shop.business_id, correlation_id="t",
        body=BroadcastRecordedBody(
            broadcast_id=UUID(str(broadcast_id)), status=BroadcastStatus(status),
            template="eid_sale (en_US)", total=2, counts=BroadcastCounts(**counts),
            started_at=now, finished_at=now if status == "completed" else None,
            revision=revision, recorded_at=now,
        ),
    )  # fmt: skip


async def test_a_broadcast_is_queued_once_per_key_with_its_recipients_read_and_deduplicated(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    await connect(pool, shop, box)
    async with api() as http:
        first = await http.post(BASE, json=SALE, headers=keyed(key, "eid-1"))
        again = await http.post(BASE, json=SALE, headers=keyed(key, "eid-1"))
        other = await http.post(BASE, json=SALE | {"recipients": ["923001110009"]},
                                headers=keyed(key, "eid-1"))  # fmt: skip

    assert first.status_code == 202, first.text
    broadcast_id = str(broadcast_id_for(shop.business_id, "eid-1"))
    assert first.json() == {"broadcast_id": broadcast_id, "status": "accepted", "recipients": 2}
    assert first.headers["location"] == f"{BASE}/{broadcast_id}"
    assert again.status_code == 202 and again.json()["broadcast_id"] == broadcast_id
    assert again.headers["idempotent-replayed"] == "true"
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    [command] = await started(pool)
    assert command.business_id == shop.business_id
    assert command.body.broadcast_id == broadcast_id_for(shop.business_id, "eid-1")
    assert command.body.recipients == ("923001110001", "923001110002")
    assert command.body.template.name == "eid_sale" and command.body.template.body == ("20%",)


async def test_bad_recipients_are_refused_by_field_and_index(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    await connect(pool, shop, box)
    async with api() as http:
        bad = await http.post(BASE, json=SALE | {"recipients": ["923001110001", "12ab"]},
                              headers=keyed(key))  # fmt: skip
        neither = await http.post(BASE, json={"template": TEMPLATE}, headers=keyed(key))
        both = await http.post(BASE, json=SALE | {"label_id": "vip"}, headers=keyed(key))
        label = await http.post(BASE, json={"template": TEMPLATE, "label_id": "vip"},
                                headers=keyed(key))  # fmt: skip
        many = await http.post(BASE, json=SALE | {"recipients": ["923001110001"] * 10_001},
                               headers=keyed(key))  # fmt: skip
        no_template = await http.post(BASE, json={"recipients": ["923001110001"]},
                                      headers=keyed(key))  # fmt: skip

    assert bad.status_code == 400
    assert (bad.json()["code"], bad.json()["field"]) == ("invalid_phone", "recipients[1]")
    assert "12ab" in bad.json()["message"]
    assert (neither.status_code, neither.json()["field"]) == (400, "recipients")
    assert (both.status_code, both.json()["field"]) == (400, "label_id")
    assert label.status_code == 400
    assert (label.json()["code"], label.json()["field"]) == ("unknown_label", "label_id")
    assert (many.status_code, many.json()["field"]) == (400, "recipients")
    assert (no_template.status_code, no_template.json()["field"]) == (400, "template")
    assert await started(pool) == []


async def test_progress_is_folded_by_revision_and_results_read_from_the_message_log(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key, number = await connected(pool, business, box, wrote=False)
    _other, other_key, _ = await rival(pool, box)
    sale = SALE | {"recipients": ["923001110001", "923001110002"]}
    async with api() as http:
        broadcast_id = (await http.post(BASE, json=sale, headers=keyed(key))).json()["broadcast_id"]
        before = await http.get(f"{BASE}/{broadcast_id}", headers=keyed(key))
        ids = [broadcast_message_id(shop.business_id, UUID(broadcast_id), p)
               for p in ("923001110001", "923001110002")]  # fmt: skip
        skipped = GraphError(code=131050, title="the customer opted out (STOP)")
        await fold(pool, [
            progress(shop, broadcast_id, 2, "completed", sent=1, skipped=1),
            progress(shop, broadcast_id, 1, "running", pending=2),  # older, later: no change
            recorded(shop, ids[0], number, "queued", "sent", wamid="wamid.B1", kind="template"),
            recorded(shop, ids[1], number, "skipped", error=skipped, kind="template"),
        ])  # fmt: skip
        after = await http.get(f"{BASE}/{broadcast_id}", headers=keyed(key))
        page = await http.get(f"{BASE}/{broadcast_id}/recipients", headers=keyed(key))
        only = await http.get(f"{BASE}/{broadcast_id}/recipients?status=skipped",
                              headers=keyed(key))  # fmt: skip
        wrong = await http.get(f"{BASE}/{broadcast_id}/recipients?status=lost",
                               headers=keyed(key))  # fmt: skip
        theirs = await http.get(f"{BASE}/{broadcast_id}", headers=keyed(other_key))
        their_page = await http.get(f"{BASE}/{broadcast_id}/recipients", headers=keyed(other_key))
        nonsense = await http.get(f"{BASE}/not-an-id", headers=keyed(key))

    assert before.status_code == 200, before.text
    assert before.json()["status"] == "accepted" and before.json()["counts"]["pending"] == 2
    body = after.json()
    assert body["status"] == "completed" and body["finished_at"] is not None
    assert (body["counts"]["sent"], body["counts"]["skipped"], body["total"]) == (1, 1, 2)
    assert body["template"] == "eid_sale (en_US)"
    rows = page.json()["recipients"]
    assert [(r["phone"], r["status"], r["wamid"]) for r in rows] == [
        ("923001110001", "sent", "wamid.B1"), ("923001110002", "skipped", None)]  # fmt: skip
    assert rows[1]["error"]["code"] == 131050 and rows[0]["message_id"] == str(ids[0])
    assert page.json()["total"] == 2
    assert [r["phone"] for r in only.json()["recipients"]] == ["923001110002"]
    assert (wrong.status_code, wrong.json()["field"]) == (400, "status")
    assert theirs.status_code == 404 and theirs.json()["code"] == "broadcast_not_found"
    assert their_page.status_code == 404 and nonsense.status_code == 404


async def test_the_documents_broadcast_takes_flow_data_in_a_form_or_json(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    other, _ = await create_business(BusinessStore(pool), name="Other", plan="business")
    number = await connect(pool, shop, box)
    theirs = await connect(pool, other, box)
    flow = ('{"template_name": "eid_sale", "language": "en_US", "parameters": ["20%"], '
            '"phone_numbers": ["923001110001", "03001110002"]}')  # fmt: skip
    url = "/api/v1/whatsapp/broadcast/template/send"
    async with api() as http:
        sent = await http.post(url, data={"apiToken": key, "phone_number_id": number,
                                          "flow_data": flow})  # fmt: skip
        as_json = await http.post(url, json={"apiToken": key, "phone_number_id": number,
                                             "flow_data": {"template_id": "1234",
                                                           "phone_numbers": ["923001110003"]}})  # fmt: skip
        bad = await http.post(url, data={"apiToken": key, "phone_number_id": number,
                                         "flow_data": '{"template_id": "1", '
                                         '"phone_numbers": ["x1"]}'})  # fmt: skip
        broken = await http.post(url, data={"apiToken": key, "phone_number_id": number,
                                            "flow_data": "{not json"})  # fmt: skip
        not_mine = await http.post(url, data={"apiToken": key, "phone_number_id": theirs,
                                              "flow_data": flow})  # fmt: skip

    assert sent.status_code == 200, sent.text
    answer = sent.json()
    assert answer["status"] == "1" and answer["message"] == "Data has been saved successfully."
    assert answer["recipients"] == 2
    assert as_json.status_code == 200, as_json.text
    commands = await started(pool)
    assert [c.body.recipients for c in commands] == [("923001110001", "923001110002"),
                                                     ("923001110003",)]  # fmt: skip
    assert str(commands[0].body.broadcast_id) == answer["visual_flow_campaign_id"]
    assert commands[1].body.template.template_id == "1234"
    assert bad.json()["status"] == "0" and bad.json()["field"] == "flow_data.phone_numbers[0]"
    assert bad.status_code == 400
    assert (broken.status_code, broken.json()["field"]) == (400, "flow_data")
    assert not_mine.json()["status"] == "0" and not_mine.status_code == 404


async def test_a_broadcast_to_a_label_goes_to_its_subscribers_and_another_business_s_label_is_unknown(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    _other, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    number = await connect(pool, shop, box)
    crm = "/api/v1/whatsapp"
    async with api() as http:
        vip = (await http.post(f"{crm}/labels", headers=keyed(key), json={"name": "VIP"})).json()
        theirs = (await http.post(f"{crm}/labels", headers=keyed(other_key),
                                  json={"name": "VIP"})).json()  # fmt: skip
        for phone in ("923001110001", "923001110002", "923001110003"):
            await http.post(f"{crm}/subscriber/create", data={
                "apiToken": key, "phoneNumberID": number, "phoneNumber": phone, "name": "S"})  # fmt: skip
        for phone in ("923001110001", "923001110003"):
            tagged = await http.post(f"{crm}/subscriber/chat/assign-labels", data={
                "apiToken": key, "phone_number_id": number, "phone_number": phone,
                "label_ids": str(vip["label_id"])})  # fmt: skip
            assert tagged.status_code == 200, tagged.text
        to_label = await http.post(BASE, json={"template": TEMPLATE, "label_id": str(vip["label_id"])},
                                   headers=keyed(key, "label-1"))  # fmt: skip
        to_theirs = await http.post(BASE, headers=keyed(key, "label-2"), json={
            "template": TEMPLATE, "label_id": str(theirs["label_id"])})  # fmt: skip

    assert to_label.status_code == 202, to_label.text
    assert to_label.json()["recipients"] == 2
    [command] = await started(pool)
    assert sorted(command.body.recipients) == ["923001110001", "923001110003"]
    assert to_theirs.status_code == 400
    assert (to_theirs.json()["code"], to_theirs.json()["field"]) == ("unknown_label", "label_id")
