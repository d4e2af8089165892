"""Each business hears of its templates on notifier.events.v1 (real Postgres, a fake Meta, and
the real broker for the consumer's path): a sync tells every template once, a review tells the
one it changed, written in the transaction that changes the row; redelivered reviews and
resyncs tell nothing; a rejection raises one `template_not_approved` notice with Meta's
reason; a template Meta stops listing is told removed; two businesses on one WABA are each told."""

import asyncio
import time
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, TopicPartition

from sauda_contracts import TOPICS, Topic, TopicSpec
from sauda_contracts.message_templates import TemplateRecorded
from sauda_contracts.whatsapp import (
    TemplateStatusBody,
    TemplateStatusChanged,
    parse_notifier_event,
    parse_status_event,
)
from sauda_notifier.adapters.graph import GraphClient
from sauda_notifier.app import Subscribers
from sauda_notifier.domain.templates import sauda_templates
from sauda_notifier.handlers.templates import (
    TemplateBook,
    handle_template_status,
    sync_due_templates,
)
from sauda_runtime.consumer import make_broker
from sauda_runtime.kafka import ensure_topics, make_producer, partitions_of
from sauda_runtime.kit import ConsumerKit
from sauda_runtime.outbox import OutboxRelay
from sauda_runtime.testing import required_env

from .flows import notices

SAUDA_TEMPLATES = len(sauda_templates())


async def recorded(world: Any) -> list[TemplateRecorded]:
    """The TemplateRecorded snapshots in the outbox, oldest first."""
    found = [parse_notifier_event(r["value"]) for r in await world.outbox(Topic.NOTIFIER_EVENTS)]
    return [e for e in found if isinstance(e, TemplateRecorded)]


def review(world: Any, name: str, status: str, reason: str | None = None,
           business_id: Any = None) -> TemplateStatusChanged:  # fmt: skip
    """Meta's review webhook as the gateway publishes it on whatsapp.status.v1."""
    business_id = business_id or world.business_id
    return TemplateStatusChanged(
        event_id=uuid4(),
        occurred_at=datetime.now(UTC),
        business_id=business_id,
        correlation_id="meta-webhook",
        body=TemplateStatusBody(
            waba_id=f"waba{world.business_id.hex[:10]}",
            name=name,
            language="en",
            status=status,
            reason=reason,
        ),
    )


def meta_lists(world: Any, name: str, status: str) -> None:
    """The fake Meta's listing shows the template so from now on (same id)."""
    world.graph.templates[(name, "en")]["status"] = status


async def reviewed(world: Any, event: TemplateStatusChanged) -> None:
    await handle_template_status(event, **world.n.deps(handle_template_status))


async def test_a_sync_tells_each_template_once_and_a_rejection_its_reason_and_a_notice(
    world: Any,
) -> None:
    await world.connect()
    account = await world.accounts.of_business(world.business_id)
    assert await world.templates.sync(account)
    first = await recorded(world)
    assert len(first) == SAUDA_TEMPLATES
    assert {(e.body.name, e.body.language) for e in first} == {
        (d["name"], d["language"]) for _p, _l, d in sauda_templates()
    }
    assert {(e.body.status, e.body.revision, e.body.removed) for e in first} == {
        ("APPROVED", 1, False)
    }
    assert {e.business_id for e in first} == {world.business_id}
    keys = {r["key"] for r in await world.outbox(Topic.NOTIFIER_EVENTS)}
    assert keys == {str(world.business_id).encode()}  # one business's templates stay in order

    assert await world.templates.sync(account)  # Meta lists the same again: nothing to tell
    assert len(await recorded(world)) == SAUDA_TEMPLATES

    meta_lists(world, "sauda_order_shipped", "REJECTED")
    rejection = review(world, "sauda_order_shipped", "REJECTED", reason="INVALID_FORMAT")
    await reviewed(world, rejection)
    [snapshot] = (await recorded(world))[SAUDA_TEMPLATES:]
    body = snapshot.body
    assert (body.name, body.status, body.rejected_reason, body.revision) == (
        "sauda_order_shipped", "REJECTED", "INVALID_FORMAT", 2)  # fmt: skip
    assert snapshot.causation_id == str(rejection.event_id)
    [notice] = await notices(world)
    assert notice.body.kind == "template_not_approved"
    assert notice.body.message.startswith(
        "WhatsApp template sauda_order_shipped (en) was rejected by Meta: INVALID_FORMAT."
    )
    assert notice.body.details["reason"] == "INVALID_FORMAT"

    # Redelivered, and the listing (which carries no reason) synced again: nothing new.
    await reviewed(world, rejection)
    assert await world.templates.sync(account)
    assert len(await recorded(world)) == SAUDA_TEMPLATES + 1 and len(await notices(world)) == 1
    row = await world.pool.fetchrow(
        "SELECT status, rejected_reason FROM templates WHERE name = 'sauda_order_shipped' "
        "AND language = 'en'"
    )
    assert (row["status"], row["rejected_reason"]) == ("REJECTED", "INVALID_FORMAT")

    # Approved after an appeal: told, the reason gone, no notice.
    meta_lists(world, "sauda_order_shipped", "APPROVED")
    await reviewed(world, review(world, "sauda_order_shipped", "APPROVED", reason="NONE"))
    last = (await recorded(world))[-1]
    assert (last.body.status, last.body.rejected_reason, last.body.revision) == (
        "APPROVED",
        None,
        3,
    )
    assert len(await notices(world)) == 1


