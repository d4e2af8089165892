"""Broadcasts through the notifier on a real Postgres, Meta a fake Graph API on loopback: a
StartBroadcast becomes the job (once, however often it is delivered); the broadcaster records
each recipient's message once, skips the customer who wrote STOP with why, publishes progress
per chunk and completes; a broadcaster killed between recording a chunk and sending it, then
restarted beside a second one, still sends every recipient exactly one message; killed inside
a chunk's transaction, the chunk is pending again and sent once."""

import asyncio
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from sauda_contracts import Topic
from sauda_contracts.broadcasts import (
    BroadcastRecorded,
    StartBroadcast,
    StartBroadcastBody,
    broadcast_message_id,
)
from sauda_contracts.sends import TemplateToSend
from sauda_contracts.whatsapp import ContactOptOutChanged, OptOutBody, parse_notifier_event
from sauda_notifier.adapters import broadcasts as rows
from sauda_notifier.handlers.broadcasts import broadcast_round
from sauda_notifier.handlers.outbound import handle_outbound_batch
from sauda_notifier.handlers.reminders import run_due_work
from sauda_notifier.handlers.sending import send_all

SALE = TemplateToSend(name="eid_sale", language="en_US", body=("20%",))


def start(world: Any, phones: list[str], broadcast_id: UUID | None = None) -> StartBroadcast:
    return StartBroadcast(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=world.business_id,
        correlation_id="api-broadcast",
        body=StartBroadcastBody(broadcast_id=broadcast_id or uuid4(), template=SALE,
                                recipients=tuple(phones)),
    )  # fmt: skip


def stop(world: Any, phone: str) -> ContactOptOutChanged:
    return ContactOptOutChanged(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=world.business_id,
        correlation_id="chat-stop",
        body=OptOutBody(customer_phone=phone, opted_out=True, wamid="wamid.STOP",
                        at=datetime.now(UTC)),
    )  # fmt: skip


async def outbound(world: Any, *commands: Any) -> None:
    queued = await handle_outbound_batch(list(commands), **world.n.deps(handle_outbound_batch))
    await send_all(queued, **world.n.deps(send_all))


async def a_round(world: Any, *, chunk: int = 10, send: Any = None) -> int:
    async def real(messages: Any) -> None:
        await send_all(messages, **world.n.deps(send_all))

    return await broadcast_round(**world.n.deps(broadcast_round), send=send or real, chunk=chunk)


async def progress(world: Any) -> list[Any]:
    return [
        e.body
        for r in await world.outbox(Topic.NOTIFIER_EVENTS)
        if isinstance(e := parse_notifier_event(r["value"]), BroadcastRecorded)
    ]


async def until_completed(world: Any, broadcast_id: UUID, **kw: Any) -> Any:
    for _ in range(30):
        await a_round(world, **kw)
        mine = [p for p in await progress(world) if p.broadcast_id == broadcast_id]
        if mine and mine[-1].status.value == "completed":
            return mine[-1]
    raise AssertionError(f"broadcast not completed: {mine[-1] if mine else None}")


def sent_to(world: Any) -> Counter[str]:
    return Counter(s.body["to"] for s in world.graph.sends)


async def test_a_broadcast_skips_the_customer_who_wrote_stop_and_completes(world: Any) -> None:
    await world.connect()
    world.graph.set_template("eid_sale", "en_US", "APPROVED")
    phones = ["923001110001", "923001110002", "923001110003"]
    command = start(world, phones)
    await outbound(world, stop(world, phones[1]), command, command)  # and redelivered
    await outbound(world, command)  # and later

    final = await until_completed(world, command.body.broadcast_id, chunk=2)

    assert sent_to(world) == Counter({phones[0]: 1, phones[2]: 1})
    assert {s.body["template"]["name"] for s in world.graph.sends} == {"eid_sale"}
    assert final.total == 3
    assert final.counts.model_dump() == {"pending": 0, "queued": 0, "sent": 2, "delivered": 0,
                                         "read": 0, "failed": 0, "skipped": 1}  # fmt: skip
    assert final.finished_at is not None
    skipped = await world.pool.fetchrow(
        "SELECT status, error FROM messages WHERE message_id = $1",
        broadcast_message_id(world.business_id, command.body.broadcast_id, phones[1]),
    )
    assert skipped["status"] == "skipped"
    assert skipped["error"]["code"] == 131050 and "opted out" in skipped["error"]["title"]
    revisions = [p.revision for p in await progress(world)]
    assert revisions == list(range(1, len(revisions) + 1))  # one job, each revision once
    assert (await progress(world))[0].counts.pending == 3  # the first snapshot: all pending
    assert await world.pool.fetchval("SELECT count(*) FROM broadcasts") == 1


