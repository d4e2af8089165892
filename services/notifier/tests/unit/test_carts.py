"""An abandoned cart's recovery, decided: scheduled after the business's delay or skipped with
the reason; cancelled by its recovery or by a later order of the same phone; sent when due
unless the shopper wrote STOP; its message the cart recovery template with the checkout link."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from sauda_contracts.carts import CartAbandonedBody
from sauda_contracts.language import Language
from sauda_contracts.orders import Customer, LineItem
from sauda_contracts.whatsapp import MessagePurpose
from sauda_notifier.domain.carts import (
    Recovery,
    RecoveryState,
    SkipReason,
    cancelled_by_order,
    cancelled_by_recovery,
    plan_recovery,
    recovery_message,
    when_due,
)
from sauda_notifier.domain.facts import Account

T0 = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
BUSINESS = uuid4()
LINK = "https://shop.example/checkout/c-1"


def cart(**customer: Any) -> CartAbandonedBody:
    who = {"phone": "+92 300 1234567", "name": "Ayesha", "consent": True} | customer
    return CartAbandonedBody(cart_id="c-1", customer=Customer(**who),
                             items=(LineItem(name="Kurta", qty=1, price=Decimal("2500")),),
                             total=Decimal("2500"), currency="PKR", checkout_url=LINK)  # fmt: skip


def plan(body: CartAbandonedBody | None = None, *, delay: int = 60, opted_out: bool = False,
         minute: float = 60.0) -> Recovery:  # fmt: skip
    return plan_recovery(BUSINESS, body or cart(), abandoned_at=T0, correlation_id="bob-cart",
                         delay_minutes=delay, minute_seconds=minute, opted_out=opted_out)  # fmt: skip


def test_a_consenting_shoppers_cart_is_scheduled_the_delay_after_it_was_abandoned() -> None:
    r = plan(delay=90)
    assert (r.state, r.reason, r.due_at, r.chat) == (
        RecoveryState.SCHEDULED, None, T0 + timedelta(minutes=90), "923001234567",
    )  # fmt: skip


def test_a_shortened_minute_scales_the_delay() -> None:
    assert plan(delay=2, minute=1.0).due_at == T0 + timedelta(seconds=2)


def test_each_reason_to_send_nothing_skips_the_cart() -> None:
    no_link = cart().model_copy(update={"checkout_url": None})
    cases = {
        SkipReason.RECOVERY_OFF: plan(delay=0),
        SkipReason.NO_CONSENT: plan(cart(consent=False)),
        SkipReason.NO_PHONE: plan(cart(phone=None, email="a@example.com")),
        SkipReason.NO_CHECKOUT_LINK: plan(no_link),
        SkipReason.OPTED_OUT: plan(opted_out=True),
    }
    for reason, r in cases.items():
        assert (r.state, r.reason, r.due_at) == (RecoveryState.SKIPPED, reason, None), reason


def test_an_order_placed_after_the_abandonment_cancels_the_message() -> None:
    after = cancelled_by_order(plan(), T0 + timedelta(minutes=5))
    assert after is not None
    assert (after.state, after.reason, after.due_at) == (
        RecoveryState.CANCELLED, SkipReason.ORDER_PLACED, None,
    )  # fmt: skip


def test_an_order_placed_before_the_abandonment_changes_nothing() -> None:
    assert cancelled_by_order(plan(), T0 - timedelta(seconds=1)) is None


def test_a_decided_cart_is_not_cancelled_again() -> None:
    sent = when_due(plan(), opted_out=False)
    assert cancelled_by_order(sent, T0 + timedelta(hours=1)) is None
    assert cancelled_by_recovery(sent) is None
    assert cancelled_by_recovery(plan(delay=0)) is None


def test_the_stores_recovery_cancels_the_message() -> None:
    after = cancelled_by_recovery(plan())
    assert after is not None and (after.state, after.reason) == (
        RecoveryState.CANCELLED, SkipReason.RECOVERED,
    )  # fmt: skip


def test_a_due_cart_is_sent_unless_the_shopper_wrote_stop_since() -> None:
    assert when_due(plan(), opted_out=False).state is RecoveryState.SENT
    stopped = when_due(plan(), opted_out=True)
    assert (stopped.state, stopped.reason) == (RecoveryState.SKIPPED, SkipReason.OPTED_OUT)


def account(language: Language = Language.EN) -> Account:
    return Account(business_id=BUSINESS, business_name="Chai  Wala", phone_number_id="pn",
                   waba_id="waba", graph_url="http://g", api_version="v21.0", access_token="t",
                   admin_phone=None, language=language)  # fmt: skip


def test_the_message_is_the_cart_template_with_the_checkout_link_keyed_by_the_cart() -> None:
    msg = recovery_message(plan(), account())
    assert (msg.purpose, msg.dedupe_key, msg.to, msg.meta_ref) == (
        MessagePurpose.CART_RECOVERY, "cart:c-1", "923001234567", ("sauda_cart_recovery", "en"),
    )  # fmt: skip
    assert msg.params == ("Ayesha", "Chai Wala", LINK)


def test_the_message_is_in_the_shoppers_language_else_the_businesss() -> None:
    roman = replace(plan(), language=Language.UR_LATN)
    assert recovery_message(roman, account()).meta_ref == ("sauda_cart_recovery_roman", "ur")
    nameless = replace(plan(cart(name=None)), language=None)
    urdu = recovery_message(nameless, account(Language.UR))
    assert urdu.meta_ref == ("sauda_cart_recovery", "ur") and urdu.params[0] == "صارف"
