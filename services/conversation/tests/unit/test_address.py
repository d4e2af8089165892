"""Changing the delivery address in the chat, as tables: who may start it, the typed address
read back, Yes / No, typed answers, a question mid-change, and the command a Yes becomes."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from sauda_contracts import Actor, OrderStatus
from sauda_contracts.addresses import DeliveryAddress
from sauda_contracts.language import Language
from sauda_contracts.whatsapp import InboundKind, InboundMessageBody, InboundMessageReceived
from sauda_conversation.domain.address import (
    CHANGED_REASON,
    NO_PREFIX,
    YES_PREFIX,
    AddressChange,
    AddressStep,
    address_command,
    address_turn,
    start_address_change,
    still_open,
)
from sauda_conversation.domain.my_orders import ShopperOrder

EN, UR, RO = Language.EN, Language.UR, Language.UR_LATN
BUSINESS = uuid4()
DAY = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
TYPED = "House 5, Street 2, Gulberg III, Lahore"


def order(status: OrderStatus = OrderStatus.PENDING) -> ShopperOrder:
    return ShopperOrder(uuid4(), BUSINESS, "923001234567", "ORD-000007", (("Widget", 1),),
                        "PKR 1,500", status, DAY)  # fmt: skip


def typing(o: ShopperOrder) -> AddressChange:
    return AddressChange(o.order_id, o.order_number)


def read_back(o: ShopperOrder) -> AddressChange:
    return AddressChange(o.order_id, o.order_number, AddressStep.CONFIRMING, TYPED)


@pytest.mark.parametrize(
    ("language", "start"),
    [(EN, "Please type the new delivery address for order ORD-000007"),
     (RO, "Order ORD-000007 ke liye naya pata"), (UR, "آرڈر ORD-000007 کے لیے نیا پتہ")],
)  # fmt: skip
def test_a_tap_on_an_open_order_asks_for_the_address(language: Language, start: str) -> None:
    o = order(OrderStatus.SHIPPED)
    started = start_address_change(o.order_id, [order(), o], language)
    assert started.change == typing(o)
    [ask] = started.replies
    assert ask.text.startswith(start) and not ask.buttons


def test_another_chats_order_is_not_found_and_nothing_opens() -> None:
    started = start_address_change(uuid4(), [order()], EN)
    assert started.change is None
    assert started.replies[0].text.startswith("Sorry, we could not find that order")


@pytest.mark.parametrize("status", [OrderStatus.DELIVERED, OrderStatus.CANCELLED,
                                    OrderStatus.RETURNED])  # fmt: skip
def test_a_closed_order_says_so(status: OrderStatus) -> None:
    o = order(status)
    started = start_address_change(o.order_id, [o], EN)
    assert started.change is None
    assert "can no longer be changed" in started.replies[0].text


def test_the_typed_address_is_read_back_with_yes_and_no() -> None:
    o = order()
    moved = address_turn(typing(o), text=f"  {TYPED}\n", reply_id=None, language=RO)
    assert moved is not None and moved.change == read_back(o) and moved.confirmed is None
    [reply] = moved.replies
    assert reply.text == f"Order ORD-000007 is pate par bhejein:\n{TYPED}\nKya yeh sahi hai?"
    assert [(b.id, b.title) for b in reply.buttons] == [
        (f"{YES_PREFIX}{o.order_id}", "Haan"), (f"{NO_PREFIX}{o.order_id}", "Nahi, dobara")]  # fmt: skip


@pytest.mark.parametrize("text", ["abc", "12345678", "ok"])
def test_too_short_or_no_letters_asks_again(text: str) -> None:
    o = order()
    moved = address_turn(typing(o), text=text, reply_id=None, language=EN)
    assert moved is not None and moved.change == typing(o)
    assert moved.replies[0].text.startswith("That looks too short")


@pytest.mark.parametrize(("reply_id", "text"), [("yes", None), (None, "haan"), (None, "yes")])
def test_yes_confirms_the_read_back_address(reply_id: str | None, text: str | None) -> None:
    o = order()
    tapped = f"{YES_PREFIX}{o.order_id}" if reply_id else None
    moved = address_turn(read_back(o), text=text, reply_id=tapped, language=EN)
    assert moved is not None and moved.change is None
    assert moved.confirmed == DeliveryAddress(address1=TYPED)
    assert moved.replies[0].text == f"Thank you! Order ORD-000007 will be delivered to:\n{TYPED}"


@pytest.mark.parametrize(("tap", "text"), [(True, None), (False, "nahi")])
def test_no_asks_for_the_address_again(tap: bool, text: str | None) -> None:
    o = order()
    moved = address_turn(read_back(o), text=text, language=EN,
                         reply_id=f"{NO_PREFIX}{o.order_id}" if tap else None)  # fmt: skip
    assert moved is not None and moved.change == typing(o) and moved.confirmed is None
    assert moved.replies[0].text.startswith("Okay, please type the delivery address")


def test_another_address_typed_at_the_read_back_is_read_back_instead() -> None:
    o = order()
    moved = address_turn(read_back(o), text="Flat 3, Block B, DHA Karachi", reply_id=None,
                         language=EN)  # fmt: skip
    assert moved is not None and moved.change is not None
    assert moved.change.typed == "Flat 3, Block B, DHA Karachi" and moved.confirmed is None


def test_a_yes_for_another_order_or_before_a_read_back_is_not_this_flows() -> None:
    o = order()
    assert address_turn(read_back(o), text=None, reply_id=f"{YES_PREFIX}{uuid4()}",
                        language=EN) is None  # fmt: skip
    assert address_turn(typing(o), text=None, reply_id=f"{YES_PREFIX}{o.order_id}",
                        language=EN) is None  # fmt: skip


def test_cancel_gives_up_and_menu_is_the_bots() -> None:
    o = order()
    kept = address_turn(typing(o), text="cancel", reply_id=None, language=EN)
    assert kept is not None and kept.change is None and kept.confirmed is None
    assert kept.replies[0].text.startswith("Okay, the delivery address of order ORD-000007 stays")
    assert address_turn(typing(o), text="menu", reply_id=None, language=EN) is None


def test_a_question_the_faqs_answer_is_answered_and_the_step_asked_again() -> None:
    o = order()
    moved = address_turn(read_back(o), text="do you deliver on sunday?", reply_id=None,
                         language=EN, faq="Yes, every day.")  # fmt: skip
    assert moved is not None and moved.change == read_back(o)
    answer, again = moved.replies
    assert answer.text == "Yes, every day." and again.text.startswith("Deliver order ORD-000007")
    assert len(again.buttons) == 2


def test_a_change_left_for_a_day_is_over() -> None:
    change = replace(typing(order()), updated_at=DAY)
    assert still_open(change, DAY + timedelta(hours=23))
    assert not still_open(change, DAY + timedelta(hours=25))


def test_a_redelivered_yes_is_the_same_command() -> None:
    o = order()
    message = InboundMessageReceived(
        event_id=uuid4(), occurred_at=DAY, business_id=BUSINESS, correlation_id="c",
        body=InboundMessageBody(phone_number_id="1", customer_phone="923001234567",
                                wamid="wamid.Y", sent_at=DAY, kind=InboundKind.BUTTON_REPLY,
                                meta_type="interactive", reply_id=f"{YES_PREFIX}{o.order_id}"),
    )  # fmt: skip
    address = DeliveryAddress(address1=TYPED)
    first = address_command(message, o.order_id, address, now=DAY)
    again = address_command(message.model_copy(update={"event_id": uuid4()}), o.order_id,
                            address, now=DAY)  # fmt: skip
    assert first.event_id == again.event_id
    assert (first.body.actor, first.body.reason, first.body.delivery_address) == (
        Actor.CUSTOMER, CHANGED_REASON, address)  # fmt: skip
