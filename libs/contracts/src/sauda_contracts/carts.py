"""Abandoned carts (topic carts.v1, key = business id + cart id): recorded, then maybe recovered."""

from typing import Literal
from uuid import UUID

from pydantic import Field

from sauda_contracts.envelope import Contract, Envelope
from sauda_contracts.orders import Customer, LineItem, Money


class CartAbandonedBody(Contract):
    cart_id: str = Field(max_length=200, description="The store's checkout / cart id.")
    customer: Customer
    items: tuple[LineItem, ...] = Field(max_length=200, description="What was in the cart.")
    total: Money = Field(description="Cart total.")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")
    checkout_url: str | None = Field(default=None, max_length=2000, description="Where to finish.")


class CartAbandoned(Envelope):
    type: Literal["CartAbandoned"] = "CartAbandoned"
    body: CartAbandonedBody


class CartRecoveredBody(Contract):
    cart_id: str = Field(max_length=200, description="The cart that turned into an order.")
    order_id: UUID = Field(description="The order the customer then placed.")


class CartRecovered(Envelope):
    type: Literal["CartRecovered"] = "CartRecovered"
    body: CartRecoveredBody
