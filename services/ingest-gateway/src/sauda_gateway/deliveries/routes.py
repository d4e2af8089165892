"""Failed deliveries (NDR) over the API: a courier's attempt on an order, the one-call return to
origin (RTO), and the business's setting of after how many failed attempts RTO is allowed."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from structlog.contextvars import bind_contextvars

from sauda_contracts import Actor
from sauda_contracts.api import ApiError, OrderOut
from sauda_contracts.deliveries import (
    DeliveryAttemptRequest,
    DeliveryPolicy,
    DeliveryPolicyOut,
    RtoRequest,
)
from sauda_gateway.api.deps import (
    CorrelationDep,
    LedgerDep,
    OrderViewDep,
    PoolDep,
    StoreBusinessDep,
    WhatsAppOwnerDep,
)
from sauda_gateway.api.responses import json_response, order_json, refusals
from sauda_gateway.deliveries import handlers
from sauda_gateway.deliveries.store import delivery_policy_of, replace_delivery_policy
from sauda_gateway.domain import parse_id
from sauda_gateway.orders.domain import OrderNotFound
from sauda_gateway.orders.handlers import CommandResult

deliveries = APIRouter(prefix="/api/v1", tags=["Failed deliveries (NDR)"])

RESPONSES: dict[int | str, dict[str, Any]] = {202: {"model": ApiError}, **refusals(404, 409, 503)}


def _answer(result: CommandResult, order_id: str, status_code: int = 200) -> Response:
    if not result.applied or result.order is None:
        return json_response(
            {"code": "delivery_pending", "message": "queued; the order will show it shortly",
             "details": {"command_id": str(result.command_id), "order_id": order_id}},
            status_code=202, headers={"Location": f"/api/v1/orders/{order_id}"},
        )  # fmt: skip
    return json_response(order_json(result.order, with_history=True), status_code=status_code)


@deliveries.post("/orders/{order_id}/delivery-attempts", status_code=201,
                 response_model=OrderOut, responses=RESPONSES)  # fmt: skip
async def post_delivery_attempt(
    order_id: str, body: DeliveryAttemptRequest, business: StoreBusinessDep,
    view: OrderViewDep, ledger: LedgerDep, correlation_id: CorrelationDep,
) -> Response:  # fmt: skip
    """A courier's attempt: `failed` (with a reason) records the next failed attempt of a
    shipped order and messages the shopper; `delivered` moves the order to delivered. The same
    `attempt_id` again records nothing new."""
    oid = parse_id(order_id, OrderNotFound)
    bind_contextvars(order_id=str(oid))
    result = await handlers.record_attempt(oid, body, actor=Actor.MERCHANT, source="api",
                                           business=business, correlation_id=correlation_id,
                                           view=view, ledger=ledger)  # fmt: skip
    return _answer(result, str(oid), status_code=201)


@deliveries.post("/orders/{order_id}/rto", response_model=OrderOut, responses=RESPONSES)
async def post_rto(
    order_id: str, business: StoreBusinessDep, view: OrderViewDep, ledger: LedgerDep,
    pool: PoolDep, correlation_id: CorrelationDep, body: RtoRequest | None = None,
) -> Response:  # fmt: skip
    """Return a shipped order to origin: status `returned`, reason "returned to origin after N
    failed attempts". Refused (409) before the business's number of failed attempts."""
    oid = parse_id(order_id, OrderNotFound)
    bind_contextvars(order_id=str(oid))
    _, policy = await delivery_policy_of(pool, business.business_id)
    result = await handlers.return_to_origin(
        oid, needed=policy.rto_after_failed_attempts, note=body.note if body else None,
        business=business, correlation_id=correlation_id, view=view, ledger=ledger,
    )  # fmt: skip
    return _answer(result, str(oid))


def _policy(revision: int, policy: DeliveryPolicy) -> Response:
    return json_response(DeliveryPolicyOut(revision=revision, **policy.model_dump()).model_dump())


@deliveries.get("/deliveries/policy", response_model=DeliveryPolicyOut)
async def get_delivery_policy(business: StoreBusinessDep, pool: PoolDep) -> Response:
    """The NDR setting in force (`revision` 0: never set, the default of 2 failed attempts)."""
    return _policy(*await delivery_policy_of(pool, business.business_id))


@deliveries.put("/deliveries/policy", response_model=DeliveryPolicyOut, responses=refusals(403))
async def put_delivery_policy(body: DeliveryPolicy, business: WhatsAppOwnerDep,
                              pool: PoolDep) -> Response:  # fmt: skip
    """Replace the setting (owner or API key); it applies to the next RTO call."""
    return _policy(await replace_delivery_policy(pool, business.business_id, body), body)
