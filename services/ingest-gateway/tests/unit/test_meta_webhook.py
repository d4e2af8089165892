"""Meta's webhook payloads (every shape the fact sheet and other clients' suites show) read into
Sauda's contracts: leniently (unknown fields, ints for strings) and totally (nothing raises)."""

import hashlib
import hmac
from typing import Any

import pytest

from sauda_contracts.whatsapp import InboundKind
from sauda_gateway.integrations.meta.webhook import Received, read_webhook, signature_ok

SECRET = "app-secret"
NUMBER = {"display_phone_number": "15550783881", "phone_number_id": "1065"}
SHOPPER = {"profile": {"name": "Sheena"}, "wa_id": "16505551234"}


def envelope(value: dict[str, Any], field: str = "messages", **entry: Any) -> dict[str, Any]:
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "WABA1", **entry, "changes": [{"field": field, "value": value}]}]}  # fmt: skip


def messages(*items: dict[str, Any], contacts: list[Any] | None = None) -> Received:
    return read_webhook(envelope({
        "messaging_product": "whatsapp", "metadata": NUMBER,
        "contacts": [SHOPPER] if contacts is None else contacts, "messages": list(items),
    }))  # fmt: skip


def statuses(*items: dict[str, Any]) -> Received:
    return read_webhook(
        envelope({"messaging_product": "whatsapp", "metadata": NUMBER, "statuses": list(items)})
    )


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
    message: dict[str, Any], kind: InboundKind, text: str | None, reply_id: str | None
) -> None:
    [inbound] = messages(message).inbound
    assert (inbound.kind, inbound.text, inbound.reply_id) == (kind, text, reply_id)
    assert inbound.customer_phone == "16505551234"
    assert inbound.profile_name == "Sheena"
    assert inbound.sent_at.timestamp() == 1749416383
    assert inbound.phone_number_id == "1065"


def test_ints_where_strings_are_usual_and_unknown_fields_are_read_past() -> None:
    received = messages({
        "from": 16505551234, "id": "wamid.INT", "timestamp": 1669233778, "type": "button",
        "button": {"text": "No", "payload": 42},
        "context": {"from": "15550783881", "id": "wamid.OUT", "forwarded": True,
                    "referred_product": {"catalog_id": "C1", "product_retailer_id": "P1"}},
        "referral": {"source_url": "https://fb.example/ad", "source_type": "ad", "ctwa_clid": "x"},
        "something_new": {"nested": [1, 2]},
    }, contacts=[{"profile": {"name": "Sheena"}, "wa_id": 16505551234, "identity_key_hash": "h"}])  # fmt: skip
    [inbound] = received.inbound
    assert (inbound.customer_phone, inbound.reply_id, inbound.context_wamid) == (
        "16505551234", "42", "wamid.OUT")  # fmt: skip
    assert inbound.sent_at.timestamp() == 1669233778 and inbound.profile_name == "Sheena"
    assert received.unreadable == [] and received.ignored == []


@pytest.mark.parametrize(
    "message",
    [
        {"type": "image", "image": {"mime_type": "image/jpeg", "sha256": "h", "id": "65463453",
                                    "url": "https://lookaside.example/x"}},
        {"type": "audio", "audio": {"mime_type": "audio/ogg; codecs=opus", "id": "1", "voice": True}},
        {"type": "sticker", "sticker": {"mime_type": "image/webp", "id": "1", "animated": False}},
        {"type": "reaction", "reaction": {"message_id": "wamid.Y", "emoji": ""}},
        {"type": "location", "location": {"latitude": 12.25089, "longitude": 43.90539}},
        {"type": "contacts", "contacts": [{"name": {"formatted_name": "Chandler Bing"},
                                           "phones": [{"phone": "+1 555", "type": "CELL"}]}]},
        {"type": "order", "order": {"catalog_id": "354", "text": "", "product_items": [
            {"product_retailer_id": "SODA", "quantity": 2, "item_price": 10, "currency": "ILS"}]}},
        {"type": "unknown", "errors": [{"code": 131051, "details": "not supported", "title": "x"}]},
        {"type": "interactive"},  # Meta could not read the shopper's tap (value.errors says why)
    ],
)  # fmt: skip
def test_media_and_other_messages_are_kept_as_other(message: dict[str, Any]) -> None:
    [inbound] = messages({**BASE, **message}).inbound
    assert inbound.kind is InboundKind.OTHER and inbound.meta_type == message["type"]


