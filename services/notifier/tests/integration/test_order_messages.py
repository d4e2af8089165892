"""Order events in, Graph API requests and message log / notices out (real Postgres, a real
HTTP fake of Meta on loopback; handlers called directly)."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import orjson

from sauda_contracts import (
    Fulfillment,
    OrderStatus,
    Topic,
)
from sauda_contracts.templates import CodAction, cod_payload
from sauda_contracts.testing import status_changed
from sauda_contracts.whatsapp import (
    ContactOptOutChanged,
    OptOutBody,
    OutboundKind,
    ReplyButton,
    SendMessageBody,
    SendWhatsAppMessage,
    parse_notifier_event,
)
from sauda_notifier.handlers.outbound import handle_outbound_batch
from sauda_notifier.handlers.reminders import queue_due_reminders
from sauda_notifier.handlers.sending import send_all

from .flows import handle, notices, place


async def send_due_reminders(world: Any) -> None:
    await send_all(
        await queue_due_reminders(**world.n.deps(queue_due_reminders)), **world.n.deps(send_all)
    )


async def test_order_placed_sends_one_cod_template_with_confirm_and_cancel(
    world: Any, make_order: Any
) -> None:
    placed = await place(world, make_order)

    [send] = world.graph.sends
    assert send.auth == "Bearer test-token"
    assert send.path == f"/v21.0/pn{world.business_id.hex[:10]}/messages"
    template = send.body["template"]
    assert template["name"] == "sauda_cod_confirmation"
    assert template["language"] == {"code": "en"}
    body, confirm, cancel = template["components"]
    assert [p["text"] for p in body["parameters"]] == [
        "Ayesha",
        "ORD-000042",
        "Chai Wala",
        "2 x Widget Pro, 1 x Cable",
        "PKR 3,000",
    ]
    order_id = placed.body.order_id
    assert confirm["parameters"][0]["payload"] == cod_payload(
        CodAction.CONFIRM, order_id, "ORD-000042"
    )
    assert cancel["parameters"][0]["payload"] == cod_payload(
        CodAction.CANCEL, order_id, "ORD-000042"
    )

    [row] = await world.messages()
    assert (row["status"], row["state"], row["attempts"]) == ("sent", "done", 1)
    assert row["wamid"].startswith("wamid.FAKE")
    assert send.body["biz_opaque_callback_data"] == str(row["message_id"])
    assert [h["status"] for h in row["history"]] == ["queued", "sent"]
    recorded = [
        parse_notifier_event(r["value"])
        for r in await world.outbox(Topic.NOTIFIER_EVENTS)
        if b"MessageRecorded" in r["value"]
    ]
    assert [(e.body.revision, e.body.status) for e in recorded] == [(1, "queued"), (2, "sent")]
    assert all(e.causation_id == str(placed.event_id) for e in recorded[:1])
    assert all(e.correlation_id == placed.correlation_id for e in recorded)
    assert [n.body.kind for n in await notices(world)] == ["new_order"]
    reminder = await world.pool.fetchrow("SELECT * FROM reminders WHERE order_id = $1", order_id)
    assert reminder["state"] == "scheduled"


async def test_a_redelivered_or_replayed_order_event_sends_nothing_more(
    world: Any, make_order: Any
) -> None:
    placed = await place(world, make_order)
    await handle(world, placed)  # the same record again (redelivery)
    replayed = placed.model_copy(update={"event_id": uuid4()})  # same order, new event id
    await handle(world, replayed)
    assert len(world.graph.sends) == 1
    assert len(await world.messages()) == 1
    assert len(await notices(world)) == 1


async def test_an_order_event_too_old_when_first_seen_sends_nothing_but_is_remembered(
    world: Any, make_order: Any
) -> None:
    """A backlog or a replay from offset 0 must not message last week's shoppers."""
    await world.connect()
    placed = make_order(world.business_id)
    old = placed.model_copy(update={"occurred_at": datetime.now(UTC) - timedelta(days=2)})
    await handle(world, old)
    assert world.graph.sends == []
    assert await world.messages() == []
    assert await notices(world) == []
    # Remembered all the same: a fresh status change of that order is announced.
    await handle(world, status_changed(placed, OrderStatus.SHIPPED, version=3))
    [send] = world.graph.sends
    assert send.body["template"]["name"] == "sauda_order_shipped"


