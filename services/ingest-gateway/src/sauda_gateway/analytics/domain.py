"""The merchant's analytics, pure: order facts from order events, the date range asked for, days
in the business's time zone, medians, rates and the CSV rows.

An order's facts are folded from orders.events.v1 by version (`fact_change`); the figures are
computed from the facts of the orders placed in the range (`summarize`, whose docstring holds
the definitions the API documents).
"""

import inspect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from sauda_contracts import (
    Actor,
    AnyOrderEvent,
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
    OrderPlaced,
    OrderReturned,
    OrderShipped,
    OrderSource,
    OrderStatus,
    PaymentStatus,
    PlaceOrderBody,
)
from sauda_contracts.analytics import AnalyticsDay, AnalyticsOut, AnalyticsSummary
from sauda_gateway.domain import Invalid

DEFAULT_DAYS = 30
MAX_DAYS = 366
# Days are counted where the shop is; a country without an entry counts in UTC.
TIME_ZONES = {"PK": "Asia/Karachi", "IN": "Asia/Kolkata"}
_COD_METHODS = {"cod", "cashondelivery"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Far enough either way for any shop; keeps a day's midnight inside what datetimes can hold.
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)


class InvalidDate(Invalid, code="invalid_date", message="send a date as YYYY-MM-DD"): ...


class InvalidDateRange(Invalid, code="invalid_date_range", message="`to` is before `from`", field="to"): ...  # fmt: skip


class DateRangeTooLong(Invalid, code="date_range_too_long", message=f"at most {MAX_DAYS} days", field="from"): ...  # fmt: skip


def time_zone_of(country: str) -> ZoneInfo:
    return ZoneInfo(TIME_ZONES.get(country.upper(), "UTC"))


