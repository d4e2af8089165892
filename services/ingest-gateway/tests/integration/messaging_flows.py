"""What the messaging, Wabotick, broadcast and subscriber API tests share: the app fixture's
type and the key headers, a business with a connected number (and a rival business with one),
a shopper's message folded into the view (opening the window; by phone or, for a username
user, by Meta's user id), the notifier's record of a send folded in, the outbox's commands,
and the gateway app wired with a send waiter on the test's schema."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx

from sauda_contracts import Topic
from sauda_contracts.whatsapp import (
    DeliveryStatus,
    GraphError,
    InboundKind,
    InboundMessageBody,
    InboundMessageReceived,
    MessagePurpose,
    MessageRecorded,
    MessageRecordedBody,
    SendWhatsAppMessage,
    StatusChange,
)
from sauda_gateway.bootstrap import build_app, wire
from sauda_gateway.domain import Business
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.messaging.waiting import SendWaiter
from sauda_gateway.settings import GatewaySettings
from sauda_gateway.view.projector import on_message_stream
from sauda_runtime.kit import Transaction
from sauda_runtime.secrets import SecretBox
from sauda_runtime.testing import outbox_rows

SHOPPER = "923001234567"
USER = "US.13491208655302741918"  # Meta's user id of a username shopper who shares no number

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


def keyed(api_key: str, key: str | None = None) -> dict[str, str]:
    """Sauda's REST headers: the API key, and an Idempotency-Key when given."""
    return {"X-API-Key": api_key} | ({"Idempotency-Key": key} if key else {})


async def connect(pool: asyncpg.Pool, business: Business, box: SecretBox) -> str:
    """The business's WhatsApp number (as `sauda business connect-whatsapp` stores it)."""
    number = f"1{uuid4().int % 10**14:014d}"
    await WhatsAppAccounts(pool).connect(
        business.business_id, phone_number_id=number, waba_id=f"w{number}",
        access_token="token", box=box, graph_url="http://127.0.0.1:9", api_version="v21.0",
        display_phone_number=None, admin_phone=None, language="en", sandbox=False,
    )  # fmt: skip
    return number


async def connected(
    pool: asyncpg.Pool, business: tuple[Business, str], box: SecretBox, *, wrote: bool = True
) -> tuple[Business, str, str]:
    """The business, its key and its connected number; the shopper has written (the window is
    open) unless `wrote` is False."""
    shop, key = business
    number = await connect(pool, shop, box)
    if wrote:
        await shopper_wrote(pool, shop, number)
    return shop, key, number


async def rival(pool: asyncpg.Pool, box: SecretBox) -> tuple[Business, str, str]:
    """Another business with a number of its own: its key, ids and number must get nowhere."""
    other, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    return other, other_key, await connect(pool, other, box)


async def fold(pool: asyncpg.Pool, records: list[Any], sends: str = "") -> None:
    """Through the view's message consumer, as the topics deliver them."""
    async with pool.acquire() as conn, conn.transaction():
        await on_message_stream(records, Transaction(conn), live="t_live", sends=sends)


async def shopper_wrote(
    pool: asyncpg.Pool, business: Business, number: str, *, at: datetime | None = None,
    phone: str | None = SHOPPER, user_id: str | None = None,
) -> None:  # fmt: skip
    """A shopper's message as Meta's webhook brought it (received `at`, else now); a username
    user's names them by `user_id` alone (give phone=None)."""
    at = at or datetime.now(UTC)
    inbound = InboundMessageReceived(
        event_id=uuid4(), occurred_at=at, business_id=business.business_id, correlation_id="t",
        body=InboundMessageBody(phone_number_id=number, customer_phone=phone,
                                customer_user_id=user_id,
                                wamid=f"wamid.IN{uuid4().hex}", sent_at=at,
                                kind=InboundKind.TEXT, meta_type="text", text="Salam"),
    )  # fmt: skip
    await fold(pool, [inbound])


def recorded(
    business: Business, message_id: UUID, number: str, *statuses: str,
    wamid: str | None = None, error: GraphError | None = None, kind: str = "text",
) -> MessageRecorded:  # fmt: skip
    """The notifier's snapshot of a merchant's message that went through `statuses`."""
    now = datetime.now(UTC)
    history = tuple(StatusChange(status=DeliveryStatus(s), at=now) for s in statuses)
    return MessageRecorded(
        event_id=uuid4(), occurred_at=now, business_id=business.business_id, correlation_id="t",
        body=MessageRecordedBody(
            message_id=message_id, revision=len(history), phone_number_id=number,
            customer_phone=SHOPPER, purpose=MessagePurpose.MERCHANT, kind=kind,
            text="Your parcel left today", wamid=wamid, status=history[-1].status,
            attempts=1, history=history, error=error, created_at=now,
        ),
    )  # fmt: skip


async def first_command(pool: asyncpg.Pool, timeout: float = 30.0) -> SendWhatsAppMessage:
    """The first command queued, once a request in flight has recorded its send."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := await commands(pool):
            return found[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no send was recorded within {timeout} s")


async def commands(pool: asyncpg.Pool) -> list[SendWhatsAppMessage]:
    """The SendWhatsAppMessage commands the gateway queued for the notifier, in order."""
    rows = await outbox_rows(pool, Topic.WHATSAPP_OUTBOUND.value)
    return [SendWhatsAppMessage.model_validate_json(r["value"]) for r in rows]


@asynccontextmanager
async def waiting_api(pool: asyncpg.Pool, dsn: str, **settings: Any) -> AsyncIterator[
    tuple[httpx.AsyncClient, SendWaiter]
]:  # fmt: skip
    """The gateway app whose sends wait for the notifier's record (LISTEN on its own channel)."""
    channel = f"t_{uuid4().hex[:12]}_sends"
    waiter = SendWaiter(pool, dsn, channel, poll_every=60)  # only a notification answers soon
    await waiter.start()
    app = build_app()
    app.state.wiring = wire(GatewaySettings(**{"rate_limit_enabled": False} | settings), pool,
                            sends=waiter, api_key_cache_seconds=0)  # fmt: skip
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield http, waiter
    finally:
        await waiter.stop()
