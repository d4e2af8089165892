"""Handing a chat to a person: the request in every script, the count of misunderstood texts,
the moment to hand over, and the quiet window."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from sauda_contracts.handover import HandoverReason
from sauda_conversation.adapters.ranking import FuzzyRanker
from sauda_conversation.domain.flow import Said, Session, Step, turn
from sauda_conversation.domain.handover import (
    ChatHold,
    after_text,
    handed_over,
    is_acknowledgement,
    is_held,
    keeps_talking_when_held,
    released,
    wants_a_person,
)
from sauda_conversation.domain.shop import Product, Shop

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(hours=24)
SHOP = Shop((Product(uuid4(), "Olpers Milk 1L", Decimal(330), "PKR", ("doodh", "milk")),))


@pytest.mark.parametrize("text", [
    "talk to a person", "I want to talk to a human", "Can I speak with someone?", "human",
    "Agent please", "real person", "customer care", "insaan se baat", "insaan se baat karni hai",
    "kisi banday se baat karni hai", "kisi bande se baat karao", "admin se baat karni hai",
    "انسان سے بات کرنی ہے", "کسی بندے سے بات کروائیں", "ایجنٹ", "किसी इंसान से बात करनी है",
    "इंसान से बात", "एजेंट",
])  # fmt: skip
def test_a_request_for_a_person_is_recognised_in_every_script(text: str) -> None:
    assert wants_a_person(text)


@pytest.mark.parametrize("text", [
    "where is my order?", "I want 2 milk", "hi", "do you deliver to Lahore?", "cancel",
    "can someone tell me the price", "personal care products", "mera order kahan hai",
])  # fmt: skip
def test_other_messages_are_no_request_for_a_person(text: str) -> None:
    assert not wants_a_person(text)


def test_one_miss_is_counted_and_the_second_in_a_row_hands_over() -> None:
    first = after_text(ChatHold(), wamid="w1", understood=False)
    assert (first.hold.misses, first.reason) == (1, None)
    second = after_text(first.hold, wamid="w2", understood=False)
    assert second.reason is HandoverReason.NOT_UNDERSTOOD


def test_an_understood_text_between_two_misses_starts_the_count_over() -> None:
    missed = after_text(ChatHold(), wamid="w1", understood=False).hold
    understood = after_text(missed, wamid="w2", understood=True).hold
    assert understood.misses == 0
    assert after_text(understood, wamid="w3", understood=False).reason is None


def test_the_same_message_counted_twice_counts_once() -> None:
    missed = after_text(ChatHold(), wamid="w1", understood=False).hold
    again = after_text(missed, wamid="w1", understood=False)
    assert (again.hold.misses, again.reason) == (1, None)


def test_a_handed_chat_is_quiet_until_the_window_ends() -> None:
    held = handed_over(ChatHold(misses=1), at=NOW, quiet=DAY)
    assert held.misses == 0
    assert is_held(held, NOW + timedelta(hours=23, minutes=59))
    assert not is_held(held, NOW + DAY)
    assert not is_held(ChatHold(), NOW)


def test_the_merchants_release_ends_the_quiet_but_not_a_later_handover() -> None:
    held = handed_over(ChatHold(), at=NOW, quiet=DAY)
    assert not is_held(released(held, at=NOW + timedelta(hours=1)), NOW + timedelta(hours=2))
    assert released(held, at=NOW - timedelta(minutes=5)) == held  # the release of an older one


def test_stop_and_start_are_answered_while_a_person_holds_the_chat() -> None:
    assert keeps_talking_when_held("stop") and keeps_talking_when_held("START")
    assert not keeps_talking_when_held("hello?")


def test_the_flow_marks_text_it_could_only_answer_with_a_fallback() -> None:
    ranker = FuzzyRanker()
    missed = turn(Session(), Said(text="xqzv blorp"), SHOP, ranker=ranker)
    assert not missed.understood
    mid_cart = turn(Session(step=Step.PRODUCT), Said(text="zzkq"), SHOP, ranker=ranker)
    assert not mid_cart.understood
    assert turn(Session(), Said(text="menu"), SHOP, ranker=ranker).understood
    assert turn(Session(), Said(text="thanks"), SHOP, ranker=ranker).understood
    assert is_acknowledgement("Shukriya ji") and is_acknowledgement("ٹھیک ہے")
