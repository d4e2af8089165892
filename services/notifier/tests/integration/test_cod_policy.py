"""A business's COD policy in the notifier (real Postgres, the fake Meta, a movable clock): the
snapshot kept by revision; below the minimum the system confirms the order and no COD message
goes; a delayed first message, its reminders and an expiry that cancels once, even after a
replay of the order event and repeated sweeps; quiet hours holding a message to the morning;
hold for review raising `cod_expired`; a policy change applying to orders placed after it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from sauda_contracts import Actor, OrderStatus, Topic, parse_order_command
from sauda_contracts.cod_policy import (
    BELOW_MINIMUM_REASON,
    EXPIRY_CANCEL_REASON,
    CodPolicy,
    CodPolicyChanged,
    CodPolicyChangedBody,
)
from sauda_contracts.testing import status_changed
from sauda_contracts.whatsapp import MessageRecorded
from sauda_notifier.handlers.cod_steps import run_due_cod_steps
from sauda_notifier.handlers.outbound import handle_outbound_batch
from sauda_notifier.handlers.sending import send_all

from .flows import handle, notices


async def set_policy(world: Any, revision: int, **fields: Any) -> None:
    changed = CodPolicyChanged(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=world.business_id,
        correlation_id="put-policy", causation_id=None,
        body=CodPolicyChangedBody(revision=revision, policy=CodPolicy(**fields)),
    )  # fmt: skip
    await handle_outbound_batch([changed], **world.n.deps(handle_outbound_batch))


async def sweep(world: Any) -> None:
    queued = await run_due_cod_steps(**world.n.deps(run_due_cod_steps))
    await send_all(queued, **world.n.deps(send_all))


def sent(world: Any) -> list[str]:
    return [s.body["template"]["name"] for s in world.graph.sends]


async def ledger_commands(world: Any) -> list[Any]:
    return [parse_order_command(r["value"]) for r in await world.outbox(Topic.ORDERS_COMMANDS)]


async def test_the_snapshot_with_the_higher_revision_is_kept(world: Any) -> None:
    await set_policy(world, 2, first_message_delay_seconds=60)
    await set_policy(world, 1, first_message_delay_seconds=7200)  # late, older: ignored
    kept = await world.pool.fetchrow("SELECT revision, policy FROM cod_policies")
    assert kept["revision"] == 2
    assert CodPolicy.model_validate_json(kept["policy"]).first_message_delay_seconds == 60


async def test_below_the_minimum_the_system_confirms_and_no_cod_message_goes(
    world: Any, make_order: Any
) -> None:
    await world.connect()
    await set_policy(world, 1, min_order_total=Decimal("5000"))
    placed = make_order(world.business_id)  # PKR 3,000
    await handle(world, placed)
    await handle(world, placed)  # redelivered
    assert "sauda_cod_confirmation" not in sent(world)
    [command] = await ledger_commands(world)
    assert command.body.order_id == placed.body.order_id
    assert command.body.status is OrderStatus.CONFIRMED
    assert command.body.actor is Actor.SYSTEM
    assert command.body.reason == BELOW_MINIMUM_REASON
    assert await world.pool.fetchval("SELECT count(*) FROM cod_steps") == 0


async def test_above_the_minimum_the_cod_message_goes(world: Any, make_order: Any) -> None:
    await world.connect()
    await set_policy(world, 1, min_order_total=Decimal("3000"))
    await handle(world, make_order(world.business_id))
    assert sent(world) == ["sauda_cod_confirmation"]
    assert await ledger_commands(world) == []


async def test_delay_reminders_and_an_expiry_that_cancels_exactly_once(
    world: Any, make_order: Any
) -> None:
    await world.connect()
    await set_policy(world, 1, first_message_delay_seconds=600, reminder_delays_seconds=(60, 120),
                     expire_after_seconds=300, expiry_action="cancel")  # fmt: skip
    placed = make_order(world.business_id)
    await handle(world, placed)
    await sweep(world)
    assert sent(world) == []  # the first message waits for its delay
    world.clock.advance(601)
    await sweep(world)
    await sweep(world)
    assert sent(world) == ["sauda_cod_confirmation"]
    world.clock.advance(61)
    await sweep(world)
    world.clock.advance(60)
    await sweep(world)
    assert sent(world) == ["sauda_cod_confirmation", "sauda_cod_reminder", "sauda_cod_reminder"]
    world.clock.advance(180)
    await sweep(world)
    await sweep(world)
    await handle(world, placed)  # orders.events.v1 replayed
    world.clock.advance(3600)
    await sweep(world)
    [command] = await ledger_commands(world)
    assert (command.body.status, command.body.actor, command.body.reason) == (
        OrderStatus.CANCELLED, Actor.SYSTEM, EXPIRY_CANCEL_REASON,
    )  # fmt: skip
    assert len(sent(world)) == 3
    keys = await world.pool.fetch("SELECT dedupe_key FROM messages WHERE purpose = 'cod_reminder'")
    assert len({k["dedupe_key"] for k in keys}) == 2


async def test_an_answered_order_takes_no_more_steps(world: Any, make_order: Any) -> None:
    await world.connect()
    await set_policy(world, 1, reminder_delays_seconds=(60,), expire_after_seconds=120,
                     expiry_action="cancel")  # fmt: skip
    placed = make_order(world.business_id)
    await handle(world, placed)
    await handle(world, status_changed(placed, OrderStatus.CONFIRMED, version=2))
    world.clock.advance(3600)
    await sweep(world)
    assert sent(world) == ["sauda_cod_confirmation", "sauda_order_confirmed"]
    assert await ledger_commands(world) == []
    assert await world.pool.fetchval("SELECT state FROM cod_steps") == "done"


def _window_around_now(zone: str) -> tuple[str, str, datetime]:
    """A quiet window from an hour ago to two hours ahead in `zone` (so it may cross midnight),
    and when it ends (UTC)."""
    local = datetime.now(UTC).astimezone(ZoneInfo(zone)).replace(second=0, microsecond=0)
    start, end = local - timedelta(hours=1), local + timedelta(hours=2)
    return start.strftime("%H:%M"), end.strftime("%H:%M"), end.astimezone(UTC)


async def test_quiet_hours_hold_the_cod_message_until_they_end(world: Any, make_order: Any) -> None:
    await world.connect()
    start, end, ends_at = _window_around_now("Asia/Karachi")
    await set_policy(world, 1, quiet_hours_start=start, quiet_hours_end=end,
                     time_zone="Asia/Karachi", reminder_delays_seconds=())  # fmt: skip
    await handle(world, make_order(world.business_id))
    await sweep(world)
    row = await world.pool.fetchrow("SELECT step, due_at, state FROM cod_steps")
    assert (row["step"], row["state"]) == (0, "scheduled")
    assert row["due_at"] == ends_at
    # The merchant's message log says so: the COD message is there, scheduled for the end.
    assert [(s.status, s.scheduled_for) for s in await snapshots(world)] == [("scheduled", ends_at)]
    world.clock.advance(3600)  # still quiet: swept again, nothing sent, nothing recorded twice
    await sweep(world)
    assert sent(world) == []
    assert await world.pool.fetchval("SELECT count(*) FROM messages") == 1
    world.clock.advance(2 * 3600 + 60)
    await sweep(world)
    assert sent(world) == ["sauda_cod_confirmation"]
    last = (await snapshots(world))[-1]
    assert [h.status for h in last.history] == ["scheduled", "queued", "sent"]
    assert last.scheduled_for is None


async def snapshots(world: Any) -> list[Any]:
    """The message snapshots the notifier published for the merchant's log, oldest first."""
    records = [MessageRecorded.model_validate_json(r["value"])
               for r in await world.outbox(Topic.NOTIFIER_EVENTS)
               if b'"MessageRecorded"' in bytes(r["value"])]  # fmt: skip
    return [r.body for r in sorted(records, key=lambda r: r.body.revision)]


