"""The view's consumers, through the runtime's consumer kit: order events and rejections into the
view and the command outcomes; the notifier's events, inbound chats and webhook deliveries into
the message log, notices, templates and delivery log; shoppers who write in, and their opt-outs
(the conversation's ContactOptOutChanged on whatsapp.outbound.v1), into the subscriber CRM.

Neither claims `(consumer, event_id)` (`claim=False`): each write is idempotent by the record's
own order instead, so a replay from offset 0 rebuilds the same rows. Order events apply only to
the version before them (`(order_id, version)`); messages, templates and deliveries keep their
newest revision; outcomes, notices and inbound messages are inserted once by their ids; carts are
recovered only while still open.
"""

from collections.abc import Callable, Sequence
from typing import TypeAlias, TypeVar
from uuid import UUID

from sauda_contracts import (
    AnyOrderEvent,
    OrderCommandRejected,
    OrderPlaced,
    Topic,
    parse_order_event,
    parse_order_rejection,
)
from sauda_contracts.broadcasts import BroadcastRecorded
from sauda_contracts.handover import ChatHandedOver
from sauda_contracts.media import MediaUploaded
from sauda_contracts.message_templates import TemplateRecorded
from sauda_contracts.sequences import SequenceEnrolmentRecorded
from sauda_contracts.template_admin import TemplateRequestRecorded
from sauda_contracts.webhooks import (
    DeliveryRecorded,
    EndpointDeactivated,
    parse_webhook_log_event,
)
from sauda_contracts.whatsapp import (
    ContactOptOutChanged,
    InboundMessageReceived,
    MessageRecorded,
    NoticeRaised,
    parse_inbound_record,
    parse_notifier_event,
    parse_outbound_command,
)
from sauda_gateway import clock
from sauda_gateway.analytics.fold import fold_order_facts
from sauda_gateway.bot.store import record_taps
from sauda_gateway.broadcasts.store import record_broadcasts
from sauda_gateway.carts.store import recover_carts
from sauda_gateway.handover.store import record_handovers
from sauda_gateway.media.store import record_uploads, upload_notes
from sauda_gateway.sequences.store import record_enrolments
from sauda_gateway.subscribers.fold import (
    record_opt_outs,
    record_order_customers,
    record_subscribers,
)
from sauda_gateway.templates.fold import record_templates
from sauda_gateway.templates.requests import record_template_requests
from sauda_gateway.view.folds import (
    ViewWriter,
    live_notes,
    notice_note,
    notify,
    record_deactivations,
    record_deliveries,
    record_inbound,
    record_messages,
    record_notices,
    record_outcomes,
    send_notes,
)
from sauda_runtime.kit import ConsumerKit, Transaction
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

TOPICS = (Topic.ORDERS_EVENTS, Topic.ORDERS_REJECTIONS)
MESSAGE_TOPICS = (Topic.NOTIFIER_EVENTS, Topic.WHATSAPP_INBOUND, Topic.WEBHOOKS_EVENTS,
                  Topic.WHATSAPP_OUTBOUND)  # fmt: skip

OrderRecord: TypeAlias = AnyOrderEvent | OrderCommandRejected


def subscribe_view(kit: ConsumerKit, *, order_group: str, message_group: str,
                   channel: str, live: str, sends: str = "") -> None:  # fmt: skip
    """Bind the view's two consumers to their topics; `channel` wakes requests waiting for a
    command's outcome, `live` tells every gateway's live stream what changed, `sends` wakes
    requests waiting for the notifier's record of a merchant's send."""
    writer = ViewWriter()

    async def on_orders(items: Sequence[OrderRecord], tx: Transaction) -> list[AnyOrderEvent]:
        return await on_order_stream(items, tx, writer=writer, channel=channel, live=live)

    async def on_messages(items: Sequence[object], tx: Transaction) -> None:
        await on_message_stream(items, tx, live=live, sends=sends)

    kit.subscribe(
        TOPICS,
        group_id=order_group,
        consumer="gateway-view",
        parse={Topic.ORDERS_EVENTS: parse_order_event,
               Topic.ORDERS_REJECTIONS: parse_order_rejection},
        handle=on_orders,
        after=logged,
        claim=False,
    )  # fmt: skip
    kit.subscribe(
        MESSAGE_TOPICS,
        group_id=message_group,
        consumer="gateway-messages",
        parse={Topic.NOTIFIER_EVENTS: parse_notifier_event,
               Topic.WHATSAPP_INBOUND: parse_inbound_record,
               Topic.WEBHOOKS_EVENTS: parse_webhook_log_event,
               Topic.WHATSAPP_OUTBOUND: parse_outbound_command},
        handle=on_messages,
        claim=False,
    )  # fmt: skip


