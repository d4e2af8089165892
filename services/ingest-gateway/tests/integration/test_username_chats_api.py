"""A username user's chat in the merchant's message log (real Postgres): the inbound message and
the notifier's snapshot of the reply, folded as the message stream folds them, are one chat
under Meta's user id, which `GET /api/v1/conversations/{phone}` takes in place of a phone."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import httpx

from sauda_contracts.whatsapp import (
    DeliveryStatus,
    InboundKind,
    InboundMessageBody,
    InboundMessageReceived,
    MessagePurpose,
    MessageRecorded,
    MessageRecordedBody,
    StatusChange,
)
from sauda_gateway.domain import Business
from sauda_gateway.view.projector import on_message_stream
from sauda_runtime.kit import unit_of_work

USER = "US.13491208655302741918"


def envelope(business: Business) -> dict[str, Any]:
    return {"event_id": uuid4(), "occurred_at": datetime.now(UTC),
            "business_id": business.business_id, "correlation_id": "corr-1"}  # fmt: skip


async def test_a_username_users_chat_is_listed_under_their_user_id(
    pool: asyncpg.Pool,
    business: tuple[Business, str],
    api: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
) -> None:
    shop, key = business
    now = datetime.now(UTC)
    said = InboundMessageReceived(**envelope(shop), body=InboundMessageBody(
        phone_number_id="1065", customer_user_id=USER, customer_username="@ayesha",
        wamid="wamid.IN", sent_at=now, kind=InboundKind.TEXT, meta_type="text", text="chai",
    ))  # fmt: skip
    replied = MessageRecorded(**envelope(shop), body=MessageRecordedBody(
        message_id=uuid4(), revision=2, phone_number_id="1065", customer_user_id=USER,
        purpose=MessagePurpose.CHAT, kind="text", text="Which one?", wamid="wamid.OUT",
        status=DeliveryStatus.DELIVERED, attempts=1, created_at=now,
        history=(StatusChange(status=DeliveryStatus.QUEUED, at=now),
                 StatusChange(status=DeliveryStatus.DELIVERED, at=now)),
    ))  # fmt: skip
    async with unit_of_work(pool, None) as tx:
        await on_message_stream([said, replied], tx, live="test_live")
    async with api() as http:
        got = await http.get(f"/api/v1/conversations/{USER}", headers={"X-API-Key": key})
        assert got.status_code == 200, got.text
        page = got.json()
        assert (page["customer_phone"], page["total"]) == (USER, 2)
        assert sorted((m["direction"], m["text"], m["status"]) for m in page["messages"]) == [
            ("inbound", "chai", "received"), ("outbound", "Which one?", "delivered")]  # fmt: skip
        local = await http.get("/api/v1/conversations/0300-1234567", headers={"X-API-Key": key})
        assert (local.status_code, local.json()["customer_phone"]) == (200, "923001234567")
        assert local.json()["total"] == 0
