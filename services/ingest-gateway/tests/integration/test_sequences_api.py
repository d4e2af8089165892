"""Sequences through the gateway's app on a real Postgres, both ways in: a definition's templates
are checked against the business's (a step naming none is refused by its index); Wabotick's
assign-sequence and Sauda's REST queue one AssignSequence (with its steps) on the chat's key, a
repeat queues none; the notifier's snapshots and the steps' messages show on the subscriber's
enrolments; removal queues RemoveSequence and a later assignment starts a new enrolment; bad,
unknown and another business's sequence ids are refused; an opted-out subscriber is refused;
deleting a sequence removes whoever is still in it."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import httpx

from sauda_contracts import Topic
from sauda_contracts.message_templates import TemplateRecorded, TemplateRecordedBody, TemplateStatus
from sauda_contracts.sequences import (
    AssignSequence,
    EnrolmentState,
    RemoveSequence,
    SequenceEnrolmentRecorded,
    SequenceEnrolmentRecordedBody,
    StopReason,
    sequence_message_id,
)
from sauda_contracts.whatsapp import (
    ContactOptOutChanged,
    OptOutBody,
    chat_key,
    parse_outbound_command,
)
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_runtime.secrets import SecretBox
from sauda_runtime.testing import outbox_rows

from .messaging_flows import SHOPPER, connect, fold, recorded, shopper_wrote

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
W = "/api/v1/whatsapp"
STEPS = [
    {"template": "welcome", "language": "en", "parameters": ["Ayesha"], "delay_seconds": 0},
    {"template": "follow_up", "language": "en", "delay_seconds": 3600},
]


def template(business: Business, number: str, name: str) -> TemplateRecorded:
    now = datetime.now(UTC)
    return TemplateRecorded(
        event_id=uuid4(), occurred_at=now, business_id=business.business_id,
        correlation_id="template-sync",
        body=TemplateRecordedBody(waba_id=f"w{number}", name=name, language="en",
                                  status=TemplateStatus.APPROVED, category="MARKETING",
                                  template_id=f"id-{name}", revision=1, recorded_at=now),
    )  # fmt: skip


def progress(
    business: Business, enrolment_id: Any, revision: int, **fields: Any
) -> SequenceEnrolmentRecorded:
    now = datetime.now(UTC)
    body = {"enrolment_id": enrolment_id, "sequence_id": 1, "customer_phone": SHOPPER,
            "state": EnrolmentState.ACTIVE, "steps_sent": 1, "total_steps": 2,
            "assigned_at": now, "revision": revision, "recorded_at": now} | fields  # fmt: skip
    return SequenceEnrolmentRecorded(
        event_id=uuid4(), occurred_at=now, business_id=business.business_id, correlation_id="n",
        body=SequenceEnrolmentRecordedBody.model_validate(body),
    )  # fmt: skip


async def commands(pool: asyncpg.Pool) -> list[tuple[bytes, Any]]:
    rows = await outbox_rows(pool, Topic.WHATSAPP_OUTBOUND.value)
    return [(r["key"], parse_outbound_command(r["value"])) for r in rows]


async def test_a_sequence_is_assigned_both_ways_shown_removed_and_assigned_again(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    h = {"X-API-Key": key}
    number = await connect(pool, shop, box)
    await fold(pool, [template(shop, number, "welcome"), template(shop, number, "follow_up")])
    await shopper_wrote(pool, shop, number)
    form: dict[str, Any] = {"apiToken": key, "phone_number_id": number, "phone_number": SHOPPER}
    async with api() as http:
        unknown = await http.post(f"{W}/sequences", headers=h, json={"name": "Welcome", "steps": [
            STEPS[0], {"template": "welcome", "language": "ur", "delay_seconds": 5}]})  # fmt: skip
        too_many = await http.post(f"{W}/sequences", headers=h,
                                   json={"name": "Long", "steps": [STEPS[0]] * 11})  # fmt: skip
        negative = await http.post(f"{W}/sequences", headers=h, json={
            "name": "Late", "steps": [STEPS[0] | {"delay_seconds": -1}]})  # fmt: skip
        made = await http.post(
            f"{W}/sequences", headers=h, json={"name": "Welcome", "steps": STEPS}
        )
        sequence = made.json()
        listed = (await http.get(f"{W}/sequences", headers=h)).json()
        one = await http.get(f"{W}/sequences/{sequence['sequence_id']}", headers=h)

        ids = {"sequence_ids": str(sequence["sequence_id"])}
        assigned = await http.post(f"{W}/subscriber/chat/assign-sequence", data=form | ids)
        repeated = await http.post(f"{W}/subscribers/{SHOPPER}/sequences", headers=h,
                                   json={"sequence_id": sequence["sequence_id"]})  # fmt: skip
        bad = await http.post(f"{W}/subscriber/chat/assign-sequence",
                              data=form | {"sequence_ids": "1,abc"})  # fmt: skip
        missing = await http.post(f"{W}/subscriber/chat/assign-sequence",
                                  data=form | {"sequence_ids": f"{sequence['sequence_id']},999999"})  # fmt: skip

    assert unknown.status_code == 400, unknown.text
    assert (unknown.json()["code"], unknown.json()["field"]) == (
        "unknown_template",
        "steps.1.template",
    )
    assert too_many.status_code == 400 and too_many.json()["field"] == "steps"
    assert negative.status_code == 400 and negative.json()["field"] == "steps.0.delay_seconds"
    assert made.status_code == 201, made.text
    assert sequence["steps"][0] | {} == STEPS[0]
    assert [s["sequence_id"] for s in listed] == [sequence["sequence_id"]]
    assert one.status_code == 200 and one.json()["name"] == "Welcome"
    assert assigned.json() == {
        "status": "1",
        "message": "Sequences have been assigned successfully.",
    }
    assert repeated.status_code == 202, repeated.text
    [shown] = repeated.json()
    assert (shown["state"], shown["total_steps"], shown["steps"]) == ("assigned", 2, [])
    assert bad.status_code == 400
    assert (bad.json()["status"], bad.json()["field"]) == ("0", "sequence_ids")
    assert missing.status_code == 404
    assert missing.json() | {"message": ""} == {"status": "0", "code": "unknown_sequence",
                                                "field": "sequence_ids", "message": ""}  # fmt: skip

    [(key_bytes, command)] = await commands(pool)  # one, for all three assignments
    assert isinstance(command, AssignSequence)
    assert key_bytes == chat_key(shop.business_id, SHOPPER)
    assert [s.template.name for s in command.body.steps] == ["welcome", "follow_up"]
    assert command.body.steps[0].template.body == ("Ayesha",)
    assert command.body.steps[1].delay_seconds == 3600
    enrolment = command.body.enrolment_id
    assert shown["enrolment_id"] == str(enrolment)

    first = sequence_message_id(shop.business_id, enrolment, 0)
    await fold(pool, [progress(shop, enrolment, 2), progress(shop, enrolment, 1, steps_sent=0),
                      recorded(shop, first, number, "queued", "sent", kind="template")])  # fmt: skip
    async with api() as http:
        active = (await http.get(f"{W}/subscribers/{SHOPPER}/sequences", headers=h)).json()
        removed = await http.post(f"{W}/subscriber/chat/remove-sequence", data=form | ids)
    [now] = active
    assert (now["state"], now["steps_sent"]) == ("active", 1)  # the older revision changed nothing
    assert now["steps"] == [{"step": 1, "template": "welcome (en)", "message_id": str(first),
                             "status": "sent"}]  # fmt: skip
    assert removed.json() == {"status": "1", "message": "Sequences have been removed successfully."}
    [_, (_, removal)] = await commands(pool)
    assert isinstance(removal, RemoveSequence) and removal.body.enrolment_id == enrolment

    ended = progress(shop, enrolment, 3, state=EnrolmentState.STOPPED,
                     stop_reason=StopReason.REMOVED, finished_at=datetime.now(UTC))  # fmt: skip
    await fold(pool, [ended])
    async with api() as http:
        again = await http.post(f"{W}/subscribers/{SHOPPER}/sequences", headers=h,
                                json={"sequence_id": sequence["sequence_id"]})  # fmt: skip
        deleted = await http.delete(f"{W}/sequences/{sequence['sequence_id']}", headers=h)
        gone = await http.get(f"{W}/sequences/{sequence['sequence_id']}", headers=h)
    first_shown, second_shown = again.json()
    assert (first_shown["state"], first_shown["stop_reason"]) == ("stopped", "removed")
    assert second_shown["state"] == "assigned" and second_shown["enrolment_id"] != str(enrolment)
    assert deleted.status_code == 204 and gone.status_code == 404
    *_, (_, reassigned), (_, dropped) = await commands(pool)
    assert isinstance(reassigned, AssignSequence) and isinstance(dropped, RemoveSequence)
    assert dropped.body.enrolment_id == reassigned.body.enrolment_id  # deleted: removed from it


async def test_another_business_s_sequence_and_an_opted_out_subscriber_are_refused(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox
) -> None:
    shop, key = business
    other, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    number = await connect(pool, shop, box)
    other_number = await connect(pool, other, box)
    await fold(pool, [template(shop, number, "welcome"), template(other, other_number, "welcome")])
    await shopper_wrote(pool, shop, number)
    async with api() as http:
        theirs = (await http.post(f"{W}/sequences", headers={"X-API-Key": other_key},
                                  json={"name": "Theirs", "steps": STEPS[:1]})).json()  # fmt: skip
        as_mine = await http.get(
            f"{W}/sequences/{theirs['sequence_id']}", headers={"X-API-Key": key}
        )
        assign_theirs = await http.post(f"{W}/subscribers/{SHOPPER}/sequences",
                                        headers={"X-API-Key": key},
                                        json={"sequence_id": theirs["sequence_id"]})  # fmt: skip
        mine = (await http.post(f"{W}/sequences", headers={"X-API-Key": key},
                                json={"name": "Mine", "steps": STEPS[:1]})).json()  # fmt: skip
        stranger = await http.post(f"{W}/subscribers/923009999999/sequences",
                                   headers={"X-API-Key": key},
                                   json={"sequence_id": mine["sequence_id"]})  # fmt: skip
    at = datetime.now(UTC)
    await fold(pool, [ContactOptOutChanged(
        event_id=uuid4(), occurred_at=at, business_id=shop.business_id, correlation_id="t",
        body=OptOutBody(customer_phone=SHOPPER, opted_out=True, wamid="wamid.STOP", at=at))])  # fmt: skip
    async with api() as http:
        opted_out = await http.post(f"{W}/subscriber/chat/assign-sequence", data={
            "apiToken": key, "phone_number_id": number, "phone_number": SHOPPER,
            "sequence_ids": str(mine["sequence_id"])})  # fmt: skip
    assert as_mine.status_code == 404 and as_mine.json()["code"] == "unknown_sequence"
    assert assign_theirs.status_code == 404
    assert (assign_theirs.json()["code"], assign_theirs.json()["field"]) == (
        "unknown_sequence",
        "sequence_id",
    )
    assert stranger.status_code == 404 and stranger.json()["code"] == "subscriber_not_found"
    assert opted_out.status_code == 409
    assert opted_out.json()["status"] == "0" and "opted out" in opted_out.json()["message"]
    assert await commands(pool) == []
