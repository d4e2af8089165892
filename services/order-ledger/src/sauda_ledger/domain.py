"""The order aggregate as a decider: pure `decide` and `evolve` over the FSM table; no I/O."""

from collections import deque
from collections.abc import Callable
from typing import Any, TypeAlias
from uuid import UUID, uuid5

from sauda_contracts import (
    ALLOWED_TRANSITIONS,
    FINAL_STATUSES,
    STATUS_EVENT_TYPES,
    STORE_STATUS_MEANS,
    Actor,
    AnyOrderCommand,
    AnyOrderEvent,
    ChangeOrderStatus,
    Contract,
    Fulfillment,
    FulfillmentUpdatedBody,
    OrderCommandRejected,
    OrderFulfillmentUpdated,
    OrderPaymentChanged,
    OrderPlaced,
    OrderPlacedBody,
    OrderStatus,
    OrderStatusChangedBody,
    Payment,
    PaymentChangedBody,
    PaymentStatus,
    PlaceOrder,
    RejectionBody,
    RejectionCode,
    UpsertOrder,
)
from sauda_contracts.address_changes import (
    ChangeDeliveryAddress,
    OrderAddressChanged,
    OrderAddressChangedBody,
)
from sauda_contracts.addresses import DeliveryAddress
from sauda_contracts.deliveries import (
    AnswerDeliveryAttempt,
    AnswerDeliveryAttemptBody,
    DeliveryAttemptAnsweredBody,
    DeliveryAttemptFailedBody,
    OrderDeliveryAttemptAnswered,
    OrderDeliveryAttemptFailed,
    RecordDeliveryAttempt,
    RecordDeliveryAttemptBody,
)
from sauda_contracts.order_review import HeldForReviewBody, HoldOrderForReview, OrderHeldForReview

OrderCommand: TypeAlias = AnyOrderCommand
OrderEvent: TypeAlias = AnyOrderEvent


class OrderState(Contract):
    """What the ledger needs to decide: who owns the order, where it is, and how far along."""

    order_id: UUID | None = None
    business_id: UUID | None = None
    status: OrderStatus | None = None
    version: int = 0
    payment: Payment | None = None
    fulfillment: Fulfillment | None = None
    failed_attempts: int = 0  # failed delivery attempts so far (the last one's number)
    answered_attempts: tuple[int, ...] = ()  # the attempts the shopper has answered
    delivery_address: DeliveryAddress | None = None


initial_state = OrderState()


class Rejected(Exception):
    """A command the order refuses; carries the rejection to record and publish."""

    def __init__(self, rejection: OrderCommandRejected) -> None:
        super().__init__(rejection.body.message)
        self.rejection = rejection


def path_to(
    current: OrderStatus, target: OrderStatus | frozenset[OrderStatus]
) -> list[OrderStatus] | None:
    """The shortest chain of legal steps from `current` to `target` (or to the nearest of a set
    of statuses); [] if already there, None if the FSM has no way."""
    targets = target if isinstance(target, frozenset) else frozenset({target})
    previous: dict[OrderStatus, OrderStatus | None] = {current: None}
    queue = deque([current])
    while queue:
        status = queue.popleft()
        if status in targets:
            chain = []
            while previous[status] is not None:
                chain.append(status)
                status = previous[status]
            return chain[::-1]
        for step in sorted(ALLOWED_TRANSITIONS[status]):
            if step not in previous:
                previous[step] = status
                queue.append(step)
    return None


