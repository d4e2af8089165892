"""Conversation use cases: a shopper's COD tap (or the same answer typed) becomes an order
command; any other message moves the chat-ordering flow; a refused tap gets a polite answer;
order events keep the orders that wait for an answer. Each batch is one transaction whose
messages leave through the outbox."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol
from uuid import UUID, uuid4, uuid5

from sauda_contracts import (
    Actor,
    AnyOrderEvent,
    ChangeOrderStatus,
    ChangeOrderStatusBody,
    OrderCommandRejected,
    Topic,
)
from sauda_contracts.language import Language
from sauda_contracts.templates import CodAction
from sauda_contracts.whatsapp import (
    ContactOptOutChanged,
    InboundMessageReceived,
    OptOutBody,
    OutboundKind,
    SendMessageBody,
    SendWhatsAppMessage,
    chat_key,
)
from sauda_conversation.adapters.store import (
    TapCommand,
    awaiting_cod,
    first_time,
    load_session,
    next_order_number,
    record_chat_order,
    record_cod_orders,
    remember_tap,
    save_session,
    taps_by_command,
)
from sauda_conversation.domain import (
    COD_ANSWER_WINDOW,
    CodTap,
    awaiting_orders,
    chat_order_id,
    chat_order_number,
    cod_tap,
    command_id_for,
    place_order,
    reply_to_refused_tap,
    said_in,
    status_moves,
)
from sauda_conversation.flow import (
    CART_TTL,
    Session,
    Shop,
    Step,
    language_after,
    placed_reply,
    turn,
)
from sauda_conversation.intents import cod_answer
from sauda_conversation.replies import Reply, which_order
from sauda_runtime.db import Conn
from sauda_runtime.logging import get_logger
from sauda_runtime.outbox import add_to_outbox

log = get_logger(__name__)


class ShopDirectory(Protocol):
    async def shop(self, business_id: UUID) -> tuple[Shop, Language]: ...


@dataclass(frozen=True, slots=True)
class ChatContext:
    """What a shopper's message is handled with, besides the transaction."""

    catalogs: ShopDirectory
    cart_ttl: timedelta = CART_TTL


async def handle_inbound(
    conn: Conn, messages: Sequence[InboundMessageReceived], context: ChatContext
) -> int:
    """Act on shoppers' messages in order: a COD tap becomes a ChangeOrderStatus command (actor
    `customer`); anything else moves the chat-ordering flow. A redelivered message (same wamid)
    is skipped, so nothing advances twice. Returns the records queued."""
    rows: list[tuple[str, bytes, bytes]] = []
    for message in messages:
        body = message.body
        if not await first_time(conn, message.business_id, body.wamid):
            continue  # redelivered: what it caused is already on its way
        tap = cod_tap(body)
        if tap is None:
            rows += await _chat_turn(conn, message, context)
        else:
            rows.append(await _tap_command(conn, message, tap))
    await add_to_outbox(conn, rows)
    return len(rows)


async def _tap_command(
    conn: Conn, message: InboundMessageReceived, tap: CodTap, *, typed: bool = False
) -> tuple[str, bytes, bytes]:
    """The ledger command for a shopper's COD answer, remembered so a refusal is answered."""
    body = message.body
    command = ChangeOrderStatus(
        event_id=command_id_for(message.business_id, body.wamid),
        occurred_at=datetime.now(UTC),
        business_id=message.business_id,
        correlation_id=message.correlation_id,
        causation_id=str(message.event_id),
        body=ChangeOrderStatusBody(
            order_id=tap.order_id, status=tap.status, actor=Actor.CUSTOMER, reason=tap.reason
        ),
    )
    await remember_tap(
        conn,
        TapCommand(command.event_id, message.business_id, body.customer_phone, tap.order_id,
                   tap.order_number, tap.action.value, body.wamid),
    )  # fmt: skip
    log.info("cod_tap", action=tap.action.value, typed=typed, order_id=str(tap.order_id),
             correlation_id=message.correlation_id)  # fmt: skip
    return Topic.ORDERS_COMMANDS, str(tap.order_id).encode(), command.to_bytes()


