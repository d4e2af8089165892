"""Meta's side of the webhook for the gateway's integration tests: signed deliveries to the real
endpoint, and the records they queue read back from the gateway's outbox."""

import hashlib
import hmac
import json
from typing import Any

import asyncpg
import httpx

from sauda_contracts import Topic
from sauda_contracts.whatsapp import (
    InboundMessageReceived,
    parse_outbound_command,
    parse_status_event,
)
from sauda_gateway.domain import Business
from sauda_runtime.testing import outbox_rows

APP_SECRET = "meta-app-secret-under-test"
SHOPPER = "972987654321"


class Meta:
    """Meta's side of the webhook: signs what it posts with the app secret, as Meta does."""

    def __init__(self, http: httpx.AsyncClient, number: str, waba: str) -> None:
        self.http, self.number, self.waba = http, number, waba

    def value(self, **fields: Any) -> dict[str, Any]:
        metadata = {"display_phone_number": "15550783881", "phone_number_id": self.number}
        return {"messaging_product": "whatsapp", "metadata": metadata, **fields}

    def envelope(self, *changes: tuple[str, dict[str, Any]], **entry: Any) -> dict[str, Any]:
        return {"object": "whatsapp_business_account", "entry": [{
            "id": self.waba, **entry,
            "changes": [{"value": value, "field": field} for field, value in changes],
        }]}  # fmt: skip

    async def post(self, payload: dict[str, Any], *, secret: str = APP_SECRET) -> httpx.Response:
        # Meta writes non-ASCII as \\u escapes and signs those bytes.
        raw = json.dumps(payload, ensure_ascii=True).encode()
        signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        return await self.http.post("/webhooks/whatsapp", content=raw, headers={
            "Content-Type": "application/json", "X-Hub-Signature-256": signature})  # fmt: skip

    async def delivers(self, payload: dict[str, Any]) -> None:
        answer = await self.post(payload)
        assert answer.status_code == 200, answer.text

    async def messages(self, *items: dict[str, Any], contacts: list[Any] | None = None) -> None:
        contacts = [contact()] if contacts is None else contacts
        await self.delivers(self.envelope(("messages", self.value(contacts=contacts,
                                                                  messages=list(items)))))  # fmt: skip

    async def statuses(self, *items: dict[str, Any], **value: Any) -> None:
        await self.delivers(self.envelope(("messages", self.value(statuses=list(items), **value))))


def contact(wa_id: Any = SHOPPER, name: str = "Test Name") -> dict[str, Any]:
    return {"profile": {"name": name}, "wa_id": wa_id}


async def records(pool: asyncpg.Pool, topic: str) -> list[tuple[bytes, Any]]:
    parse = {
        Topic.WHATSAPP_INBOUND: InboundMessageReceived.model_validate_json,
        Topic.WHATSAPP_STATUS: parse_status_event,
        Topic.WHATSAPP_OUTBOUND: parse_outbound_command,
    }[Topic(topic)]
    return [(bytes(r["key"]), parse(bytes(r["value"]))) for r in await outbox_rows(pool, topic)]


async def inbound(pool: asyncpg.Pool) -> list[InboundMessageReceived]:
    return [r for _, r in await records(pool, Topic.WHATSAPP_INBOUND)]


def chat(business: tuple[Business, str], who: str = SHOPPER) -> bytes:
    return f"{business[0].business_id}:{who}".encode()
