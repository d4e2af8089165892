"""A username user (named by Meta's user id, no phone) against the conversation schema on the
real Postgres: the chat is keyed by the user id, the order placed in it names the shopper by
that id, the COD answer (tapped or typed) finds it, and every reply is addressed to the id."""

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg

from sauda_contracts import OrderPlaced, OrderPlacedBody, Topic, parse_order_command
from sauda_contracts.language import Language
from sauda_contracts.templates import CodAction, cod_payload
from sauda_contracts.whatsapp import (
    InboundKind,
    InboundMessageBody,
    InboundMessageReceived,
    parse_outbound_command,
)
from sauda_conversation.adapters.ranking import FuzzyRanker
from sauda_conversation.bootstrap import utc_now
from sauda_conversation.domain import replies as r
from sauda_conversation.domain.shop import Product, Shop
from sauda_conversation.handlers import handle_inbound, handle_order_events
from sauda_runtime.kit import unit_of_work

USER = "US.13491208655302741918"
PHONE = "923001234567"
TEA = Product(uuid4(), "Tapal Danedar Tea", Decimal(1250), "PKR", ("chai",))


class TeaShop:
    async def shop(self, business_id: UUID) -> tuple[Shop, Language]:
        return Shop(products=(TEA,)), Language.EN


def said(
    business_id: UUID, wamid: str, *, text: str | None = None, tap: str | None = None,
    user_id: str | None = USER, phone: str | None = None,
) -> InboundMessageReceived:  # fmt: skip
    kind = InboundKind.TEXT if text is not None else (
        InboundKind.LIST_REPLY if tap and tap.startswith(("product:", "qty:"))
        else InboundKind.BUTTON if tap and tap.startswith("cod:") else InboundKind.BUTTON_REPLY
    )  # fmt: skip
    return InboundMessageReceived(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=business_id,
        correlation_id=f"corr-{wamid}",
        body=InboundMessageBody(
            phone_number_id="1001", customer_phone=phone, customer_user_id=user_id,
            customer_username="@ayesha" if user_id else None, wamid=wamid,
            sent_at=datetime.now(UTC), kind=kind, meta_type="text" if text else "interactive",
            text=text, reply_id=tap, profile_name="Ayesha",
        ),
    )  # fmt: skip


async def queued_by(
    pool: asyncpg.Pool, *messages: InboundMessageReceived
) -> list[tuple[str, bytes, bytes]]:
    """What the messages queued (topic, key, value), in order."""
    last = await pool.fetchval("SELECT coalesce(max(id), 0) FROM outbox")
    async with unit_of_work(pool, None) as tx:
        await handle_inbound(messages, tx=tx, shops=TeaShop(), ranker=FuzzyRanker(), clock=utc_now)
    rows = await pool.fetch("SELECT topic, key, value FROM outbox WHERE id > $1 ORDER BY id", last)
    return [(r["topic"], bytes(r["key"]), bytes(r["value"])) for r in rows]


def order_flow(business: UUID, **who: str | None) -> list[InboundMessageReceived]:
    tag = who.get("user_id") or who.get("phone")
    return [
        said(business, f"{tag}-1", text="mujhe chai chahiye", **who),
        said(business, f"{tag}-2", tap=r.product_row_id(TEA.product_id), **who),
        said(business, f"{tag}-3", tap="qty:2", **who),
        said(business, f"{tag}-4", tap=r.CHECKOUT, **who),
        said(business, f"{tag}-5", tap=r.CONFIRM, **who),
    ]


async def ordered(
    pool: asyncpg.Pool, business: UUID, **who: str | None
) -> list[tuple[str, bytes, bytes]]:
    queued: list[tuple[str, bytes, bytes]] = []
    for message in order_flow(business, **who):
        queued += await queued_by(pool, message)
    return queued


async def fold(pool: asyncpg.Pool, events: Sequence[OrderPlaced]) -> None:
    async with unit_of_work(pool, None) as tx:
        await handle_order_events(events, tx=tx, clock=utc_now)