async def _chat_turn(
    conn: Conn, message: InboundMessageReceived, context: ChatContext
) -> list[tuple[str, bytes, bytes]]:
    """One step of the ordering flow: load the session (locked), decide, save, queue."""
    body, business_id = message.body, message.business_id
    now = datetime.now(UTC)
    shop, language = await context.catalogs.shop(business_id)
    session = await load_session(conn, business_id, body.customer_phone,
                                 default=Session(language=language), now=now,
                                 ttl=context.cart_ttl)  # fmt: skip
    said = said_in(body)
    if session.step is Step.IDLE and not session.cart and said.text:
        language = language_after(session.language, said.text)
        answered = await _typed_cod_answer(conn, message, said.text, language, now)
        if answered is not None:
            if language is not session.language:
                await save_session(conn, business_id, body.customer_phone,
                                   replace(session, language=language), now)  # fmt: skip
            return answered
    result = turn(session, said, shop)
    rows: list[tuple[str, bytes, bytes]] = []
    replies = list(result.replies)
    order_id: UUID | None = None
    if result.checkout is not None:
        order_id = chat_order_id(business_id, body.wamid)
        number = chat_order_number(await next_order_number(conn, business_id))
        place = place_order(message, result.checkout, order_id=order_id, order_number=number,
                            language=result.session.language)  # fmt: skip
        await record_chat_order(conn, order_id, business_id, body.customer_phone, number,
                                body.wamid)  # fmt: skip
        rows.append((Topic.ORDERS_COMMANDS, str(order_id).encode(), place.to_bytes()))
        replies.insert(0, placed_reply(result.session.language, number, result.checkout))
        log.info("chat_order_placed", order_id=str(order_id), order_number=number,
                 total=str(result.checkout.total), correlation_id=message.correlation_id)  # fmt: skip
    if result.opt_out is not None:
        changed = ContactOptOutChanged(
            event_id=uuid5(message.event_id, "opt-out"),
            occurred_at=now,
            business_id=business_id,
            correlation_id=message.correlation_id,
            causation_id=str(message.event_id),
            body=OptOutBody(
                customer_phone=body.customer_phone,
                opted_out=result.opt_out,
                wamid=body.wamid,
                at=body.sent_at,
            ),
        )
        rows.append((Topic.WHATSAPP_OUTBOUND, chat_key(business_id, body.customer_phone),
                     changed.to_bytes()))  # fmt: skip
        log.info("chat_opt_out", opted_out=result.opt_out, correlation_id=message.correlation_id)
    rows += _replies(message, replies, now, order_id=order_id)
    await save_session(conn, business_id, body.customer_phone, result.session, now)
    log.info("chat_turn", step_from=session.step.value, step_to=result.session.step.value,
             cart_lines=len(result.session.cart), replies=len(replies),
             correlation_id=message.correlation_id)  # fmt: skip
    return rows


async def _typed_cod_answer(
    conn: Conn, message: InboundMessageReceived, text: str, language: Language, now: datetime
) -> list[tuple[str, bytes, bytes]] | None:
    """A typed "confirm" / "haan" / "cancel" in a chat with an order waiting for its COD answer:
    one such order is answered as if tapped; several get their buttons again to say which.
    None when the message is no answer or nothing waits: it is chat, for the ordering flow."""
    action = cod_answer(text)
    if action is None:
        return None
    body = message.body
    waiting = await awaiting_cod(conn, message.business_id, body.customer_phone,
                                 since=now - COD_ANSWER_WINDOW)  # fmt: skip
    if not waiting:
        return None
    if len(waiting) == 1:
        [order] = waiting
        return [await _tap_command(conn, message, CodTap(action, order.order_id,
                                                         order.order_number), typed=True)]  # fmt: skip
    log.info("cod_answer_ambiguous", waiting=len(waiting), correlation_id=message.correlation_id)
    orders = [(o.order_id, o.order_number, o.total) for o in waiting]
    return _replies(message, which_order(orders, language), now)


def _replies(
    message: InboundMessageReceived,
    replies: Sequence[Reply],
    now: datetime,
    *,
    order_id: UUID | None = None,
) -> list[tuple[str, bytes, bytes]]:
    """The bot's answers to one shopper message, in order, each with an id of its own."""
    body = message.body
    key = chat_key(message.business_id, body.customer_phone)
    rows = []
    for index, reply in enumerate(replies):
        send = SendWhatsAppMessage(
            event_id=uuid5(message.event_id, f"reply:{index}"),
            occurred_at=now,
            business_id=message.business_id,
            correlation_id=message.correlation_id,
            causation_id=str(message.event_id),
            body=SendMessageBody(
                message_key=f"chat:{body.wamid}:{index}"[:200],
                customer_phone=body.customer_phone,
                kind=reply.kind,
                text=reply.text,
                buttons=reply.buttons,
                menu=reply.menu,
                order_id=order_id,
            ),
        )
        rows.append((Topic.WHATSAPP_OUTBOUND, key, send.to_bytes()))
    return rows


async def handle_order_events(conn: Conn, events: Sequence[AnyOrderEvent]) -> None:
    """Keep the orders that wait for a COD answer, so a typed answer can name its order."""
    if not events:
        return
    now = datetime.now(UTC)
    await record_cod_orders(conn, awaiting_orders(events, now), status_moves(events),
                            prune_before=now - COD_ANSWER_WINDOW)  # fmt: skip


async def handle_rejections(conn: Conn, rejections: Sequence[OrderCommandRejected]) -> int:
    """Answer, in the shopper's chat, taps the ledger refused. Returns replies queued."""
    if not rejections:
        return 0
    taps = await taps_by_command(conn, [r.body.command_id for r in rejections])
    rows: list[tuple[str, bytes, bytes]] = []
    for rejection in rejections:
        tap = taps.get(rejection.body.command_id)
        if tap is None:
            continue  # not a shopper's tap: the merchant's own API call got its answer
        reply = SendWhatsAppMessage(
            event_id=uuid4(),
            occurred_at=datetime.now(UTC),
            business_id=tap.business_id,
            correlation_id=rejection.correlation_id,
            causation_id=str(rejection.event_id),
            body=SendMessageBody(
                message_key=f"tap-refused:{tap.command_id}",
                customer_phone=tap.customer_phone,
                kind=OutboundKind.TEXT,
                text=reply_to_refused_tap(rejection.body, tap.order_number, CodAction(tap.action)),
                order_id=tap.order_id,
                reply_to=tap.wamid,
            ),
        )
        rows.append((Topic.WHATSAPP_OUTBOUND, chat_key(tap.business_id, tap.customer_phone),
                     reply.to_bytes()))  # fmt: skip
        log.info("cod_tap_refused", order_id=str(tap.order_id), current=rejection.body.current_status,
                 correlation_id=rejection.correlation_id)  # fmt: skip
    await add_to_outbox(conn, rows)
    return len(rows)
