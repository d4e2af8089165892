"""The order aggregate as a decider: pure `decide` and `evolve` over the FSM table; no I/O."""

from typing import TypeAlias
from uuid import UUID, uuid5

from sauda_contracts import (
    ALLOWED_TRANSITIONS,
    STATUS_EVENT_TYPES,
    ChangeOrderStatus,
    Contract,
    OrderCommandRejected,
    OrderPlaced,
    OrderPlacedBody,
    OrderStatus,
    OrderStatusChangedBody,
    PlaceOrder,
    RejectionBody,
    RejectionCode,
    StatusEvent,
)

OrderCommand: TypeAlias = PlaceOrder | ChangeOrderStatus
OrderEvent: TypeAlias = OrderPlaced | StatusEvent


class OrderState(Contract):
    """What the ledger needs to decide: who owns the order, where it is, and how far along."""

    order_id: UUID | None = None
    business_id: UUID | None = None
    status: OrderStatus | None = None
    version: int = 0


initial_state = OrderState()


class Rejected(Exception):
    """A command the order refuses; carries the rejection to record and publish."""

    def __init__(self, rejection: OrderCommandRejected) -> None:
        super().__init__(rejection.body.message)
        self.rejection = rejection


def _event_id(command: OrderCommand, n: int) -> UUID:
    # Derived, not random: deciding the same command twice yields the very same event ids.
    return uuid5(command.event_id, str(n))


def _envelope(command: OrderCommand, n: int) -> dict[str, object]:
    return {
        "event_id": _event_id(command, n),
        "occurred_at": command.occurred_at,
        "business_id": command.business_id,
        "correlation_id": command.correlation_id,
        "causation_id": str(command.event_id),
    }


def _reject(
    state: OrderState, command: OrderCommand, code: RejectionCode, message: str
) -> Rejected:
    requested = command.body.status if isinstance(command, ChangeOrderStatus) else None
    allowed = ALLOWED_TRANSITIONS.get(state.status, frozenset()) if state.status else frozenset()
    body = RejectionBody(
        order_id=command.body.order_id,
        command_id=command.event_id,
        command_type=command.type,
        code=code,
        message=message,
        current_status=state.status,
        requested_status=requested,
        allowed_next=tuple(sorted(allowed)),
    )
    return Rejected(OrderCommandRejected(**_envelope(command, 0), body=body))


def decide(state: OrderState, command: OrderCommand) -> list[OrderEvent]:
    """The events a command produces, or `Rejected`. Placing an existing order is a no-op."""
    if isinstance(command, PlaceOrder):
        if state.status is not None:
            return []
        body = OrderPlacedBody(**command.body.model_dump())
        return [OrderPlaced(**_envelope(command, 1), body=body)]

    if state.status is None or state.business_id != command.business_id:
        raise _reject(state, command, RejectionCode.ORDER_NOT_FOUND, "order not found")
    target = command.body.status
    if target not in ALLOWED_TRANSITIONS[state.status]:
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS[state.status])) or "none (final status)"
        raise _reject(
            state,
            command,
            RejectionCode.INVALID_TRANSITION,
            f"cannot move an order from {state.status} to {target}; allowed: {allowed}",
        )
    body = OrderStatusChangedBody(
        order_id=command.body.order_id,
        version=state.version + 1,
        status=target,
        previous_status=state.status,
        actor=command.body.actor,
        reason=command.body.reason,
    )
    return [STATUS_EVENT_TYPES[target](**_envelope(command, 1), body=body)]


def evolve(state: OrderState, event: OrderEvent) -> OrderState:
    """Fold one event into the state."""
    if isinstance(event, OrderPlaced):
        return OrderState(
            order_id=event.body.order_id,
            business_id=event.business_id,
            status=event.body.status,
            version=event.body.version,
        )
    return state.model_copy(update={"status": event.body.status, "version": event.body.version})


def fold(state: OrderState, events: list[OrderEvent]) -> OrderState:
    for event in events:
        state = evolve(state, event)
    return state
