"""A business's chat-ordering settings: whether the WhatsApp ordering flow asks the shopper for
a delivery address before the order summary. One row per business (none: the default, no);
the conversation service reads it (read-only) when it builds the business's shop."""

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.addresses import ChatOrderingSettings
from sauda_gateway.api.deps import CorrelationDep, PoolDep, StoreBusinessDep, WhatsAppOwnerDep
from sauda_gateway.api.responses import json_response, refusals
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

chat_ordering = APIRouter(prefix="/api/v1/whatsapp/chat-ordering", tags=["WhatsApp"])


def _answer(ask: bool) -> Response:
    return json_response(ChatOrderingSettings(ask_delivery_address=ask).model_dump())


@chat_ordering.get("", response_model=ChatOrderingSettings, responses=refusals())
async def get_chat_ordering(business: StoreBusinessDep, pool: PoolDep) -> Response:
    """The business's settings (default: no address asked)."""
    async with pool.acquire() as conn:
        ask = await conn.fetchval(
            "SELECT ask_delivery_address FROM chat_ordering_settings WHERE business_id = $1",
            business.business_id,
        )
    return _answer(bool(ask))


@chat_ordering.put("", response_model=ChatOrderingSettings, responses=refusals())
async def put_chat_ordering(
    body: ChatOrderingSettings, business: WhatsAppOwnerDep, pool: PoolDep,
    correlation_id: CorrelationDep,
) -> Response:  # fmt: skip
    """Set `ask_delivery_address`: true makes the chat ask for the delivery address after
    Checkout, show it in the summary and place the order with it (carts already at their
    summary are asked at their next Checkout)."""
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO chat_ordering_settings (business_id, ask_delivery_address) "
            "VALUES ($1, $2) ON CONFLICT (business_id) DO UPDATE SET "
            "ask_delivery_address = EXCLUDED.ask_delivery_address, updated_at = now()",
            business.business_id, body.ask_delivery_address,
        )  # fmt: skip
    log.info("chat_ordering_set", business_id=str(business.business_id),
             ask_delivery_address=body.ask_delivery_address, correlation_id=correlation_id)  # fmt: skip
    return _answer(body.ask_delivery_address)
