"""Abandoned-cart recovery: a business's setting and the one message a cart may get.

The merchant sets `cart_recovery_delay_minutes` through `GET/PUT /api/v1/whatsapp/cart-recovery`
(the body `CartRecoverySettings`); the gateway stores it and sends its snapshot to the notifier
as `SetCartRecovery` on `whatsapp.outbound.v1` (key: the business id), a higher `revision`
replacing a lower one. The notifier consumes `carts.v1`: a `CartAbandoned` of a shopper who
consented schedules one `sauda_cart_recovery` template with the checkout link after the delay; a
`CartRecovered`, an `OrderPlaced` of the same phone after the abandonment, or a STOP cancels it.
The message's key is `cart_message_key(cart id)`, so a redelivered or replayed `CartAbandoned`
never sends twice.
"""

from typing import Literal

from pydantic import Field

from sauda_contracts.envelope import Contract, Envelope

DEFAULT_DELAY_MINUTES = 60
MAX_DELAY_MINUTES = 7 * 24 * 60  # a week


def cart_message_key(cart_id: str) -> str:
    """The notifier's message key of a cart's recovery message (unique per business)."""
    return f"cart:{cart_id}"


class CartRecoverySettings(Contract):
    """The API body of `GET/PUT /api/v1/whatsapp/cart-recovery`."""

    cart_recovery_delay_minutes: int = Field(
        default=DEFAULT_DELAY_MINUTES,
        strict=True,  # `true` is no number of minutes
        ge=0,
        le=MAX_DELAY_MINUTES,
        description="Minutes after a cart is abandoned before its one recovery message; 0 = "
        "no recovery messages.",
    )


class SetCartRecoveryBody(Contract):
    delay_minutes: int = Field(ge=0, le=MAX_DELAY_MINUTES, description="0 = recovery off.")
    revision: int = Field(ge=1, description="The setting's revision; a higher one replaces.")


class SetCartRecovery(Envelope):
    type: Literal["SetCartRecovery"] = "SetCartRecovery"
    body: SetCartRecoveryBody
