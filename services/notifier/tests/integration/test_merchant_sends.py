"""A merchant's sends through the notifier on a real Postgres, Meta a fake Graph API on loopback:
each new kind reaches Meta once in Meta's shape; templates go through the template book (an id
resolved, an unapproved one or marketing after STOP skipped with a reason and a notice); a
free-form message Meta refuses outside the window (131047) ends failed with Meta's code."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sauda_contracts.whatsapp import (
    ContactOptOutChanged,
    OptOutBody,
    SendMessageBody,
    SendWhatsAppMessage,
    parse_notifier_event,
)
from sauda_notifier.handlers.outbound import handle_outbound_batch
from sauda_notifier.handlers.sending import send_all

from .flows import snapshots

PHONE = "923001234567"


def merchant_send(world: Any, **fields: Any) -> SendWhatsAppMessage:
    body = SendMessageBody.model_validate(
        {"message_key": f"api:{uuid4().hex}", "customer_phone": PHONE, "merchant": True} | fields
    )
    return SendWhatsAppMessage(event_id=uuid4(), occurred_at=datetime.now(UTC),
                               business_id=world.business_id, correlation_id="api-1", body=body)  # fmt: skip


async def run(world: Any, *commands: Any) -> None:
    """The outbound consumer's batch, then its sends, as the kit would run them."""
    queued = await handle_outbound_batch(list(commands), **world.n.deps(handle_outbound_batch))
    await send_all(queued, **world.n.deps(send_all))


async def notices(world: Any) -> list[Any]:
    events = [parse_notifier_event(r["value"]) for r in await world.outbox()]
    return [e.body for e in events if e.type == "NoticeRaised"]


async def test_each_media_type_and_a_headed_buttons_message_reach_meta_once(world: Any) -> None:
    await world.connect()
    files = {
        "image": {"link": "https://cdn.shop.pk/lawn.png", "caption": "New lawn"},
        "document": {"id": "4410", "filename": "invoice.pdf"},
        "audio": {"link": "https://cdn.shop.pk/voice.ogg"},
        "video": {"id": "4411", "caption": "How to wear it"},
        "sticker": {"link": "https://cdn.shop.pk/thanks.webp"},
    }
    sends = [merchant_send(world, kind="media", media={"type": kind, **file})
             for kind, file in files.items()]  # fmt: skip
    headed = merchant_send(
        world, kind="buttons", text="Shall we ship it?", footer="Chai Wala",
        buttons=[{"id": "ship", "title": "Ship it"}, {"id": "wait", "title": "Wait"}],
        header_media={"type": "video", "link": "https://cdn.shop.pk/unbox.mp4"},
    )  # fmt: skip
    await run(world, *sends, headed, sends[0])  # the first one again: redelivered
    await run(world, sends[1])  # and later

    bodies = [s.body for s in world.graph.sends]
    assert [(b["type"], b.get(b["type"])) for b in bodies[:5]] == list(files.items())
    assert bodies[5]["interactive"]["header"] == {
        "type": "video", "video": {"link": "https://cdn.shop.pk/unbox.mp4"}}  # fmt: skip
    assert len(bodies) == 6
    rows = {r["kind"]: r for r in await world.messages()}
    assert set(rows) == {*files, "buttons"}
    assert {(r["purpose"], r["status"]) for r in rows.values()} == {("merchant", "sent")}
    assert rows["document"]["text"] == "[document] invoice.pdf"
    recorded = {s.body.kind for s in await snapshots(world) if s.body.status.value == "sent"}
    assert recorded == {*files, "buttons"}