async def test_a_broadcast_to_a_labels_username_users_sends_by_recipient_and_skips_the_stop(
    world: Any,
) -> None:
    await world.connect()
    world.graph.set_template("eid_sale", "en_US", "APPROVED")
    users = ("US.13491208655302741918", "US.13491208655302741919")
    stopped = ContactOptOutChanged(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=world.business_id,
        correlation_id="chat-stop",
        body=OptOutBody(customer_user_id=users[1], opted_out=True, wamid="wamid.STOP",
                        at=datetime.now(UTC)),
    )  # fmt: skip
    command = StartBroadcast(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=world.business_id,
        correlation_id="api-broadcast",
        body=StartBroadcastBody(broadcast_id=uuid4(), template=SALE, recipients=("923001110001",),
                                recipient_user_ids=users, label_id="7"),
    )  # fmt: skip
    await outbound(world, stopped, command)

    final = await until_completed(world, command.body.broadcast_id)

    assert final.total == 3 and final.counts.skipped == 1
    by_user = [s.body for s in world.graph.sends if "recipient" in s.body]
    assert [(b["recipient"], "to" in b) for b in by_user] == [(users[0], False)]
    assert sent_to_phones(world) == Counter({"923001110001": 1})
    skipped = await world.pool.fetchrow(
        "SELECT status, customer_phone FROM messages WHERE message_id = $1",
        broadcast_message_id(world.business_id, command.body.broadcast_id, users[1]),
    )
    assert (skipped["status"], skipped["customer_phone"]) == ("skipped", users[1])


def sent_to_phones(world: Any) -> Counter[str]:
    return Counter(s.body["to"] for s in world.graph.sends if "to" in s.body)


async def test_an_unapproved_template_skips_everyone_with_why(world: Any) -> None:
    await world.connect()
    world.graph.set_template("eid_sale", "en_US", "PENDING")
    command = start(world, ["923001110001", "923001110002"])
    await outbound(world, command)

    final = await until_completed(world, command.body.broadcast_id)

    assert world.graph.sends == []
    assert final.counts.skipped == 2
    errors = [r["error"] for r in await world.messages()]
    assert all(e["code"] == 132001 and "PENDING" in e["title"] for e in errors)


async def test_a_broadcaster_killed_between_recording_and_sending_sends_each_once(
    world: Any,
) -> None:
    await world.connect()
    world.graph.set_template("eid_sale", "en_US", "APPROVED")
    phones = [f"9230022{i:05d}" for i in range(30)]
    command = start(world, phones)
    await outbound(world, command)
    hung = asyncio.Event()

    async def never(messages: Any) -> None:  # the process dies before its sends go out
        hung.set()
        await asyncio.Event().wait()

    dying = asyncio.create_task(a_round(world, chunk=10, send=never))
    await asyncio.wait_for(hung.wait(), 10)
    dying.cancel()
    assert world.graph.sends == []
    assert len(await world.messages()) == 10  # recorded, not sent

    # Restarted a while later: the stale sweep sends the orphaned chunk, and two broadcasters
    # side by side work through the rest.
    world.clock.advance(120)
    await run_due_work(**world.n.deps(run_due_work))
    for _ in range(10):
        await asyncio.gather(a_round(world, chunk=7), a_round(world, chunk=7))
    final = await until_completed(world, command.body.broadcast_id)

    assert sent_to(world) == Counter(dict.fromkeys(phones, 1))
    assert final.counts.sent == 30 and final.counts.pending == 0
    assert len(await world.messages()) == 30


async def test_a_broadcaster_killed_inside_a_chunks_transaction_leaves_it_pending(
    world: Any, monkeypatch: Any
) -> None:
    await world.connect()
    world.graph.set_template("eid_sale", "en_US", "APPROVED")
    phones = [f"9230033{i:05d}" for i in range(12)]
    command = start(world, phones)
    await outbound(world, command)

    async def dies(*args: Any) -> None:  # the process dies after the messages are written
        raise ConnectionResetError("killed before commit")

    monkeypatch.setattr(rows, "mark_recorded", dies)
    with pytest.raises(ConnectionResetError):
        await a_round(world, chunk=5)
    assert await world.messages() == [] and world.graph.sends == []
    monkeypatch.undo()

    final = await until_completed(world, command.body.broadcast_id, chunk=5)
    assert sent_to(world) == Counter(dict.fromkeys(phones, 1))
    assert final.counts.sent == 12
