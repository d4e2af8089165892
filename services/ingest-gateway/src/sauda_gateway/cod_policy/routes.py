"""GET/PUT /api/v1/whatsapp/cod-policy: the business's COD policy. Anyone of the business
reads it; only an owner (or an API key) replaces it. A PUT is the whole policy (omitted fields
take their defaults) and applies to orders placed after it."""

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.cod_policy import CodPolicy, CodPolicyOut
from sauda_gateway import clock
from sauda_gateway.api.deps import (
    CorrelationDep,
    OutboxDep,
    PoolDep,
    StoreBusinessDep,
    WhatsAppOwnerDep,
)
from sauda_gateway.api.responses import json_response, refusals
from sauda_gateway.cod_policy.store import policy_of, replace_policy

cod_policy = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp COD policy"])


def _out(revision: int, policy: CodPolicy) -> Response:
    out = CodPolicyOut(revision=revision, **policy.model_dump())
    return json_response(out.model_dump(mode="json"))


@cod_policy.get("/cod-policy", response_model=CodPolicyOut)
async def get_cod_policy(business: StoreBusinessDep, pool: PoolDep) -> Response:
    """The policy in force (`revision` 0: never set, the defaults)."""
    return _out(*await policy_of(pool, business.business_id))


@cod_policy.put("/cod-policy", response_model=CodPolicyOut, responses=refusals(403))
async def put_cod_policy(
    body: CodPolicy, business: WhatsAppOwnerDep, outbox: OutboxDep,
    correlation_id: CorrelationDep,
) -> Response:  # fmt: skip
    """Replace the policy. Orders already waiting keep the policy they were placed under."""
    revision = await replace_policy(outbox, business, body, correlation_id=correlation_id,
                                    event_id=clock.new_id(), now_at=clock.now())  # fmt: skip
    return _out(revision, body)