class _Emitter:
    """Builds one command's events, numbering them and deriving their ids from the command."""

    def __init__(self, command: OrderCommand, state: OrderState) -> None:
        self.command = command
        self.state = state
        self.events: list[OrderEvent] = []

    def emit(self, event: OrderEvent) -> None:
        self.events.append(event)
        self.state = evolve(self.state, event)

    def place(self, body: OrderPlacedBody) -> None:
        self.emit(OrderPlaced(**_envelope(self.command, len(self.events) + 1), body=body))

    def move(self, target: OrderStatus, actor: Actor, reason: str | None = None,
             fulfillment: Fulfillment | None = None) -> None:  # fmt: skip
        self._change(
            STATUS_EVENT_TYPES[target],
            OrderStatusChangedBody,
            status=target,
            previous_status=self.state.status,
            actor=actor,
            reason=reason,
            fulfillment=fulfillment,
        )

    def pay(self, payment: Payment, actor: Actor) -> None:
        previous = self.state.payment.status if self.state.payment else None
        self._change(
            OrderPaymentChanged,
            PaymentChangedBody,
            payment=payment,
            previous_payment_status=previous,
            actor=actor,
        )

    def track(self, fulfillment: Fulfillment, actor: Actor) -> None:
        self._change(
            OrderFulfillmentUpdated, FulfillmentUpdatedBody, fulfillment=fulfillment, actor=actor
        )

    def hold(self, actor: Actor, reason: str) -> None:
        self._change(OrderHeldForReview, HeldForReviewBody, actor=actor, reason=reason)

    def attempt_failed(self, b: RecordDeliveryAttemptBody) -> None:
        """The order's next failed delivery attempt (numbered 1, 2, …); the status stays."""
        self._change(OrderDeliveryAttemptFailed, DeliveryAttemptFailedBody,
                     attempt=self.state.failed_attempts + 1, reason=b.reason, note=b.note,
                     actor=b.actor, attempted_at=b.attempted_at)  # fmt: skip

    def attempt_answered(self, b: AnswerDeliveryAttemptBody) -> None:
        self._change(OrderDeliveryAttemptAnswered, DeliveryAttemptAnsweredBody,
                     attempt=b.attempt, answer=b.answer, actor=b.actor)  # fmt: skip

    def readdress(self, address: DeliveryAddress, actor: Actor, reason: str | None) -> None:
        self._change(
            OrderAddressChanged,
            OrderAddressChangedBody,
            delivery_address=address,
            previous_delivery_address=self.state.delivery_address,
            actor=actor,
            reason=reason,
        )

    def _change(
        self, event: Callable[..., OrderEvent], body: Callable[..., Contract], **fields: Any
    ) -> None:
        """An event about the placed order: its next version, in its current status unless
        `fields` name another."""
        assert self.state.status is not None
        about = {
            "order_id": self.command.body.order_id,
            "version": self.state.version + 1,
            "status": self.state.status,
        }
        envelope = _envelope(self.command, len(self.events) + 1)
        self.emit(event(**envelope, body=body(**about | fields)))


def _envelope(command: OrderCommand, n: int) -> dict[str, Any]:
    """The envelope of the command's `n`th record (0: its rejection). Derived, not random:
    deciding the same command twice yields the very same event ids."""
    return {
        "event_id": uuid5(command.event_id, str(n)),
        "occurred_at": command.occurred_at,
        "business_id": command.business_id,
        "correlation_id": command.correlation_id,
        "causation_id": str(command.event_id),
    }


def _reject(state: OrderState, command: OrderCommand, code: RejectionCode, message: str,
            requested: OrderStatus | None = None) -> Rejected:  # fmt: skip
    allowed = ALLOWED_TRANSITIONS[state.status] if state.status else frozenset()
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


def _invalid_transition(state: OrderState, command: OrderCommand, target: OrderStatus) -> Rejected:
    assert state.status is not None
    allowed = ", ".join(sorted(ALLOWED_TRANSITIONS[state.status])) or "none (final status)"
    return _reject(
        state,
        command,
        RejectionCode.INVALID_TRANSITION,
        f"cannot move an order from {state.status} to {target}; allowed: {allowed}",
        requested=target,
    )


def decide(state: OrderState, command: OrderCommand) -> list[OrderEvent]:
    """The events a command produces, or `Rejected`. Placing an existing order is a no-op."""
    out = _Emitter(command, state)
    if isinstance(command, PlaceOrder):
        if state.status is None:
            out.place(OrderPlacedBody(**command.body.model_dump()))
            _confirm_if_prepaid(out, command.body.payment)
        return out.events

    if state.status is not None and state.business_id != command.business_id:
        raise _reject(state, command, RejectionCode.ORDER_NOT_FOUND, "order not found")

    if isinstance(command, ChangeOrderStatus):
        if state.status is None:
            raise _reject(state, command, RejectionCode.ORDER_NOT_FOUND, "order not found")
        target = command.body.status
        if target not in ALLOWED_TRANSITIONS[state.status]:
            raise _invalid_transition(state, command, target)
        out.move(target, command.body.actor, command.body.reason, command.body.fulfillment)
        return out.events

    if isinstance(command, HoldOrderForReview):
        if state.status is not OrderStatus.PENDING:
            raise _reject(state, command, RejectionCode.INVALID_TRANSITION,
                          f"only a pending order is held for review; this one is {state.status}")  # fmt: skip
        out.hold(command.body.actor, command.body.reason)
        return out.events

    if isinstance(command, RecordDeliveryAttempt | AnswerDeliveryAttempt):
        return _delivery(out, command)

    if isinstance(command, ChangeDeliveryAddress):
        return _change_address(out, command)

    return _upsert(out, command)


