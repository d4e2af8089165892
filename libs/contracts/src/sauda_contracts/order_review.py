"""An order held for the merchant's review: nobody answered its COD message before the shop's
expiry, and the shop's policy says hold it rather than cancel it. The notifier asks the ledger
(`HoldOrderForReview` on `orders.commands.v1`); the ledger records `OrderHeldForReview` on
`orders.events.v1`, its status unchanged; the view marks the order (`needs_review`) until its
next move, and the merchant's webhooks say so (`order_held_for_review`)."""

from typing import Literal
from uuid import UUID

from pydantic import Field

from sauda_contracts.envelope import Contract, Envelope
from sauda_contracts.orders import Actor, _OrderFactBody


class HoldForReviewBody(Contract):
    order_id: UUID = Field(description="The order to hold.")
    actor: Actor = Field(description="Who holds it (the system, at the policy's expiry).")
    reason: str = Field(min_length=1, max_length=500, description="Why, shown in the history.")


class HeldForReviewBody(_OrderFactBody):
    actor: Actor = Field(description="Who held it.")
    reason: str = Field(max_length=500, description="Why, shown in the history.")


class HoldOrderForReview(Envelope):
    type: Literal["HoldOrderForReview"] = "HoldOrderForReview"
    body: HoldForReviewBody


class OrderHeldForReview(Envelope):
    type: Literal["OrderHeldForReview"] = "OrderHeldForReview"
    body: HeldForReviewBody