async def on_order_stream(
    items: Sequence[OrderRecord], tx: Transaction, *, writer: ViewWriter, channel: str, live: str
) -> list[AnyOrderEvent]:
    """Fold a batch into the view, record the outcomes, tell the live streams and recover
    carts, in one transaction."""
    events = [i for i in items if not isinstance(i, OrderCommandRejected)]
    rejections = [i for i in items if isinstance(i, OrderCommandRejected)]
    await writer.apply(tx.conn, events)
    await fold_order_facts(tx.conn, events)
    await record_outcomes(tx.conn, events, rejections, channel)
    await notify(tx.conn, live, live_notes(events))
    placed = [e for e in events if isinstance(e, OrderPlaced)]
    await record_order_customers(tx.conn, placed)
    if placed:
        await recover_carts(tx, placed, clock.now())
    return events


async def logged(events: list[AnyOrderEvent]) -> None:
    for e in events:
        log.info("order_view_updated", order_id=str(e.body.order_id),
                 correlation_id=e.correlation_id, event_type=e.type, version=e.body.version)  # fmt: skip


async def on_message_stream(
    items: Sequence[object], tx: Transaction, *, live: str, sends: str = ""
) -> None:
    """The merchant's message log, notices, templates and delivery log, in one transaction;
    the live streams are told of the notices and templates, and requests waiting on a
    merchant's send of its record."""
    messages = newest_snapshots([i for i in items if isinstance(i, MessageRecorded)],
                       lambda m: m.body.message_id)  # fmt: skip
    deliveries = [i for i in items if isinstance(i, DeliveryRecorded)]
    notices = [i for i in items if isinstance(i, NoticeRaised)]
    await record_messages(tx.conn, messages)
    if sends:
        await notify(tx.conn, sends, send_notes(messages))
    await record_notices(tx.conn, notices)
    await record_templates(tx.conn, [i for i in items if isinstance(i, TemplateRecorded)], live)
    await record_broadcasts(tx.conn, [i for i in items if isinstance(i, BroadcastRecorded)])
    await record_enrolments(tx.conn, _newest_enrolments(items))
    uploads = [i for i in items if isinstance(i, MediaUploaded)]
    await record_uploads(tx.conn, uploads)
    if sends:
        await notify(tx.conn, sends, upload_notes(uploads))
    await record_template_requests(
        tx.conn, [i for i in items if isinstance(i, TemplateRequestRecorded)]
    )
    inbound = [i for i in items if isinstance(i, InboundMessageReceived)]
    await record_inbound(tx.conn, inbound)
    await record_taps(tx.conn, inbound)
    await record_subscribers(tx.conn, inbound)
    await record_opt_outs(tx.conn, [i for i in items if isinstance(i, ContactOptOutChanged)])
    await record_handovers(tx.conn, [i for i in items if isinstance(i, ChatHandedOver)])
    await record_deliveries(tx.conn, newest_snapshots(deliveries, lambda d: d.body.delivery_id))
    off = [i for i in items if isinstance(i, EndpointDeactivated)]
    raised = await record_deactivations(tx.conn, off)
    await notify(tx.conn, live, [notice_note(n.business_id, n.body.notice_id) for n in notices]
                 + [notice_note(d.business_id, d.event_id) for d in raised])  # fmt: skip


def _newest_enrolments(items: Sequence[object]) -> list[SequenceEnrolmentRecorded]:
    latest: dict[UUID, SequenceEnrolmentRecorded] = {}
    for s in (i for i in items if isinstance(i, SequenceEnrolmentRecorded)):
        kept = latest.get(s.body.enrolment_id)
        if kept is None or kept.body.revision < s.body.revision:
            latest[s.body.enrolment_id] = s
    return list(latest.values())


Snapshot = TypeVar("Snapshot", MessageRecorded, DeliveryRecorded)


def newest_snapshots(snapshots: list[Snapshot], key: Callable[[Snapshot], UUID]) -> list[Snapshot]:
    """One batch may hold several revisions of one message or delivery: keep the newest."""
    latest: dict[UUID, Snapshot] = {}
    for s in snapshots:
        kept = latest.get(key(s))
        if kept is None or kept.body.revision < s.body.revision:
            latest[key(s)] = s
    return list(latest.values())