async def test_a_template_meta_stops_listing_is_told_removed_once(world: Any) -> None:
    await world.connect()
    account = await world.accounts.of_business(world.business_id)
    assert await world.templates.sync(account)
    world.graph.set_template("some_other_template", "en", "APPROVED")
    assert await world.templates.sync(account)
    [added] = (await recorded(world))[SAUDA_TEMPLATES:]
    assert (added.body.name, added.body.removed) == ("some_other_template", False)

    del world.graph.templates[("some_other_template", "en")]  # deleted in WhatsApp Manager
    assert await world.templates.sync(account)
    assert await world.templates.sync(account)
    [gone] = (await recorded(world))[SAUDA_TEMPLATES + 1 :]
    assert (gone.body.name, gone.body.removed, gone.body.revision) == (
        "some_other_template",
        True,
        2,
    )


async def test_missing_templates_created_are_told_pending(world: Any) -> None:
    await world.connect()
    world.graph.templates.clear()
    account = await world.accounts.of_business(world.business_id)
    assert await world.templates.sync(account)
    told = await recorded(world)
    assert len(told) == SAUDA_TEMPLATES
    # Every one UTILITY but the cart recovery message (MARKETING, as Meta files such reminders).
    categories = {(e.body.name, e.body.category) for e in told}
    assert {e.body.status for e in told} == {"PENDING"}
    assert {c for n, c in categories if not n.startswith("sauda_cart_recovery")} == {"UTILITY"}
    assert {c for n, c in categories if n.startswith("sauda_cart_recovery")} == {"MARKETING"}
    assert all(e.body.template_id for e in told)


async def test_two_businesses_on_one_waba_are_each_told_and_a_late_one_is_told_all(
    world: Any,
) -> None:
    await world.connect()
    account = await world.accounts.of_business(world.business_id)
    assert await world.templates.sync(account)
    # A second shop connects another number of the same WABA later.
    other = uuid4()
    await world.connect(other)
    await world.pool.execute(
        f'UPDATE "{world.gateway_schema}".whatsapp_accounts SET waba_id = $1 '
        "WHERE business_id = $2", account.waba_id, other,
    )  # fmt: skip
    # Only the account this process never listed is synced in the sweep's round.
    assert await sync_due_templates(**world.n.deps(sync_due_templates)) == 1
    theirs = [e for e in await recorded(world) if e.business_id == other]
    assert len(theirs) == SAUDA_TEMPLATES
    assert {r["key"] for r in await world.outbox(Topic.NOTIFIER_EVENTS)} == {
        str(world.business_id).encode(), str(other).encode()}  # fmt: skip

    # The gateway publishes one review per business of the WABA; each is told once.
    meta_lists(world, "sauda_cod_confirmation", "PAUSED")
    for business_id in (world.business_id, other):
        await reviewed(
            world, review(world, "sauda_cod_confirmation", "PAUSED", business_id=business_id)
        )
    paused = [e for e in await recorded(world) if e.body.status == "PAUSED"]
    assert sorted(map(str, (e.business_id for e in paused))) == sorted(
        map(str, (world.business_id, other))
    )
    assert len(await notices(world)) == 2