@pytest.mark.parametrize(
    ("message", "ignored"),
    [
        ({"type": "edit", "edit": {"original_message_id": "wamid.O",
                                   "message": {"type": "text", "text": {"body": "hi"}}}}, "message:edit"),
        ({"type": "revoke", "revoke": {"original_message_id": "wamid.O"}}, "message:revoke"),
        ({"type": "system", "system": {"body": "changed number", "wa_id": "16505550000",
                                       "type": "user_changed_number"}}, "message:system"),
        ({"type": "interactive", "interactive": {"type": "nfm_reply", "nfm_reply": {
            "response_json": "{\"flow_token\": \"t\"}", "body": "Sent", "name": "flow"}}},
         "message:flow_completion"),
    ],
)  # fmt: skip
def test_edits_deletions_system_notes_and_flow_completions_are_ignored(
    message: dict[str, Any], ignored: str
) -> None:
    received = messages({**BASE, **message}, contacts=[])
    assert received.inbound == [] and received.ignored == [ignored]


def test_statuses_with_and_without_conversation_pricing_and_errors() -> None:
    received = statuses(
        {"id": "wamid.A", "status": "sent", "timestamp": "1698266945", "recipient_id": "16505551234",
         "biz_opaque_callback_data": "msg-1",
         "conversation": {"id": "c1", "expiration_timestamp": 1669233778, "origin": {"type": "service"}},
         "pricing": {"billable": True, "pricing_model": "PMP", "type": "regular", "category": "utility"}},
        {"id": "wamid.A", "status": "read", "timestamp": 1674914356, "recipient_id": 16505551234},
        {"id": "wamid.B", "status": "failed", "timestamp": "1689380458", "recipient_id": "16505551234",
         "errors": [{"code": "130472", "title": "User's number is part of an experiment",
                     "message": "User's number is part of an experiment",
                     "error_data": {"details": "experiment"}, "href": "https://developers.example"}]},
        {"id": "wamid.C", "status": "failed", "timestamp": "1674912647", "recipient_id": "16505551234",
         "errors": [{"code": 131053, "title": "ERROR_TITLE"}]},
    )  # fmt: skip
    sent, read, experiment, media = received.statuses
    assert (sent.status, sent.callback_data, sent.customer_phone) == (
        "sent",
        "msg-1",
        "16505551234",
    )
    assert (read.status, read.customer_phone, read.at.timestamp()) == ("read", "16505551234",
                                                                       1674914356)  # fmt: skip
    assert [(e.code, e.details) for e in experiment.errors] == [(130472, "experiment")]
    assert [(e.code, e.title, e.details) for e in media.errors] == [(131053, "ERROR_TITLE", None)]


def test_played_deleted_and_group_statuses_are_ignored() -> None:
    received = statuses(
        {"id": "wamid.A", "status": "played", "timestamp": "1", "recipient_id": "16505551234"},
        {"id": "wamid.B", "status": "deleted", "timestamp": "1", "recipient_id": "16505551234"},
        {"id": "wamid.C", "status": "read", "timestamp": "1", "recipient_id": "grp1",
         "recipient_type": "group", "recipient_participant_id": "16505551234"},
    )  # fmt: skip
    assert received.statuses == []
    assert received.ignored == ["status:played", "status:deleted", "status:group"]


def test_template_review_results_with_entry_time_ids_as_ints_and_category() -> None:
    received = read_webhook(envelope(
        {"event": "REJECTED", "message_template_id": 1689556908129835,
         "message_template_name": "sauda_cod_confirmation", "message_template_language": "en",
         "reason": "INVALID_FORMAT", "message_template_category": "UTILITY",
         "rejection_info": {"reason": "params side by side", "recommendation": "separate them"}},
        field="message_template_status_update", time=1751247548,
    ))  # fmt: skip
    [review] = received.templates
    assert (review.waba_id, review.name, review.language, review.status, review.reason) == (
        "WABA1", "sauda_cod_confirmation", "en", "REJECTED", "INVALID_FORMAT")  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("template_category_update", {"message_template_id": 12345678, "new_category": "MARKETING",
                                      "message_template_name": "t", "message_template_language": "he"}),
        ("message_template_quality_update", {"previous_quality_score": "GREEN",
                                             "new_quality_score": "YELLOW", "message_template_id": 8}),
        ("account_update", {"event": "VERIFIED_ACCOUNT"}),
    ],
)  # fmt: skip
def test_changes_sauda_does_not_act_on_are_ignored(field: str, value: dict[str, Any]) -> None:
    received = read_webhook(envelope(value, field=field, time=1750344882))
    assert received.templates == [] and received.ignored == [f"field:{field}"]


