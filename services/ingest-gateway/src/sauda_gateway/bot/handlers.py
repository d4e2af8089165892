"""The bot's merchant use cases, shared by Sauda's REST and the Wabotick-compatible routes:
trigger a flow for a shopper (the conversation service replies as if they had started it),
and the postback list."""

from datetime import datetime
from typing import Any

import asyncpg

from sauda_contracts import Topic
from sauda_contracts.bot_flows import (
    BotFlowTriggered,
    PostbackOut,
    TriggerBotFlow,
    TriggerBotFlowBody,
    trigger_id_for,
)
from sauda_contracts.whatsapp import chat_key
from sauda_gateway import clock
from sauda_gateway.bot.domain import BOT_POSTBACKS, bot_flow, bot_postback
from sauda_gateway.bot.store import tap_counts
from sauda_gateway.domain import Business, envelope
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.merchant.domain import WhatsAppNotConnected
from sauda_gateway.messaging.domain import idempotency_key, inside_window, window_refusal
from sauda_gateway.messaging.store import MessageRequests
from sauda_gateway.outbox import Outbox
from sauda_gateway.phones import phone_of
from sauda_runtime.logging import get_logger

log = get_logger(__name__)


async def trigger_flow(
    business: Business,
    flow_id: str,
    to: str,
    *,
    raw_key: str | None,
    correlation_id: str,
    accounts: WhatsAppAccounts,
    requests: MessageRequests,
    outbox: Outbox,
    fields: tuple[str, str],
) -> BotFlowTriggered:
    """A TriggerBotFlow on the chat's key of whatsapp.inbound.v1, if the shopper's 24-hour
    window is open (the bot's replies are free-form). `fields`: the request's names of the
    flow and the phone, for refusals. The trigger's id comes from the Idempotency-Key, and the
    conversation service acts on an id once, so a retried request replies once."""
    flow_field, phone_field = fields
    flow = bot_flow(flow_id, field=flow_field)
    account = await accounts.of_business(business.business_id)
    if account is None:
        raise WhatsAppNotConnected("no WhatsApp number is connected: the bot cannot write")
    phone = phone_of(to, business, field=phone_field)
    last = await requests.last_inbound(business.business_id, phone)
    if not inside_window(last, clock.now()):
        raise window_refusal(phone, last, field=phone_field)
    trigger_id = trigger_id_for(business.business_id, idempotency_key(raw_key, clock.new_id()))
    body = TriggerBotFlowBody(trigger_id=trigger_id, flow_id=flow.flow_id,
                              customer_phone=phone, phone_number_id=account.phone_number_id)  # fmt: skip
    record = TriggerBotFlow(**envelope(business, correlation_id, event_id=trigger_id,
                                       now=clock.now()), body=body)  # fmt: skip
    await outbox.publish([(Topic.WHATSAPP_INBOUND.value, chat_key(business.business_id, phone),
                           record.to_bytes())])  # fmt: skip
    log.info("bot_flow_triggered", flow_id=flow.flow_id, trigger_id=str(trigger_id),
             business_id=str(business.business_id), correlation_id=correlation_id)  # fmt: skip
    return BotFlowTriggered(trigger_id=trigger_id, flow_id=flow.flow_id, customer_phone=phone)


async def postbacks(pool: asyncpg.Pool, business: Business) -> list[PostbackOut]:
    """The bot's postbacks (tapped or not) and every other tapped one, with taps and last tap."""
    tapped = {r["postback_id"]: r for r in await tap_counts(pool, business.business_id)}
    ids = [p.postback_id for p in BOT_POSTBACKS] + sorted(set(tapped) - {
        p.postback_id for p in BOT_POSTBACKS})  # fmt: skip
    found: list[PostbackOut] = []
    for postback_id in ids:
        row: dict[str, Any] = dict(tapped.get(postback_id) or {})
        bot = bot_postback(postback_id)
        last: datetime | None = row.get("last_tapped_at")
        found.append(PostbackOut(postback_id=postback_id, bot_name=bot.bot_name if bot else None,
                                 title=row.get("title"), taps=row.get("taps", 0),
                                 last_tapped_at=last))  # fmt: skip
    return found
