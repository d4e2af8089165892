"""What the messaging routes (Sauda's and the Wabotick-compatible ones) ask of FastAPI, bound once:
the collaborators of a send and a look-up, whoever the caller's business turns out to be."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header

from sauda_contracts.messaging import SendMessageRequest, WhatsAppConnectRequest
from sauda_gateway.api.deps import (
    CorrelationDep,
    MessageLogDep,
    MessageRequestsDep,
    OutboxDep,
    SendWaiterDep,
    SettingsDep,
    WhatsAppDep,
)
from sauda_gateway.domain import Business
from sauda_gateway.merchant.accounts import WhatsAppAccount
from sauda_gateway.messaging import handlers
from sauda_runtime.secrets import SecretBox


@dataclass(frozen=True)
class _Messaging:
    accounts: WhatsAppDep
    requests: MessageRequestsDep
    waiter: SendWaiterDep
    outbox: OutboxDep
    settings: SettingsDep
    log: MessageLogDep
    correlation_id: CorrelationDep

    async def send(
        self, request: SendMessageRequest, business: Business, raw_key: str | None
    ) -> handlers.Sent:
        return await handlers.send_message(
            request, business=business, raw_key=raw_key, correlation_id=self.correlation_id,
            accounts=self.accounts, requests=self.requests, waiter=self.waiter,
            wake_relay=self.outbox.wake, wait_seconds=self.settings.whatsapp_send_wait_ms / 1000,
        )  # fmt: skip

    async def find(self, business: Business, raw: str) -> dict[str, Any]:
        return await handlers.find_message(business, raw, requests=self.requests)

    async def connect(self, business: Business, request: WhatsAppConnectRequest) -> WhatsAppAccount:
        return await handlers.connect_number(
            business, request, accounts=self.accounts,
            box=SecretBox(self.settings.sauda_secret_key),
            graph_url=self.settings.whatsapp_graph_url,
        )  # fmt: skip


MessagingDep = Annotated[_Messaging, Depends()]


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Your key for this send (1–190 printable characters): a retried request "
        "with the same key and body answers the same message and never sends twice; the same "
        "key with another body is refused (409 idempotency_key_reused).",
    ),
]
