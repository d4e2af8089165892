"""Conversation use cases: a shopper's COD tap (or the same answer typed) becomes an order
command; any other message moves the chat-ordering flow; a refused tap gets a polite answer;
order events keep the orders that wait for an answer. Each runs in the kit's transaction and
publishes through it (the outbox)."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID, uuid5

from sauda_contracts import AnyOrderEvent, OrderCommandRejected, Topic
from sauda_contracts.identity import identity_fields
from sauda_contracts.language import Language
from sauda_contracts.templates import CodAction
from sauda_contracts.whatsapp import (
    InboundMessageReceived,
    OutboundKind,
    ResetChatFlow,
    SendMessageBody,
    SendWhatsAppMessage,
    chat_key,
)
from sauda_conversation.adapters.shopper_orders import record_shopper_orders
from sauda_conversation.adapters.store import (
    TapCommand,
    awaiting_cod,
    clear_session,
    load_session,
    next_order_number,
    record_chat_order,
    record_cod_orders,
    remember_tap,
    save_session,
    taps_by_command,
)
from sauda_conversation.address_change import begin_address_change, continue_address_change
from sauda_conversation.deliveries import answer_delivery
from sauda_conversation.domain.chat import (
    chat_order_id,
    chat_order_number,
    opt_out_changed,
    place_order,
    reply_sends,
    said_in,
)
from sauda_conversation.domain.cod import (
    COD_ANSWER_WINDOW,
    CodTap,
    awaiting_orders,
    cod_tap,
    command_id_for,
    reply_to_refused_tap,
    status_moves,
    tap_command,
)
from sauda_conversation.domain.deliveries import delivery_tap
from sauda_conversation.domain.flow import (
    CART_TTL,
    Session,
    Step,
    language_after,
    placed_reply,
    turn,
)
from sauda_conversation.domain.handover import ChatHold
from sauda_conversation.domain.intents import cod_answer
from sauda_conversation.domain.my_orders import order_moves, placed_orders
from sauda_conversation.domain.replies import Reply, which_order
from sauda_conversation.domain.shop import Ranker, Shop
from sauda_conversation.handover import People, after_turn, before_turn
from sauda_conversation.order_questions import answer_orders
from sauda_runtime.kit import Transaction
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

Clock = Callable[[], datetime]

# Names under which the kit's processed_events table holds this service's claims.
INBOUND_CLAIMS = "conversation-inbound"  # by shopper message (business, wamid)
REJECTION_CLAIMS = "conversation-rejections"  # by the ledger's rejection event id
RESET_CLAIMS = "conversation-resets"  # by the merchant's ResetChatFlow event id


class ShopDirectory(Protocol):
    async def shop(self, business_id: UUID) -> tuple[Shop, Language]: ...


async def handle_inbound(
    messages: Sequence[InboundMessageReceived],
    *,
    tx: Transaction,
    shops: ShopDirectory,
    ranker: Ranker,
    clock: Clock,
    cart_ttl: timedelta = CART_TTL,
    people: People | None = None,
) -> int:
    """Act on shoppers' messages in order: a COD tap becomes a ChangeOrderStatus command (actor
    `customer`); anything else moves the chat-ordering flow. A redelivered message (same wamid,
    whatever its event id) is skipped, so nothing advances twice. Returns the records queued."""
    queued = 0
    for message in messages:
        body = message.body
        if not await tx.claim(INBOUND_CLAIMS, [command_id_for(message.business_id, body.wamid)]):
            continue  # redelivered: what it caused is already on its way
        if (answer := delivery_tap(body)) is not None:
            queued += await answer_delivery(tx, message, answer, now=clock())
            continue
        tap = cod_tap(body)
        if tap is not None and tap.action is CodAction.CHANGE_ADDRESS:
            queued += await _change_address_tap(tx, message, tap, shops=shops, clock=clock,
                                                cart_ttl=cart_ttl)  # fmt: skip
        elif tap is None:
            queued += await _chat_turn(tx, message, shops=shops, ranker=ranker, clock=clock,
                                       cart_ttl=cart_ttl, people=people)  # fmt: skip
        else:
            await _tap_command(tx, message, tap, now=clock())
            queued += 1
    return queued


async def handle_resets(resets: Sequence[ResetChatFlow], *, tx: Transaction, clock: Clock) -> int:
    """The merchant reset shoppers' chat-ordering flows: each session goes back to idle with an
    empty cart, once (a redelivered reset, claimed by its event id, would clear a cart the
    shopper has filled since). Returns the sessions cleared."""
    cleared = 0
    for reset in resets:
        if not await tx.claim(RESET_CLAIMS, [reset.event_id]):
            continue
        chat = reset.body.chat_with  # the phone, or the user id of a username user
        cleared += await clear_session(tx.conn, reset.business_id, chat, clock())
        log.info("chat_flow_reset", business_id=str(reset.business_id),
                 correlation_id=reset.correlation_id)  # fmt: skip
    return cleared


async def _change_address_tap(
    tx: Transaction, message: InboundMessageReceived, tap: CodTap, *, shops: ShopDirectory,
    clock: Clock, cart_ttl: timedelta,
) -> int:  # fmt: skip
    """The COD message's "Change address": ask for the new one, in the chat's language."""
    now = clock()
    _, language = await shops.shop(message.business_id)
    session = await load_session(tx.conn, message.business_id, message.body.chat_with,
                                 default=Session(language=language), now=now,
                                 ttl=cart_ttl)  # fmt: skip
    return await begin_address_change(tx, message, tap.order_id, language=session.language,
                                      now=now)  # fmt: skip


async def _tap_command(
    tx: Transaction, message: InboundMessageReceived, tap: CodTap, *, now: datetime,
    typed: bool = False,
) -> None:  # fmt: skip
    """The ledger command for a shopper's COD answer, remembered so a refusal is answered."""
    body = message.body
    command = tap_command(message, tap, now=now)
    await remember_tap(
        tx.conn,
        TapCommand(command.event_id, message.business_id, body.chat_with, tap.order_id,
                   tap.order_number, tap.action.value, body.wamid),
    )  # fmt: skip
    log.info("cod_tap", action=tap.action.value, typed=typed, order_id=str(tap.order_id),
             correlation_id=message.correlation_id)  # fmt: skip
    tx.publish(Topic.ORDERS_COMMANDS, str(tap.order_id), command.to_bytes())


