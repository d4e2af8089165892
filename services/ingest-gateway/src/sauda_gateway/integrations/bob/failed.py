"""BusinessOnBot's courier status that says an attempt failed, as Sauda's failed delivery attempt."""

from sauda_contracts import Actor
from sauda_contracts.bob import BobDeliveryEvent
from sauda_contracts.deliveries import DeliveryAttemptRequest, DeliveryOutcome, FailureReason
from sauda_gateway.deliveries.handlers import record_attempt
from sauda_gateway.domain import Business
from sauda_gateway.integrations.bob.translate import PLATFORM
from sauda_gateway.orders.domain import OrderNotFound, store_order_id
from sauda_gateway.orders.handlers import CommandResult
from sauda_gateway.orders.ledger import Ledger
from sauda_gateway.view.queries import OrderView


def attempt_key(event: BobDeliveryEvent) -> str | None:
    """What names this courier event: its delivery id, else its fulfillment, status and time
    (a redelivered push names the same attempt); None when it carries neither."""
    if event.delivery_id:
        return f"delivery:{event.delivery_id}"
    if event.delivered_at is not None:
        return f"{event.fulfillment_id}:{event.status}:{event.delivered_at.isoformat()}"
    return None


async def failed_attempt(event: BobDeliveryEvent, *, business: Business, correlation_id: str,
                         view: OrderView, ledger: Ledger) -> CommandResult:  # fmt: skip
    order_id = store_order_id(business.business_id, PLATFORM, event.id)
    if await view.get(business.business_id, order_id) is None:
        raise OrderNotFound("no order with this id from this store", field="id")
    note = f"courier status {event.status}" + (f": {event.message}" if event.message else "")
    request = DeliveryAttemptRequest(outcome=DeliveryOutcome.FAILED, reason=FailureReason.OTHER,
                                     note=note[:500], attempt_id=attempt_key(event),
                                     attempted_at=event.delivered_at)  # fmt: skip
    return await record_attempt(order_id, request, actor=Actor.STORE, source="bob",
                                business=business, correlation_id=correlation_id, view=view,
                                ledger=ledger)  # fmt: skip
