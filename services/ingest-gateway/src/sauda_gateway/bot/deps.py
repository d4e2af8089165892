"""What the bot routes (Sauda's and the Wabotick-compatible ones) ask of FastAPI."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from sauda_contracts.bot_flows import BotFlowTriggered, PostbackOut
from sauda_gateway.api.deps import (
    CorrelationDep,
    MessageRequestsDep,
    OutboxDep,
    PoolDep,
    WhatsAppDep,
)
from sauda_gateway.bot import handlers
from sauda_gateway.domain import Business


@dataclass(frozen=True)
class _Bot:
    accounts: WhatsAppDep
    requests: MessageRequestsDep
    outbox: OutboxDep
    pool: PoolDep
    correlation_id: CorrelationDep

    async def trigger(
        self, business: Business, flow_id: str, to: str, raw_key: str | None, *,
        fields: tuple[str, str],
    ) -> BotFlowTriggered:  # fmt: skip
        return await handlers.trigger_flow(
            business, flow_id, to, raw_key=raw_key, correlation_id=self.correlation_id,
            accounts=self.accounts, requests=self.requests, outbox=self.outbox, fields=fields,
        )  # fmt: skip

    async def postbacks(self, business: Business) -> list[PostbackOut]:
        return await handlers.postbacks(self.pool, business)


BotDep = Annotated[_Bot, Depends()]
