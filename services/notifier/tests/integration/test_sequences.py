"""Sequences through the notifier on a real Postgres, Meta a fake Graph API on loopback: an
AssignSequence becomes one enrolment however often it is delivered; the sequencer sends each
step once at its delay; the subscriber's reply, their STOP and the merchant's removal each stop
it with the reason (and no later step goes); a sequencer killed between recording a step and
sending it still sends that step exactly once, and one killed inside its transaction leaves the
step due, sent once next round."""

from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from sauda_contracts import Topic
from sauda_contracts.sends import TemplateToSend
from sauda_contracts.sequences import (
    AssignSequence,
    AssignSequenceBody,
    RemoveSequence,
    RemoveSequenceBody,
    SequenceEnrolmentRecorded,
    SequenceStep,
    sequence_message_id,
)
from sauda_contracts.whatsapp import (
    ContactOptOutChanged,
    InboundKind,
    InboundMessageBody,
    InboundMessageReceived,
    OptOutBody,
    parse_notifier_event,
)
from sauda_notifier.adapters import sequences as rows
from sauda_notifier.handlers.outbound import handle_outbound_batch
from sauda_notifier.handlers.reminders import run_due_work
from sauda_notifier.handlers.sending import send_all
from sauda_notifier.handlers.sequences import handle_replies, sequence_round

PHONE, OTHER = "923001234567", "923007654321"
NAMES = ("welcome", "follow_up", "last_call")


def assign(world: Any, phone: str = PHONE, delays: tuple[int, ...] = (0, 60, 60)) -> AssignSequence:
    steps = tuple(
        SequenceStep(template=TemplateToSend(name=n, language="en", body=("Ayesha",)),
                     delay_seconds=d)
        for n, d in zip(NAMES, delays, strict=False)
    )  # fmt: skip
    body = AssignSequenceBody(enrolment_id=uuid4(), sequence_id=3, sequence_name="Welcome",
                              customer_phone=phone, steps=steps, assigned_at=world.clock())  # fmt: skip
    return AssignSequence(event_id=uuid4(), occurred_at=world.clock(),
                          business_id=world.business_id, correlation_id="api-assign", body=body)  # fmt: skip


def remove(world: Any, enrolment_id: UUID, phone: str = PHONE) -> RemoveSequence:
    return RemoveSequence(event_id=uuid4(), occurred_at=world.clock(), business_id=world.business_id,
                          correlation_id="api-remove",
                          body=RemoveSequenceBody(enrolment_id=enrolment_id, customer_phone=phone))  # fmt: skip


def reply(world: Any, phone: str = PHONE, at: datetime | None = None) -> InboundMessageReceived:
    at = at or world.clock()
    body = InboundMessageBody(phone_number_id="pn", customer_phone=phone, wamid=f"wamid.{uuid4().hex}",
                              sent_at=at, kind=InboundKind.TEXT, meta_type="text", text="thanks!")  # fmt: skip
    return InboundMessageReceived(event_id=uuid4(), occurred_at=at, business_id=world.business_id,
                                  correlation_id="wa-in", body=body)  # fmt: skip


def stop(world: Any, phone: str = PHONE) -> ContactOptOutChanged:
    return ContactOptOutChanged(
        event_id=uuid4(), occurred_at=world.clock(), business_id=world.business_id,
        correlation_id="chat-stop",
        body=OptOutBody(customer_phone=phone, opted_out=True, wamid="wamid.STOP", at=world.clock()),
    )  # fmt: skip


async def outbound(world: Any, *commands: Any) -> None:
    queued = await handle_outbound_batch(list(commands), **world.n.deps(handle_outbound_batch))
    await send_all(queued, **world.n.deps(send_all))


async def a_round(world: Any, send: Any = None) -> int:
    async def real(messages: Any) -> None:
        await send_all(messages, **world.n.deps(send_all))

    return await sequence_round(**world.n.deps(sequence_round), send=send or real)


async def snapshots(world: Any, enrolment_id: UUID) -> list[Any]:
    return [
        e.body
        for r in await world.outbox(Topic.NOTIFIER_EVENTS)
        if isinstance(e := parse_notifier_event(r["value"]), SequenceEnrolmentRecorded)
        and e.body.enrolment_id == enrolment_id
    ]


def sent(world: Any) -> Counter[tuple[str, str]]:
    return Counter((s.body["to"], s.body["template"]["name"]) for s in world.graph.sends)


@pytest.fixture
async def connected(world: Any) -> Any:
    await world.connect()
    for name in NAMES:
        world.graph.set_template(name, "en", "APPROVED")
    await world.templates.sync(await world.accounts.of_business(world.business_id), force=True)
    return world


