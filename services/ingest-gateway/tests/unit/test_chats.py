"""Whom a merchant's call names: a phone or Meta's user id, exactly one, refused by field."""

from uuid import uuid4

import pytest

from sauda_gateway.chats import chat_of, recipient
from sauda_gateway.domain import Business, InvalidField, InvalidPhone, MissingField

SHOP = Business(business_id=uuid4(), name="Shop", plan="business", default_country="PK")
USER = "US.13491208655302741918"


def test_a_phone_or_a_user_id_names_the_chat() -> None:
    assert recipient("0300 1234567", None, SHOP, phone_field="to") == "923001234567"
    assert recipient(None, f" {USER} ", SHOP, phone_field="to") == USER
    assert chat_of(USER, SHOP) == USER and chat_of("+92 300 1234567", SHOP) == "923001234567"


def test_both_neither_or_a_bad_one_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidField) as both:
        recipient("923001234567", USER, SHOP, phone_field="to")
    assert both.value.field == "user_id"
    with pytest.raises(MissingField) as neither:
        recipient(None, None, SHOP, phone_field="phone_number")
    assert neither.value.field == "phone_number"
    with pytest.raises(InvalidField) as not_an_id:
        recipient(None, "923001234567", SHOP, phone_field="to")  # a phone is not a user id
    assert not_an_id.value.field == "user_id"
    with pytest.raises(InvalidPhone):
        recipient(USER, None, SHOP, phone_field="to")  # a send's `to` is a phone only


def test_the_subscriber_routes_phone_field_takes_a_user_id_as_it_always_did() -> None:
    assert recipient(USER, None, SHOP, phone_field="phone_number", either_as_phone=True) == USER
