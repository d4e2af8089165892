"""Sending discipline against real Postgres and a fake Meta: retries through SendAttemptDue
records, permanent failures, dead letters, the stalled-send sweeper, receipts, template sync,
poison records."""

import time
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from aiokafka import ConsumerRecord

from sauda_contracts import Topic
from sauda_contracts.dead_letters import DeadLetter
from sauda_contracts.whatsapp import (
    GraphError,
    SendAttemptDue,
    TemplateStatusBody,
    TemplateStatusChanged,
    parse_notifier_event,
)
from sauda_notifier.adapters.rows import Cause
from sauda_notifier.app import subscribe
from sauda_notifier.domain.retries import MAX_ATTEMPTS
from sauda_notifier.domain.templates import sauda_templates
from sauda_notifier.handlers.receipts import handle_status_report
from sauda_notifier.handlers.reminders import claim_stale, run_due_work
from sauda_notifier.handlers.templates import handle_template_status
from sauda_runtime.consumer import make_broker
from sauda_runtime.kit import ConsumerKit

from .flows import handle, place, receipt, snapshots, stall

RETRY_TOPICS = {Topic.NOTIFIER_RETRY_5S, Topic.NOTIFIER_RETRY_30S, Topic.NOTIFIER_RETRY_120S}


async def due_records(world: Any) -> list[tuple[str, SendAttemptDue]]:
    rows = [r for r in await world.outbox() if r["topic"] in RETRY_TOPICS]
    return [(r["topic"], SendAttemptDue.model_validate_json(r["value"])) for r in rows]


async def test_500_twice_then_success_through_the_retry_topics(world: Any, make_order: Any) -> None:
    world.graph.fail_next(2, status=500)
    await place(world, make_order)
    [(topic, first)] = await due_records(world)
    assert topic == Topic.NOTIFIER_RETRY_5S
    assert first.body.attempt == 2
    [row] = await world.messages()
    assert (row["status"], row["state"], row["attempts"]) == ("retrying", "queued", 1)

    started = time.monotonic()
    await world.n.retrying.retry(first)  # waits until due (0.1 s at scale 0.02), fails again
    assert time.monotonic() - started >= 0.05
    records = await due_records(world)
    assert [(t, d.body.attempt) for t, d in records] == [
        (Topic.NOTIFIER_RETRY_5S, 2),
        (Topic.NOTIFIER_RETRY_30S, 3),
    ]
    await world.n.retrying.retry(records[1][1])
    await world.n.retrying.retry(first)  # a duplicate retry record: the message moved on

    assert len(world.graph.sends) == 3
    [row] = await world.messages()
    assert (row["status"], row["state"], row["attempts"]) == ("sent", "done", 3)
    assert [h["status"] for h in row["history"]] == ["queued", "retrying", "retrying", "sent"]
    revisions = [(s.body.revision, s.body.status, s.body.attempts) for s in await snapshots(world)]
    assert revisions == [(1, "queued", 0), (2, "retrying", 1), (3, "retrying", 2), (4, "sent", 3)]


async def test_a_permanent_error_is_recorded_and_not_retried(world: Any, make_order: Any) -> None:
    world.graph.fail_next(1, status=400, code=131026)
    await place(world, make_order)
    assert await due_records(world) == []
    [row] = await world.messages()
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert row["error"]["code"] == 131026
    assert await world.pool.fetchval("SELECT state FROM reminders") == "cancelled"
    kinds = [parse_notifier_event(r["value"]).type for r in await world.outbox()]
    assert "NoticeRaised" in kinds
    failed = [
        e
        for r in await world.outbox(Topic.NOTIFIER_EVENTS)
        if (e := parse_notifier_event(r["value"])).type == "NoticeRaised"
        and e.body.kind == "message_failed"
    ]
    assert len(failed) == 1


async def test_a_missing_template_on_send_raises_template_not_approved(
    world: Any, make_order: Any
) -> None:
    world.graph.fail_next(1, status=404, code=132001)
    await place(world, make_order)
    kinds = [
        e.body.kind
        for r in await world.outbox(Topic.NOTIFIER_EVENTS)
        if (e := parse_notifier_event(r["value"])).type == "NoticeRaised"
    ]
    assert "template_not_approved" in kinds