def _delivery(
    out: _Emitter, command: RecordDeliveryAttempt | AnswerDeliveryAttempt
) -> list[OrderEvent]:
    """A failed attempt is numbered and recorded only while the order is shipped; an answer
    only for an attempt that failed, once (a second answer to it changes nothing)."""
    state = out.state
    if state.status is None:
        raise _reject(state, command, RejectionCode.ORDER_NOT_FOUND, "order not found")
    if state.status is not OrderStatus.SHIPPED:
        what = "a delivery attempt" if isinstance(command, RecordDeliveryAttempt) else "an answer"
        raise _reject(state, command, RejectionCode.INVALID_TRANSITION,
                      f"{what} is recorded only for a shipped order; this one is {state.status}")  # fmt: skip
    if isinstance(command, RecordDeliveryAttempt):
        out.attempt_failed(command.body)
        return out.events
    if not 1 <= command.body.attempt <= state.failed_attempts:
        raise _reject(state, command, RejectionCode.INVALID_TRANSITION,
                      f"no failed delivery attempt {command.body.attempt} on this order")  # fmt: skip
    if command.body.attempt in state.answered_attempts:
        return []  # answered already: the first answer stands
    out.attempt_answered(command.body)
    return out.events


def _confirm_if_prepaid(out: _Emitter, payment: Payment | None) -> None:
    # A paid order needs no COD confirmation: the payment itself confirms it.
    if payment and payment.status == PaymentStatus.PAID and out.state.status == OrderStatus.PENDING:
        out.move(OrderStatus.CONFIRMED, Actor.PAYMENT)


def _change_address(out: _Emitter, command: ChangeDeliveryAddress) -> list[OrderEvent]:
    """A new delivery address, while the order can still go somewhere: a delivered, cancelled
    or returned order refuses it; the address it already has is no change (no event)."""
    state, body = out.state, command.body
    if state.status is None:
        raise _reject(state, command, RejectionCode.ORDER_NOT_FOUND, "order not found")
    if state.status in FINAL_STATUSES:
        raise _reject(state, command, RejectionCode.ORDER_CLOSED,
                      f"the order is {state.status}: its delivery address can no longer change")  # fmt: skip
    if body.delivery_address != state.delivery_address:
        out.readdress(body.delivery_address, body.actor, body.reason)
    return out.events


def _upsert(out: _Emitter, command: UpsertOrder) -> list[OrderEvent]:
    """Bring the order to the store's view of it, through legal steps only, or refuse it whole."""
    body = command.body
    if out.state.status is None:
        payment = body.payment or body.place.payment
        out.place(OrderPlacedBody(**body.place.model_dump() | {"payment": payment}))
        _confirm_if_prepaid(out, payment)
    elif body.payment and body.payment != out.state.payment:
        out.pay(body.payment, Actor.STORE)
        _confirm_if_prepaid(out, body.payment)
    assert out.state.status is not None
    address = body.place.delivery_address
    if (address is not None and address != out.state.delivery_address
            and out.state.status not in FINAL_STATUSES):  # fmt: skip
        out.readdress(address, Actor.STORE, None)
    fulfillment = body.fulfillment if body.fulfillment != out.state.fulfillment else None
    if body.status is not None:
        wanted = STORE_STATUS_MEANS[body.status]
        chain = path_to(out.state.status, wanted)
        if chain is None:
            named = OrderStatus.PENDING if OrderStatus.PENDING in wanted else next(iter(wanted))
            raise _invalid_transition(out.state, command, named)
        for step in chain:
            # Shipping facts ride on the step that ships (or the last one, if none does).
            carry = fulfillment if step in (OrderStatus.SHIPPED, chain[-1]) else None
            reason = body.reason if step == chain[-1] else None
            out.move(step, Actor.STORE, reason, fulfillment=carry)
            fulfillment = None if carry else fulfillment
    if fulfillment is not None:
        out.track(fulfillment, Actor.STORE)
    return out.events


def evolve(state: OrderState, event: OrderEvent) -> OrderState:
    """Fold one event into the state."""
    if isinstance(event, OrderPlaced):
        return OrderState(
            order_id=event.body.order_id,
            business_id=event.business_id,
            status=event.body.status,
            version=event.body.version,
            payment=event.body.payment,
            delivery_address=event.body.delivery_address,
        )
    update: dict[str, object] = {"status": event.body.status, "version": event.body.version}
    if isinstance(event, OrderPaymentChanged):
        update["payment"] = event.body.payment
    elif isinstance(event, OrderDeliveryAttemptFailed):
        update["failed_attempts"] = event.body.attempt
    elif isinstance(event, OrderDeliveryAttemptAnswered):
        update["answered_attempts"] = (*state.answered_attempts, event.body.attempt)
    elif isinstance(event, OrderAddressChanged):
        update["delivery_address"] = event.body.delivery_address
    elif getattr(event.body, "fulfillment", None) is not None:
        update["fulfillment"] = event.body.fulfillment
    return state.model_copy(update=update)


def fold(state: OrderState, events: list[OrderEvent]) -> OrderState:
    for event in events:
        state = evolve(state, event)
    return state
