"""A shop that wants a delivery address: Checkout asks for it, a typed one goes into the
summary and the placed cart, a too-short one is asked again, a question is answered meanwhile;
a shop that does not want one goes straight to the summary."""

from dataclasses import replace

from sauda_conversation.domain import replies as r
from sauda_conversation.domain.flow import Said, Session, Step, Turn, turn

from .test_flow import ORDER_TEA_3, RANKER, SHOP

ASKING = replace(SHOP, asks_address=True)
HOME = "House 5, Street 2, Gulberg, Lahore"


def play(*steps: tuple[str, str], shop: object = ASKING) -> Turn:
    session, last = Session(), None
    for how, value in steps:
        said = Said(text=value) if how == "text" else Said(reply_id=value)
        last = turn(session, said, shop, ranker=RANKER)  # type: ignore[arg-type]
        session = last.session
    assert last is not None
    return last


def test_checkout_asks_for_the_address_and_the_summary_shows_it() -> None:
    asked = play(*ORDER_TEA_3, ("tap", r.CHECKOUT))
    assert asked.session.step is Step.ADDRESS
    assert asked.replies[0].text.startswith("Where should we deliver?")
    summary = play(*ORDER_TEA_3, ("tap", r.CHECKOUT), ("text", HOME))
    assert summary.session.step is Step.SUMMARY and summary.session.address == HOME
    assert summary.replies[0].text.endswith(f"Deliver to: {HOME}")
    done = play(*ORDER_TEA_3, ("tap", r.CHECKOUT), ("text", HOME), ("tap", r.CONFIRM))
    assert done.checkout is not None and done.checkout.address == HOME
    assert done.session == Session(language=done.session.language)  # the address goes with it


def test_a_too_short_address_is_asked_again_and_a_question_is_answered() -> None:
    short = play(*ORDER_TEA_3, ("tap", r.CHECKOUT), ("text", "Lahore"))
    assert short.session.step is Step.ADDRESS
    assert short.replies[0].text.startswith("That looks too short for an address.")
    asked = play(*ORDER_TEA_3, ("tap", r.CHECKOUT), ("text", "How long does delivery take?"))
    assert asked.replies[0].text == "Delivery takes 2 to 3 days."
    assert asked.session.step is Step.ADDRESS and asked.replies[-1].text.startswith("Where")


def test_a_shop_that_wants_no_address_goes_straight_to_the_summary() -> None:
    summary = play(*ORDER_TEA_3, ("tap", r.CHECKOUT), shop=SHOP)
    assert summary.session.step is Step.SUMMARY and "Deliver to" not in summary.replies[0].text
    done = play(*ORDER_TEA_3, ("tap", r.CHECKOUT), ("tap", r.CONFIRM), shop=SHOP)
    assert done.checkout is not None and done.checkout.address is None
