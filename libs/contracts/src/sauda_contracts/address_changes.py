"""A changed delivery address, as records of the order stream (key = order id).

`ChangeDeliveryAddress` (orders.commands.v1) asks the ledger to change an order's address; the
ledger refuses it (`order_closed`) for an order that is delivered, cancelled or returned, drops
it when the address is the one the order already has, and otherwise records
`OrderAddressChanged` (orders.events.v1), which the view, the history and the merchant's
`order_address_changed` webhook show.
"""

from typing import Literal
from uuid import UUID

from pydantic import Field

from sauda_contracts.addresses import DeliveryAddress
from sauda_contracts.envelope import Contract, Envelope
from sauda_contracts.orders import Actor, _OrderFactBody


class ChangeDeliveryAddressBody(Contract):
    order_id: UUID = Field(description="Order whose delivery address changes.")
    delivery_address: DeliveryAddress = Field(description="The new delivery address.")
    actor: Actor = Field(description="Who asks for the change (`customer` from the chat).")
    reason: str | None = Field(default=None, max_length=500, description="Why, shown in history.")


class OrderAddressChangedBody(_OrderFactBody):
    delivery_address: DeliveryAddress = Field(description="The delivery address now.")
    previous_delivery_address: DeliveryAddress | None = Field(
        default=None, description="The address before, if the order had one."
    )
    actor: Actor = Field(description="Who changed it.")
    reason: str | None = Field(default=None, max_length=500, description="Why, if given.")


class ChangeDeliveryAddress(Envelope):
    type: Literal["ChangeDeliveryAddress"] = "ChangeDeliveryAddress"
    body: ChangeDeliveryAddressBody


class OrderAddressChanged(Envelope):
    type: Literal["OrderAddressChanged"] = "OrderAddressChanged"
    body: OrderAddressChangedBody
