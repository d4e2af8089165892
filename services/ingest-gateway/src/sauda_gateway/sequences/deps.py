"""What the sequence routes (Sauda's and the Wabotick-compatible ones) ask of FastAPI: one
bundle of the stores, the outbox and the request's correlation id, calling the handlers."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends

from sauda_contracts.sequence_api import SequenceCreate
from sauda_gateway.api.deps import CorrelationDep, OutboxDep, PoolDep, SubscribersDep
from sauda_gateway.domain import Business
from sauda_gateway.sequences import handlers
from sauda_gateway.sequences.store import SequenceStore


@dataclass(frozen=True)
class _Sequences:
    pool: PoolDep
    outbox: OutboxDep
    correlation_id: CorrelationDep
    subscribers: SubscribersDep

    @property
    def store(self) -> SequenceStore:
        return SequenceStore(self.pool)

    async def create(self, business: Business, body: SequenceCreate) -> dict[str, Any]:
        return await handlers.create_sequence(self.store, business, body)

    async def find(self, business: Business, sequence_id: int) -> dict[str, Any]:
        return await handlers.find_sequence(self.store, business, sequence_id)

    async def delete(self, business: Business, sequence_id: int) -> int:
        return await handlers.delete_sequence(self.store, business, sequence_id,
                                              outbox=self.outbox,
                                              correlation_id=self.correlation_id)  # fmt: skip

    async def assign(self, business: Business, chat: str, ids: list[int],
                     *, field: str = "sequence_ids") -> list[int]:  # fmt: skip
        return await handlers.assign(self.store, self.subscribers, business, chat, ids,
                                     outbox=self.outbox, correlation_id=self.correlation_id,
                                     field=field)  # fmt: skip

    async def remove(self, business: Business, chat: str, ids: list[int],
                     *, field: str = "sequence_ids") -> int:  # fmt: skip
        return await handlers.remove(self.store, self.subscribers, business, chat, ids,
                                     outbox=self.outbox, correlation_id=self.correlation_id,
                                     field=field)  # fmt: skip

    async def enrolments(self, business: Business, chat: str) -> list[dict[str, Any]]:
        return await handlers.enrolments(self.store, self.subscribers, business, chat)


SequencesDep = Annotated[_Sequences, Depends()]
