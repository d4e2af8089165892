"""Sauda's bot REST: the flows a merchant may start, starting one for a subscriber, and the
postback list (taps on reply buttons). Each validates, calls a handler and shapes the answer."""

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from sauda_contracts.api import NO_NUL
from sauda_contracts.bot_flows import (
    BOT_FLOWS,
    BotFlowList,
    BotFlowOut,
    BotFlowTriggered,
    PostbackList,
)
from sauda_gateway.api.deps import StoreBusinessDep
from sauda_gateway.api.responses import json_response, refusals
from sauda_gateway.bot.deps import BotDep
from sauda_gateway.messaging.deps import IdempotencyKey

bot = APIRouter(prefix="/api/v1/whatsapp", tags=["WhatsApp bot"])

ChatId = Annotated[str, Path(min_length=3, max_length=32, pattern=NO_NUL,
                             description="The subscriber's phone number.")]  # fmt: skip
FlowId = Annotated[str, Path(min_length=1, max_length=64, pattern=NO_NUL,
                             description="A flow id of GET /api/v1/whatsapp/bot-flows.")]  # fmt: skip


def flow_list() -> BotFlowList:
    return BotFlowList(data=[BotFlowOut(flow_id=f.flow_id, name=f.name,
                                        description=f.description)
                             for f in BOT_FLOWS.values()])  # fmt: skip


@bot.get("/bot-flows", response_model=BotFlowList)
async def list_bot_flows(business: StoreBusinessDep) -> Response:
    """The bot flows a merchant may start for a subscriber: `order` (the chat-ordering bot's
    welcome, or the step the shopper is at) and `menu` (the product list)."""
    return json_response(flow_list().model_dump())


@bot.post("/subscribers/{chat_id}/bot-flows/{flow_id}", status_code=202,
          response_model=BotFlowTriggered, responses=refusals(404, 409))  # fmt: skip
async def trigger_bot_flow(
    chat_id: ChatId, flow_id: FlowId, business: StoreBusinessDep, bots: BotDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """Start a bot flow for the subscriber: the bot writes to them as if they had started it.
    Only inside their 24-hour window (else 409 `outside_customer_window`); an unknown flow is
    404 `unknown_bot_flow`. A retry with the same Idempotency-Key makes the bot reply once."""
    triggered = await bots.trigger(business, flow_id, chat_id, idempotency_key,
                                   fields=("flow_id", "chat_id"))  # fmt: skip
    return json_response(triggered.model_dump(mode="json"), 202)


@bot.get("/postbacks", response_model=PostbackList)
async def list_postbacks(business: StoreBusinessDep, bots: BotDep) -> Response:
    """The reply ids of the bot's buttons and list rows (each bot step's, tapped or not) and of
    any other button a shopper tapped (the merchant's own), with the taps on each and the last
    tap. Per-instance ids count for their family (`product:<id>` as `product`)."""
    found = await bots.postbacks(business)
    return json_response(PostbackList(data=found).model_dump(mode="json"))