def preferences(*items: dict[str, Any]) -> Received:
    return read_webhook(envelope(
        {"messaging_product": "whatsapp", "metadata": NUMBER, "contacts": [SHOPPER],
         "user_preferences": list(items)},
        field="user_preferences",
    ))  # fmt: skip


def test_marketing_preferences_are_opt_outs_and_opt_ins() -> None:
    received = preferences(
        {"wa_id": "16505551234", "detail": "User requested to stop marketing messages",
         "category": "marketing_messages", "value": "stop", "timestamp": 1731705721},
        {"wa_id": "16505551234", "detail": "User requested to resume marketing messages",
         "category": "marketing_messages", "value": "resume", "timestamp": "1731705722"},
        {"wa_id": 16505551234, "detail": "User signed up via signup link",
         "category": "marketing_messages", "value": "signup", "signup_id": "1317", "timestamp": 1731705723},
        {"wa_id": "16505551234", "category": "something_else", "value": "stop", "timestamp": 1},
    )  # fmt: skip
    assert [(p.phone_number_id, p.body.customer_phone, p.body.opted_out, p.body.wamid)
            for p in received.preferences] == [
        ("1065", "16505551234", True, None),
        ("1065", "16505551234", False, None),
        ("1065", "16505551234", False, None),
    ]  # fmt: skip
    assert received.preferences[0].body.at.timestamp() == 1731705721
    assert received.ignored == ["user_preferences:something_else:stop"]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"object": "page", "entry": [{"id": "1", "changes": []}]},
        {"object": "whatsapp_business_account", "entry": "not a list"},
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": None}]}]},
        {"object": "whatsapp_business_account", "entry": [None, 3, {"changes": [7, "x"]}]},
        envelope({"metadata": "nope", "messages": [{"id": "wamid.X"}]}),
        envelope({"metadata": NUMBER, "messages": "x", "statuses": {"id": 1}, "contacts": 5}),
    ],
)
def test_reading_is_total_whatever_the_shape(payload: dict[str, Any]) -> None:
    received = read_webhook(payload)
    assert (received.inbound, received.statuses, received.templates) == ([], [], [])


def test_unreadable_items_are_counted_with_why_and_the_rest_read() -> None:
    received = messages(
        {"type": "text", "from": "16505551234", "text": {"body": "no id"}},
        {**BASE, "from": "not-a-phone", "type": "text", "text": {"body": "hi"}},
        {**BASE, "id": "wamid.OK", "type": "text", "text": {"body": "hi"}},
        contacts=[],
    )
    assert [m.wamid for m in received.inbound] == ["wamid.OK"]
    assert len(received.unreadable) == 2
    assert received.unreadable[0] == "message: no message id"
    assert received.unreadable[1].startswith("message: customer_phone")


def test_value_level_errors_are_kept_for_the_log() -> None:
    received = read_webhook(envelope({
        "metadata": NUMBER, "contacts": [SHOPPER],
        "messages": [{**BASE, "type": "interactive"}],
        "errors": [{"code": 131000, "title": "Something went wrong",
                    "error_data": {"details": "Unsupported webhook payload"}}],
    }))  # fmt: skip
    assert [(e.code, e.details) for e in received.errors] == [
        (131000, "Unsupported webhook payload")
    ]


def test_a_webhook_carrying_several_changes_yields_them_all_in_order() -> None:
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA1", "changes": [
            {"field": "messages", "value": {"metadata": NUMBER, "statuses": [
                {"id": "wamid.A", "status": "sent", "timestamp": "1", "recipient_id": "16505551234"}]}},
            {"field": "messages", "value": {"metadata": NUMBER, "statuses": [
                {"id": "wamid.A", "status": "delivered", "timestamp": "2", "recipient_id": "16505551234"}]}},
            {"field": "messages", "value": {"metadata": NUMBER, "messages": [
                {**BASE, "type": "text", "text": {"body": "ok"}}]}},
        ]}],
    }  # fmt: skip
    received = read_webhook(payload)
    assert [s.status for s in received.statuses] == ["sent", "delivered"]
    assert [m.text for m in received.inbound] == ["ok"]
