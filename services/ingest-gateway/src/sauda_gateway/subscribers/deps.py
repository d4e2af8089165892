"""What the CRM routes (Sauda's and the Wabotick-compatible ones) ask of FastAPI: the store, and
the reset of a shopper's chat-ordering flow, bound to the request's correlation id."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from sauda_gateway.api.deps import CorrelationDep, OutboxDep, SubscribersDep
from sauda_gateway.domain import Business
from sauda_gateway.subscribers import handlers


@dataclass(frozen=True)
class _Reset:
    outbox: OutboxDep
    correlation_id: CorrelationDep

    async def __call__(self, business: Business, chat: str) -> None:
        await handlers.reset_chat_flow(business, chat, outbox=self.outbox,
                                       correlation_id=self.correlation_id)  # fmt: skip


ResetDep = Annotated[_Reset, Depends()]

__all__ = ["ResetDep", "SubscribersDep"]
