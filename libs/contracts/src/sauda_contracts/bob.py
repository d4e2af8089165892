"""BusinessOnBot-compatible bodies: Shopify-shaped orders, fulfillments, delivery events, checkouts.

Shopify sends far more than Sauda reads, so unknown fields are ignored here (and only here).
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from sauda_contracts.orders import Money


def _text(value: object) -> object:
    # Shopify ids are numbers in JSON; Sauda keeps every store id as text.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# What the schema says is what is accepted: a Shopify id as text or as a JSON integer.
StoreId = Annotated[
    str,
    BeforeValidator(_text),
    Field(min_length=1, max_length=200),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "minLength": 1, "maxLength": 200}, {"type": "integer"}]}
    ),
]


class Lenient(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, data: Any) -> Any:
        # Shopify writes "" for a value it does not have.
        if isinstance(data, dict):
            return {key: None if value == "" else value for key, value in data.items()}
        return data


class ShopifyCustomer(Lenient):
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=32)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)


class ShopifyAddress(Lenient):
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    address1: str | None = Field(default=None, max_length=500, pattern=r"^[^\x00]*$")
    address2: str | None = Field(default=None, max_length=200, pattern=r"^[^\x00]*$")
    city: str | None = Field(default=None, max_length=100, pattern=r"^[^\x00]*$")
    province: str | None = Field(default=None, max_length=100, pattern=r"^[^\x00]*$")
    zip: str | None = Field(default=None, max_length=20, pattern=r"^[^\x00]*$")
    country: str | None = Field(default=None, max_length=100, pattern=r"^[^\x00]*$")
    country_code: str | None = Field(default=None, max_length=10)


class ShopifyLineItem(Lenient):
    title: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=200)
    quantity: int = Field(default=1, ge=1, le=10_000)
    price: Money = Field(default=0)
    sku: str | None = Field(default=None, max_length=100)


class ShopifyOrder(Lenient):
    """What `/bob/orders-create` and `/bob/orders-cancelled` receive."""

    id: StoreId = Field(description="Shopify order id.")
    name: str | None = Field(default=None, max_length=100, description="Display name, e.g. #1001.")
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=32)
    customer: ShopifyCustomer | None = None
    shipping_address: ShopifyAddress | None = None
    billing_address: ShopifyAddress | None = None
    line_items: tuple[ShopifyLineItem, ...] = Field(default=(), max_length=200)
    total_price: Money | None = None
    currency: str = Field(default="PKR", pattern=r"^[A-Za-z]{3}$")
    financial_status: str | None = Field(default=None, max_length=50)
    gateway: str | None = Field(default=None, max_length=100, description="Payment gateway.")
    cancel_reason: str | None = Field(default=None, max_length=500)


class ShopifyFulfillment(Lenient):
    """What `/bob/fulfillments-create` receives."""

    id: StoreId = Field(description="Fulfillment id.")
    order_id: StoreId = Field(description="Shopify order id.")
    tracking_number: str | None = Field(default=None, max_length=200)
    tracking_url: str | None = Field(default=None, max_length=2000)
    shipment_status: str | None = Field(default=None, max_length=50)


class BobDeliveryEvent(Lenient):
    """What `/bob/fulfillments-events-create` receives (the seed's fields)."""

    delivery_id: StoreId | None = None
    id: StoreId = Field(description="Order id.")
    id_alias: str | None = Field(default=None, max_length=200)
    fulfillment_id: StoreId | None = None
    # The seed's four, and the courier's failed attempt (Shopify's fulfillment event statuses
    # `attempted_delivery` / `failure`, in the seed's spelling): a failed delivery attempt (NDR).
    status: Literal[
        "Delivered", "In-transit", "Returned", "Dispatched",
        "Attempted-delivery", "Failed-attempt", "Failure",
    ]  # fmt: skip
    delivered_at: datetime | None = None
    message: str | None = Field(default=None, max_length=400, pattern=r"^[^\x00]*$",
                                description="The courier's remark (a failed attempt's note).")  # fmt: skip


class ShopifyCheckout(Lenient):
    """What `/bob/abandoned-cart` receives."""

    id: StoreId = Field(description="Checkout id.")
    abandoned_checkout_url: str | None = Field(default=None, max_length=2000)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=32)
    customer: ShopifyCustomer | None = None
    shipping_address: ShopifyAddress | None = None
    line_items: tuple[ShopifyLineItem, ...] = Field(default=(), max_length=200)
    total_price: Money | None = None
    currency: str = Field(default="PKR", pattern=r"^[A-Za-z]{3}$")


class BobResponse(BaseModel):
    """BusinessOnBot's answer shape; failures add Sauda's `code` and `field` too."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Literal["success", "failure"]
    statusCode: int
    error: str | None = None
    code: str | None = None
    field: str | None = None
