"""The delivery address an order carries, in Shopify's `shipping_address` words (BusinessOnBot
stores are Shopify stores): a shopper who types a new one in the chat fills `address1`. Its
changes are records of the order stream (`address_changes`)."""

from pydantic import Field

from sauda_contracts.envelope import Contract

_NO_NUL = r"^[^\x00]*$"


class DeliveryAddress(Contract):
    """Where the order goes. Only `address1` is required: a typed address is one line."""

    address1: str = Field(
        min_length=1,
        max_length=500,
        pattern=_NO_NUL,
        description="Street and house, or the whole address as the shopper typed it.",
    )
    address2: str | None = Field(
        default=None, max_length=200, pattern=_NO_NUL, description="Apartment, suite, landmark."
    )
    city: str | None = Field(default=None, max_length=100, pattern=_NO_NUL, description="City.")
    province: str | None = Field(
        default=None, max_length=100, pattern=_NO_NUL, description="Province or state."
    )
    zip: str | None = Field(default=None, max_length=20, pattern=_NO_NUL, description="Postcode.")
    country: str | None = Field(
        default=None, max_length=100, pattern=_NO_NUL, description="Country name."
    )
    country_code: str | None = Field(
        default=None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code."
    )
    name: str | None = Field(
        default=None, max_length=200, pattern=_NO_NUL, description="Recipient, if not the buyer."
    )
    phone: str | None = Field(
        default=None, max_length=32, pattern=_NO_NUL, description="Recipient's phone, as given."
    )


def address_text(address: DeliveryAddress) -> str:
    """The address on one line, as a shopper reads it back: `House 5, Gulberg, Lahore`."""
    parts = (address.address1, address.address2, address.city, address.province, address.zip,
             address.country)  # fmt: skip
    seen: list[str] = []
    for part in parts:
        text = " ".join((part or "").split())
        if text and text not in seen:
            seen.append(text)
    return ", ".join(seen)


class ChatOrderingSettings(Contract):
    """Body of `GET` / `PUT /api/v1/whatsapp/chat-ordering`."""

    ask_delivery_address: bool = Field(
        description="Ask the shopper for a delivery address after Checkout, show it in the "
        "summary and place the chat order with it (default false)."
    )