@dataclass(frozen=True)
class DateRange:
    """Days `first` to `last`, both included, in `zone`."""

    first: date
    last: date
    zone: ZoneInfo

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def start(self) -> datetime:
        """The instant the first day begins, where the shop is."""
        return datetime.combine(self.first, time(), self.zone)

    @property
    def end(self) -> datetime:
        """The instant after the last day ends (exclusive)."""
        return datetime.combine(self.last + timedelta(days=1), time(), self.zone)

    def day_of(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()


def _parse_day(raw: str, field: str) -> date:
    try:
        day = date.fromisoformat(raw) if _DATE.match(raw) else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidDate(f"{field}: {raw!r} is not a date; send YYYY-MM-DD", field=field)
    if not EARLIEST <= day <= LATEST:
        raise InvalidDate(f"{field}: {day} is not between {EARLIEST} and {LATEST}", field=field)
    return day


def date_range(
    raw_from: str | None, raw_to: str | None, *, country: str, now: datetime
) -> DateRange:
    """The days asked for: `to` defaults to today where the shop is, `from` to 29 days before
    `to` (30 days in all); at most 366 days."""
    zone = time_zone_of(country)
    last = _parse_day(raw_to, "to") if raw_to else now.astimezone(zone).date()
    first = _parse_day(raw_from, "from") if raw_from else last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        raise InvalidDateRange(f"to ({last}) is before from ({first})")
    if (last - first).days + 1 > MAX_DAYS:
        raise DateRangeTooLong(f"from {first} to {last} is {(last - first).days + 1} days; "
                               f"ask for at most {MAX_DAYS}")  # fmt: skip
    return DateRange(first, last, zone)


# --- order facts, folded from the order's events ---


def is_cod(body: PlaceOrderBody) -> bool:
    """Cash on delivery: no payment reported at placing (the contract's meaning of none), or a
    payment whose method is COD and that is not already paid."""
    if body.payment is None:
        return True
    method = "".join(ch for ch in (body.payment.method or "").lower() if ch.isalnum())
    return method in _COD_METHODS and body.payment.status is not PaymentStatus.PAID


@dataclass(frozen=True)
class PlacedFact:
    """An order's facts row as its OrderPlaced starts it."""

    order_id: UUID
    business_id: UUID
    placed_at: datetime
    source: OrderSource
    cod: bool


@dataclass(frozen=True)
class FactChange:
    """What one later event adds to the row: each time is set once (the first event wins), and
    `answer` only by the shopper's first confirm or cancel."""

    order_id: UUID
    version: int
    at: datetime
    answer: OrderStatus | None = None
    confirmed: bool = False
    shipped: bool = False
    delivered: bool = False
    returned: bool = False
    cancelled: bool = False


def placed_fact(event: OrderPlaced) -> PlacedFact:
    b = event.body
    return PlacedFact(b.order_id, event.business_id, event.occurred_at, b.source, is_cod(b))


def fact_change(event: AnyOrderEvent) -> FactChange:
    """The change a non-placing event makes. A payment or fulfillment fact only moves the
    version on, so the next event still finds the version before it."""
    assert not isinstance(event, OrderPlaced)
    b = event.body
    answer = None
    if isinstance(event, OrderConfirmed | OrderCancelled) and b.actor is Actor.CUSTOMER:
        answer = b.status
    return FactChange(
        b.order_id,
        b.version,
        event.occurred_at,
        answer=answer,
        confirmed=isinstance(event, OrderConfirmed),
        shipped=isinstance(event, OrderShipped),
        delivered=isinstance(event, OrderDelivered),
        returned=isinstance(event, OrderReturned),
        cancelled=isinstance(event, OrderCancelled),
    )


@dataclass(frozen=True)
class OrderFacts:
    """One order as analytics reads it: its facts row, and when a COD reminder first went out
    (from the notifier's message log)."""

    placed_at: datetime
    source: OrderSource
    cod: bool
    answer: OrderStatus | None
    answered_at: datetime | None
    confirmed_at: datetime | None  # by anyone, as is cancelled_at
    shipped_at: datetime | None
    delivered_at: datetime | None
    returned_at: datetime | None
    cancelled_at: datetime | None
    reminded_at: datetime | None

    @property
    def answered_after_reminder(self) -> bool:
        return (
            self.answered_at is not None
            and self.reminded_at is not None
            and self.reminded_at < self.answered_at
        )

    @property
    def minutes_to_answer(self) -> float | None:
        if self.answered_at is None:
            return None
        return (self.answered_at - self.placed_at).total_seconds() / 60


# --- the figures ---


def median(values: Sequence[float]) -> float | None:
    """The middle value; with an even count, the mean of the two middle ones; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def rate(part: int, whole: int) -> float | None:
    """part / whole to four places; None when there is nothing to divide by."""
    return None if whole == 0 else round(part / whole, 4)


def _day(day: date, orders: Sequence[OrderFacts]) -> AnalyticsDay:
    by_source = Counter(o.source for o in orders)
    return AnalyticsDay(
        date=day,
        orders={s: by_source[s] for s in OrderSource},
        total=len(orders),
        confirmed=sum(o.confirmed_at is not None for o in orders),
        cancelled=sum(o.cancelled_at is not None for o in orders),
        delivered=sum(o.delivered_at is not None for o in orders),
        returned=sum(o.returned_at is not None for o in orders),
    )


def _summary(orders: Sequence[OrderFacts]) -> AnalyticsSummary:
    cod = [o for o in orders if o.cod]
    cod_confirmed = sum(o.answer is OrderStatus.CONFIRMED for o in cod)
    cancelled = sum(o.cancelled_at is not None for o in orders)
    answers = [m for o in orders if (m := o.minutes_to_answer) is not None]
    after_reminder = sum(o.answered_after_reminder for o in orders)
    shipped = [o for o in orders if o.shipped_at is not None]
    delivered = sum(o.delivered_at is not None for o in shipped)
    returned = sum(o.returned_at is not None for o in shipped)
    middle = median(answers)
    return AnalyticsSummary(
        orders=len(orders),
        cod_orders=len(cod),
        cod_confirmed=cod_confirmed,
        cod_confirmation_rate=rate(cod_confirmed, len(cod)),
        cancelled=cancelled,
        cancel_rate=rate(cancelled, len(orders)),
        answered=len(answers),
        median_minutes_to_answer=None if middle is None else round(middle, 1),
        answered_after_reminder=after_reminder,
        answered_after_reminder_share=rate(after_reminder, len(answers)),
        shipped=len(shipped),
        delivered=delivered,
        delivered_rate=rate(delivered, len(shipped)),
        returned=returned,
        returned_rate=rate(returned, len(shipped)),
    )


@dataclass(frozen=True, slots=True)
class CartFigures:
    """The abandoned carts of a range: how many, how many became an order, recovery messages."""

    abandoned: int = 0
    recovered: int = 0
    messages: int = 0


def summarize(
    orders: Iterable[OrderFacts], span: DateRange, carts: CartFigures = CartFigures()
) -> AnalyticsOut:
    """Every figure counts the orders placed in the range: from 00:00 of `from` to 24:00 of
    `to` in the business's time zone (Pakistan: Asia/Karachi, India: Asia/Kolkata, any other
    country: UTC). An order counts on the day it was placed, and so do its later outcomes
    (a day's row says what became of that day's orders).

    - orders per day and source: orders placed that day, by source (`ingest`: sent by a store
      through the API; `whatsapp`: ordered in a WhatsApp chat). A day's `confirmed`,
      `cancelled`, `delivered` and `returned` count those orders that were, by now,
      confirmed (by anyone), cancelled (by anyone), delivered, returned.
    - the shopper's answer: the first OrderConfirmed or OrderCancelled of the order whose actor
      is `customer` (a tap on Confirm / Cancel, or a typed yes / no, on WhatsApp); a merchant's,
      store's or system's confirm or cancel is not an answer.
    - COD orders: orders placed without a payment, or with a payment whose method is COD
      ("cod", "cash on delivery") and not already paid.
    - cod_confirmation_rate = COD orders the shopper confirmed / COD orders placed.
    - cancel_rate = orders cancelled (by anyone, at any point) / orders placed.
    - median_minutes_to_answer: the median, over orders with a shopper's answer, of the minutes
      from placing to that answer (the mean of the two middle values for an even count).
    - answered_after_reminder: answers given after a COD reminder went out, i.e. the notifier's
      message log holds a `cod_reminder` message for the order whose first `sent`, `delivered`
      or `read` status is earlier than the answer (a reminder queued, skipped or failed did
      not go out); answered_after_reminder_share = that count / orders with an answer.
    - delivered_rate = shipped orders delivered / orders that shipped; returned_rate (RTO) =
      shipped orders returned undelivered / orders that shipped.
    - A rate whose divisor is 0 is null, as is the median of no answers. Rates are fractions
      from 0 to 1, to four places; the median is in minutes, to one place.
    - carts_abandoned: carts the store reported abandoned in the range (BusinessOnBot's push);
      carts_recovered: those of them that became an order (CartRecovered);
      cart_recovery_messages: recovery messages sent in the range that went out (a `sent`,
      `delivered` or `read` status in the message log).
    """
    placed = [o for o in orders if span.start <= o.placed_at < span.end]
    by_day: dict[date, list[OrderFacts]] = {d: [] for d in span.days}
    for o in placed:
        by_day[span.day_of(o.placed_at)].append(o)
    return AnalyticsOut(
        from_date=span.first,
        to_date=span.last,
        time_zone=span.zone.key,
        days=tuple(_day(d, day_orders) for d, day_orders in by_day.items()),
        summary=_summary(placed).model_copy(update={"carts_abandoned": carts.abandoned,
                                                    "carts_recovered": carts.recovered,
                                                    "cart_recovery_messages": carts.messages}),
    )  # fmt: skip


DEFINITIONS = inspect.cleandoc(summarize.__doc__ or "")

CSV_HEADER = (
    "date",
    *(f"orders_{s.value}" for s in OrderSource),
    "orders",
    "confirmed",
    "cancelled",
    "delivered",
    "returned",
)


def csv_rows(report: AnalyticsOut) -> list[tuple[str, ...]]:
    """The CSV download: the header, then one row per day of the range."""
    rows = [
        (d.date.isoformat(), *(str(d.orders.get(s, 0)) for s in OrderSource), str(d.total),
         str(d.confirmed), str(d.cancelled), str(d.delivered), str(d.returned))
        for d in report.days
    ]  # fmt: skip
    return [CSV_HEADER, *rows]
