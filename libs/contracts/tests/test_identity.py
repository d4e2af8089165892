"""Username users: who a chat is with, and v1 bodies that name a shopper by phone or user id."""

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from pydantic import ValidationError

from sauda_contracts import Actor, Customer, LineItem, OrderSource, PlaceOrderBody
from sauda_contracts.identity import chat_identity, identity_fields, is_user_id
from sauda_contracts.orders import asks_cod_answer
from sauda_contracts.whatsapp import (
    InboundKind,
    InboundMessageBody,
    MessagePurpose,
    MessageRecordedBody,
    OptOutBody,
    SendMessageBody,
    StatusReportBody,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
USER = "US.13491208655302741918"


def test_a_chat_is_with_the_phone_when_there_is_one_else_the_user_id() -> None:
    assert chat_identity("923001234567", USER) == "923001234567"
    assert chat_identity(None, USER) == USER
    with pytest.raises(ValueError, match="neither"):
        chat_identity(None, None)
    assert not is_user_id("923001234567") and is_user_id(USER)
    assert identity_fields(USER) == {"customer_user_id": USER}
    assert identity_fields("923001234567") == {"customer_phone": "923001234567"}


def inbound(**who: str) -> InboundMessageBody:
    return InboundMessageBody(phone_number_id="1065", wamid="wamid.A", sent_at=NOW,
                              kind=InboundKind.TEXT, meta_type="text", text="hi", **who)  # fmt: skip


def test_a_phone_shoppers_record_is_written_exactly_as_before_user_ids() -> None:
    """The fields added for username users are left out while unset, so consumers built
    before them (which forbid unknown fields) still read every phone shopper's record."""
    data = inbound(customer_phone="923001234567").model_dump(mode="json")
    assert "customer_user_id" not in data and "customer_username" not in data
    assert InboundMessageBody.model_validate_json(
        inbound(customer_phone="923001234567").model_dump_json()
    ) == inbound(customer_phone="923001234567")


def test_a_username_shopper_is_named_by_user_id_and_round_trips() -> None:
    body = inbound(customer_user_id=USER, customer_username="@testusername",
                   customer_parent_user_id="US.ENT.506847293015824")  # fmt: skip
    assert body.chat_with == USER and body.customer_phone is None
    assert InboundMessageBody.model_validate_json(body.model_dump_json()) == body


@pytest.mark.parametrize(
    "build",
    [
        lambda who: inbound(**who),
        lambda who: StatusReportBody(phone_number_id="1", wamid="w", status="read", at=NOW, **who),
        lambda who: OptOutBody(opted_out=True, wamid=None, at=NOW, **who),
        lambda who: SendMessageBody(message_key="k", kind="text", text="hi", **who),
        lambda who: MessageRecordedBody(
            message_id=uuid4(), revision=1, phone_number_id="1", purpose=MessagePurpose.CHAT,
            kind="text", text="hi", status="queued", attempts=0, history=(), created_at=NOW, **who,
        ),
    ],
)  # fmt: skip
def test_every_body_naming_a_shopper_needs_a_phone_or_a_user_id(build: object) -> None:
    assert callable(build)
    assert build({"customer_user_id": USER}).chat_with == USER
    assert build({"customer_phone": "923001234567"}).chat_with == "923001234567"
    with pytest.raises(ValidationError, match="phone or Meta's user id"):
        build({})


@pytest.mark.parametrize(
    "not_a_user_id", ["13491208655302741918", "0300-1234567", "", "US 123", "x" * 129]
)
def test_a_user_id_always_has_a_letter(not_a_user_id: str) -> None:
    with pytest.raises(ValidationError):
        inbound(customer_user_id=not_a_user_id)


def place(source: OrderSource, **customer: object) -> PlaceOrderBody:
    return PlaceOrderBody(
        order_id=uuid4(), order_number="WA-000001", source=source,
        customer=Customer(consent=True, **customer),  # type: ignore[arg-type]
        items=(LineItem(name="Tea", qty=1, price=Decimal("100")),), total=Decimal("100"),
        currency="PKR", idempotency_key="k", actor=Actor.CUSTOMER,
    )  # fmt: skip


def test_a_chat_order_may_name_its_shopper_by_user_id_a_store_order_may_not() -> None:
    order = place(OrderSource.WHATSAPP, whatsapp_user_id=USER)
    assert order.customer.phone is None and asks_cod_answer(order)
    with pytest.raises(ValidationError, match="placed in a WhatsApp chat"):
        place(OrderSource.INGEST, whatsapp_user_id=USER)
    store_order = place(OrderSource.INGEST, phone="923001234567")
    assert "whatsapp_user_id" not in store_order.model_dump(mode="json")["customer"]
    assert not asks_cod_answer(place(OrderSource.INGEST))


def test_a_broadcast_to_phones_is_written_as_before_and_one_to_username_users_names_them() -> None:
    from sauda_contracts.broadcasts import StartBroadcastBody
    from sauda_contracts.sends import TemplateToSend

    template = TemplateToSend(name="eid_sale", language="en")
    phones = StartBroadcastBody(
        broadcast_id=uuid4(), template=template, recipients=("923001234567",)
    )
    assert "recipient_user_ids" not in phones.model_dump(mode="json")
    users = StartBroadcastBody(broadcast_id=uuid4(), template=template, recipients=(),
                               recipient_user_ids=(USER,))  # fmt: skip
    assert users.chats == (USER,)
    assert StartBroadcastBody.model_validate_json(users.model_dump_json()) == users
    with pytest.raises(ValidationError, match="1 to"):
        StartBroadcastBody(broadcast_id=uuid4(), template=template, recipients=())


def test_a_chat_order_keeps_the_shoppers_username_a_store_order_may_not_have_one() -> None:
    order = place(OrderSource.WHATSAPP, whatsapp_user_id=USER, whatsapp_username="@ayesha")
    assert order.customer.whatsapp_username == "@ayesha"
    with pytest.raises(ValidationError, match="whatsapp_username is for orders placed"):
        place(OrderSource.INGEST, phone="923001234567", whatsapp_username="@ayesha")
    assert "whatsapp_username" not in place(OrderSource.WHATSAPP, phone="923001234567").model_dump(
        mode="json")["customer"]  # fmt: skip
