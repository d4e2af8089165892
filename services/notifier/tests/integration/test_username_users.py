"""A username user's chat order (Meta's user id, no phone) through the notifier (real Postgres,
a real HTTP fake of Meta on loopback): the COD template and chat replies go to Meta's
`recipient`, receipts naming the user id move the message log, and STOP holds back reminders."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sauda_contracts.whatsapp import (
    ContactOptOutChanged,
    GraphError,
    MessageStatusReported,
    OptOutBody,
    OutboundKind,
    SendMessageBody,
    SendWhatsAppMessage,
    StatusReportBody,
)
from sauda_notifier.handlers.outbound import handle_outbound_batch
from sauda_notifier.handlers.receipts import handle_status_report
from sauda_notifier.handlers.reminders import queue_due_reminders
from sauda_notifier.handlers.sending import send_all

from .flows import handle, notices, place, snapshots

USER = "US.13491208655302741918"


def receipt(world: Any, wamid: str, status: str, **errors: Any) -> MessageStatusReported:
    """Meta's receipt of a message sent to the user id: `recipient_user_id`, no `recipient_id`."""
    return MessageStatusReported(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=world.business_id,
        correlation_id="meta-webhook",
        body=StatusReportBody(phone_number_id=f"pn{world.business_id.hex[:10]}",
                              customer_user_id=USER, wamid=wamid, status=status,
                              at=datetime.now(UTC), **errors),
    )  # fmt: skip


async def test_the_cod_template_goes_to_the_user_id_and_the_log_names_it(
    world: Any, make_order: Any
) -> None:
    placed = await place(world, make_order, phone=None, whatsapp_user_id=USER)
    [send] = world.graph.sends
    assert send.body["recipient"] == USER and "to" not in send.body
    assert send.body["template"]["name"] == "sauda_cod_confirmation"
    [row] = await world.messages()
    assert (row["customer_phone"], row["status"]) == (USER, "sent")
    [queued, sent] = await snapshots(world)
    assert {(s.body.customer_phone, s.body.customer_user_id) for s in (queued, sent)} == {
        (None, USER)
    }
    [new_order] = await notices(world)
    assert (new_order.body.kind, new_order.body.customer_user_id) == ("new_order", USER)
    assert new_order.body.order_id == placed.body.order_id
    chat_records = [r for r in await world.outbox()
                    if b'"MessageRecorded"' in r["value"] or b'"NoticeRaised"' in r["value"]]  # fmt: skip
    assert {bytes(r["key"]) for r in chat_records} == {f"{world.business_id}:{USER}".encode()}


async def test_receipts_naming_the_user_id_move_the_message_log(
    world: Any, make_order: Any
) -> None:
    await place(world, make_order, phone=None, whatsapp_user_id=USER)
    [row] = await world.messages()
    for status in ("delivered", "read"):
        await handle_status_report(
            receipt(world, row["wamid"], status), **world.n.deps(handle_status_report)
        )
    [row] = await world.messages()
    assert [h["status"] for h in row["history"]] == ["queued", "sent", "delivered", "read"]
    assert (await snapshots(world))[-1].body.customer_user_id == USER


async def test_a_failed_receipt_carries_metas_code_to_the_merchants_notice(
    world: Any, make_order: Any
) -> None:
    await place(world, make_order, phone=None, whatsapp_user_id=USER)
    [row] = await world.messages()
    error = GraphError(code=131026, title="Message undeliverable")
    await handle_status_report(
        receipt(world, row["wamid"], "failed", errors=(error,)),
        **world.n.deps(handle_status_report),
    )
    [row] = await world.messages()
    assert (row["status"], row["error"]["code"]) == ("failed", 131026)
    [failed] = [n for n in await notices(world) if n.body.kind == "message_failed"]
    assert (failed.body.customer_phone, failed.body.customer_user_id) == (None, USER)
    assert failed.body.details["code"] == "131026"


async def test_a_chat_reply_goes_to_the_user_id(world: Any) -> None:
    await world.connect()
    reply = SendWhatsAppMessage(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=world.business_id,
        correlation_id="chat-1",
        body=SendMessageBody(message_key="chat:w1:0", customer_user_id=USER,
                             kind=OutboundKind.TEXT, text="Which one?"),
    )  # fmt: skip
    await send_all(
        await handle_outbound_batch([reply], **world.n.deps(handle_outbound_batch)),
        **world.n.deps(send_all),
    )
    [send] = world.graph.sends
    assert (send.body["recipient"], send.body["text"]["body"]) == (USER, "Which one?")
    assert "to" not in send.body


async def test_a_username_users_stop_holds_back_their_reminder(world: Any, make_order: Any) -> None:
    await world.connect()
    stop = ContactOptOutChanged(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=world.business_id,
        correlation_id="meta-preferences",
        body=OptOutBody(customer_user_id=USER, opted_out=True, wamid=None, at=datetime.now(UTC)),
    )  # fmt: skip
    await handle_outbound_batch([stop], **world.n.deps(handle_outbound_batch))
    await handle(world, make_order(world.business_id, phone=None, whatsapp_user_id=USER))
    await handle(world, make_order(world.business_id, number="ORD-000043"))  # a phone shopper's
    world.clock.advance(3601)
    await send_all(
        await queue_due_reminders(**world.n.deps(queue_due_reminders)), **world.n.deps(send_all)
    )
    reminders = {m["customer_phone"]: m["status"] for m in await world.messages()
                 if m["purpose"] == "cod_reminder"}  # fmt: skip
    assert reminders == {USER: "skipped", "923001234567": "sent"}
