"""The merchant's API for a WhatsApp username user (Meta's user id, no phone) through the
gateway's app on a real Postgres, both ways in: a send by `user_id` queues a command naming
them on their chat's key, inside their window only; a phone and a user id together, or
neither, is refused by field; the subscriber routes find them by `user_id`; a reset and a
label broadcast reach them by their user id, while a phone-list broadcast stays phones."""

import asyncpg

from sauda_contracts import Topic
from sauda_contracts.broadcasts import StartBroadcast
from sauda_contracts.whatsapp import ResetChatFlow, SendWhatsAppMessage, chat_key
from sauda_gateway.domain import Business
from sauda_runtime.secrets import SecretBox
from sauda_runtime.testing import outbox_rows

from .messaging_flows import SHOPPER, USER, Api, connected, keyed, rival, shopper_wrote

W = "/api/v1/whatsapp"
TEXT = {"user_id": USER, "type": "text", "text": "Aap ka parcel kal aayega"}
TEMPLATE = {"name": "eid_sale", "language": "en_US", "body": ["20%"]}


async def queued(pool: asyncpg.Pool) -> list[tuple[bytes, bytes]]:
    return [(r["key"], r["value"]) for r in await outbox_rows(pool, Topic.WHATSAPP_OUTBOUND.value)]


async def test_a_username_user_who_wrote_is_messaged_by_user_id_on_their_chats_key(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key, number = await connected(pool, business, box, wrote=False)
    async with api() as http:
        before = await http.post(f"{W}/messages", json=TEXT, headers=keyed(key))
        await shopper_wrote(pool, shop, number, phone=None, user_id=USER)
        sent = await http.post(f"{W}/messages", json=TEXT, headers=keyed(key, "u-1"))
        again = await http.post(f"{W}/messages", json=TEXT, headers=keyed(key, "u-1"))
        form = {"apiToken": key, "phone_number_id": number, "user_id": USER, "message": "Salam"}
        wabotick = await http.post(f"{W}/send", data=form)
        both = await http.post(f"{W}/messages", json=TEXT | {"to": SHOPPER}, headers=keyed(key))
        neither = await http.post(f"{W}/messages", json={"type": "text", "text": "x"},
                                  headers=keyed(key))  # fmt: skip
        not_an_id = await http.post(f"{W}/messages", json=TEXT | {"user_id": "ayesha"},
                                    headers=keyed(key))  # fmt: skip
        form_both = await http.post(f"{W}/send", data=form | {"phone_number": SHOPPER})

    assert (before.status_code, before.json()["code"], before.json()["field"]) == (
        409, "outside_customer_window", "user_id")  # fmt: skip
    assert USER in before.json()["message"]
    assert sent.status_code == 202, sent.text
    assert again.headers["idempotent-replayed"] == "true"
    assert wabotick.status_code == 202 and wabotick.json()["status"] == "1", wabotick.text
    assert (both.status_code, both.json()["code"], both.json()["field"]) == (
        400, "invalid_field", "user_id")  # fmt: skip
    assert (neither.status_code, neither.json()["code"], neither.json()["field"]) == (
        400, "missing_field", "to")  # fmt: skip
    assert (not_an_id.status_code, not_an_id.json()["field"]) == (400, "user_id")
    assert (form_both.json()["status"], form_both.json()["field"]) == ("0", "user_id")
    rows = await queued(pool)
    assert len(rows) == 2  # the REST send once (its retry replayed), the form's send
    for row_key, value in rows:
        body = SendWhatsAppMessage.model_validate_json(value).body
        assert (body.customer_user_id, body.customer_phone, body.chat_with) == (USER, None, USER)
        assert row_key == chat_key(shop.business_id, USER)


async def test_the_subscriber_routes_name_a_username_user_by_user_id_both_ways_in(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key, number = await connected(pool, business, box)  # a phone shopper wrote too
    await shopper_wrote(pool, shop, number, phone=None, user_id=USER)
    _, other_key, other_number = await rival(pool, box)
    form = {"apiToken": key, "phone_number_id": number, "user_id": USER}
    async with api() as http:
        label = (await http.post(f"{W}/labels", json={"name": "VIP"}, headers=keyed(key))).json()
        ids = str(label["label_id"])
        labelled = await http.post(f"{W}/subscriber/chat/assign-labels", data=form | {
            "label_ids": ids})  # fmt: skip
        noted = await http.post(f"{W}/subscriber/chat/add-notes", data=form | {
            "note_text": "Prefers evening delivery"})  # fmt: skip
        updated = await http.post(f"{W}/subscriber/update", data=form | {"first_name": "Ayesha"})
        got = await http.post(f"{W}/subscriber/get", data=form)
        # The document's phone_number has always taken a user id too.
        as_phone = await http.post(f"{W}/subscriber/get", data=form | {
            "user_id": "", "phone_number": USER})  # fmt: skip
        rest = await http.get(f"{W}/subscribers/{USER}", headers=keyed(key))
        reset = await http.post(f"{W}/subscriber/reset/user-input-flow", data=form)
        theirs = await http.post(f"{W}/subscriber/get", data={
            "apiToken": other_key, "phone_number_id": other_number, "user_id": USER})  # fmt: skip
        both = await http.post(f"{W}/subscriber/get", data=form | {"phone_number": SHOPPER})
        phone_broadcast = await http.post(f"{W}/broadcasts", headers=keyed(key, "b-phones"),
                                          json={"template": TEMPLATE, "recipients": [SHOPPER]})  # fmt: skip
        await http.post(f"{W}/subscribers/{SHOPPER}/labels", headers=keyed(key),
                        json={"label_ids": [label["label_id"]]})  # fmt: skip
        label_broadcast = await http.post(f"{W}/broadcasts", headers=keyed(key, "b-label"),
                                          json={"template": TEMPLATE, "label_id": ids})  # fmt: skip

    for answer in (labelled, noted, updated, reset):
        assert answer.json()["status"] == "1", answer.text
    profile = got.json()["data"]
    assert (profile["phone_number"], profile["first_name"], profile["labels"]) == (
        USER, "Ayesha", ["VIP"])  # fmt: skip
    assert [n["note_text"] for n in profile["notes"]] == ["Prefers evening delivery"]
    assert as_phone.json()["data"]["subscriber_id"] == profile["subscriber_id"]
    assert rest.status_code == 200 and rest.json()["chat_id"] == USER
    assert theirs.status_code == 404 and theirs.json()["status"] == "0"
    assert (both.json()["status"], both.json()["field"]) == ("0", "user_id")
    assert phone_broadcast.status_code == 202 and label_broadcast.status_code == 202
    assert label_broadcast.json()["recipients"] == 2
    [reset_row] = await outbox_rows(pool, Topic.WHATSAPP_INBOUND.value)
    assert bytes(reset_row["key"]) == chat_key(shop.business_id, USER)
    reset_body = ResetChatFlow.model_validate_json(reset_row["value"]).body
    assert (reset_body.customer_user_id, reset_body.customer_phone) == (USER, None)
    records = await queued(pool)
    started = [StartBroadcast.model_validate_json(v).body for _, v in records]
    by_phones, by_label = started
    assert (by_phones.recipients, by_phones.recipient_user_ids) == ((SHOPPER,), None)
    assert b"recipient_user_ids" not in records[0][1]  # a phone broadcast's record, as before
    assert (by_label.recipients, by_label.recipient_user_ids) == ((SHOPPER,), (USER,))