async def test_after_the_last_attempt_dead_letter_and_notice(world: Any, make_order: Any) -> None:
    world.graph.fail_next(MAX_ATTEMPTS, status=503, code=131016)
    await place(world, make_order)
    for _ in range(MAX_ATTEMPTS - 1):
        _topic, due = (await due_records(world))[-1]
        await world.n.retrying.retry(due)
    assert len(world.graph.sends) == MAX_ATTEMPTS
    [row] = await world.messages()
    assert (row["status"], row["attempts"]) == ("failed", MAX_ATTEMPTS)
    [dead] = [
        DeadLetter.model_validate_json(r["value"]) for r in await world.outbox(Topic.NOTIFIER_DLQ)
    ]
    assert dead.body.message_id == row["message_id"]
    assert dead.body.source_topic == Topic.NOTIFIER_RETRY_120S
    assert "131016" in dead.body.error


async def test_a_timeout_is_retried(world: Any, make_order: Any) -> None:
    await world.connect()
    world.graph.url = "http://127.0.0.1:9"  # nothing listens: connection refused
    await world.pool.execute(
        f'UPDATE "{world.gateway_schema}".whatsapp_accounts SET graph_url = $1', world.graph.url
    )
    # Templates are known already, so only the send reaches (and misses) Meta.
    for _p, _l, d in sauda_templates():
        await world.store.set_template_status(
            (f"waba{world.business_id.hex[:10]}", d["name"], d["language"]), "APPROVED",
            cause=Cause(world.business_id, "test", None), now=datetime.now(UTC),
        )  # fmt: skip
    await handle(world, make_order(world.business_id))
    [row] = await world.messages()
    assert (row["status"], row["error"]["code"]) == ("retrying", 0)
    assert [t for t, _ in await due_records(world)] == [Topic.NOTIFIER_RETRY_5S]


async def test_a_send_stalled_between_claim_and_record_is_sent_again(
    world: Any, make_order: Any
) -> None:
    # The process claims the row and "dies" before (or while) calling Meta.
    _queued, claimed = await stall(world, make_order)
    assert claimed is not None
    assert await claim_stale(**world.n.deps(claim_stale)) == []  # not stale yet
    world.clock.advance(61)
    await run_due_work(**world.n.deps(run_due_work))
    assert len(world.graph.sends) == 1
    [row] = await world.messages()
    assert (row["status"], row["state"], row["attempts"]) == ("sent", "done", 2)


async def test_a_receipt_completes_a_stalled_send_so_the_sweeper_leaves_it(
    world: Any, make_order: Any
) -> None:
    queued, _claimed = await stall(world, make_order)
    # Meta got it after all: its receipt carries our message id as callback data.
    await handle_status_report(
        receipt(world, "wamid.LATE", "sent", callback=str(queued.message_id)),
        **world.n.deps(handle_status_report),
    )
    world.clock.advance(61)
    await run_due_work(**world.n.deps(run_due_work))
    assert world.graph.sends == []
    [row] = await world.messages()
    assert (row["status"], row["state"], row["wamid"]) == ("sent", "done", "wamid.LATE")


async def test_receipts_update_the_message_and_publish_snapshots(
    world: Any, make_order: Any
) -> None:
    await place(world, make_order)
    [row] = await world.messages()
    wamid = row["wamid"]
    report = receipt(world, wamid, "delivered")
    await handle_status_report(report, **world.n.deps(handle_status_report))
    await handle_status_report(report, **world.n.deps(handle_status_report))  # redelivered
    await handle_status_report(
        receipt(world, wamid, "sent"), **world.n.deps(handle_status_report)
    )  # late, ignored
    await handle_status_report(receipt(world, wamid, "read"), **world.n.deps(handle_status_report))
    await handle_status_report(
        receipt(world, "wamid.SOMEONE_ELSES", "read"), **world.n.deps(handle_status_report)
    )
    [row] = await world.messages()
    assert row["status"] == "read"
    assert [h["status"] for h in row["history"]] == ["queued", "sent", "delivered", "read"]
    published = [(s.body.revision, s.body.status) for s in await snapshots(world)]
    assert published == [(1, "queued"), (2, "sent"), (3, "delivered"), (4, "read")]
    last = (await snapshots(world))[-1]
    assert last.causation_id is not None and last.body.wamid == wamid