def as_placed(raw: bytes) -> OrderPlaced:
    """The ledger's OrderPlaced for the conversation's PlaceOrder."""
    place = parse_order_command(raw)
    return OrderPlaced(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=place.business_id,
        correlation_id=place.correlation_id,
        body=OrderPlacedBody(**place.body.model_dump()),
    )  # fmt: skip


async def test_a_username_user_orders_in_the_chat_keyed_and_answered_by_user_id(
    pool: asyncpg.Pool,
) -> None:
    business = uuid4()
    queued = await ordered(pool, business, user_id=USER)
    [place] = [v for t, _, v in queued if t == Topic.ORDERS_COMMANDS]
    order = parse_order_command(place).body
    assert (order.source, order.order_number) == ("whatsapp", "WA-000001")
    assert (order.customer.phone, order.customer.whatsapp_user_id) == (None, USER)
    replies = [(k, parse_outbound_command(v)) for t, k, v in queued if t == Topic.WHATSAPP_OUTBOUND]
    assert len(replies) == 5 and {k for k, _ in replies} == {f"{business}:{USER}".encode()}
    assert {(s.body.customer_phone, s.body.customer_user_id) for _, s in replies} == {(None, USER)}
    assert replies[-1][1].body.text.startswith("Shukriya! Aap ka order WA-000001 (PKR 2,500)")


async def test_a_username_chat_and_a_phone_chat_are_separate(pool: asyncpg.Pool) -> None:
    business = uuid4()
    username, phone = order_flow(business, user_id=USER), order_flow(business, user_id=None,
                                                                     phone=PHONE)  # fmt: skip
    queued = []
    for a, b in zip(username, phone, strict=True):
        queued += await queued_by(pool, a, b)  # interleaved in one batch
    places = [parse_order_command(v).body for t, _, v in queued if t == Topic.ORDERS_COMMANDS]
    # Each step of the username chat came first in its batch, so its order was numbered first.
    assert [(p.order_number, p.customer.phone, p.customer.whatsapp_user_id) for p in places] == [
        ("WA-000001", None, USER), ("WA-000002", PHONE, None)]  # fmt: skip


async def test_a_shopper_named_by_both_is_keyed_by_the_phone_and_keeps_the_user_id(
    pool: asyncpg.Pool,
) -> None:
    business = uuid4()
    queued = await ordered(pool, business, user_id=USER, phone=PHONE)
    [place] = [parse_order_command(v).body for t, _, v in queued if t == Topic.ORDERS_COMMANDS]
    assert (place.customer.phone, place.customer.whatsapp_user_id) == (PHONE, USER)
    assert {k for t, k, _ in queued if t == Topic.WHATSAPP_OUTBOUND} == {
        f"{business}:{PHONE}".encode()
    }


async def test_the_cod_answer_of_a_username_users_chat_order_finds_it_tapped_or_typed(
    pool: asyncpg.Pool,
) -> None:
    business = uuid4()
    queued = await ordered(pool, business, user_id=USER)
    placed = as_placed(next(v for t, _, v in queued if t == Topic.ORDERS_COMMANDS))
    await fold(pool, [placed])
    [(topic, key, command)] = await queued_by(pool, said(business, "typed", text="haan ji"))
    assert (topic, key) == (Topic.ORDERS_COMMANDS, str(placed.body.order_id).encode())
    confirm = parse_order_command(command).body
    assert (confirm.order_id, confirm.status) == (placed.body.order_id, "confirmed")
    payload = cod_payload(CodAction.CANCEL, placed.body.order_id, placed.body.order_number)
    [(topic, _, tapped)] = await queued_by(pool, said(business, "tapped", tap=payload))
    assert topic == Topic.ORDERS_COMMANDS and parse_order_command(tapped).body.status == "cancelled"


async def test_stop_from_a_username_user_is_their_opt_out(pool: asyncpg.Pool) -> None:
    business = uuid4()
    queued = await queued_by(pool, said(business, "stop", text="STOP"))
    [(key, changed)] = [(k, parse_outbound_command(v)) for t, k, v in queued
                        if parse_outbound_command(v).type == "ContactOptOutChanged"]  # fmt: skip
    assert key == f"{business}:{USER}".encode()
    assert (changed.body.customer_phone, changed.body.customer_user_id) == (None, USER)
    assert changed.body.opted_out is True
