"""A business's COD policy applied to one order: which steps it takes (the first COD message,
its reminders, the expiry), when each is due, and the quiet hours that hold a message back until
the morning. Pure functions of the policy captured when the order was placed and the clock."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sauda_contracts.cod_policy import CodPolicy, ExpiryAction, clock_time


class StepKind(StrEnum):
    FIRST = "first"  # the COD confirmation
    REMINDER = "reminder"
    EXPIRY = "expiry"


@dataclass(frozen=True, slots=True)
class Step:
    number: int  # 0: the first message; 1..n: reminders; n+1: the expiry
    kind: StepKind
    offset: timedelta  # step 0: after the order was placed; others: after the first message


def steps_of(policy: CodPolicy) -> tuple[Step, ...]:
    """Every step the policy takes, in order."""
    steps = [Step(0, StepKind.FIRST, timedelta(seconds=policy.first_message_delay_seconds))]
    for n, delay in enumerate(policy.reminder_delays_seconds, start=1):
        steps.append(Step(n, StepKind.REMINDER, timedelta(seconds=delay)))
    if policy.expiry_action is not ExpiryAction.NONE and policy.expire_after_seconds:
        steps.append(Step(len(steps), StepKind.EXPIRY,
                          timedelta(seconds=policy.expire_after_seconds)))  # fmt: skip
    return tuple(steps)


def step_after(policy: CodPolicy, number: int) -> Step | None:
    """The step after `number`, or None when the policy has done all it does."""
    later = [s for s in steps_of(policy) if s.number == number + 1]
    return later[0] if later else None


def first_due(policy: CodPolicy, placed_at: datetime) -> datetime:
    """When the first COD message is due (before quiet hours are considered)."""
    return placed_at + timedelta(seconds=policy.first_message_delay_seconds)


def due_after_first(step: Step, first_sent_at: datetime) -> datetime:
    """A reminder's or the expiry's due time: its offset after the first COD message went out
    (so a first message held back by quiet hours moves its reminders with it)."""
    return first_sent_at + step.offset


def below_minimum(policy: CodPolicy, total: Decimal) -> bool:
    """An order under the shop's minimum total is confirmed without asking."""
    return policy.min_order_total is not None and total < policy.min_order_total


def _in_window(local: time, start: time, end: time) -> bool:
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the window crosses midnight


def quiet_until(policy: CodPolicy, at: datetime) -> datetime | None:
    """If `at` falls in the policy's quiet hours (in its time zone), the moment they end (UTC);
    else None. A window may cross midnight (22:00–08:00); an end that a DST change skips is
    taken as the first instant after the gap."""
    if policy.quiet_hours_start is None or policy.quiet_hours_end is None:
        return None
    zone = ZoneInfo(policy.time_zone)
    start, end = clock_time(policy.quiet_hours_start), clock_time(policy.quiet_hours_end)
    local = at.astimezone(zone)
    if not _in_window(local.timetz().replace(tzinfo=None), start, end):
        return None
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)  # evening part of an overnight window: ends tomorrow morning
    wall = datetime.combine(day, end, tzinfo=zone)
    ends = _real(wall)
    return max(ends, at)


def _real(wall: datetime) -> datetime:
    """The UTC instant of a local wall time. One that occurs twice (clocks set back) is its
    first occurrence; one a spring-forward gap skips becomes the instant the clocks jumped (the
    first instant whose wall time is past it)."""
    as_utc = wall.replace(fold=0).astimezone(UTC)
    if as_utc.astimezone(wall.tzinfo).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return as_utc
    naive = wall.replace(tzinfo=None)
    t = wall.replace(fold=1).astimezone(UTC)  # the earlier reading, before the gap
    t = t.replace(second=0, microsecond=0)
    while t.astimezone(wall.tzinfo).replace(tzinfo=None) < naive:
        t += timedelta(minutes=1)
    return t


def send_time(policy: CodPolicy, due: datetime) -> datetime:
    """When a COD message due at `due` may go out: at once, or when the quiet hours end."""
    return quiet_until(policy, due) or due
