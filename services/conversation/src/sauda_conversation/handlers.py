"""Conversation use cases: a shopper's COD tap becomes an order command; a refused tap gets a
polite answer. Each batch is one transaction whose messages leave through the outbox."""

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import uuid4

from sauda_contracts import (
    Actor,
    ChangeOrderStatus,
    ChangeOrderStatusBody,
    OrderCommandRejected,
    Topic,
)
from sauda_contracts.templates import CodAction
from sauda_contracts.whatsapp import (
    InboundMessageReceived,
    OutboundKind,
    SendMessageBody,
    SendWhatsAppMessage,
    chat_key,
)
from sauda_conversation.adapters.store import TapCommand, first_time, remember_tap, taps_by_command
from sauda_conversation.domain import cod_tap, command_id_for, reply_to_refused_tap
from sauda_runtime.db import Conn
from sauda_runtime.logging import get_logger
from sauda_runtime.outbox import add_to_outbox

log = get_logger(__name__)


async def handle_inbound(conn: Conn, messages: Sequence[InboundMessageReceived]) -> int:
    """Turn COD taps into ChangeOrderStatus commands (actor `customer`). Returns commands sent."""
    rows: list[tuple[str, bytes, bytes]] = []
    for message in messages:
        body = message.body
        tap = cod_tap(body)
        if tap is None:
            log.info("inbound_not_acted_on", kind=body.kind, correlation_id=message.correlation_id)
            continue
        if not await first_time(conn, message.business_id, body.wamid):
            continue  # redelivered: its command is already on its way
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
        rows.append((Topic.ORDERS_COMMANDS, str(tap.order_id).encode(), command.to_bytes()))
        log.info("cod_tap", action=tap.action.value, order_id=str(tap.order_id),
                 correlation_id=message.correlation_id)  # fmt: skip
    await add_to_outbox(conn, rows)
    return len(rows)


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