async def _chat_turn(
    tx: Transaction,
    message: InboundMessageReceived,
    *,
    shops: ShopDirectory,
    ranker: Ranker,
    clock: Clock,
    cart_ttl: timedelta,
    people: People | None = None,
) -> int:
    """One step of the ordering flow: load the session (locked), decide, save, queue. With
    `people`, a chat a person holds gets no answer to free text, and a request for a person or
    a second misunderstood text in a row hands the chat over (`handover`)."""
    conn, body, business_id = tx.conn, message.body, message.business_id
    now = clock()
    shop, language = await shops.shop(business_id)
    session = await load_session(conn, business_id, body.chat_with,
                                 default=Session(language=language), now=now,
                                 ttl=cart_ttl)  # fmt: skip
    said = said_in(body)
    speaks = language_after(session.language, said.text)
    hold = None
    if people is not None:
        hold, taken = await before_turn(tx, message, said, people=people, language=speaks,
                                        now=now)  # fmt: skip
        if taken is not None:
            return taken
    changed = await continue_address_change(tx, message, session, said, shop, ranker=ranker,
                                            now=now)  # fmt: skip
    if changed is not None:
        return changed
    if session.step is Step.IDLE and not session.cart and said.text:
        answered = await _typed_cod_answer(tx, message, said.text, speaks, now)
        if answered is not None:
            if speaks is not session.language:
                await save_session(conn, business_id, body.chat_with,
                                   replace(session, language=speaks), now)  # fmt: skip
            return await _understood(tx, message, hold, people, speaks, now, answered)
    answered = await answer_orders(
        tx, message, session, said, shop, ranker=ranker, now=now,
        send=lambda replies: _send_replies(tx, message, replies, now),
    )  # fmt: skip
    if answered is not None:
        return await _understood(tx, message, hold, people, speaks, now, answered)
    result = turn(session, said, shop, ranker=ranker)
    if people is not None and hold is not None and (said.text or said.reply_id):
        # A tap is understood too: two misses "in a row" have nothing between them.
        understood = result.understood or not said.text
        handed = await after_turn(tx, message, hold, understood=understood, people=people,
                                  language=result.session.language, now=now)  # fmt: skip
        if handed is not None:
            await save_session(conn, business_id, body.chat_with, result.session, now)
            return handed
    queued = 0
    replies = list(result.replies)
    order_id: UUID | None = None
    if result.checkout is not None:
        order_id = chat_order_id(business_id, body.wamid)
        number = chat_order_number(await next_order_number(conn, business_id))
        place = place_order(message, result.checkout, order_id=order_id, order_number=number,
                            language=result.session.language, now=now)  # fmt: skip
        await record_chat_order(conn, order_id, business_id, body.chat_with, number,
                                body.wamid)  # fmt: skip
        tx.publish(Topic.ORDERS_COMMANDS, str(order_id), place.to_bytes())
        queued += 1
        replies.insert(0, placed_reply(result.session.language, number, result.checkout))
        log.info("chat_order_placed", order_id=str(order_id), order_number=number,
                 total=str(result.checkout.total), correlation_id=message.correlation_id)  # fmt: skip
    if result.opt_out is not None:
        changed = opt_out_changed(message, result.opt_out, now=now)
        tx.publish(Topic.WHATSAPP_OUTBOUND, chat_key(business_id, body.chat_with),
                   changed.to_bytes())  # fmt: skip
        queued += 1
        log.info("chat_opt_out", opted_out=result.opt_out, correlation_id=message.correlation_id)
    queued += _send_replies(tx, message, replies, now, order_id=order_id)
    await save_session(conn, business_id, body.chat_with, result.session, now)
    log.info("chat_turn", step_from=session.step.value, step_to=result.session.step.value,
             cart_lines=len(result.session.cart), replies=len(replies),
             correlation_id=message.correlation_id)  # fmt: skip
    return queued