async def test_admin_gets_a_message_and_the_merchant_a_notice_for_every_new_order(
    world: Any, make_order: Any
) -> None:
    await world.connect(admin_phone="+92 300 0000001")
    await handle(world, make_order(world.business_id, consent=False, name="Bilal"))
    [send] = world.graph.sends
    assert send.body["to"] == "923000000001"
    assert send.body["template"]["name"] == "sauda_admin_new_order"
    kinds = sorted(n.body.kind for n in await notices(world))
    assert kinds == ["new_order", "no_consent"]
    [new_order] = [n for n in await notices(world) if n.body.kind == "new_order"]
    assert "ORD-000042" in new_order.body.message and "Bilal" in new_order.body.message
    assert "PKR 3,000" in new_order.body.message


async def test_without_consent_no_message_but_a_notice(world: Any, make_order: Any) -> None:
    placed = await place(world, make_order, consent=False)
    assert world.graph.sends == []
    assert await world.messages() == []
    [_, no_consent] = await notices(world)
    assert no_consent.body.kind == "no_consent"
    assert no_consent.body.order_id == placed.body.order_id
    assert no_consent.body.order_number == "ORD-000042"


async def test_without_a_connected_account_a_notice_once_per_order(
    world: Any, make_order: Any
) -> None:
    placed = make_order(world.business_id)
    await handle(world, placed)
    await handle(world, placed.model_copy(update={"event_id": uuid4()}))
    assert world.graph.sends == []
    kinds = [n.body.kind for n in await notices(world)]
    assert kinds == ["new_order", "whatsapp_not_connected"]


async def test_status_notifications_follow_the_order_in_the_customers_language(
    world: Any, make_order: Any
) -> None:
    await world.connect(language="ur")
    placed = make_order(world.business_id)  # no language on the order: the business's default
    await handle(world, placed)
    await handle(world, status_changed(placed, OrderStatus.CONFIRMED, version=2))
    shipped = status_changed(
        placed,
        OrderStatus.SHIPPED,
        version=3,
        fulfillment=Fulfillment(tracking_url="https://track.example/TCS1"),
    )
    await handle(world, shipped)
    names = [s.body["template"]["name"] for s in world.graph.sends]
    assert names == ["sauda_cod_confirmation", "sauda_order_confirmed", "sauda_order_shipped"]
    assert {s.body["template"]["language"]["code"] for s in world.graph.sends} == {"ur"}
    tracking = world.graph.sends[2].body["template"]["components"][0]["parameters"][2]["text"]
    assert tracking == "https://track.example/TCS1"
    order = await world.pool.fetchrow("SELECT status, version FROM orders")
    assert (order["status"], order["version"]) == ("shipped", 3)
    reminder = await world.pool.fetchval("SELECT state FROM reminders")
    assert reminder == "cancelled"


async def test_an_unapproved_template_is_skipped_with_a_notice_and_the_status_still_counts(
    world: Any, make_order: Any
) -> None:
    await world.connect()
    world.graph.set_template("sauda_order_cancelled", "en", "PENDING")
    placed = make_order(world.business_id)
    await handle(world, placed)
    cancelled = status_changed(placed, OrderStatus.CANCELLED, version=2, reason="Out of stock")
    await handle(world, cancelled)
    assert [s.body["template"]["name"] for s in world.graph.sends] == ["sauda_cod_confirmation"]
    skipped = [m for m in await world.messages() if m["purpose"] == "order_cancelled"]
    assert [m["status"] for m in skipped] == ["skipped"]
    [notice] = [n for n in await notices(world) if n.body.kind == "template_not_approved"]
    assert notice.body.details["template"] == "sauda_order_cancelled"
    assert notice.body.details["language"] == "en"
    assert notice.body.order_id == placed.body.order_id
    assert await world.pool.fetchval("SELECT status FROM orders") == "cancelled"


async def test_the_reminder_goes_once_after_the_delay_and_never_twice(
    world: Any, make_order: Any
) -> None:
    await place(world, make_order)
    assert await queue_due_reminders(**world.n.deps(queue_due_reminders)) == []  # not due yet
    world.clock.advance(3601)
    await send_due_reminders(world)
    await send_due_reminders(world)
    world.clock.advance(7200)
    await send_due_reminders(world)
    names = [s.body["template"]["name"] for s in world.graph.sends]
    assert names == ["sauda_cod_confirmation", "sauda_cod_reminder"]
    reminder = world.graph.sends[1].body["template"]["components"]
    assert [c["type"] for c in reminder] == ["body", "button", "button"]
    assert reminder[1]["parameters"][0]["payload"].startswith("cod:confirm:")


async def test_no_reminder_once_the_order_moved_on(world: Any, make_order: Any) -> None:
    placed = await place(world, make_order)
    await handle(world, status_changed(placed, OrderStatus.CONFIRMED, version=2))
    world.clock.advance(3601)
    assert await queue_due_reminders(**world.n.deps(queue_due_reminders)) == []
    names = [s.body["template"]["name"] for s in world.graph.sends]
    assert names == ["sauda_cod_confirmation", "sauda_order_confirmed"]