async def test_templates_go_by_name_or_by_the_id_the_book_resolves(world: Any) -> None:
    await world.connect()
    world.graph.set_template("eid_sale", "en_US", "APPROVED")
    template_id = world.graph.templates[("eid_sale", "en_US")]["id"]
    by_name = merchant_send(world, kind="template", template={
        "name": "eid_sale", "language": "en_US", "body": ["Ayesha", "20%"],
        "buttons": [{"index": 0, "value": "SHOP_NOW"}]})  # fmt: skip
    by_id = merchant_send(world, kind="template", template={"template_id": template_id,
                                                            "body": ["Bilal", "10%"]})  # fmt: skip
    await run(world, by_name, by_id)

    sent = [s.body["template"] for s in world.graph.sends]
    assert [(t["name"], t["language"]["code"]) for t in sent] == [("eid_sale", "en_US")] * 2
    assert sent[1]["components"] == [
        {"type": "body", "parameters": [{"type": "text", "text": "Bilal"},
                                        {"type": "text", "text": "10%"}]}]  # fmt: skip
    assert sent[0]["components"][1]["parameters"] == [{"type": "payload", "payload": "SHOP_NOW"}]
    rows = await world.messages()
    assert {(r["template"], r["language"], r["status"]) for r in rows} == {
        ("eid_sale", "en_US", "sent")}  # fmt: skip
    assert {r["text"] for r in rows} == {"[template eid_sale (en_US)] Ayesha | 20%",
                                         "[template eid_sale (en_US)] Bilal | 10%"}  # fmt: skip


async def test_an_unapproved_or_unknown_template_is_skipped_with_why(world: Any) -> None:
    await world.connect()
    world.graph.set_template("eid_sale", "en_US", "PENDING")
    pending = merchant_send(world, kind="template",
                            template={"name": "eid_sale", "language": "en_US"})  # fmt: skip
    unknown = merchant_send(world, kind="template", template={"template_id": "999999"})
    await run(world, pending, unknown)

    assert world.graph.sends == []
    rows = {r["template"]: r for r in await world.messages()}
    assert rows["eid_sale"]["status"] == "skipped"
    assert rows["eid_sale"]["error"]["code"] == 132001
    assert "PENDING" in rows["eid_sale"]["error"]["title"]
    assert rows[None]["status"] == "skipped" and "999999" in rows[None]["error"]["title"]
    raised = await notices(world)
    assert [n.kind.value for n in raised] == ["template_not_approved"] * 2
    assert all(n.customer_phone == PHONE for n in raised)


async def test_a_marketing_template_is_not_sent_to_a_customer_who_wrote_stop(world: Any) -> None:
    await world.connect()
    world.graph.set_template("eid_sale", "en_US", "APPROVED")
    world.graph.templates[("eid_sale", "en_US")]["category"] = "MARKETING"
    world.graph.set_template("order_update", "en_US", "APPROVED")  # UTILITY
    stop = ContactOptOutChanged(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=world.business_id,
        correlation_id="chat-stop",
        body=OptOutBody(customer_phone=PHONE, opted_out=True, wamid="wamid.STOP",
                        at=datetime.now(UTC)),
    )  # fmt: skip
    marketing = merchant_send(world, kind="template",
                              template={"name": "eid_sale", "language": "en_US"})  # fmt: skip
    utility = merchant_send(world, kind="template",
                            template={"name": "order_update", "language": "en_US"})  # fmt: skip
    await run(world, stop, marketing, utility)

    assert [s.body["template"]["name"] for s in world.graph.sends] == ["order_update"]
    rows = {r["template"]: r for r in await world.messages()}
    assert rows["eid_sale"]["status"] == "skipped"
    assert rows["eid_sale"]["error"]["code"] == 131050
    assert [n.kind.value for n in await notices(world)] == ["opted_out"]


async def test_a_free_form_message_meta_refuses_outside_the_window_ends_failed(
    world: Any,
) -> None:
    await world.connect()
    world.graph.fail_next(1, status=400, code=131047)
    await run(world, merchant_send(world, kind="text", text="Your parcel left today"))

    [row] = await world.messages()
    assert (row["status"], row["error"]["code"], row["attempts"]) == ("failed", 131047, 1)
    assert len(world.graph.sends) == 1  # not retried: it cannot succeed until the shopper writes
    assert [n.kind.value for n in await notices(world)] == ["message_failed"]