async def test_steps_go_at_their_delays_and_a_reply_stops_the_rest(connected: Any) -> None:
    world = connected
    command = assign(world)
    await outbound(world, command, command)  # and redelivered
    await outbound(world, command)  # and later
    enrolment = command.body.enrolment_id

    assert await a_round(world) == 1
    assert sent(world) == Counter({(PHONE, "welcome"): 1})
    world.clock.advance(30)
    assert await a_round(world) == 0  # the second step is not due for another 30 s
    world.clock.advance(31)
    assert await a_round(world) == 1
    assert sent(world) == Counter({(PHONE, "welcome"): 1, (PHONE, "follow_up"): 1})

    stopped = await handle_replies([reply(world)], **world.n.deps(handle_replies))
    assert stopped == 1
    world.clock.advance(3600)
    assert await a_round(world) == 0
    assert sum(sent(world).values()) == 2  # the last call never went

    history = await snapshots(world, enrolment)
    assert [s.revision for s in history] == list(range(1, len(history) + 1))
    last = history[-1]
    assert (last.state.value, last.stop_reason.value, last.steps_sent, last.total_steps) == (
        "stopped", "reply", 2, 3)  # fmt: skip
    assert last.next_step_due_at is None and last.finished_at is not None
    first = await world.pool.fetchrow(
        "SELECT status, purpose, template FROM messages WHERE message_id = $1",
        sequence_message_id(world.business_id, enrolment, 0),
    )
    assert (first["status"], first["purpose"], first["template"]) == ("sent", "merchant", "welcome")
    assert (
        world.graph.sends[0].body["template"]["components"][0]["parameters"][0]["text"] == "Ayesha"
    )
    assert await world.pool.fetchval("SELECT count(*) FROM sequence_enrolments") == 1


async def test_a_message_written_before_the_assignment_does_not_stop_it(connected: Any) -> None:
    world = connected
    earlier = reply(world, at=world.clock() - timedelta(minutes=5))
    command = assign(world, delays=(0, 10))
    await outbound(world, command)
    assert await handle_replies([earlier], **world.n.deps(handle_replies)) == 0
    await a_round(world)
    world.clock.advance(11)
    await a_round(world)
    assert sent(world) == Counter({(PHONE, "welcome"): 1, (PHONE, "follow_up"): 1})
    assert (await snapshots(world, command.body.enrolment_id))[-1].state.value == "completed"


async def test_removal_and_stop_end_their_enrolments_and_an_opted_out_one_gets_nothing(
    connected: Any,
) -> None:
    world = connected
    removed, stopping = assign(world, PHONE), assign(world, OTHER)
    await outbound(world, removed, stopping)
    await a_round(world)
    await outbound(world, remove(world, removed.body.enrolment_id), stop(world, OTHER))
    await outbound(world, remove(world, removed.body.enrolment_id))  # a second removal: no change
    world.clock.advance(3600)
    await a_round(world)
    assert sent(world) == Counter({(PHONE, "welcome"): 1, (OTHER, "welcome"): 1})
    assert (await snapshots(world, removed.body.enrolment_id))[-1].stop_reason.value == "removed"
    assert (await snapshots(world, stopping.body.enrolment_id))[-1].stop_reason.value == "opted_out"

    again = assign(world, OTHER)  # assigned while opted out: stopped at once, nothing sent
    await outbound(world, again)
    await a_round(world)
    [only] = await snapshots(world, again.body.enrolment_id)
    assert (only.state.value, only.stop_reason.value, only.steps_sent) == (
        "stopped",
        "opted_out",
        0,
    )
    assert sum(sent(world).values()) == 2


async def test_a_sequencer_killed_after_recording_a_step_sends_it_once(connected: Any) -> None:
    world = connected
    command = assign(world, delays=(0, 10))
    await outbound(world, command)

    async def killed(messages: Any) -> None:
        raise RuntimeError("killed after commit, before the send")

    with pytest.raises(RuntimeError):
        await a_round(world, send=killed)
    assert sent(world) == Counter()
    await a_round(world)  # a second sequencer: the step is recorded, not due again
    assert sent(world) == Counter()
    world.clock.advance(61)  # the stale-claim sweep takes the orphaned message
    await run_due_work(**world.n.deps(run_due_work))
    assert sent(world) == Counter({(PHONE, "welcome"): 1})
    await a_round(world)  # and the next step is due by now
    await run_due_work(**world.n.deps(run_due_work))
    await a_round(world)
    assert sent(world) == Counter({(PHONE, "welcome"): 1, (PHONE, "follow_up"): 1})


async def test_a_sequencer_killed_inside_its_transaction_leaves_the_step_due(
    connected: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = connected
    command = assign(world, delays=(0,))
    await outbound(world, command)
    real_publish = rows.publish

    async def dies(*args: Any) -> None:
        raise RuntimeError("killed mid-transaction")

    monkeypatch.setattr(rows, "publish", dies)
    with pytest.raises(RuntimeError):
        await a_round(world)
    monkeypatch.setattr(rows, "publish", real_publish)
    assert await world.pool.fetchval("SELECT count(*) FROM messages") == 0  # rolled back
    assert await a_round(world) == 1
    await a_round(world)
    assert sent(world) == Counter({(PHONE, "welcome"): 1})
    assert (await snapshots(world, command.body.enrolment_id))[-1].state.value == "completed"