async def _end_offsets(bootstrap: str, topic: str) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)]
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def _on_topic(bootstrap: str, start: dict[TopicPartition, int], business: bytes,
                   wanted: int) -> list[Any]:  # fmt: skip
    """The business's records after `start`, once `wanted` of them arrived."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    found: list[Any] = []
    try:
        consumer.assign(list(start))
        for tp, offset in start.items():
            consumer.seek(tp, offset)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(found) < wanted:
            for batch in (await consumer.getmany(timeout_ms=300)).values():
                found += [r for r in batch if r.key == business]
        return found
    finally:
        await consumer.stop()


async def test_a_review_on_the_status_topic_reaches_notifier_events_as_a_snapshot(
    world: Any,
) -> None:
    """Over the real broker: the review through the status consumer, the snapshot and the
    notice through the outbox relay, keyed by the business."""
    bootstrap = required_env("KAFKA_BOOTSTRAP_SERVERS")
    # The review arrives on a topic of this test's own (the shared one holds others' traffic).
    status_topic = f"test.whatsapp.status.{uuid4().hex[:8]}"
    await ensure_topics(
        bootstrap, (*TOPICS, TopicSpec(name=status_topic, partitions=1, key="business"))
    )
    start = await _end_offsets(bootstrap, Topic.NOTIFIER_EVENTS)
    producer = make_producer(bootstrap, "notifier-test")
    await producer.start()
    relay = OutboxRelay(world.pool, producer, name=f"notifier-test-{uuid4()}", ordered=True)
    client = GraphClient(timeout=5.0)
    book = TemplateBook(world.store, client, min_resync=0, wake=relay.wake)
    world.n = world.rewire(templates=book, wake=relay.wake)
    broker = make_broker(bootstrap, "notifier-test")
    kit = ConsumerKit(broker=broker, pool=world.pool, relay=relay, service="notifier-test")
    s: Subscribers = world.n.subscribers
    kit.subscribe((status_topic,), group_id=f"notifier-test-{uuid4().hex[:8]}",
                  consumer="notifier-status", parse=parse_status_event, handle=_as_parsed,
                  after=s.status, claim=False)  # fmt: skip
    await broker.start()
    relay_task = asyncio.create_task(relay.run())
    try:
        await world.connect()
        meta_lists(world, "sauda_order_cancelled", "REJECTED")
        event = review(world, "sauda_order_cancelled", "REJECTED", reason="TAG_CONTENT_MISMATCH")
        await producer.send_and_wait(
            status_topic, event.to_bytes(), key=str(world.business_id).encode()
        )
        key = str(world.business_id).encode()
        # The review's own snapshot and notice, then the sync it asks for tells every template
        # (the reviewed one again: the listing adds its id and category, and keeps the reason).
        events = [parse_notifier_event(r.value)
                  for r in await _on_topic(bootstrap, start, key, SAUDA_TEMPLATES + 2)]  # fmt: skip
        snapshots = [e for e in events if isinstance(e, TemplateRecorded)]
        assert len(snapshots) == SAUDA_TEMPLATES + 1
        [notice] = [e for e in events if e.type == "NoticeRaised"]
        assert notice.body.details["reason"] == "TAG_CONTENT_MISMATCH"
        first = snapshots[0].body
        assert (first.name, first.status, first.rejected_reason) == (
            "sauda_order_cancelled", "REJECTED", "TAG_CONTENT_MISMATCH")  # fmt: skip
        [listed] = [s.body for s in snapshots[1:] if s.body.name == "sauda_order_cancelled"
                    and s.body.language == "en"]  # fmt: skip
        assert (listed.status, listed.rejected_reason, listed.revision) == (
            "REJECTED", "TAG_CONTENT_MISMATCH", 2)  # fmt: skip
        assert listed.template_id and listed.category == "UTILITY"
        assert {s.body.status for s in snapshots[1:] if s.body is not listed} == {"APPROVED"}
        deadline = time.monotonic() + 10  # the relay deletes what it published after the send
        while await world.outbox():
            assert time.monotonic() < deadline, "the outbox kept rows it had published"
            await asyncio.sleep(0.05)
    finally:
        relay_task.cancel()
        await asyncio.gather(relay_task, return_exceptions=True)
        await broker.stop()
        await producer.stop()
        await client.aclose()


async def _as_parsed(items: Any, tx: Any) -> Any:
    return items
