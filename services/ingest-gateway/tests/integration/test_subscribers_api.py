"""The subscriber CRM through the gateway's app on a real Postgres, both ways in: a shopper who
wrote in is a subscriber; Wabotick's forms (with `apiToken`) and Sauda's REST label, annotate,
assign, page, filter and delete them; another business's subscriber, label or user is refused;
a reset queues the conversation's command on the chat's key."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg

from sauda_contracts import Topic
from sauda_contracts.testing import order_placed
from sauda_contracts.whatsapp import ContactOptOutChanged, OptOutBody, ResetChatFlow, chat_key
from sauda_gateway import clock
from sauda_gateway.accounts.domain import Role
from sauda_gateway.accounts.handlers import create_user
from sauda_gateway.accounts.passwords import Passwords
from sauda_gateway.accounts.store import AccountStore
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.subscribers.domain import MAX_LABELS
from sauda_gateway.subscribers.handlers import recipients_for_label
from sauda_gateway.subscribers.store import SubscriberStore
from sauda_gateway.view.folds import ViewWriter
from sauda_gateway.view.projector import on_order_stream
from sauda_runtime.kit import Transaction
from sauda_runtime.secrets import SecretBox
from sauda_runtime.testing import outbox_rows

from .messaging_flows import (
    SHOPPER,
    Api,
    connect,
    connected,
    fold,
    shopper_wrote,
)

W = "/api/v1/whatsapp"


async def user_of(pool: asyncpg.Pool, business: Business, email: str) -> str:
    user = await create_user(business.business_id, email, "correct horse battery", Role.STAFF,
                             store=AccountStore(pool), passwords=Passwords(), now=clock.now())  # fmt: skip
    return str(user.user_id)


async def test_a_shopper_who_wrote_is_a_subscriber_the_merchant_labels_and_annotates(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key, number = await connected(pool, business, box)
    await shopper_wrote(pool, shop, number)  # a second message: still one subscriber
    staff = await user_of(pool, shop, "agent@shop.pk")
    form: dict[str, Any] = {"apiToken": key, "phone_number_id": number, "phone_number": SHOPPER}
    async with api() as http:
        made = await http.post(f"{W}/label/create", data=form | {"label_name": "VIP"})
        again = await http.post(f"{W}/label/create", data=form | {"label_name": " vip "})
        labels = (await http.post(f"{W}/label/list", data=form)).json()
        vip = labels["message"][0]["id"]
        field = await http.post(f"{W}/subscribers/custom-fields", headers={"X-API-Key": key},
                                json={"name": "city", "reply_type": "text"})  # fmt: skip
        await http.post(f"{W}/subscribers/custom-fields", headers={"X-API-Key": key},
                        json={"name": "birthday", "reply_type": "date"})  # fmt: skip
        fields = await http.post(f"{W}/subscriber/custom-fields/list", data={"apiToken": key})
        assigned = await http.post(f"{W}/subscriber/chat/assign-labels",
                                   data=form | {"label_ids": str(vip)})  # fmt: skip
        valued = await http.post(f"{W}/subscriber/chat/assign-custom-fields", data=form | {
            "custom_fields": '{"city": "Lahore", "Birthday": "1990-04-01"}'})  # fmt: skip
        bad_date = await http.post(f"{W}/subscriber/chat/assign-custom-fields", data=form | {
            "custom_fields": '{"birthday": "tomorrow"}'})  # fmt: skip
        noted = await http.post(f"{W}/subscriber/chat/add-notes",
                                data=form | {"note_text": "Prefers evening delivery"})  # fmt: skip
        agent = await http.post(f"{W}/subscriber/chat/assign-to-team-member",
                                data=form | {"team_member_id": staff})  # fmt: skip
        updated = await http.post(f"{W}/subscriber/update", data=form | {
            "first_name": "Ayesha", "last_name": "Khan", "gender": "female"})  # fmt: skip
        got = await http.post(f"{W}/subscriber/get", data=form)
        rest = await http.get(f"{W}/subscribers/+{SHOPPER}", headers={"X-API-Key": key})

    assert made.json() == {"status": "1", "message": "Label has been created successfully."}
    assert again.status_code == 409 and again.json()["status"] == "0"
    assert again.json()["field"] == "label_name" and again.json()["code"] == "label_exists"
    assert labels == {"status": "1", "message": [{"id": vip, "label_name": "VIP", "status": "1"}]}
    assert field.status_code == 201, field.text
    assert fields.json()["data"] == [
        {"id": field.json()["field_id"], "name": "city", "reply_type": "text"},
        {"id": field.json()["field_id"] + 1, "name": "birthday", "reply_type": "date"}]  # fmt: skip
    for answer in (assigned, valued, noted, agent, updated):
        assert answer.status_code == 200 and answer.json()["status"] == "1", answer.text
    assert agent.json()["message"] == "Successfully Assign Agent to Conversation."
    assert bad_date.status_code == 400
    assert bad_date.json()["field"] == "custom_fields.birthday"
    data = got.json()["data"]
    assert got.json()["status"] == "success"
    assert (data["first_name"], data["last_name"], data["gender"], data["phone_number"]) == (
        "Ayesha", "Khan", "female", SHOPPER)  # fmt: skip
    assert data["labels"] == ["VIP"]
    assert data["custom_fields"] == {"city": "Lahore", "birthday": "1990-04-01"}
    assert [n["note_text"] for n in data["notes"]] == ["Prefers evening delivery"]
    assert data["assigned_user_id"] == staff and data["opted_out"] is False
    assert rest.status_code == 200 and rest.json()["source"] == "inbound"
    assert rest.json()["assigned_user_id"] == staff
    assert await recipients_for_label(SubscriberStore(pool), shop.business_id, vip) == [SHOPPER]


async def test_rest_creates_pages_filters_by_label_orders_and_deletes(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, key = business
    h = {"X-API-Key": key}
    phones = [f"92300123450{i}" for i in range(5)]
    async with api() as http:
        for i, phone in enumerate(phones):
            made = await http.post(f"{W}/subscribers", headers=h,
                                   json={"chat_id": phone, "first_name": f"N{i}"})  # fmt: skip
            assert made.status_code == 201, made.text
        twice = await http.post(f"{W}/subscribers", headers=h, json={"chat_id": phones[0]})
        label = (await http.post(f"{W}/labels", headers=h, json={"name": "Lahore"})).json()
        for phone in phones[1:3]:
            tagged = await http.post(f"{W}/subscribers/{phone}/labels", headers=h,
                                     json={"label_ids": [label["label_id"]]})  # fmt: skip
            assert tagged.status_code == 200 and tagged.json()["labels"] == ["Lahore"]
        first = (await http.get(f"{W}/subscribers?limit=2", headers=h)).json()
        second = (await http.get(f"{W}/subscribers?limit=2&offset=2", headers=h)).json()
        oldest = (await http.get(f"{W}/subscribers?order_by=created_at ASC&limit=1",
                                 headers=h)).json()  # fmt: skip
        by_label = (await http.get(f"{W}/subscribers?label_id={label['label_id']}",
                                   headers=h)).json()  # fmt: skip
        bad_order = await http.get(f"{W}/subscribers?order_by=password DESC", headers=h)
        note = await http.post(f"{W}/subscribers/{phones[1]}/notes", headers=h,
                               json={"text": "Called back"})  # fmt: skip
        long_note = await http.post(f"{W}/subscribers/{phones[1]}/notes", headers=h,
                                    json={"text": "x" * 2001})  # fmt: skip
        notes = (await http.get(f"{W}/subscribers/{phones[1]}/notes", headers=h)).json()
        patched = await http.patch(f"{W}/subscribers/{phones[1]}", headers=h,
                                   json={"email": "Ali@Example.PK", "label_ids": []})  # fmt: skip
        bad_email = await http.patch(f"{W}/subscribers/{phones[1]}", headers=h,
                                     json={"email": "not an email"})  # fmt: skip
        labels = (await http.get(f"{W}/labels", headers=h)).json()
        gone = await http.delete(f"{W}/subscribers/{phones[2]}", headers=h)
        after = await http.get(f"{W}/subscribers/{phones[2]}", headers=h)
        listed = (await http.get(f"{W}/subscribers", headers=h)).json()

    assert twice.status_code == 409 and twice.json()["field"] == "chat_id"
    assert [s["chat_id"] for s in first["items"]] == phones[::-1][:2] and first["total"] == 5
    assert [s["chat_id"] for s in second["items"]] == phones[::-1][2:4]
    assert [s["chat_id"] for s in oldest["items"]] == phones[:1]
    assert sorted(s["chat_id"] for s in by_label["items"]) == phones[1:3]
    assert by_label["total"] == 2
    assert bad_order.status_code == 400 and bad_order.json()["field"] == "order_by"
    assert note.status_code == 201 and [n["text"] for n in notes] == ["Called back"]
    assert long_note.status_code == 422 or long_note.status_code == 400
    assert patched.json()["email"] == "ali@example.pk" and patched.json()["labels"] == []
    assert bad_email.status_code == 400 and bad_email.json()["field"] == "email"
    assert labels == [{"label_id": label["label_id"], "name": "Lahore", "subscribers": 1}]
    assert gone.status_code == 204
    assert after.status_code == 404 and after.json()["code"] == "subscriber_not_found"
    assert listed["total"] == 4
    gone_rows = await pool.fetchval(
        "SELECT count(*) FROM subscriber_labels l JOIN subscriber_labels_def d USING (label_id) "
        "WHERE d.business_id = $1", shop.business_id)  # fmt: skip
    assert gone_rows == 0  # its label went with it


async def test_another_business_s_subscriber_label_and_user_are_refused(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    other, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    number = await connect(pool, shop, box)
    other_number = await connect(pool, other, box)
    await shopper_wrote(pool, other, other_number)  # the shopper wrote to the other shop only
    outsider = await user_of(pool, other, "agent@other.pk")
    async with api() as http:
        theirs = (await http.post(f"{W}/labels", headers={"X-API-Key": other_key},
                                  json={"name": "Theirs"})).json()  # fmt: skip
        seen = await http.get(f"{W}/subscribers/{SHOPPER}", headers={"X-API-Key": key})
        form = {"apiToken": key, "phone_number_id": number, "phone_number": SHOPPER}
        got = await http.post(f"{W}/subscriber/get", data=form)
        their_number = await http.post(f"{W}/subscriber/get",
                                       data=form | {"phone_number_id": other_number})  # fmt: skip
        await http.post(f"{W}/subscriber/create", data={
            "apiToken": key, "phoneNumberID": number, "phoneNumber": SHOPPER, "name": "Sara Ali"})  # fmt: skip
        label = await http.post(f"{W}/subscriber/chat/assign-labels",
                                data=form | {"label_ids": str(theirs["label_id"])})  # fmt: skip
        user = await http.post(f"{W}/subscriber/chat/assign-to-team-member",
                               data=form | {"team_member_id": outsider})  # fmt: skip
        nobody = await http.put(f"{W}/subscribers/{SHOPPER}/assignee", headers={"X-API-Key": key},
                                json={"user_id": "not-a-user"})  # fmt: skip
        filtered = (await http.get(f"{W}/subscribers?label_id={theirs['label_id']}",
                                   headers={"X-API-Key": key})).json()  # fmt: skip
        listed = await http.post(f"{W}/subscriber/list", data={
            "apiToken": key, "phone_number_id": number, "orderBy": "id; DROP TABLE x"})  # fmt: skip
        mine = await http.post(f"{W}/subscriber/list", data={"apiToken": key,
                               "phone_number_id": number, "orderBy": "created_at ASC"})  # fmt: skip

    assert seen.status_code == 404 and seen.json()["code"] == "subscriber_not_found"
    assert got.status_code == 404 and got.json() == {
        "status": "0", "message": "Subscriber not found.", "code": "subscriber_not_found",
        "field": "phone_number"}  # fmt: skip
    assert their_number.status_code == 404 and their_number.json()["field"] == "phone_number_id"
    assert label.status_code == 404 and label.json()["field"] == "label_ids"
    assert user.status_code == 404 and user.json()["field"] == "team_member_id"
    assert nobody.status_code == 404 and nobody.json()["field"] == "user_id"
    assert filtered["items"] == [] and filtered["total"] == 0
    assert listed.status_code == 400 and listed.json()["field"] == "orderBy"
    line = mine.json()["message"][0]
    assert (line["chat_id"], line["first_name"], line["last_name"], line["label_names"]) == (
        SHOPPER, "Sara", "Ali", "")  # fmt: skip
    assert await recipients_for_label(SubscriberStore(pool), shop.business_id,
                                      theirs["label_id"]) == []  # fmt: skip


async def test_wabotick_create_takes_camel_case_and_delete_and_reset_answer_the_document(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    number = await connect(pool, shop, box)
    async with api() as http:
        made = await http.post(f"{W}/subscriber/create", json={
            "apiToken": key, "phoneNumberID": number, "phoneNumber": SHOPPER, "name": "Bilal"})  # fmt: skip
        twice = await http.post(f"{W}/subscriber/create", data={
            "apiToken": key, "phoneNumberID": number, "phoneNumber": SHOPPER, "name": "Bilal"})  # fmt: skip
        snake = await http.post(f"{W}/subscriber/create", data={
            "apiToken": key, "phone_number_id": number, "phone_number": SHOPPER, "name": "B"})  # fmt: skip
        form = {"apiToken": key, "phone_number_id": number, "phone_number": SHOPPER}
        reset = await http.post(f"{W}/subscriber/reset/user-input-flow", data=form)
        deleted = await http.post(f"{W}/subscriber/delete", data=form)
        missing = await http.post(f"{W}/subscriber/delete", data=form)
        no_reset = await http.post(f"{W}/subscriber/reset/user-input-flow", data=form)

    assert made.json() == {"status": "1", "mesasge": "WhatsApp subscriber has been created.",
                           "message": "WhatsApp subscriber has been created."}  # fmt: skip
    assert twice.status_code == 409 and twice.json()["field"] == "phoneNumber"
    assert twice.json()["message"] == "Something went wrong or subscriber already exist."
    assert snake.status_code == 400 and snake.json()["field"] == "phoneNumberID"
    assert reset.json() == {"status": "1", "message": "Reset User Input Flow successfully."}
    assert deleted.json() == {"status": "1", "message": "Subscriber has been deleted successfully."}
    assert missing.status_code == 404 and no_reset.status_code == 404
    rows = await outbox_rows(pool, Topic.WHATSAPP_INBOUND.value)
    assert len(rows) == 1  # only the reset of a subscriber that was there
    command = ResetChatFlow.model_validate_json(rows[0]["value"])
    assert command.body.customer_phone == SHOPPER and command.business_id == shop.business_id
    assert bytes(rows[0]["key"]) == chat_key(shop.business_id, SHOPPER)


async def test_a_stop_shows_the_subscriber_opted_out_and_a_replayed_older_change_does_not_undo_it(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    number = await connect(pool, shop, box)
    now = datetime.now(UTC)

    def change(opted_out: bool, at: datetime) -> ContactOptOutChanged:
        return ContactOptOutChanged(
            event_id=uuid4(), occurred_at=at, business_id=shop.business_id, correlation_id="t",
            body=OptOutBody(customer_phone=SHOPPER, opted_out=opted_out,
                            wamid=f"wamid.{uuid4().hex}", at=at))  # fmt: skip

    stop, start = change(True, now - timedelta(minutes=5)), change(False, now)
    await fold(pool, [stop])  # before the gateway folded the STOP message itself
    await shopper_wrote(pool, shop, number)
    async with api() as http:
        stopped = (await http.get(f"{W}/subscribers/{SHOPPER}", headers={"X-API-Key": key})).json()
        await fold(pool, [start, stop])  # START, then the STOP redelivered
        started = (await http.get(f"{W}/subscribers/{SHOPPER}", headers={"X-API-Key": key})).json()
    assert stopped["opted_out"] is True and stopped["source"] == "inbound"
    assert started["opted_out"] is False


async def test_an_order_s_customer_becomes_a_subscriber_without_overwriting_one(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, key = business
    h = {"X-API-Key": key}
    async with api() as http:
        await http.post(f"{W}/subscribers", headers=h,
                        json={"chat_id": "923004445566", "first_name": "Known"})  # fmt: skip
        placed = [order_placed(shop.business_id, phone=SHOPPER, name="Sana Mir"),
                  order_placed(shop.business_id, phone="923004445566", name="Other Name",
                               number="ORD-000043")]  # fmt: skip
        async with pool.acquire() as conn, conn.transaction():
            await on_order_stream(placed, Transaction(conn), writer=ViewWriter(), channel="t_c",
                                  live="t_live")  # fmt: skip
        customer = (await http.get(f"{W}/subscribers/{SHOPPER}", headers=h)).json()
        known = (await http.get(f"{W}/subscribers/923004445566", headers=h)).json()
    assert (customer["first_name"], customer["last_name"], customer["source"]) == (
        "Sana", "Mir", "order")  # fmt: skip
    assert (known["first_name"], known["source"]) == ("Known", "merchant")


async def test_a_staff_session_manages_the_crm_with_its_csrf_token_and_the_label_cap_holds(
    signed_in: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, _ = business
    await pool.executemany(
        "INSERT INTO subscriber_labels_def (business_id, name) VALUES ($1, $2)",
        [(shop.business_id, f"label {i}") for i in range(MAX_LABELS - 1)],
    )
    async with signed_in("staff@shop.pk", role="staff") as http:
        last = await http.post(f"{W}/labels", json={"name": "Last one"})
        over = await http.post(f"{W}/labels", json={"name": "One too many"})
        made = await http.post(f"{W}/subscribers", json={"chat_id": SHOPPER})
        csrf = http.headers.pop("X-CSRF-Token")
        forged = await http.post(f"{W}/subscribers/{SHOPPER}/notes", json={"text": "hi"})
        http.headers["X-CSRF-Token"] = csrf
        noted = await http.post(f"{W}/subscribers/{SHOPPER}/notes", json={"text": "hi"})
    assert last.status_code == 201, last.text
    assert over.status_code == 403 and over.json()["code"] == "limit_reached"
    assert over.json()["field"] == "name"
    assert made.status_code == 201, made.text
    assert forged.status_code == 403, forged.text
    assert noted.status_code == 201, noted.text
