"""Questions about placed orders, as tables: the intents in three scripts, typed numbers, the
answers from the chat's own orders, the cancel steps and the fold from order events."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from sauda_contracts import Actor, Fulfillment, OrderStatus
from sauda_contracts.language import Language
from sauda_contracts.testing import order_placed, status_changed
from sauda_contracts.whatsapp import InboundKind, InboundMessageBody, InboundMessageReceived
from sauda_conversation.domain.flow import Said, Session, Step
from sauda_conversation.domain.my_orders import (
    CANCEL_REASON,
    CHOOSE_PREFIX,
    KEEP_PREFIX,
    YES_PREFIX,
    ShopperOrder,
    answer_question,
    answer_tap,
    cancel_command,
    describe,
    order_moves,
    placed_orders,
)
from sauda_conversation.domain.order_intents import (
    OrderAsk,
    OrderQuestion,
    order_number_in,
    order_question,
    same_number,
)
from sauda_conversation.order_questions import order_ask

S = OrderAsk.STATUS
C = OrderAsk.CANCEL
EN, UR, RO = Language.EN, Language.UR, Language.UR_LATN
BUSINESS = uuid4()
DAY = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        ("where is my order?", S), ("Where's my order", S), ("where is my oder", S),
        ("WHERE IS MY ORDER??", S), ("order status", S), ("status", S), ("my orders", S),
        ("track my order", S), ("what happened to my order?", S), ("when will my order come", S),
        ("mera order kahan hai", S), ("Mera order kahan hai?", S), ("mera odr kahan hai", S),
        ("order kab aayega", S), ("mera order kab aayega", S), ("order ka status batao", S),
        ("bhai mera parcel kahan hai", S), ("order kidhar hai", S),
        ("میرا آرڈر کہاں ہے", S), ("میرا آرڈر کہاں ہے؟", S), ("آرڈر کا اسٹیٹس", S),
        ("मेरा ऑर्डर कहाँ है", S), ("मेरा ऑर्डर कहां है?", S), ("ऑर्डर स्टेटस", S),
        ("why was my order cancelled?", S),
        ("cancel my order", C), ("please cancel my order", C), ("cancle my order", C),
        ("mera order cancel kar do", C), ("order cancel karo", C), ("cancel", C),
        ("آرڈر منسوخ کریں", C), ("میرا آرڈر کینسل کریں", C),
        ("ऑर्डर रद्द करें", C), ("मेरा ऑर्डर कैंसल करो", C),
    ],
)  # fmt: skip
def test_questions_about_placed_orders_in_every_script(text: str, ask: OrderAsk) -> None:
    question = order_question(text)
    assert question is not None and question.ask is ask and question.number is None


@pytest.mark.parametrize(
    "text",
    [
        "I want to order", "order karna hai", "mujhe chai chahiye", "order", "hi",
        "kya order kar sakte hain?", "when can I order", "delivery kitne din mein?",
        "3", "Rs 500", "chai 500 gram", "Tapal 950g", "آرڈر کرنا ہے", "ऑर्डर करना है",
        "do you deliver to Lahore?", "thanks",
    ],
)  # fmt: skip
def test_new_orders_and_other_talk_are_not_questions_about_placed_ones(text: str) -> None:
    assert order_question(text) is None


@pytest.mark.parametrize(
    ("text", "number", "ask"),
    [
        ("ORD-000123", "ORD-000123", S), ("ord-000123", "ord-000123", S),
        ("WA-000045 ka status?", "WA-000045", S), ("where is WA000045", "WA-000045", S),
        ("ORD 000123", "ORD-000123", S), ("#1001 kahan hai", "#1001", S),
        ("میرا آرڈر ORD-000123 کہاں ہے", "ORD-000123", S),
        ("cancel ORD-000123", "ORD-000123", C), ("WA-000045 cancel kar do", "WA-000045", C),
    ],
)  # fmt: skip
def test_a_typed_order_number_names_its_order(text: str, number: str, ask: OrderAsk) -> None:
    assert order_question(text) == OrderQuestion(ask, number)


def test_numbers_match_whatever_the_case_dashes_or_zeros() -> None:
    assert same_number("wa-45", "WA-000045") and same_number("ORD000123", "ORD-000123")
    assert not same_number("ORD-000124", "ORD-000123") and not same_number("WA-123", "ORD-123")
    assert order_number_in("pkr 3000") is None and order_number_in("x 100") is None


# --- answers ---


def order(number: str, status: OrderStatus = OrderStatus.PENDING, *, days: int = 0,
          chat: str = "923001234567", tracking: str | None = None) -> ShopperOrder:  # fmt: skip
    return ShopperOrder(uuid4(), BUSINESS, chat, number, (("Widget Pro", 3),), "PKR 3,000",
                        status, DAY + timedelta(days=days), tracking)  # fmt: skip


def test_where_is_my_order_lists_the_last_three_newest_first_with_everything() -> None:
    orders = [order("ORD-4", OrderStatus.SHIPPED, days=3, tracking="https://t.example/4"),
              order("ORD-3", days=2), order("ORD-2", OrderStatus.CONFIRMED, days=1),
              order("ORD-1", days=0)]  # fmt: skip
    [reply] = answer_question(OrderQuestion(S), orders, EN).replies
    assert reply.text.index("ORD-4") < reply.text.index("ORD-3") < reply.text.index("ORD-2")
    assert "ORD-1" not in reply.text
    assert "ORD-4 · 4 Dec 2026\nStatus: shipped\n• 3 × Widget Pro\nTotal: PKR 3,000\n" \
           "Track: https://t.example/4" in reply.text  # fmt: skip
    assert "Status: waiting for your confirmation" in reply.text


def test_the_answer_is_in_the_shoppers_script() -> None:
    [o] = [order("ORD-1", OrderStatus.CONFIRMED)]
    assert describe([o], UR) == "ORD-1 · 1 دسمبر 2026\nصورتحال: تصدیق شدہ\n• 3 × Widget Pro\n" \
                                "کل رقم: PKR 3,000"  # fmt: skip
    assert "Status: confirm ho gaya" in describe([o], RO)


def test_no_orders_says_so_and_offers_the_menu() -> None:
    answer = answer_question(OrderQuestion(S), [], RO)
    assert answer.replies[0].text.startswith("Is WhatsApp number se humein koi order nahi mila")
    assert answer.offer_menu and answer.cancel is None


def test_a_number_not_among_the_chats_own_orders_is_not_found() -> None:
    mine = [order("ORD-000001")]
    for ask in (S, C):
        answer = answer_question(OrderQuestion(ask, "ORD-000002"), mine, EN)
        [reply] = answer.replies
        assert reply.text.startswith("Sorry, we could not find order ORD-000002")
        assert answer.cancel is None and "Widget" not in reply.text


def test_a_named_order_shows_only_it() -> None:
    mine = [order("WA-000002", days=1), order("WA-000001")]
    [reply] = answer_question(OrderQuestion(S, "wa-1"), mine, EN).replies
    assert "WA-000001" in reply.text and "WA-000002" not in reply.text


def test_cancel_with_one_open_order_asks_to_confirm() -> None:
    o = order("ORD-1", OrderStatus.CONFIRMED)
    [reply] = answer_question(OrderQuestion(C), [o], EN).replies
    assert reply.text.startswith("Do you want to cancel order ORD-1?")
    assert [(b.id, b.title) for b in reply.buttons] == [
        (f"{YES_PREFIX}{o.order_id}", "Yes, cancel it"), (f"{KEEP_PREFIX}{o.order_id}", "No, keep it")
    ]  # fmt: skip


def test_cancel_with_several_open_orders_asks_which_with_buttons() -> None:
    orders = [order("ORD-3", OrderStatus.SHIPPED, days=2), order("ORD-2", days=1),
              order("ORD-1", OrderStatus.CONFIRMED)]  # fmt: skip
    [reply] = answer_question(OrderQuestion(C), orders, UR).replies
    assert reply.text.startswith("آپ کون سا آرڈر منسوخ کرنا چاہتے ہیں؟")
    assert [b.title for b in reply.buttons] == ["ORD-2", "ORD-1"]
    assert reply.buttons[0].id == f"{CHOOSE_PREFIX}{orders[1].order_id}"


@pytest.mark.parametrize(
    ("status", "start"),
    [
        (OrderStatus.SHIPPED, "Your order ORD-1 has already shipped"),
        (OrderStatus.DELIVERED, "Your order ORD-1 has already been delivered"),
        (OrderStatus.CANCELLED, "Your order ORD-1 is already cancelled"),
        (OrderStatus.RETURNED, "Your order ORD-1 was returned"),
    ],
)
def test_an_order_past_cancelling_gets_a_polite_no(status: OrderStatus, start: str) -> None:
    o = order("ORD-1", status)
    answer = answer_question(OrderQuestion(C, "ORD-1"), [o], EN)
    assert answer.replies[0].text.startswith(start) and answer.cancel is None
    assert answer_tap(f"{YES_PREFIX}{o.order_id}", [o], EN).cancel is None


def test_only_shipped_orders_left_gets_it_has_shipped() -> None:
    o = order("ORD-1", OrderStatus.SHIPPED)
    [reply] = answer_question(OrderQuestion(C), [o, order("ORD-0", OrderStatus.CANCELLED)],
                              EN).replies  # fmt: skip
    assert reply.text.startswith("Your order ORD-1 has already shipped") and not reply.buttons


def test_the_cancel_taps_which_then_yes_or_keep() -> None:
    o = order("ORD-1")
    [confirm] = answer_tap(f"{CHOOSE_PREFIX}{o.order_id}", [o], EN).replies
    assert confirm.text.startswith("Do you want to cancel order ORD-1?")
    assert answer_tap(f"{YES_PREFIX}{o.order_id}", [o], EN).cancel == o
    kept = answer_tap(f"{KEEP_PREFIX}{o.order_id}", [o], EN)
    assert kept.cancel is None and kept.replies[0].text == "Okay, order ORD-1 stays as it is."


def test_a_tap_naming_an_order_that_is_not_this_chats_cancels_nothing() -> None:
    someone_elses = uuid4()
    answer = answer_tap(f"{YES_PREFIX}{someone_elses}", [order("ORD-1")], EN)
    assert answer.cancel is None
    assert answer.replies[0].text.startswith("Sorry, we could not find that order")


def test_the_cancel_command_is_the_customers_with_the_chat_reason_once_per_tap() -> None:
    o = order("ORD-1")
    message = InboundMessageReceived(
        event_id=uuid4(), occurred_at=DAY, business_id=BUSINESS, correlation_id="c",
        body=InboundMessageBody(phone_number_id="1", customer_phone="923001234567",
                                wamid="wamid.A", sent_at=DAY, kind=InboundKind.BUTTON_REPLY,
                                meta_type="interactive", reply_id=f"{YES_PREFIX}{o.order_id}"),
    )  # fmt: skip
    first, again = cancel_command(message, o, now=DAY), cancel_command(message, o, now=DAY)
    assert first.event_id == again.event_id
    assert (first.body.status, first.body.actor, first.body.reason) == (
        OrderStatus.CANCELLED, Actor.CUSTOMER, CANCEL_REASON)  # fmt: skip
    assert CANCEL_REASON == "cancelled by the customer on WhatsApp"


def test_mid_cart_a_bare_cancel_is_the_carts_but_a_question_is_answered() -> None:
    ordering = Session(step=Step.QUANTITY, pending=uuid4())
    assert order_ask(ordering, Said(text="cancel")) is None
    assert order_ask(Session(), Said(text="cancel")) == OrderQuestion(C)
    assert order_ask(ordering, Said(text="mera order kahan hai")) == OrderQuestion(S)
    assert order_ask(ordering, Said(text="cancel ORD-000001")) == OrderQuestion(C, "ORD-000001")
    assert order_ask(ordering, Said(reply_id="qty:3")) is None
    assert order_ask(ordering, Said(reply_id=f"{KEEP_PREFIX}x")) == f"{KEEP_PREFIX}x"


# --- the fold ---


def test_orders_of_a_phone_or_a_user_id_are_kept_with_items_and_tracking() -> None:
    placed = order_placed(BUSINESS, number="ORD-000007")
    by_user = order_placed(BUSINESS, phone=None, whatsapp_user_id="US.123")
    nobody = order_placed(BUSINESS, phone=None)
    kept = placed_orders([placed, by_user, nobody])
    assert [(o.order_number, o.chat_with) for o in kept] == [
        ("ORD-000007", "923001234567"), (by_user.body.order_number, "US.123")
    ]  # fmt: skip
    assert kept[0].items == (("Widget Pro", 3),) and kept[0].total == "PKR 3,000"
    shipped = status_changed(placed, OrderStatus.SHIPPED, version=3,
                             fulfillment=Fulfillment(tracking_url="https://t.example/7"))  # fmt: skip
    [move] = order_moves([placed, shipped])
    assert (move.status, move.version, move.tracking_url) == (
        OrderStatus.SHIPPED, 3, "https://t.example/7")  # fmt: skip