async def test_an_opted_out_customer_gets_no_reminder(world: Any, make_order: Any) -> None:
    await place(world, make_order)
    await world.pool.execute("UPDATE contacts SET opted_out = true")
    world.clock.advance(3601)
    assert await queue_due_reminders(**world.n.deps(queue_due_reminders)) == []
    [reminder] = [m for m in await world.messages() if m["purpose"] == "cod_reminder"]
    assert reminder["status"] == "skipped"
    assert "opted_out" in [n.body.kind for n in await notices(world)]
    assert len(world.graph.sends) == 1


def opt_out(world: Any, phone: str, opted_out: bool) -> ContactOptOutChanged:
    return ContactOptOutChanged(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=world.business_id,
        correlation_id="chat-stop",
        body=OptOutBody(customer_phone=phone, opted_out=opted_out, wamid=f"wamid.{uuid4().hex}",
                        at=datetime.now(UTC)),
    )  # fmt: skip


async def test_stop_holds_back_reminders_and_start_brings_them_back(
    world: Any, make_order: Any
) -> None:
    await world.connect()
    stopped = make_order(world.business_id)
    phone = stopped.body.customer.phone
    await handle_outbound_batch(
        [opt_out(world, phone, True)], **world.n.deps(handle_outbound_batch)
    )
    await handle(world, stopped)
    world.clock.advance(3601)
    assert await queue_due_reminders(**world.n.deps(queue_due_reminders)) == []
    await handle_outbound_batch(
        [opt_out(world, phone, False)], **world.n.deps(handle_outbound_batch)
    )
    await handle(world, make_order(world.business_id))
    world.clock.advance(3601)
    await send_due_reminders(world)
    names = [s.body["template"]["name"] for s in world.graph.sends]
    assert names == ["sauda_cod_confirmation", "sauda_cod_confirmation", "sauda_cod_reminder"]


async def test_a_batch_of_chat_replies_is_sent_in_order_once_each(world: Any) -> None:
    await world.connect()

    def reply(text: str, key: str) -> SendWhatsAppMessage:
        return SendWhatsAppMessage(
            event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=world.business_id,
            correlation_id="chat-2",
            body=SendMessageBody(message_key=key, customer_phone="923001234567",
                                 kind=OutboundKind.TEXT, text=text),
        )  # fmt: skip

    first, second = reply("Delivery takes 2 days.", "chat:w1:0"), reply("Which one?", "chat:w1:1")
    stop = opt_out(world, "923001234567", True)
    batch = [first, stop, second, first, stop]  # the last two: redelivered in the same batch
    await send_all(
        await handle_outbound_batch(batch, **world.n.deps(handle_outbound_batch)),
        **world.n.deps(send_all),
    )
    await send_all(
        await handle_outbound_batch([second], **world.n.deps(handle_outbound_batch)),
        **world.n.deps(send_all),
    )  # and later
    assert [s.body["text"]["body"] for s in world.graph.sends] == [
        "Delivery takes 2 days.",
        "Which one?",
    ]
    opted = await world.pool.fetchval("SELECT opted_out FROM contacts WHERE phone = '923001234567'")
    assert opted is True


async def test_free_form_messages_are_sent_once_per_message_key(world: Any) -> None:
    await world.connect()
    command = SendWhatsAppMessage(
        event_id=uuid4(),
        occurred_at=datetime.now(UTC),
        business_id=world.business_id,
        correlation_id="chat-1",
        body=SendMessageBody(
            message_key="cart-7:checkout",
            customer_phone="923001234567",
            kind=OutboundKind.BUTTONS,
            text="Checkout now?",
            buttons=(ReplyButton(id="yes", title="Yes"), ReplyButton(id="no", title="No")),
        ),
    )
    await send_all(
        await handle_outbound_batch([command], **world.n.deps(handle_outbound_batch)),
        **world.n.deps(send_all),
    )
    again = command.model_copy(update={"event_id": uuid4()})
    await send_all(
        await handle_outbound_batch([again], **world.n.deps(handle_outbound_batch)),
        **world.n.deps(send_all),
    )
    [send] = world.graph.sends
    assert send.body["type"] == "interactive"
    assert send.body["interactive"]["action"]["buttons"][0]["reply"] == {
        "id": "yes",
        "title": "Yes",
    }
    [row] = await world.messages()
    assert (row["purpose"], row["kind"], row["status"]) == ("chat", "buttons", "sent")
    assert orjson.loads(orjson.dumps(row["request"]))["to"] == "923001234567"
