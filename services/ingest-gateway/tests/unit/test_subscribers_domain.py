"""The CRM's pure decisions: a custom field's value by its reply type, the list's orderBy
whitelist, label and field names, id lists, and values keyed by a field's name or id."""

import pytest

from sauda_gateway.domain import InvalidField
from sauda_gateway.subscribers.domain import (
    MAX_NAME,
    FieldNotFound,
    ReplyType,
    field_value,
    ids_of,
    name_of,
    note_text,
    order_by,
    page,
    reply_type_of,
    split_name,
)
from sauda_gateway.subscribers.handlers import field_values


@pytest.mark.parametrize(("kind", "raw", "stored"), [
    (ReplyType.TEXT, "  Lahore ", "Lahore"),
    (ReplyType.NUMBER, "42", "42"), (ReplyType.NUMBER, "-3.5", "-3.5"), (ReplyType.NUMBER, 7, "7"),
    (ReplyType.EMAIL, "Ali@Shop.PK", "ali@shop.pk"),
    (ReplyType.DATE, "1990-04-01", "1990-04-01"),
    (ReplyType.URL, "https://shop.pk/a", "https://shop.pk/a"),
    (ReplyType.BOOLEAN, "Yes", "true"), (ReplyType.BOOLEAN, False, "false"),
    (ReplyType.PHONE, "+92 300 1234567", "+92 300 1234567"),
])  # fmt: skip
def test_a_value_of_its_type_is_kept_normalized(kind: ReplyType, raw: object, stored: str) -> None:
    assert field_value(kind, raw, field="custom_fields.x") == stored


@pytest.mark.parametrize(("kind", "raw"), [
    (ReplyType.NUMBER, "forty"), (ReplyType.NUMBER, "1e9"), (ReplyType.EMAIL, "ali@"),
    (ReplyType.DATE, "1990-13-01"), (ReplyType.DATE, "tomorrow"), (ReplyType.URL, "ftp://x"),
    (ReplyType.BOOLEAN, "maybe"), (ReplyType.PHONE, "call me"), (ReplyType.TEXT, "   "),
    (ReplyType.TEXT, "x" * 1001), (ReplyType.TEXT, ["a"]),
])  # fmt: skip
def test_a_value_not_of_its_type_is_refused_naming_the_field(kind: ReplyType, raw: object) -> None:
    with pytest.raises(InvalidField) as refused:
        field_value(kind, raw, field="custom_fields.x")
    assert refused.value.field == "custom_fields.x"


def test_order_by_takes_only_whitelisted_columns_and_directions() -> None:
    assert order_by(None) == "s.subscriber_id DESC"
    assert order_by("id DESC") == "s.subscriber_id DESC"
    assert order_by("created_at asc") == "s.created_at ASC, s.subscriber_id ASC"
    assert order_by("first_name") == "s.first_name ASC, s.subscriber_id ASC"
    for bad in ("password DESC", "id; DROP TABLE subscribers", "id DESC, email", "id sideways",
                "s.subscriber_id", "id DESC NULLS"):  # fmt: skip
        with pytest.raises(InvalidField) as refused:
            order_by(bad)
        assert refused.value.field == "orderBy"


def test_label_names_are_trimmed_and_bounded_and_hold_no_comma() -> None:
    assert name_of("  VIP   customers ", field="label_name", what="label") == "VIP customers"
    for bad in ("", "   ", "a,b", "x" * (MAX_NAME + 1), "bell\x07"):
        with pytest.raises(InvalidField):
            name_of(bad, field="label_name", what="label")


def test_id_lists_are_comma_separated_positive_numbers_without_repeats() -> None:
    assert ids_of("3, 1,3,", field="label_ids") == [3, 1]
    assert ids_of([2, "4"], field="label_ids") == [2, 4]
    for bad in ("", "a", "1,-2", "0", "1.5"):
        with pytest.raises(InvalidField):
            ids_of(bad, field="label_ids")


def test_paging_reply_types_notes_and_names() -> None:
    assert page(None, None) == (20, 0) and page("100", "5") == (100, 5)
    for limit, offset in (("0", "0"), ("101", "0"), ("x", "0"), ("5", "-1")):
        with pytest.raises(InvalidField):
            page(limit, offset)
    assert reply_type_of(" Email ") is ReplyType.EMAIL
    with pytest.raises(InvalidField):
        reply_type_of("colour")
    with pytest.raises(InvalidField):
        note_text("x" * 2001)
    assert split_name("Ayesha Bibi Khan") == ("Ayesha Bibi", "Khan")
    assert split_name("Bilal") == ("Bilal", None) and split_name("  ") == (None, None)


def test_values_are_keyed_by_a_fields_name_in_any_case_or_its_id() -> None:
    defined = [{"field_id": 7, "name": "City", "reply_type": "text"},
               {"field_id": 8, "name": "age", "reply_type": "number"}]  # fmt: skip
    assert field_values(defined, {"city": "Lahore", "8": "31"}) == {7: "Lahore", 8: "31"}
    with pytest.raises(InvalidField) as refused:
        field_values(defined, {"AGE": "old"})
    assert refused.value.field == "custom_fields.AGE"
    with pytest.raises(FieldNotFound):
        field_values(defined, {"colour": "red"})
    with pytest.raises(InvalidField):
        field_values(defined, {})
