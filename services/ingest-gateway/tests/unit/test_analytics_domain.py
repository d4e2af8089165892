"""The analytics' pure figures: ranges asked for, days where the shop is, medians, rates, facts
of order events and the CSV rows."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from sauda_contracts import Actor, OrderSource, OrderStatus, Payment, PaymentStatus
from sauda_contracts.testing import order_placed, status_changed
from sauda_gateway.analytics.domain import (
    CSV_HEADER,
    DEFINITIONS,
    DateRange,
    DateRangeTooLong,
    InvalidDate,
    InvalidDateRange,
    OrderFacts,
    csv_rows,
    date_range,
    fact_change,
    is_cod,
    median,
    placed_fact,
    rate,
    summarize,
    time_zone_of,
)

NOW = datetime(2026, 3, 10, 20, 30, tzinfo=UTC)  # 01:30 on 11 March in Karachi (UTC+5)
KARACHI = time_zone_of("PK")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_default_range_is_the_last_30_days_ending_today_where_the_shop_is() -> None:
    span = date_range(None, None, country="PK", now=NOW)
    assert (span.first, span.last, span.zone.key) == (date(2026, 2, 10), date(2026, 3, 11),
                                                      "Asia/Karachi")  # fmt: skip
    assert len(span.days) == 30
    assert date_range(None, None, country="NL", now=NOW).last == date(2026, 3, 10)  # UTC
    assert date_range(None, None, country="IN", now=NOW).zone.key == "Asia/Kolkata"


def test_a_range_is_its_days_from_midnight_to_midnight_in_the_shops_zone() -> None:
    span = date_range("2026-03-01", "2026-03-02", country="PK", now=NOW)
    assert span.start == at("2026-02-28T19:00:00+00:00")
    assert span.end == at("2026-03-02T19:00:00+00:00")
    assert date_range("2026-03-01", None, country="PK", now=NOW).last == date(2026, 3, 11)
    assert len(date_range("2025-03-11", "2026-03-11", country="PK", now=NOW).days) == 366


@pytest.mark.parametrize(
    ("raw_from", "raw_to", "error", "field"),
    [
        ("2026-02-30", None, InvalidDate, "from"),
        ("yesterday", None, InvalidDate, "from"),
        ("20260301", None, InvalidDate, "from"),  # ISO's basic form: not what the API says
        (None, "2026-13-01", InvalidDate, "to"),
        (None, "9999-12-31", InvalidDate, "to"),  # its next midnight is past any datetime
        ("0001-01-01", None, InvalidDate, "from"),
        ("2026-03-05", "2026-03-04", InvalidDateRange, "to"),
        ("2025-03-10", "2026-03-11", DateRangeTooLong, "from"),  # 367 days
    ],
)
def test_a_bad_range_is_refused_naming_its_field(
    raw_from: str | None, raw_to: str | None, error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as refused:
        date_range(raw_from, raw_to, country="PK", now=NOW)
    assert getattr(refused.value, "field", None) == field


def test_median_of_odd_and_even_counts_and_of_nothing() -> None:
    assert median([]) is None
    assert median([7.0]) == 7.0
    assert median([9.0, 1.0, 5.0]) == 5.0
    assert median([10.0, 1.0, 4.0, 6.0]) == 5.0


def test_a_rate_over_nothing_is_null() -> None:
    assert rate(0, 0) is None
    assert rate(0, 3) == 0.0
    assert rate(2, 3) == 0.6667


def facts(placed_at: str, **more: object) -> OrderFacts:
    """A COD store order placed at `placed_at`; what became of it is `more` (the rest None)."""
    times = ("answer", "answered_at", "confirmed_at", "shipped_at", "delivered_at", "returned_at",
             "cancelled_at", "reminded_at")  # fmt: skip
    fields = {"source": OrderSource.INGEST, "cod": True, **dict.fromkeys(times), **more}
    return OrderFacts(placed_at=at(placed_at), **fields)  # type: ignore[arg-type]


def test_an_empty_range_has_every_day_at_zero_and_null_rates() -> None:
    span = date_range("2026-03-01", "2026-03-03", country="PK", now=NOW)
    report = summarize([], span)
    assert [d.date for d in report.days] == [date(2026, 3, d) for d in (1, 2, 3)]
    assert all(d.total == 0 and d.orders == {OrderSource.INGEST: 0, OrderSource.WHATSAPP: 0}
               for d in report.days)  # fmt: skip
    s = report.summary
    assert (s.orders, s.cod_confirmation_rate, s.cancel_rate, s.median_minutes_to_answer) == (
        0, None, None, None)  # fmt: skip
    assert (s.answered_after_reminder_share, s.delivered_rate, s.returned_rate) == (None,) * 3


def test_an_order_counts_on_its_day_in_karachi_not_in_utc() -> None:
    span = date_range("2026-03-01", "2026-03-02", country="PK", now=NOW)
    report = summarize(
        [
            facts("2026-02-28T18:59:59+00:00"),  # 23:59:59 on 28 Feb in Karachi: outside
            facts("2026-02-28T19:00:00+00:00"),  # 00:00 on 1 March in Karachi
            facts("2026-03-01T18:59:00+00:00", source=OrderSource.WHATSAPP),  # 23:59 on 1 March
            facts("2026-03-01T19:00:00+00:00"),  # 00:00 on 2 March
            facts("2026-03-02T19:00:00+00:00"),  # 00:00 on 3 March: outside
        ],
        span,
    )
    assert [(d.date.day, d.orders[OrderSource.INGEST], d.orders[OrderSource.WHATSAPP])
            for d in report.days] == [(1, 1, 1), (2, 1, 0)]  # fmt: skip
    assert report.summary.orders == 3


def test_the_rates_a_merchant_reads() -> None:
    span = DateRange(date(2026, 3, 1), date(2026, 3, 1), KARACHI)
    t = "2026-03-01T06:00:00+00:00"
    minutes = timedelta(minutes=1)
    placed = at(t)
    orders = [
        # confirmed by the shopper after 10 minutes, before any reminder; shipped, delivered
        facts(t, answer=OrderStatus.CONFIRMED, answered_at=placed + 10 * minutes,
              confirmed_at=placed + 10 * minutes, shipped_at=placed + 60 * minutes,
              delivered_at=placed + 90 * minutes, reminded_at=placed + 20 * minutes),
        # confirmed by the shopper after the reminder (40 minutes); shipped, returned
        facts(t, answer=OrderStatus.CONFIRMED, answered_at=placed + 40 * minutes,
              confirmed_at=placed + 40 * minutes, shipped_at=placed + 60 * minutes,
              returned_at=placed + 99 * minutes, reminded_at=placed + 30 * minutes),
        # cancelled by the shopper after 20 minutes
        facts(t, answer=OrderStatus.CANCELLED, answered_at=placed + 20 * minutes,
              cancelled_at=placed + 20 * minutes),
        # no answer; the merchant cancelled it
        facts(t, cancelled_at=placed + 300 * minutes, reminded_at=placed + 30 * minutes),
        # paid by card: not COD; confirmed by the store, shipped, still on its way
        facts(t, cod=False, confirmed_at=placed, shipped_at=placed + 60 * minutes),
    ]  # fmt: skip
    report = summarize(orders, span)
    s = report.summary
    assert (s.orders, s.cod_orders, s.cod_confirmed, s.cod_confirmation_rate) == (5, 4, 2, 0.5)
    assert (s.cancelled, s.cancel_rate) == (2, 0.4)
    assert (s.answered, s.median_minutes_to_answer) == (3, 20.0)
    assert (s.answered_after_reminder, s.answered_after_reminder_share) == (1, 0.3333)
    assert (s.shipped, s.delivered, s.delivered_rate, s.returned, s.returned_rate) == (
        3, 1, 0.3333, 1, 0.3333)  # fmt: skip
    (day,) = report.days
    assert (day.total, day.confirmed, day.cancelled, day.delivered, day.returned) == (5, 3, 2, 1, 1)
    assert csv_rows(report) == [
        CSV_HEADER,
        ("2026-03-01", "5", "0", "5", "3", "2", "1", "1"),
    ]
    assert CSV_HEADER == ("date", "orders_ingest", "orders_whatsapp", "orders", "confirmed",
                          "cancelled", "delivered", "returned")  # fmt: skip


def test_cod_is_no_payment_or_an_unpaid_cod_one() -> None:
    business = uuid4()
    assert is_cod(order_placed(business).body)
    cod = Payment(status=PaymentStatus.PENDING, method="Cash on Delivery")
    assert is_cod(order_placed(business, payment=cod).body)
    card = Payment(status=PaymentStatus.PENDING, method="card")
    assert not is_cod(order_placed(business, payment=card).body)
    paid = Payment(status=PaymentStatus.PAID, method="COD")
    assert not is_cod(order_placed(business, payment=paid).body)


def test_only_the_shoppers_confirm_or_cancel_is_an_answer() -> None:
    placed = order_placed(uuid4())
    fact = placed_fact(placed)
    assert (fact.order_id, fact.source, fact.cod) == (placed.body.order_id, OrderSource.INGEST,
                                                      True)  # fmt: skip
    by_shopper = fact_change(status_changed(placed, OrderStatus.CONFIRMED, actor=Actor.CUSTOMER))
    assert (by_shopper.answer, by_shopper.confirmed, by_shopper.version) == (
        OrderStatus.CONFIRMED, True, 2)  # fmt: skip
    by_merchant = fact_change(status_changed(placed, OrderStatus.CANCELLED))
    assert (by_merchant.answer, by_merchant.cancelled) == (None, True)
    cancelled = fact_change(status_changed(placed, OrderStatus.CANCELLED, actor=Actor.CUSTOMER))
    assert cancelled.answer is OrderStatus.CANCELLED


def test_the_definitions_name_every_figure() -> None:
    for figure in (
        "cod_confirmation_rate",
        "cancel_rate",
        "median_minutes_to_answer",
        "answered_after_reminder",
        "delivered_rate",
        "returned_rate",
        "Asia/Karachi",
    ):
        assert figure in DEFINITIONS  # fmt: skip
