"""The orders page's pure rules: what a search box text means, dates, the cursor, next statuses."""

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

import pytest

from sauda_contracts.orders import ALLOWED_TRANSITIONS, OrderStatus
from sauda_gateway.domain import InvalidField
from sauda_gateway.view.domain import Cursor, InvalidCursor, date_range, next_statuses, search_of


def test_an_order_number_is_matched_as_typed_and_as_sauda_writes_it() -> None:
    found = search_of("#42", phone=None)
    assert found.numbers == ("42", "ORD-000042") and found.name is None
    assert search_of("ord-000042", phone=None).numbers == ("ord-000042", "ORD-000042")


def test_text_with_letters_is_part_of_a_name_and_digits_alone_are_not() -> None:
    assert search_of("  Ayesha K ", phone=None).name == "ayesha k"
    assert search_of("0300 1234567", phone="923001234567").name is None
    assert search_of("0300 1234567", phone="923001234567").phone == "923001234567"


def test_a_date_is_a_whole_utc_day_and_a_datetime_keeps_its_offset() -> None:
    start, stop = date_range("2026-06-18", "2026-06-18")
    assert start == datetime(2026, 6, 18, tzinfo=UTC) and stop == start + timedelta(days=1)
    pkt = timezone(timedelta(hours=5))
    assert date_range("2026-06-18T09:30:00+05:00", None)[0] == datetime(
        2026, 6, 18, 9, 30, tzinfo=pkt
    )
    assert date_range(None, "2026-06-18T09:30:00")[1] == datetime(2026, 6, 18, 9, 30, tzinfo=UTC)
    with pytest.raises(InvalidField) as refused:
        date_range("2026-06-18", "2026-06-17")
    assert refused.value.field == "created_to"
    for edge in ("9999-12-31", "0001-01-01T00:00:00+05:00"):  # past what a timestamp holds
        with pytest.raises(InvalidField):
            date_range(None, edge)


def test_a_cursor_reads_back_as_the_place_it_names_and_nothing_else_does() -> None:
    place = Cursor(datetime(2026, 6, 18, 9, 0, 0, 123456, tzinfo=UTC),
                   UUID("5d8a4a5e-3c1f-4f7e-9b0a-7a2f6c1d9e10"))  # fmt: skip
    assert Cursor.decode(place.encode()) == place
    assert "=" not in place.encode()
    for bad in ("", "!!", place.encode()[:-3]):
        with pytest.raises(InvalidCursor):
            Cursor.decode(bad)


def test_next_statuses_are_the_fsm_table_in_its_own_order() -> None:
    for status, allowed in ALLOWED_TRANSITIONS.items():
        moves = next_statuses(status)
        assert set(moves) == allowed
        assert moves == sorted(moves, key=list(OrderStatus).index)
    assert next_statuses(OrderStatus.PENDING) == [OrderStatus.CONFIRMED, OrderStatus.CANCELLED]
