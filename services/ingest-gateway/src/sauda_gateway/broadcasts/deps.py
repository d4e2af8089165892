"""What the broadcast routes (Sauda's and the Wabotick-compatible one) ask of FastAPI."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends

from sauda_contracts.broadcast_api import BroadcastRequest
from sauda_gateway.api.deps import (
    CorrelationDep,
    OutboxDep,
    PoolDep,
    SubscribersDep,
    WhatsAppDep,
)
from sauda_gateway.broadcasts import handlers
from sauda_gateway.broadcasts.labels import labels_of
from sauda_gateway.broadcasts.store import BroadcastStore
from sauda_gateway.domain import Business


@dataclass(frozen=True)
class _Broadcasts:
    accounts: WhatsAppDep
    pool: PoolDep
    outbox: OutboxDep
    correlation_id: CorrelationDep
    subscribers: SubscribersDep

    @property
    def store(self) -> BroadcastStore:
        return BroadcastStore(self.pool)

    async def start(
        self, request: BroadcastRequest, business: Business, raw_key: str | None
    ) -> handlers.Started:
        return await handlers.start_broadcast(
            request, business=business, raw_key=raw_key, correlation_id=self.correlation_id,
            accounts=self.accounts, broadcasts=self.store, labels=labels_of(self.subscribers),
            wake_relay=self.outbox.wake,
        )  # fmt: skip

    async def find(self, business: Business, raw: str) -> dict[str, Any]:
        return await handlers.find_broadcast(business, raw, broadcasts=self.store)

    async def recipients(
        self, business: Business, raw: str, *, status: str | None, limit: int, offset: int
    ) -> dict[str, Any]:
        return await handlers.broadcast_recipients(
            business, raw, status=status, limit=limit, offset=offset, broadcasts=self.store
        )


BroadcastsDep = Annotated[_Broadcasts, Depends()]
