"""An operator re-drives a send that failed for good (`sauda dlq redrive` → RedriveMessage): the
message is queued once more and reaches Meta once, however often the command arrives; a message
that is not failed for good, or another business's, is left as it is."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sauda_contracts import Topic
from sauda_contracts.dead_letters import DeadLetter, RedriveMessage, RedriveMessageBody, redrive_id
from sauda_notifier.domain.retries import MAX_ATTEMPTS
from sauda_notifier.handlers.outbound import handle_outbound_batch
from sauda_notifier.handlers.sending import send_all

from .flows import place, snapshots
from .test_sending import due_records


def redrive(world: Any, letter: DeadLetter, *, business_id: UUID | None = None) -> RedriveMessage:
    assert letter.body.message_id is not None
    return RedriveMessage(
        event_id=redrive_id(letter.event_id), occurred_at=datetime.now(UTC),
        business_id=business_id or world.business_id, correlation_id="sauda-dlq",
        body=RedriveMessageBody(message_id=letter.body.message_id, letter_id=letter.event_id),
    )  # fmt: skip


async def run(world: Any, *commands: Any) -> None:
    queued = await handle_outbound_batch(list(commands), **world.n.deps(handle_outbound_batch))
    await send_all(queued, **world.n.deps(send_all))


async def letters(world: Any) -> list[DeadLetter]:
    rows = await world.outbox(Topic.NOTIFIER_DLQ)
    return [DeadLetter.model_validate_json(r["value"]) for r in rows]


async def fail_for_good(world: Any, make_order: Any) -> DeadLetter:
    world.graph.fail_next(MAX_ATTEMPTS, status=503, code=131016)
    await place(world, make_order)
    for _ in range(MAX_ATTEMPTS - 1):
        _topic, due = (await due_records(world))[-1]
        await world.n.retrying.retry(due)
    [letter] = await letters(world)
    return letter


async def test_a_redriven_send_is_sent_once_more_and_only_once(world: Any, make_order: Any) -> None:
    letter = await fail_for_good(world, make_order)
    assert len(world.graph.sends) == MAX_ATTEMPTS

    command = redrive(world, letter)
    await run(world, command, command)  # the same command twice in one batch
    await run(world, command)  # and redelivered later
    assert len(world.graph.sends) == MAX_ATTEMPTS + 1
    [row] = await world.messages()
    assert (row["status"], row["state"], row["attempts"]) == ("sent", "done", 1)
    assert [h["status"] for h in row["history"]][-3:] == ["failed", "queued", "sent"]
    statuses = [(s.body.revision, s.body.status) for s in await snapshots(world)][-2:]
    assert [status for _, status in statuses] == ["queued", "sent"]

    # A second forced re-drive (a new round) finds the message sent: nothing more goes to Meta.
    again = redrive(world, letter).model_copy(update={"event_id": redrive_id(letter.event_id, 2)})
    await run(world, again)
    assert len(world.graph.sends) == MAX_ATTEMPTS + 1


async def test_a_redriven_send_that_fails_again_is_a_new_letter(
    world: Any, make_order: Any
) -> None:
    letter = await fail_for_good(world, make_order)
    world.graph.fail_next(MAX_ATTEMPTS, status=503, code=131016)
    await run(world, redrive(world, letter))
    for _ in range(MAX_ATTEMPTS - 1):
        _topic, due = (await due_records(world))[-1]
        await world.n.retrying.retry(due)
    first, second = await letters(world)
    assert first.event_id == letter.event_id
    assert second.event_id != letter.event_id
    assert second.body.message_id == letter.body.message_id


async def test_another_business_cannot_redrive_a_message(world: Any, make_order: Any) -> None:
    letter = await fail_for_good(world, make_order)
    await run(world, redrive(world, letter, business_id=uuid4()))
    assert len(world.graph.sends) == MAX_ATTEMPTS
    [row] = await world.messages()
    assert row["status"] == "failed"
