"""Abandoned carts in the merchant's analytics: the carts the store reported abandoned in the
range, how many became an order (CartRecovered, as the view folds an OrderPlaced of the same
phone), and the recovery messages that went out (the notifier's log: a queued or failed one does
not count); another business's carts never count."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import asyncpg
import httpx

from sauda_contracts.carts import CartAbandoned, CartAbandonedBody
from sauda_contracts.orders import Customer, LineItem
from sauda_contracts.testing import order_placed
from sauda_contracts.whatsapp import (
    DeliveryStatus,
    MessagePurpose,
    MessageRecorded,
    MessageRecordedBody,
    StatusChange,
)
from sauda_gateway import clock
from sauda_gateway.carts.store import CartStore, recover_carts
from sauda_gateway.domain import Business
from sauda_gateway.merchant.handlers import create_business
from sauda_gateway.merchant.store import BusinessStore
from sauda_gateway.view.projector import on_message_stream
from sauda_runtime.kit import Transaction

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


def abandoned(business: Business, cart_id: str, phone: str) -> CartAbandoned:
    body = CartAbandonedBody(cart_id=cart_id, customer=Customer(phone=phone, consent=True),
                             items=(LineItem(name="Kurta", qty=1, price=Decimal("2500")),),
                             total=Decimal("2500"), currency="PKR",
                             checkout_url=f"https://shop.example/c/{cart_id}")  # fmt: skip
    return CartAbandoned(event_id=uuid4(), occurred_at=clock.now(), business_id=business.business_id,
                         correlation_id="bob", body=body)  # fmt: skip


def recovery_message(business: Business, phone: str, *statuses: DeliveryStatus) -> MessageRecorded:
    at = clock.now()
    history = tuple(StatusChange(status=s, at=at) for s in statuses)
    return MessageRecorded(
        event_id=uuid4(), occurred_at=at, business_id=business.business_id, correlation_id="bob",
        body=MessageRecordedBody(
            message_id=uuid4(), revision=len(history), phone_number_id="1000",
            customer_phone=phone, purpose=MessagePurpose.CART_RECOVERY,
            template="sauda_cart_recovery", kind="template", text="You left something",
            status=history[-1].status, attempts=1, history=history, created_at=at,
        ),
    )  # fmt: skip


async def test_carts_abandoned_recovered_and_their_messages_are_counted(
    api: Api, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    shop, key = business
    other, other_key = await create_business(BusinessStore(pool), name="Other", plan="business")
    async with pool.acquire() as conn, conn.transaction():
        tx = Transaction(conn)
        for cart in (
            abandoned(shop, "c-1", "923001111111"),
            abandoned(shop, "c-2", "923002222222"),
            abandoned(shop, "c-3", "923003333333"),
            abandoned(other, "c-9", "923001111111"),
        ):
            await CartStore().record(tx, cart)  # fmt: skip
        later = clock.now() + timedelta(seconds=1)
        await recover_carts(tx, [order_placed(shop.business_id, phone="923001111111", at=later)],
                            later)  # fmt: skip
        await on_message_stream([
            recovery_message(shop, "923002222222", DeliveryStatus.QUEUED, DeliveryStatus.SENT),
            recovery_message(shop, "923003333333", DeliveryStatus.QUEUED, DeliveryStatus.FAILED),
            recovery_message(other, "923001111111", DeliveryStatus.QUEUED, DeliveryStatus.SENT),
        ], tx, live="t_live")  # fmt: skip
    today = clock.now().date()
    url = f"/api/v1/analytics?from={today - timedelta(days=1)}&to={today + timedelta(days=1)}"
    async with api() as http:
        ours = (await http.get(url, headers={"X-API-Key": key})).json()["summary"]
        theirs = (await http.get(url, headers={"X-API-Key": other_key})).json()["summary"]
    pick = ("carts_abandoned", "carts_recovered", "cart_recovery_messages")
    assert {k: ours[k] for k in pick} == {"carts_abandoned": 3, "carts_recovered": 1,
                                          "cart_recovery_messages": 1}  # fmt: skip
    assert {k: theirs[k] for k in pick} == {"carts_abandoned": 1, "carts_recovered": 0,
                                            "cart_recovery_messages": 1}  # fmt: skip