async def _understood(
    tx: Transaction, message: InboundMessageReceived, hold: ChatHold | None,
    people: People | None, language: Language, now: datetime, queued: int,
) -> int:  # fmt: skip
    """A message the bot answered: the count of misunderstood texts starts over."""
    if people is not None and hold is not None:
        await after_turn(tx, message, hold, understood=True, people=people, language=language,
                         now=now)  # fmt: skip
    return queued


async def _typed_cod_answer(
    tx: Transaction, message: InboundMessageReceived, text: str, language: Language, now: datetime
) -> int | None:
    """A typed "confirm" / "haan" / "cancel" in a chat with an order waiting for its COD answer:
    one such order is answered as if tapped; several get their buttons again to say which.
    None when the message is no answer or nothing waits: it is chat, for the ordering flow."""
    action = cod_answer(text)
    if action is None:
        return None
    body = message.body
    waiting = await awaiting_cod(tx.conn, message.business_id, body.chat_with,
                                 since=now - COD_ANSWER_WINDOW)  # fmt: skip
    if not waiting:
        return None
    if len(waiting) == 1:
        [order] = waiting
        tap = CodTap(action, order.order_id, order.order_number)
        await _tap_command(tx, message, tap, now=now, typed=True)
        return 1
    log.info("cod_answer_ambiguous", waiting=len(waiting), correlation_id=message.correlation_id)
    orders = [(o.order_id, o.order_number, o.total) for o in waiting]
    return _send_replies(tx, message, which_order(orders, language), now)


def _send_replies(
    tx: Transaction,
    message: InboundMessageReceived,
    replies: Sequence[Reply],
    now: datetime,
    *,
    order_id: UUID | None = None,
) -> int:
    key = chat_key(message.business_id, message.body.chat_with)
    sends = reply_sends(message, replies, now=now, order_id=order_id)
    for send in sends:
        tx.publish(Topic.WHATSAPP_OUTBOUND, key, send.to_bytes())
    return len(sends)


async def handle_order_events(
    events: Sequence[AnyOrderEvent], *, tx: Transaction, clock: Clock
) -> None:
    """Keep the orders that wait for a COD answer, so a typed answer can name its order, and
    every chat shopper's orders, for "where is my order?". Each
    write is idempotent (insert once, move a status forward by version), so no claim is needed."""
    if not events:
        return
    now = clock()
    await record_cod_orders(tx.conn, awaiting_orders(events, now), status_moves(events),
                            prune_before=now - COD_ANSWER_WINDOW)  # fmt: skip
    await record_shopper_orders(tx.conn, placed_orders(events), order_moves(events))


async def handle_rejections(
    rejections: Sequence[OrderCommandRejected], *, tx: Transaction, clock: Clock
) -> int:
    """Answer, in the shopper's chat, taps the ledger refused; a redelivered refusal finds its
    claim and is answered once. Returns replies queued."""
    if not rejections:
        return 0
    fresh = await tx.claim(REJECTION_CLAIMS, [r.event_id for r in rejections])
    rejections = [r for r in rejections if r.event_id in fresh]
    taps = await taps_by_command(tx.conn, [r.body.command_id for r in rejections])
    queued = 0
    for rejection in rejections:
        tap = taps.get(rejection.body.command_id)
        if tap is None:
            continue  # not a shopper's tap: the merchant's own API call got its answer
        reply = SendWhatsAppMessage(
            event_id=uuid5(rejection.event_id, "tap-refused"),
            occurred_at=clock(),
            business_id=tap.business_id,
            correlation_id=rejection.correlation_id,
            causation_id=str(rejection.event_id),
            body=SendMessageBody(
                message_key=f"tap-refused:{tap.command_id}",
                **identity_fields(tap.chat_with),
                kind=OutboundKind.TEXT,
                text=reply_to_refused_tap(rejection.body, tap.order_number, CodAction(tap.action)),
                order_id=tap.order_id,
                reply_to=tap.wamid,
            ),
        )
        tx.publish(Topic.WHATSAPP_OUTBOUND, chat_key(tap.business_id, tap.chat_with),
                   reply.to_bytes())  # fmt: skip
        queued += 1
        log.info("cod_tap_refused", order_id=str(tap.order_id), current=rejection.body.current_status,
                 correlation_id=rejection.correlation_id)  # fmt: skip
    return queued
