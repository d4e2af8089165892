"""The COD policy's timing, decision by decision: the steps a policy takes, their due times,
the minimum total, and quiet hours (crossing midnight, in the business's zone, across DST)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from sauda_contracts.cod_policy import CodPolicy, ExpiryAction
from sauda_notifier.domain.cod_schedule import (
    Step,
    StepKind,
    below_minimum,
    due_after_first,
    first_due,
    quiet_until,
    send_time,
    step_after,
    steps_of,
)

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_the_default_policy_is_the_seeds_rhythm() -> None:
    steps = steps_of(CodPolicy())
    assert steps == (
        Step(0, StepKind.FIRST, timedelta(0)),
        Step(1, StepKind.REMINDER, timedelta(hours=6)),
    )
    assert step_after(CodPolicy(), 1) is None


def test_three_reminders_then_an_expiry() -> None:
    policy = CodPolicy(first_message_delay_seconds=3600, reminder_delays_seconds=(60, 120, 180),
                       expire_after_seconds=600, expiry_action=ExpiryAction.CANCEL)  # fmt: skip
    kinds = [(s.number, s.kind) for s in steps_of(policy)]
    assert kinds == [(0, StepKind.FIRST), (1, StepKind.REMINDER), (2, StepKind.REMINDER),
                     (3, StepKind.REMINDER), (4, StepKind.EXPIRY)]  # fmt: skip
    assert first_due(policy, T0) == T0 + timedelta(hours=1)
    expiry = step_after(policy, 3)
    assert expiry is not None and expiry.kind is StepKind.EXPIRY
    assert due_after_first(expiry, T0) == T0 + timedelta(seconds=600)
    assert step_after(policy, 4) is None


def test_no_reminders_and_expiry_with_action_none_takes_only_the_first_step() -> None:
    policy = CodPolicy(reminder_delays_seconds=(), expire_after_seconds=60)
    assert [s.kind for s in steps_of(policy)] == [StepKind.FIRST]


def test_hold_expires_without_reminders() -> None:
    policy = CodPolicy(reminder_delays_seconds=(), expire_after_seconds=60,
                       expiry_action=ExpiryAction.HOLD)  # fmt: skip
    nxt = step_after(policy, 0)
    assert nxt == Step(1, StepKind.EXPIRY, timedelta(seconds=60))


@pytest.mark.parametrize(("minimum", "total", "below"), [
    (None, "1.00", False), ("500", "499.99", True), ("500", "500.00", False), ("0", "0", False),
])  # fmt: skip
def test_minimum_total(minimum: str | None, total: str, below: bool) -> None:
    policy = CodPolicy(min_order_total=None if minimum is None else Decimal(minimum))
    assert below_minimum(policy, Decimal(total)) is below


def _quiet(start: str, end: str, zone: str = "Asia/Karachi") -> CodPolicy:
    return CodPolicy(quiet_hours_start=start, quiet_hours_end=end, time_zone=zone)


def test_no_quiet_hours_sends_at_once() -> None:
    assert quiet_until(CodPolicy(), T0) is None
    assert send_time(CodPolicy(), T0) == T0


def test_quiet_hours_crossing_midnight_evening_part_waits_for_tomorrow_morning() -> None:
    # 23:30 in Karachi (UTC+5) on 2 March → 08:00 on 3 March Karachi = 03:00 UTC.
    at = datetime(2026, 3, 2, 18, 30, tzinfo=UTC)
    assert quiet_until(_quiet("22:00", "08:00"), at) == datetime(2026, 3, 3, 3, 0, tzinfo=UTC)


def test_quiet_hours_crossing_midnight_morning_part_waits_for_the_same_morning() -> None:
    at = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)  # 02:00 on 3 March in Karachi
    assert quiet_until(_quiet("22:00", "08:00"), at) == datetime(2026, 3, 3, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("local_hour", [8, 12, 21])
def test_outside_an_overnight_window_nothing_waits(local_hour: int) -> None:
    at = datetime(2026, 3, 2, local_hour - 5, 0, tzinfo=UTC)
    assert quiet_until(_quiet("22:00", "08:00"), at) is None


def test_window_edges_start_is_quiet_end_is_not() -> None:
    policy = _quiet("22:00", "08:00")
    assert quiet_until(policy, datetime(2026, 3, 2, 17, 0, tzinfo=UTC)) is not None  # 22:00
    assert quiet_until(policy, datetime(2026, 3, 2, 2, 59, tzinfo=UTC)) is not None  # 07:59
    assert quiet_until(policy, datetime(2026, 3, 2, 3, 0, tzinfo=UTC)) is None  # 08:00


def test_daytime_window_within_one_day() -> None:
    policy = _quiet("13:00", "14:30")
    at = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)  # 13:15 Karachi
    assert quiet_until(policy, at) == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert quiet_until(policy, datetime(2026, 3, 2, 7, 59, tzinfo=UTC)) is None


def test_the_zone_is_the_businesss_not_utc() -> None:
    at = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)  # 23:00 UTC, but 04:00 in Karachi
    assert quiet_until(_quiet("22:00", "08:00", "UTC"), at) == datetime(
        2026, 3, 3, 8, 0, tzinfo=UTC
    )
    assert quiet_until(_quiet("22:00", "08:00"), at) == datetime(2026, 3, 3, 3, 0, tzinfo=UTC)


def test_dst_spring_forward_night_is_shorter() -> None:
    # New York, 8 March 2026: clocks go 02:00 EST → 03:00 EDT. At 23:00 EST on the 7th, quiet
    # hours to 08:00 end at 08:00 EDT = 12:00 UTC (not 13:00, as EST would give).
    at = datetime(2026, 3, 8, 4, 0, tzinfo=UTC)
    assert quiet_until(_quiet("22:00", "08:00", "America/New_York"), at) == datetime(
        2026, 3, 8, 12, 0, tzinfo=UTC
    )


def test_dst_an_end_in_the_skipped_hour_is_the_jump() -> None:
    # Quiet until 02:30, which does not exist on 8 March in New York: the clocks jump at
    # 07:00 UTC (02:00 EST → 03:00 EDT), and that is when the message may go.
    at = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 00:00 EST
    assert quiet_until(_quiet("22:00", "02:30", "America/New_York"), at) == datetime(
        2026, 3, 8, 7, 0, tzinfo=UTC
    )


def test_dst_fall_back_repeated_hour_ends_at_its_first_occurrence() -> None:
    # 1 November 2026, New York: 01:00–02:00 happens twice; quiet until 01:30 ends at the
    # first 01:30 (EDT) = 05:30 UTC.
    at = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)  # 23:00 EDT on 31 October
    assert quiet_until(_quiet("22:00", "01:30", "America/New_York"), at) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )


@pytest.mark.parametrize("bad", [
    {"quiet_hours_start": "22:00"},
    {"quiet_hours_start": "24:00", "quiet_hours_end": "08:00"},
    {"quiet_hours_start": "08:00", "quiet_hours_end": "08:00"},
    {"time_zone": "Mars/Olympus"},
    {"reminder_delays_seconds": [120, 60]},
    {"reminder_delays_seconds": [60, 120, 180, 240]},
    {"first_message_delay_seconds": 48 * 3600 + 1},
    {"expiry_action": "cancel"},
    {"reminder_delays_seconds": [600], "expire_after_seconds": 600, "expiry_action": "cancel"},
    {"min_order_total": "-1"},
])  # fmt: skip
def test_policy_refuses_what_cannot_be_scheduled(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        CodPolicy.model_validate(bad)
