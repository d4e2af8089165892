"""Order use cases: ingest an order, change its status, create or update a store's order. Each
command leaves through the outbox; the ledger's answer (or a 202 when it is slow) comes back."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sauda_contracts import (
    Actor,
    ChangeOrderStatus,
    ChangeOrderStatusBody,
    Customer,
    Fulfillment,
    OrderStatus,
    PlaceOrder,
    StoreStatus,
    UpsertOrder,
    UpsertOrderBody,
)
from sauda_contracts.api import IngestCustomer, IngestRequest, UpsertOrderRequest
from sauda_contracts.orders import place_command_id
from sauda_gateway import clock
from sauda_gateway.domain import Business, envelope
from sauda_gateway.orders.domain import (
    OrderNotFound,
    format_order_number,
    ingest_place,
    ledger_refusal,
    order_id_for,
    place_from_view,
    repeated_key,
    request_fingerprint,
    store_fulfillment,
    store_order_id,
    store_payment,
    store_place,
    unchanged,
)
from sauda_gateway.orders.ledger import Ledger, OrderCommand
from sauda_gateway.orders.outcomes import OutcomeWaiter
from sauda_gateway.orders.store import IngestStore, StoreOrderKeys
from sauda_gateway.phones import phone_of
from sauda_gateway.view.queries import OrderView
from sauda_runtime.kit import Transaction
from sauda_runtime.logging import get_logger

log = get_logger(__name__)


def customer_of(customer: IngestCustomer, business: Business, *, field: str) -> Customer:
    return Customer(
        phone=phone_of(customer.phone, business, field=field),
        name=customer.name,
        email=customer.email,
        consent=customer.consent,
        language=customer.language,
    )


@dataclass(frozen=True)
class IngestResult:
    created: bool  # False: the ledger has not answered yet (202)
    order_id: UUID
    order_number: str


async def ingest_order(
    request: IngestRequest,
    *,
    business: Business,
    correlation_id: str,
    store: IngestStore,
    waiter: OutcomeWaiter,
    wake_relay: Callable[[], None],
    wait_seconds: float,
) -> IngestResult:
    """Record the request and its PlaceOrder in one statement (the idempotency key decides
    whether it is new), wake the relay, and wait a moment for the ledger's answer."""
    order_id = order_id_for(business.business_id, request.idempotency_key)
    fingerprint = request_fingerprint(request)
    now = clock.now()
    command_id = place_command_id(order_id)
    customer = customer_of(request.customer, business, field="customer.phone")

    def command_for(order_number: str) -> PlaceOrder:
        return PlaceOrder(
            **envelope(business, correlation_id, event_id=command_id, now=now),
            body=ingest_place(request, order_id=order_id, order_number=order_number,
                              customer=customer),
        )  # fmt: skip

    with waiter.expect(command_id) as expectation:
        is_new, record = await store.record(
            business_id=business.business_id,
            idempotency_key=request.idempotency_key,
            order_id=order_id,
            body_hash=fingerprint,
            command_for=command_for,
        )
        if not is_new:
            raise repeated_key(same_body=record.body_hash == fingerprint,
                               order_id=record.order_id, order_number=record.order_number)  # fmt: skip
        wake_relay()
        log.info("order_accepted", order_id=str(order_id), order_number=record.order_number)
        outcome = await expectation.wait(wait_seconds)
    return IngestResult(outcome is not None, order_id, record.order_number)


@dataclass(frozen=True)
class CommandResult:
    applied: bool  # False: queued, the ledger has not answered yet (202)
    order: dict[str, Any] | None
    command_id: UUID


async def _send(
    write: Callable[[Transaction], Awaitable[OrderCommand]],
    *,
    command_id: UUID,
    order_id: UUID,
    business: Business,
    view: OrderView,
    ledger: Ledger,
    field: str,
) -> CommandResult:
    """Send the command `write` makes and read the order once the ledger applied it; a
    rejection becomes the caller's refusal."""
    outcome = await ledger.send(command_id, write)
    if outcome is None:
        return CommandResult(False, None, command_id)
    if outcome["outcome"] == "rejected":
        raise ledger_refusal(outcome["payload"], field=field)
    # The view folds the answer before the notification, so this read shows the change.
    return CommandResult(True, await view.get(business.business_id, order_id), command_id)