async def test_a_failed_receipt_is_recorded_with_its_error(world: Any, make_order: Any) -> None:
    await place(world, make_order)
    [row] = await world.messages()
    error = GraphError(code=131026, title="Message undeliverable")
    await handle_status_report(
        receipt(world, row["wamid"], "failed", errors=(error,)),
        **world.n.deps(handle_status_report),
    )
    [row] = await world.messages()
    assert row["status"] == "failed"
    assert row["error"]["code"] == 131026
    assert row["history"][-1]["error"]["code"] == 131026


async def test_template_sync_creates_missing_templates_and_follows_reviews(world: Any) -> None:
    await world.connect()
    world.graph.templates.clear()
    world.graph.set_template("some_other_template", "en", "APPROVED")
    account = await world.accounts.of_business(world.business_id)
    assert await world.templates.sync(account)
    wanted = {(d["name"], d["language"]) for _p, _l, d in sauda_templates()}
    created = {
        (r.body["name"], r.body["language"])
        for r in world.graph.requests
        if r.method == "POST" and r.path.endswith("/message_templates")
    }
    assert created == wanted and len(wanted) == 33  # 11 purposes x 3 languages
    statuses = await world.pool.fetch("SELECT name, language, status FROM templates")
    assert len(statuses) == 34
    assert {r["status"] for r in statuses if r["name"] != "some_other_template"} == {"PENDING"}

    # A second sync lists 34 templates over 4 pages and creates nothing.
    world.graph.requests.clear()
    assert await world.templates.sync(account)
    assert [r.method for r in world.graph.requests] == ["GET"] * 4

    world.graph.set_template("sauda_cod_confirmation", "en", "APPROVED")
    await handle_template_status(
        TemplateStatusChanged(
            event_id=uuid4(),
            occurred_at=datetime.now(UTC),
            business_id=world.business_id,
            correlation_id="meta-webhook",
            body=TemplateStatusBody(
                waba_id=account.waba_id,
                name="sauda_cod_confirmation",
                language="en",
                status="APPROVED",
            ),
        ),
        **world.n.deps(handle_template_status),
    )
    status = await world.store.template_status(account.waba_id, "sauda_cod_confirmation", "en")
    assert status == "APPROVED"


async def test_poison_records_go_to_the_dead_letter_topic(world: Any, make_order: Any) -> None:
    await world.connect()
    good = make_order(world.business_id)
    records = [
        _record(b"{not json", 1),
        _record(
            b'{"type": "OrderPlaced", "business_id": "%s"}' % str(world.business_id).encode(), 2
        ),
        _record(b'{"type": "SomeFutureEvent"}', 3),
        _record(good.to_bytes(), 4),
    ]
    kit = ConsumerKit(broker=make_broker("127.0.0.1:9", "notifier-test"), pool=world.pool,
                      relay=None, service="notifier-test")  # fmt: skip
    subscriptions = subscribe(kit, world.n.subscribers, group_id="notifier-test", batch_size=100)
    orders = subscriptions["notifier-test-orders"]
    assert orders is not None
    await kit.handle_batch(orders, records)
    dead = [
        DeadLetter.model_validate_json(r["value"]) for r in await world.outbox(Topic.NOTIFIER_DLQ)
    ]
    assert [d.body.offset for d in dead] == [1, 2]
    assert dead[1].business_id == world.business_id
    assert dead[0].body.payload == "{not json"
    assert len(world.graph.sends) == 1  # the good record was handled all the same


def _record(value: bytes, offset: int) -> ConsumerRecord:
    return ConsumerRecord(
        topic=Topic.ORDERS_EVENTS,
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=None,
        value=value,
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=len(value),
        headers=(),
    )
