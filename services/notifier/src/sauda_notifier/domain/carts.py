"""Abandoned-cart recovery, decided: whether a cart gets its one message, when, and what it says.

A cart is planned once (its CartAbandoned): scheduled after the business's delay, or skipped with
the reason (recovery off, no consent, no WhatsApp number, no checkout link, STOP). A scheduled
cart is cancelled by its CartRecovered or by an order the same phone placed after it was
abandoned; when due it is sent unless the shopper has written STOP since."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from sauda_contracts.cart_recovery import cart_message_key
from sauda_contracts.carts import CartAbandonedBody
from sauda_contracts.language import Language
from sauda_contracts.whatsapp import MessagePurpose
from sauda_notifier.domain.facts import Account, choose_language, normalize_phone
from sauda_notifier.domain.templates import DEFAULT_NAME, TemplateMessage, clean_param

CHECKOUT_MAX_CHARS = 1000


class RecoveryState(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"  # its message is recorded (the sender sends it, or says why it could not)
    CANCELLED = "cancelled"  # an order followed first
    SKIPPED = "skipped"  # never to be sent (see SkipReason)


class SkipReason(StrEnum):
    RECOVERY_OFF = "recovery_off"
    NO_CONSENT = "no_consent"
    NO_PHONE = "no_phone"
    NO_CHECKOUT_LINK = "no_checkout_link"
    OPTED_OUT = "opted_out"
    RECOVERED = "recovered"  # CartRecovered
    ORDER_PLACED = "order_placed"  # an OrderPlaced of the same phone after the abandonment


@dataclass(frozen=True, slots=True)
class Recovery:
    business_id: UUID
    cart_id: str
    chat: str | None
    customer_name: str | None
    language: Language | None
    checkout_url: str | None
    abandoned_at: datetime
    due_at: datetime | None
    state: RecoveryState
    reason: SkipReason | None
    correlation_id: str


def plan_recovery(
    business_id: UUID,
    body: CartAbandonedBody,
    *,
    abandoned_at: datetime,
    correlation_id: str,
    delay_minutes: int,
    minute_seconds: float,
    opted_out: bool,
) -> Recovery:
    """The cart's one recovery, scheduled `delay_minutes` after it was abandoned (a minute lasts
    `minute_seconds`: 60 but in tests), or skipped with the first reason that applies."""
    chat = normalize_phone(body.customer.phone)
    reason: SkipReason | None = None
    if delay_minutes <= 0:
        reason = SkipReason.RECOVERY_OFF
    elif not body.customer.consent:
        reason = SkipReason.NO_CONSENT
    elif chat is None:
        reason = SkipReason.NO_PHONE
    elif not body.checkout_url:
        reason = SkipReason.NO_CHECKOUT_LINK
    elif opted_out:
        reason = SkipReason.OPTED_OUT
    due = abandoned_at + timedelta(seconds=delay_minutes * minute_seconds)
    return Recovery(
        business_id=business_id,
        cart_id=body.cart_id,
        chat=chat,
        customer_name=body.customer.name,
        language=body.customer.language,
        checkout_url=body.checkout_url,
        abandoned_at=abandoned_at,
        due_at=None if reason else due,
        state=RecoveryState.SKIPPED if reason else RecoveryState.SCHEDULED,
        reason=reason,
        correlation_id=correlation_id,
    )


def cancelled_by_order(r: Recovery, placed_at: datetime) -> Recovery | None:
    """An order of the cart's phone placed at or after the abandonment cancels it; None: not."""
    if r.state is not RecoveryState.SCHEDULED or placed_at < r.abandoned_at:
        return None
    return replace(r, state=RecoveryState.CANCELLED, reason=SkipReason.ORDER_PLACED, due_at=None)


def cancelled_by_recovery(r: Recovery) -> Recovery | None:
    """The store says the cart became an order: no message (None: already decided)."""
    if r.state is not RecoveryState.SCHEDULED:
        return None
    return replace(r, state=RecoveryState.CANCELLED, reason=SkipReason.RECOVERED, due_at=None)


def when_due(r: Recovery, *, opted_out: bool) -> Recovery:
    """A due recovery: sent, or skipped if the shopper wrote STOP since it was planned."""
    if opted_out:
        return replace(r, state=RecoveryState.SKIPPED, reason=SkipReason.OPTED_OUT, due_at=None)
    return replace(r, state=RecoveryState.SENT, due_at=None)


def postponed(r: Recovery, now: datetime, seconds: float) -> Recovery:
    """Due while the business has no connected number: looked at again later."""
    return replace(r, due_at=now + timedelta(seconds=seconds))


def recovery_message(r: Recovery, account: Account) -> TemplateMessage:
    """The `sauda_cart_recovery` template: the shopper's name, the store, the checkout link."""
    assert r.chat is not None and r.checkout_url is not None
    lang = choose_language(r.language, account.language)
    return TemplateMessage(
        purpose=MessagePurpose.CART_RECOVERY,
        dedupe_key=cart_message_key(r.cart_id),
        to=r.chat,
        language=lang,
        params=(
            clean_param(r.customer_name or DEFAULT_NAME[lang]),
            clean_param(account.business_name),
            clean_param(r.checkout_url, CHECKOUT_MAX_CHARS),
        ),
    )