def _ready(command: OrderCommand) -> Callable[[Transaction], Awaitable[OrderCommand]]:
    async def write(_tx: Transaction) -> OrderCommand:
        return command

    return write


async def change_status(
    order_id: UUID,
    status: OrderStatus,
    *,
    reason: str | None,
    actor: Actor,
    business: Business,
    correlation_id: str,
    view: OrderView,
    ledger: Ledger,
) -> CommandResult:
    if await view.get(business.business_id, order_id) is None:
        raise OrderNotFound()
    command = ChangeOrderStatus(
        **clock.fresh_envelope(business, correlation_id),
        body=ChangeOrderStatusBody(order_id=order_id, status=status, actor=actor, reason=reason),
    )
    return await _send(_ready(command), command_id=command.event_id, order_id=order_id,
                       business=business, view=view, ledger=ledger, field="status")  # fmt: skip


@dataclass(frozen=True)
class UpsertResult:
    created: bool
    result: CommandResult
    order_id: UUID
    order_number: str


async def upsert_order(
    request: UpsertOrderRequest,
    *,
    business: Business,
    correlation_id: str,
    view: OrderView,
    keys: StoreOrderKeys,
    ledger: Ledger,
    reason: str | None = None,
) -> UpsertResult:
    """Create the store's order or bring it up to date, through the ledger's FSM: the order's
    number is drawn in the same transaction that queues the command."""
    phone = (
        phone_of(request.customerPhone, business, field="customerPhone")
        if request.customerPhone
        else None
    )
    platform = request.platform.strip().lower()
    order_id = store_order_id(business.business_id, platform, request.orderNumber)
    status = StoreStatus(request.orderStatus)
    payment, fulfillment = store_payment(request), store_fulfillment(request)
    current = await view.get(business.business_id, order_id)
    if current is not None and unchanged(
        current, status, payment, fulfillment, request.deliveryAddress
    ):
        return UpsertResult(False, CommandResult(True, current, clock.new_id()), order_id,
                            current["order_number"])  # fmt: skip
    fields = clock.fresh_envelope(business, correlation_id)
    numbered: list[str] = []

    async def write(tx: Transaction) -> OrderCommand:
        seq = await keys.order_seq(tx.conn, business.business_id, platform, request.orderNumber,
                                   order_id)  # fmt: skip
        place = store_place(request, order_id=order_id, order_number=format_order_number(seq),
                            phone=phone, platform=platform)  # fmt: skip
        numbered.append(place.order_number)
        return UpsertOrder(**fields, body=UpsertOrderBody(
            order_id=order_id, place=place, status=status, payment=payment,
            fulfillment=fulfillment, reason=reason,
        ))  # fmt: skip

    result = await _send(write, command_id=fields["event_id"], order_id=order_id,
                         business=business, view=view, ledger=ledger, field="orderStatus")  # fmt: skip
    return UpsertResult(current is None, result, order_id, numbered[-1])


async def update_store_order(
    platform: str,
    store_order_number: str,
    *,
    status: StoreStatus,
    fulfillment: Fulfillment | None,
    business: Business,
    correlation_id: str,
    view: OrderView,
    ledger: Ledger,
) -> CommandResult:
    """Move a store's existing order (known by its platform and number) through the FSM."""
    order_id = store_order_id(business.business_id, platform, store_order_number)
    current = await view.get(business.business_id, order_id)
    if current is None:
        raise OrderNotFound("no order with this id from this store", field="id")
    command = UpsertOrder(
        **clock.fresh_envelope(business, correlation_id),
        body=UpsertOrderBody(order_id=order_id, place=place_from_view(current), status=status,
                             fulfillment=fulfillment),
    )  # fmt: skip
    return await _send(_ready(command), command_id=command.event_id, order_id=order_id,
                       business=business, view=view, ledger=ledger, field="status")  # fmt: skip
