"""NDR use cases: record a courier's attempt (a failed one goes to the ledger, a delivered one
moves the order), and return an order to origin once the business's attempts are used up."""

from uuid import UUID

from sauda_contracts import Actor, OrderStatus
from sauda_contracts.deliveries import (
    DeliveryAttemptRequest,
    RecordDeliveryAttempt,
    RecordDeliveryAttemptBody,
    attempt_command_id,
    rto_reason,
)
from sauda_gateway import clock
from sauda_gateway.deliveries.domain import (
    check_rto,
    failed_attempts,
    failure_reason,
    must_be_shipped,
)
from sauda_gateway.domain import Business, envelope
from sauda_gateway.orders import handlers as orders
from sauda_gateway.orders.domain import OrderNotFound, ledger_refusal
from sauda_gateway.orders.handlers import CommandResult
from sauda_gateway.orders.ledger import Ledger, OrderCommand
from sauda_gateway.view.queries import OrderView
from sauda_runtime.kit import Transaction
from sauda_runtime.logging import get_logger

log = get_logger(__name__)
DELIVERED_REASON = "delivered by the courier"


async def record_attempt(
    order_id: UUID,
    request: DeliveryAttemptRequest,
    *,
    actor: Actor,
    source: str,
    business: Business,
    correlation_id: str,
    view: OrderView,
    ledger: Ledger,
) -> CommandResult:
    """A failed attempt becomes `RecordDeliveryAttempt` (its id from the caller's attempt id,
    so a retry records nothing new); a delivered one, the move to delivered."""
    order = await view.get(business.business_id, order_id)
    if order is None:
        raise OrderNotFound()
    reason = failure_reason(request)
    if reason is None:
        return await orders.change_status(order_id, OrderStatus.DELIVERED, reason=DELIVERED_REASON,
                                          actor=actor, business=business,
                                          correlation_id=correlation_id, view=view, ledger=ledger)  # fmt: skip
    must_be_shipped(order["status"], "a failed delivery attempt")
    now = clock.now()
    command_id = (attempt_command_id(order_id, source, request.attempt_id)
                  if request.attempt_id else clock.new_id())  # fmt: skip
    command = RecordDeliveryAttempt(
        **envelope(business, correlation_id, event_id=command_id, now=now),
        body=RecordDeliveryAttemptBody(order_id=order_id, reason=reason, note=request.note,
                                       actor=actor, attempted_at=request.attempted_at or now),
    )  # fmt: skip
    log.info("delivery_attempt_recorded", order_id=str(order_id), reason=reason.value,
             source=source, correlation_id=correlation_id)  # fmt: skip
    return await _send(command, order_id=order_id, business=business, view=view, ledger=ledger)


async def return_to_origin(
    order_id: UUID, *, needed: int, note: str | None, business: Business,
    correlation_id: str, view: OrderView, ledger: Ledger,
) -> CommandResult:  # fmt: skip
    """shipped → returned, with the reason that says after how many failed attempts; refused
    while the order is not shipped or has fewer failed attempts than the business set."""
    order = await view.get(business.business_id, order_id)
    if order is None:
        raise OrderNotFound()
    failed = failed_attempts(order.get("history"))
    check_rto(order["status"], failed, needed)
    return await orders.change_status(order_id, OrderStatus.RETURNED,
                                      reason=rto_reason(failed, note), actor=Actor.MERCHANT,
                                      business=business, correlation_id=correlation_id,
                                      view=view, ledger=ledger)  # fmt: skip


async def _send(command: RecordDeliveryAttempt, *, order_id: UUID, business: Business,
                view: OrderView, ledger: Ledger) -> CommandResult:  # fmt: skip
    async def write(_tx: Transaction) -> OrderCommand:
        return command

    outcome = await ledger.send(command.event_id, write)
    if outcome is None:
        return CommandResult(False, None, command.event_id)
    if outcome["outcome"] == "rejected":
        raise ledger_refusal(outcome["payload"], field="order_id")
    return CommandResult(True, await view.get(business.business_id, order_id), command.event_id)
