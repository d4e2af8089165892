"""Meta's webhook payloads (the fact sheet's shapes) read into Sauda's contracts."""

import hashlib
import hmac

import orjson
import pytest

from sauda_contracts.whatsapp import InboundKind
from sauda_gateway.integrations.meta.webhook import MetaWebhook, read_webhook, signature_ok

SECRET = "app-secret"


def envelope(value: dict, field: str = "messages") -> MetaWebhook:
    return MetaWebhook.model_validate(
        {"object": "whatsapp_business_account",
         "entry": [{"id": "WABA1", "changes": [{"field": field, "value": value}]}]}
    )  # fmt: skip


def messages(*items: dict) -> MetaWebhook:
    return envelope({
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "1065"},
        "contacts": [{"profile": {"name": "Sheena"}, "wa_id": "16505551234"}],
        "messages": list(items),
    })  # fmt: skip


def test_signature_is_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    good = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert signature_ok(SECRET, body, good)
    assert not signature_ok(SECRET, body + b" ", good)  # re-serialised JSON would not match
    assert not signature_ok("other", body, good)
    assert not signature_ok(SECRET, body, None)
    assert not signature_ok(SECRET, body, good.removeprefix("sha256="))
    assert not signature_ok("", body, good)  # no secret configured: nothing is trusted


BASE = {"from": "16505551234", "id": "wamid.IN1", "timestamp": "1749416383"}


@pytest.mark.parametrize(
    ("message", "kind", "text", "reply_id"),
    [
        ({**BASE, "type": "text", "text": {"body": "Does it come in blue?"}},
         InboundKind.TEXT, "Does it come in blue?", None),
        ({**BASE, "type": "button", "context": {"from": "15550783881", "id": "wamid.T"},
          "button": {"text": "Confirm", "payload": "cod:confirm:x:ORD-1"}},
         InboundKind.BUTTON, "Confirm", "cod:confirm:x:ORD-1"),
        ({**BASE, "type": "interactive",
          "interactive": {"type": "button_reply", "button_reply": {"id": "slot_am", "title": "Morning"}}},
         InboundKind.BUTTON_REPLY, "Morning", "slot_am"),
        ({**BASE, "type": "interactive",
          "interactive": {"type": "list_reply", "list_reply": {"id": "track", "title": "Track order"}}},
         InboundKind.LIST_REPLY, "Track order", "track"),
        ({**BASE, "type": "unsupported", "errors": [{"code": 131051}]}, InboundKind.OTHER, None, None),
    ],
)  # fmt: skip
def test_inbound_variants(
    message: dict, kind: InboundKind, text: str | None, reply_id: str | None
) -> None:
    received = read_webhook(messages(message))
    [inbound] = received.inbound
    assert (inbound.kind, inbound.text, inbound.reply_id) == (kind, text, reply_id)
    assert inbound.customer_phone == "16505551234"
    assert inbound.profile_name == "Sheena"
    assert inbound.sent_at.timestamp() == 1749416383
    assert inbound.phone_number_id == "1065"


def test_statuses_keep_errors_and_our_callback_data() -> None:
    received = read_webhook(envelope({
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "1065"},
        "statuses": [
            {"id": "wamid.OUT", "status": "delivered", "timestamp": "1749416400",
             "recipient_id": "16505551234", "biz_opaque_callback_data": "msg-1"},
            {"id": "wamid.OUT2", "status": "failed", "timestamp": "1749416400",
             "recipient_id": "16505551234",
             "errors": [{"code": 131047, "title": "Re-engagement message",
                         "error_data": {"details": "More than 24 hours"}}]},
            {"id": "wamid.OUT3", "status": "deleted", "timestamp": "1", "recipient_id": "16505551234"},
        ],
    }))  # fmt: skip
    delivered, failed = received.statuses
    assert delivered.status == "delivered" and delivered.callback_data == "msg-1"
    assert failed.errors[0].code == 131047 and failed.errors[0].details == "More than 24 hours"


def test_template_review_results() -> None:
    received = read_webhook(envelope(
        {"event": "APPROVED", "message_template_id": 1, "message_template_name": "sauda_cod_confirmation",
         "message_template_language": "en", "reason": None},
        field="message_template_status_update",
    ))  # fmt: skip
    [review] = received.templates
    assert (review.waba_id, review.name, review.language, review.status) == (
        "WABA1", "sauda_cod_confirmation", "en", "APPROVED")  # fmt: skip


def test_unreadable_items_are_counted_not_fatal() -> None:
    received = read_webhook(
        messages({"type": "text", "from": "1650"}, {**BASE, "type": "text", "text": {"body": "hi"}})
    )
    assert received.skipped == 1 and len(received.inbound) == 1
    assert orjson.dumps(received.inbound[0].model_dump(mode="json"))


def test_a_webhook_carrying_several_changes_yields_them_all_in_order() -> None:
    metadata = {"display_phone_number": "15550783881", "phone_number_id": "1065"}
    payload = MetaWebhook.model_validate({
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA1", "changes": [
            {"field": "messages", "value": {"metadata": metadata, "statuses": [
                {"id": "wamid.A", "status": "sent", "timestamp": "1", "recipient_id": "16505551234"}]}},
            {"field": "messages", "value": {"metadata": metadata, "statuses": [
                {"id": "wamid.A", "status": "delivered", "timestamp": "2", "recipient_id": "16505551234"}]}},
            {"field": "messages", "value": {"metadata": metadata, "messages": [
                {**BASE, "type": "text", "text": {"body": "ok"}}]}},
        ]}],
    })  # fmt: skip
    received = read_webhook(payload)
    assert [s.status for s in received.statuses] == ["sent", "delivered"]
    assert [m.text for m in received.inbound] == ["ok"]
