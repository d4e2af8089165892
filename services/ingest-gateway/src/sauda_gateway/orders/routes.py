"""Order routes: ingest (the seed's event), the store upsert (Bugalou's and Zapier's), status
changes and cancellation. Each validates, calls a handler and shapes the answer."""

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from structlog.contextvars import bind_contextvars

from sauda_contracts import Actor, OrderStatus
from sauda_contracts.api import (
    ApiError,
    CancelRequest,
    IngestRequest,
    IngestResponse,
    OrderOut,
    StatusChangeRequest,
    UpsertOrderQueued,
    UpsertOrderRequest,
    UpsertOrderResponse,
)
from sauda_gateway.api.deps import (
    CorrelationDep,
    IngestStoreDep,
    LedgerDep,
    OrderViewDep,
    OutboxDep,
    OutcomesDep,
    SettingsDep,
    StoreBusinessDep,
    StoreKeysDep,
)
from sauda_gateway.api.responses import json_response, order_json, refusals
from sauda_gateway.domain import parse_id
from sauda_gateway.orders import handlers
from sauda_gateway.orders.domain import OrderNotFound

orders = APIRouter(prefix="/api/v1")
zapier = APIRouter(prefix="/api/zapier")

UPSERT_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"model": UpsertOrderResponse},
    202: {"model": UpsertOrderQueued},
    **refusals(404, 409, 503),
}
MOVE_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"model": ApiError},
    **refusals(404, 409, 503),
}


def _location(order_id: uuid.UUID) -> dict[str, str]:
    return {"Location": f"/api/v1/orders/{order_id}"}


@orders.post(
    "/events/ingest",
    status_code=201,
    response_model=IngestResponse,
    responses={202: {"model": IngestResponse}, **refusals(409)},
)
async def ingest_event(
    body: IngestRequest, business: StoreBusinessDep, store: IngestStoreDep,
    waiter: OutcomesDep, outbox: OutboxDep, settings: SettingsDep,
    correlation_id: CorrelationDep,
) -> Response:  # fmt: skip
    result = await handlers.ingest_order(
        body,
        business=business,
        correlation_id=correlation_id,
        store=store,
        waiter=waiter,
        wake_relay=outbox.wake,
        wait_seconds=settings.ingest_wait_ms / 1000,
    )
    payload = {
        "order_id": str(result.order_id),
        "order_number": result.order_number,
        "status": "pending" if result.created else "accepted",
    }
    if result.created:
        return json_response(payload, status_code=201)
    return json_response(payload, status_code=202, headers=_location(result.order_id))


@zapier.post("/order", response_model=UpsertOrderResponse, responses=UPSERT_RESPONSES)
@orders.post("/orders", response_model=UpsertOrderResponse, responses=UPSERT_RESPONSES)
async def upsert_order(
    body: UpsertOrderRequest, business: StoreBusinessDep, view: OrderViewDep, keys: StoreKeysDep,
    ledger: LedgerDep, correlation_id: CorrelationDep,
) -> Response:  # fmt: skip
    """Create or update an order by platform + orderNumber (Bugalou's Orders API; Zapier's too)."""
    outcome = await handlers.upsert_order(body, business=business, correlation_id=correlation_id,
                                          view=view, keys=keys, ledger=ledger)  # fmt: skip
    if not outcome.result.applied or outcome.result.order is None:
        pending = {"order_id": str(outcome.order_id), "order_number": outcome.order_number,
                   "status": "accepted"}  # fmt: skip
        return json_response({"success": True, "order": pending}, status_code=202,
                             headers=_location(outcome.order_id))  # fmt: skip
    order = order_json(outcome.result.order, with_history=True)
    return json_response(
        {"success": True, "order": order}, status_code=201 if outcome.created else 200
    )


@dataclass(frozen=True)
class _Mover:
    """What moving an order takes besides the move itself (FastAPI supplies each part)."""

    business: StoreBusinessDep
    view: OrderViewDep
    ledger: LedgerDep
    correlation_id: CorrelationDep

    async def move(
        self, order_id: str, status: OrderStatus, reason: str | None, actor: Actor
    ) -> Response:
        oid = parse_id(order_id, OrderNotFound)
        bind_contextvars(order_id=str(oid))
        result = await handlers.change_status(oid, status, reason=reason, actor=actor,
                                              business=self.business,
                                              correlation_id=self.correlation_id,
                                              view=self.view, ledger=self.ledger)  # fmt: skip
        if not result.applied or result.order is None:
            return json_response(
                {"code": "status_change_pending",
                 "message": "queued; the order will show the change shortly",
                 "details": {"command_id": str(result.command_id), "order_id": str(oid)}},
                status_code=202,
                headers=_location(oid),
            )  # fmt: skip
        return json_response(order_json(result.order, with_history=True))


MoverDep = Annotated[_Mover, Depends()]


@orders.patch("/orders/{order_id}/status", response_model=OrderOut, responses=MOVE_RESPONSES)
async def change_order_status(
    order_id: str, body: StatusChangeRequest, mover: MoverDep
) -> Response:
    return await mover.move(order_id, body.status, body.reason, Actor.MERCHANT)


@orders.post("/orders/{order_id}/cancel", response_model=OrderOut, responses=MOVE_RESPONSES)
async def cancel_order(order_id: str, body: CancelRequest, mover: MoverDep) -> Response:
    """Cancel with a reason; the reason and who cancelled show in the order's history."""
    return await mover.move(order_id, OrderStatus.CANCELLED, body.reason, body.cancelled_by)