async def test_a_reminder_due_at_night_is_held_with_a_note(world: Any, make_order: Any) -> None:
    await world.connect()
    # Quiet hours from a minute from now to three hours ahead: the COD message goes at once,
    # its reminder falls in them.
    local = datetime.now(UTC).astimezone(ZoneInfo("Asia/Karachi"))
    start = (local + timedelta(minutes=1)).strftime("%H:%M")
    end_local = local + timedelta(hours=3)
    await set_policy(world, 1, quiet_hours_start=start, quiet_hours_end=end_local.strftime("%H:%M"),
                     reminder_delays_seconds=(600,))  # fmt: skip
    await handle(world, make_order(world.business_id))
    assert sent(world) == ["sauda_cod_confirmation"]
    world.clock.advance(601)
    await sweep(world)
    assert sent(world) == ["sauda_cod_confirmation"]
    row = await world.pool.fetchrow("SELECT step, note, due_at FROM cod_steps")
    assert row["step"] == 1 and row["note"].startswith("quiet hours: waits until")
    assert row["due_at"] == end_local.replace(second=0, microsecond=0).astimezone(UTC)
    world.clock.advance(3 * 3600)
    await sweep(world)
    assert sent(world) == ["sauda_cod_confirmation", "sauda_cod_reminder"]


async def test_hold_for_review_raises_cod_expired_once(world: Any, make_order: Any) -> None:
    await world.connect()
    await set_policy(world, 1, reminder_delays_seconds=(), expire_after_seconds=60,
                     expiry_action="hold")  # fmt: skip
    placed = make_order(world.business_id)
    await handle(world, placed)
    world.clock.advance(61)
    await sweep(world)
    await sweep(world)
    expired = [n for n in await notices(world) if n.body.kind == "cod_expired"]
    assert [n.body.order_id for n in expired] == [placed.body.order_id]
    # The ledger is asked to hold it (marked in the view and the webhooks), once: no cancel.
    held = await ledger_commands(world)
    assert [c.type for c in held] == ["HoldOrderForReview"]
    assert held[0].body.order_id == placed.body.order_id
    assert held[0].body.reason == "not confirmed on WhatsApp within 0.0166667 hours"


async def test_a_policy_change_applies_to_orders_placed_after_it(
    world: Any, make_order: Any
) -> None:
    await world.connect()
    await set_policy(world, 1, first_message_delay_seconds=600)
    first = make_order(world.business_id, number="ORD-1")
    await handle(world, first)
    await set_policy(world, 2, first_message_delay_seconds=0)
    second = make_order(world.business_id, number="ORD-2", phone="923009999999")
    await handle(world, second)
    await sweep(world)
    assert [s.body["to"] for s in world.graph.sends] == ["923009999999"]  # ORD-1 still waits
    world.clock.advance(601)
    await sweep(world)
    assert sorted(s.body["to"] for s in world.graph.sends) == ["923001234567", "923009999999"]
