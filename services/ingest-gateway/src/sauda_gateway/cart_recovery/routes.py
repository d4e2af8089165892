"""The abandoned-cart recovery setting: how long after a cart is abandoned its one recovery
message goes (0: none). The notifier, which sends it, gets each change as a snapshot."""

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.cart_recovery import CartRecoverySettings
from sauda_gateway import clock
from sauda_gateway.api.deps import (
    CorrelationDep,
    OutboxDep,
    PoolDep,
    StoreBusinessDep,
    WhatsAppOwnerDep,
)
from sauda_gateway.api.responses import json_response, refusals
from sauda_gateway.cart_recovery import store
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

cart_recovery = APIRouter(prefix="/api/v1/whatsapp/cart-recovery", tags=["WhatsApp"])


def _answer(minutes: int) -> Response:
    return json_response(CartRecoverySettings(cart_recovery_delay_minutes=minutes).model_dump())


@cart_recovery.get("", response_model=CartRecoverySettings, responses=refusals())
async def get_cart_recovery(business: StoreBusinessDep, pool: PoolDep) -> Response:
    """The business's setting (default: 60 minutes)."""
    async with pool.acquire() as conn:
        return _answer(await store.delay_of(conn, business.business_id))


@cart_recovery.put("", response_model=CartRecoverySettings, responses=refusals())
async def put_cart_recovery(
    body: CartRecoverySettings,
    business: WhatsAppOwnerDep,
    outbox: OutboxDep,
    correlation_id: CorrelationDep,
) -> Response:
    """Set `cart_recovery_delay_minutes` (0 to 10080; 0 turns recovery messages off). It
    applies to carts abandoned after the notifier has it; carts already waiting keep the delay
    they were scheduled with."""
    minutes = body.cart_recovery_delay_minutes
    async with outbox.transaction() as tx:
        revision = await store.set_delay(
            tx, business.business_id, minutes, clock.fresh_envelope(business, correlation_id)
        )
    log.info("cart_recovery_set", business_id=str(business.business_id), delay_minutes=minutes,
             revision=revision, correlation_id=correlation_id)  # fmt: skip
    return _answer(minutes)
