"""The chat-ordering flow, step by step, as the shopper's phone would show it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from sauda_contracts.language import Language
from sauda_contracts.whatsapp import OutboundKind
from sauda_conversation.adapters.ranking import FuzzyRanker
from sauda_conversation.domain import replies as r
from sauda_conversation.domain.flow import (
    MAX_LINES,
    Line,
    Said,
    Session,
    Step,
    Turn,
    add_to_cart,
    expired,
    turn,
)
from sauda_conversation.domain.shop import Faq, Product, Shop

TEA = Product(uuid4(), "Tapal Danedar Tea 950g", Decimal(1250), "PKR", ("chai", "tea"))
MILK = Product(uuid4(), "Olpers Milk 1L", Decimal(330), "PKR", ("doodh", "milk"))
RICE = Product(uuid4(), "Guard Basmati Rice 5kg", Decimal(2400), "PKR", ("chawal", "rice"))
GONE = Product(uuid4(), "Shan Biryani Masala", Decimal(150), "PKR", ("masala",), in_stock=False)
DELIVERY = Faq(uuid4(), "How long does delivery take?", "Delivery takes 2 to 3 days.",
               ("delivery", "days", "kitne din", "ڈلیوری", "डिलीवरी"))  # fmt: skip
SHOP = Shop(products=(TEA, MILK, RICE, GONE), faqs=(DELIVERY,))
RANKER = FuzzyRanker()


def say(session: Session, text: str | None = None, tap: str | None = None) -> Turn:
    return turn(session, Said(text=text, reply_id=tap), SHOP, ranker=RANKER)


def chat(*steps: tuple[str, str]) -> Turn:
    """Play ("text"|"tap", value) steps from a fresh session; the last turn."""
    session, last = Session(), None
    for how, value in steps:
        last = say(session, **{how: value})
        session = last.session
    assert last is not None
    return last


def row_ids(t: Turn) -> list[str]:
    [reply] = t.replies
    assert reply.kind is OutboundKind.LIST and reply.menu is not None
    return [row.id for s in reply.menu.sections for row in s.rows]


def button_ids(t: Turn) -> list[str]:
    return [b.id for b in t.replies[-1].buttons]


def pid(p: Product) -> str:
    return r.product_row_id(p.product_id)


ORDER_TEA_3 = (("text", "I want to order"), ("tap", pid(TEA)), ("tap", "qty:3"))


def test_the_whole_order_from_first_message_to_placed_cart() -> None:
    start = chat(("text", "I want to order"))
    assert start.session.step is Step.PRODUCT
    assert row_ids(start) == [pid(TEA), pid(MILK), pid(RICE)]  # in stock only, catalog order
    picked = chat(("text", "I want to order"), ("tap", pid(MILK)))
    assert picked.session.step is Step.QUANTITY
    assert row_ids(picked) == [f"qty:{n}" for n in range(1, 11)]
    added = chat(("text", "I want to order"), ("tap", pid(MILK)), ("tap", "qty:2"))
    assert added.session.step is Step.MORE
    assert button_ids(added) == [r.ADD_MORE, r.CHECKOUT]
    assert "2 × Olpers Milk 1L: PKR 660" in added.replies[0].text
    summary = chat(*ORDER_TEA_3, ("tap", r.CHECKOUT))
    assert summary.session.step is Step.SUMMARY
    assert button_ids(summary) == [r.CONFIRM, r.CANCEL]
    assert "Total: PKR 3,750" in summary.replies[0].text
    done = chat(*ORDER_TEA_3, ("tap", r.CHECKOUT), ("tap", r.CONFIRM))
    assert done.checkout is not None
    assert [(p.name, qty) for p, qty in done.checkout.lines] == [("Tapal Danedar Tea 950g", 3)]
    assert (done.checkout.total, done.checkout.currency) == (Decimal(3750), "PKR")
    assert done.session.cart == () and done.session.step is Step.IDLE


def test_the_same_product_again_merges_quantities() -> None:
    t = chat(*ORDER_TEA_3, ("tap", r.ADD_MORE), ("tap", pid(MILK)), ("tap", "qty:1"),
             ("tap", r.ADD_MORE), ("tap", pid(TEA)), ("tap", "qty:2"))  # fmt: skip
    assert t.session.cart == (Line(TEA.product_id, 5), Line(MILK.product_id, 1))
    assert "5 × Tapal Danedar Tea 950g: PKR 6,250" in t.replies[0].text


def test_add_to_cart_merges_and_appends() -> None:
    a, b = uuid4(), uuid4()
    assert add_to_cart((Line(a, 2),), a, 3) == (Line(a, 5),)
    assert add_to_cart((Line(a, 2),), b, 1) == (Line(a, 2), Line(b, 1))


def test_cancel_at_the_summary_clears_the_cart_and_places_nothing() -> None:
    t = chat(*ORDER_TEA_3, ("tap", r.CHECKOUT), ("tap", r.CANCEL))
    assert t.checkout is None
    assert t.session == Session()
    assert "no order was placed" in t.replies[0].text


@pytest.mark.parametrize(
    ("typed", "qty"), [("3", 3), ("teen", 3), ("تین", 3), ("तीन", 3), ("۳", 3), ("10", 10)]
)
def test_a_typed_quantity_counts_like_a_tap(typed: str, qty: int) -> None:
    t = chat(("text", "order"), ("tap", pid(TEA)), ("text", typed))
    assert t.session.cart == (Line(TEA.product_id, qty),)


@pytest.mark.parametrize(
    "message", ["mujhe chai chahiye", "chai", "مجھے چائے چاہیے", "मुझे चाय चाहिए"]
)
def test_a_product_named_in_any_script_starts_the_list_with_it_first(message: str) -> None:
    t = chat(("text", message))
    assert t.session.step is Step.PRODUCT
    assert row_ids(t)[0] == pid(TEA)
    typed = say(t.session, "doodh")  # at the list, a typed name is as good as a tap
    assert typed.session.step is Step.QUANTITY and typed.session.pending == MILK.product_id


STEPS = {
    Step.PRODUCT: (("text", "order"),),
    Step.QUANTITY: (("text", "order"), ("tap", pid(TEA))),
    Step.MORE: ORDER_TEA_3,
    Step.SUMMARY: (*ORDER_TEA_3, ("tap", r.CHECKOUT)),
}


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("slip", ["asdfgh", "ok thanks", "qty:99"])
def test_off_script_re_prompts_the_same_step_and_keeps_the_cart(step: Step, slip: str) -> None:
    before = chat(*STEPS[step])
    how = "tap" if slip.startswith("qty:") else "text"  # a stale or forged tap
    after = say(before.session, **{how: slip})
    assert after.session.step is step
    assert after.session.cart == before.session.cart
    assert after.replies[-1].kind is before.replies[-1].kind
    assert after.replies[-1].text.startswith("Sorry, I did not understand that.")
    assert after.checkout is None


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize(
    "question", ["delivery kitne din mein?", "ڈلیوری کتنے دن میں؟", "How long does delivery take?"]
)
def test_a_question_mid_order_is_answered_and_the_step_resumes(step: Step, question: str) -> None:
    before = chat(*STEPS[step])
    after = say(before.session, question)
    assert after.replies[0].text == "Delivery takes 2 to 3 days."
    assert after.session.step is step and after.session.cart == before.session.cart
    assert [b.id for b in after.replies[-1].buttons] == [b.id for b in before.replies[-1].buttons]


@pytest.mark.parametrize(
    ("typed", "step", "cart_kept"),
    [("cart", Step.QUANTITY, True), ("help", Step.QUANTITY, True), ("menu", Step.PRODUCT, True),
     ("cancel", Step.IDLE, False), ("منسوخ", Step.IDLE, False), ("रद्द", Step.IDLE, False)],
)  # fmt: skip
def test_commands_work_at_any_step(typed: str, step: Step, cart_kept: bool) -> None:
    before = chat(*ORDER_TEA_3, ("tap", r.ADD_MORE), ("tap", pid(MILK)))
    after = say(before.session, typed)
    assert after.session.step is step
    assert bool(after.session.cart) is cart_kept
    assert after.checkout is None


def test_cart_shows_the_cart_then_asks_the_current_step_again() -> None:
    before = chat(*ORDER_TEA_3, ("tap", r.ADD_MORE), ("tap", pid(MILK)))
    [reply] = say(before.session, "cart").replies
    assert reply.text.startswith("Your cart:\n• 3 × Tapal Danedar Tea 950g")
    assert reply.menu is not None and reply.menu.button == "Choose quantity"


@pytest.mark.parametrize(
    ("typed", "opt_out"),
    [("STOP", True), ("unsubscribe", True), ("بند کرو", True), ("बंद करो", True),
     ("START", False), ("شروع", False)],
)  # fmt: skip
def test_stop_and_start_change_the_opt_out_and_keep_the_cart(typed: str, opt_out: bool) -> None:
    before = chat(*ORDER_TEA_3)
    after = say(before.session, typed)
    assert after.opt_out is opt_out
    assert after.session.cart == before.session.cart


def test_confirm_without_a_summary_shows_the_summary_instead_of_placing() -> None:
    t = chat(*ORDER_TEA_3, ("tap", r.CONFIRM))
    assert t.checkout is None and t.session.step is Step.SUMMARY
    empty = chat(("tap", r.CONFIRM))
    assert empty.checkout is None and empty.session.cart == ()


def test_a_second_confirm_tap_after_placing_places_nothing() -> None:
    done = chat(*ORDER_TEA_3, ("tap", r.CHECKOUT), ("tap", r.CONFIRM))
    again = say(done.session, tap=r.CONFIRM)
    assert again.checkout is None


def test_an_out_of_stock_product_cannot_be_chosen_and_drops_out_of_the_summary() -> None:
    t = chat(("tap", pid(GONE)))
    assert t.session.step is Step.PRODUCT and "not available" in t.replies[0].text
    before = chat(*ORDER_TEA_3, ("tap", r.ADD_MORE), ("tap", pid(MILK)), ("tap", "qty:1"))
    sold_out = Shop(products=(TEA, Product(MILK.product_id, MILK.name, MILK.price, "PKR",
                                           in_stock=False)))  # fmt: skip
    summary = turn(before.session, Said(reply_id=r.CHECKOUT), sold_out, ranker=RANKER)
    assert summary.session.cart == (Line(TEA.product_id, 3),)
    assert "Milk" not in summary.replies[0].text


def test_a_cart_holds_at_most_max_lines_products() -> None:
    many = tuple(Product(uuid4(), f"Item {n}", Decimal(10), "PKR") for n in range(MAX_LINES + 1))
    shop = Shop(products=many)
    session = Session(step=Step.MORE, cart=tuple(Line(p.product_id, 1) for p in many[:MAX_LINES]))
    t = turn(session, Said(reply_id=r.product_row_id(many[-1].product_id)), shop, ranker=RANKER)
    assert t.session.step is Step.MORE and "already holds" in t.replies[0].text


@pytest.mark.parametrize(
    ("message", "language"),
    [("I want to order", Language.EN), ("mujhe chai chahiye", Language.UR_LATN),
     ("مجھے چائے چاہیے", Language.UR), ("मुझे चाय चाहिए", Language.UR_LATN)],
)  # fmt: skip
def test_the_bot_answers_in_the_shoppers_language(message: str, language: Language) -> None:
    t = chat(("text", message))
    assert t.session.language is language
    assert t.replies[0].text == r.say("pick_product", language)


def test_every_reply_fits_whatsapp_limits_with_long_names() -> None:
    long = tuple(Product(uuid4(), "Extra Long Product Name " * 8, Decimal("12.5"), "PKR",
                         description="d" * 300) for _ in range(12))  # fmt: skip
    t = turn(Session(), Said(text="order"), Shop(products=long), ranker=RANKER)
    assert len(row_ids(t)) == 10  # WhatsApp lists hold 10 rows; the contracts enforce titles


def test_an_idle_chat_that_says_nothing_useful_gets_the_welcome() -> None:
    t = chat(("text", "asdfgh"))
    assert t.session.step is Step.IDLE
    assert button_ids(t) == [r.MENU]


def test_carts_expire_only_after_the_ttl() -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    assert not expired(now - timedelta(hours=24), now)
    assert expired(now - timedelta(days=4), now)


def test_an_unknown_product_id_re_shows_the_list() -> None:
    t = chat(("tap", r.product_row_id(UUID(int=7))))
    assert t.session.step is Step.PRODUCT


@pytest.mark.parametrize("message", ["ok thanks", "I want to order", "menu", "cart"])
def test_a_business_without_a_catalog_keeps_quiet(message: str) -> None:
    t = turn(Session(), Said(text=message), Shop(products=(GONE,), faqs=(DELIVERY,)), ranker=RANKER)
    assert t.replies == () and t.session == Session()


def test_a_business_without_a_catalog_still_answers_faqs_and_stop() -> None:
    shop = Shop(products=(), faqs=(DELIVERY,))
    [answer] = turn(Session(), Said(text="delivery kitne din mein?"), shop, ranker=RANKER).replies
    assert answer.text == "Delivery takes 2 to 3 days."
    assert turn(Session(), Said(text="STOP"), shop, ranker=RANKER).opt_out is True


@pytest.mark.parametrize(
    ("question", "first"),
    [("chai ki price kya hai?", TEA), ("do you have milk?", MILK), ("چاول ہیں؟", RICE)],
)
def test_a_question_about_a_product_gets_the_list_with_it_first(
    question: str, first: Product
) -> None:
    t = chat(("text", question))
    assert t.session.step is Step.PRODUCT and row_ids(t)[0] == pid(first)


@pytest.mark.parametrize("message", ["thanks", "ok", "👍"])
def test_small_talk_in_an_idle_chat_gets_the_welcome_without_an_apology(message: str) -> None:
    [reply] = chat(("text", message)).replies
    assert reply.text.startswith("Hi!")


def test_cancel_with_nothing_in_the_cart_says_how_to_cancel_a_placed_order() -> None:
    t = chat(("text", "cancel"))
    assert t.replies[0].text.startswith("Your cart is empty. To cancel an order you placed")
