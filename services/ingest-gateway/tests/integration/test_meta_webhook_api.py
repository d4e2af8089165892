"""Meta's webhook deliveries, signed and posted to the gateway's real endpoint: every shape Meta
sends (as other clients' test suites record them) answers 200 and queues the records it means
on the WhatsApp topics (what the gateway's outbox holds is what reaches Kafka), or none for
what Sauda leaves alone."""

import hashlib
import hmac
from typing import Any

import asyncpg
import pytest
from structlog.testing import capture_logs

from sauda_contracts import Topic
from sauda_contracts.whatsapp import (
    ContactOptOutChanged,
    InboundKind,
    MessageStatusReported,
    TemplateStatusChanged,
)
from sauda_gateway.domain import Business
from sauda_runtime.testing import outbox_rows

from .meta_webhooks import APP_SECRET, SHOPPER, Meta, chat, contact, inbound, records

# --- inbound messages -------------------------------------------------------------------------

MSG = {"from": SHOPPER, "id": "wamid.xyzxyz", "timestamp": "1697043223"}
IMAGE = {"mime_type": "image/jpeg", "sha256": "4654+8g=", "id": "65463453"}


@pytest.mark.parametrize(
    ("message", "kind", "text", "reply_id"),
    [
        ({"type": "text", "text": {"body": "Body Text"}}, InboundKind.TEXT, "Body Text", None),
        ({"type": "text", "text": {"body": "replied text"},
          "context": {"from": "972123456789", "id": "wamid.ours=="}}, InboundKind.TEXT, "replied text", None),
        ({"type": "text", "text": {"body": "forwarded"}, "context": {"forwarded": True}},
         InboundKind.TEXT, "forwarded", None),
        ({"type": "text", "text": {"body": "many times"}, "context": {"frequently_forwarded": True}},
         InboundKind.TEXT, "many times", None),
        ({"type": "text", "text": {"body": "from an ad"},
          "referral": {"source_url": "https://fb.example/ad", "source_id": "ADID", "source_type": "ad",
                       "headline": "Sale", "body": "All lawn", "media_type": "image",
                       "image_url": "https://x.example/i.jpg", "ctwa_clid": "CTWA"}},
         InboundKind.TEXT, "from an ad", None),
        ({"type": "button", "timestamp": 1669233778, "button": {"text": "No", "payload": "No-Button-Payload"},
          "context": {"from": "15550783881", "id": "wamid.T", "forwarded": True, "frequently_forwarded": True,
                      "referred_product": {"catalog_id": "CATALOG_ID", "product_retailer_id": "PRODUCT_ID"}}},
         InboundKind.BUTTON, "No", "No-Button-Payload"),
        ({"type": "button", "from_user_id": "US.13491208655302741918",
          "button": {"payload": "callback_data", "text": "title"}}, InboundKind.BUTTON, "title", "callback_data"),
        ({"type": "interactive", "timestamp": 1669233778, "context": {"from": "1122334455667", "id": "wamid.o"},
          "interactive": {"type": "button_reply", "button_reply": {"id": "callback_data", "title": "title"}}},
         InboundKind.BUTTON_REPLY, "title", "callback_data"),
        ({"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {
            "id": "list_reply_id", "title": "list_reply_title", "description": "list_reply_description"}}},
         InboundKind.LIST_REPLY, "list_reply_title", "list_reply_id"),
        ({"type": "image", "image": {**IMAGE, "url": "https://lookaside.example/?mid=65463453"}},
         InboundKind.OTHER, None, None),
        ({"type": "image", "image": {**IMAGE, "caption": "CAPTION_TEXT"}}, InboundKind.OTHER, None, None),
        ({"type": "video", "context": {"forwarded": True},
          "video": {"caption": "caption", "mime_type": "video/mp4", "sha256": "Jh+2", "id": "765756756"}},
         InboundKind.OTHER, None, None),
        ({"type": "document", "document": {"caption": "caption", "filename": "filename.pdf",
                                           "mime_type": "application/pdf", "sha256": "g", "id": "1234"}},
         InboundKind.OTHER, None, None),
        ({"type": "audio", "audio": {"mime_type": "audio/ogg; codecs=opus", "sha256": "E3", "id": "1",
                                     "voice": True}}, InboundKind.OTHER, None, None),
        ({"type": "sticker", "sticker": {"mime_type": "image/webp", "sha256": "Om", "id": "1",
                                         "animated": True}}, InboundKind.OTHER, None, None),
        ({"type": "reaction", "reaction": {"message_id": "wamid.yzxyzx=", "emoji": "\U0001f62e"}},
         InboundKind.OTHER, None, None),
        ({"type": "reaction", "reaction": {"message_id": "wamid.yzxyzx="}}, InboundKind.OTHER, None, None),
        ({"type": "location", "context": {"forwarded": True},
          "location": {"latitude": 37.4611978, "longitude": -122.2164385, "name": "Facebook HQ",
                       "address": "1 Hacker Way, Menlo Park, CA 94025", "url": "https://maps.example"}},
         InboundKind.OTHER, None, None),
        ({"type": "contacts", "contacts": [
            {"name": {"first_name": "Chandler", "last_name": "Bing", "formatted_name": "Chandler Bing"},
             "phones": [{"phone": "+1 555-555-5555", "wa_id": SHOPPER, "type": "CELL"}],
             "addresses": [{"city": "Lahore", "type": "HOME"}], "birthday": "1989-03-16",
             "emails": [{"email": "c@example.com", "type": "WORK"}], "org": {"company": "C"},
             "urls": [{"url": "https://c.example", "type": "WORK"}]}]}, InboundKind.OTHER, None, None),
        ({"type": "order", "order": {"catalog_id": "354160437058781", "text": "", "product_items": [
            {"product_retailer_id": "HAMBURGER", "quantity": 3, "item_price": 30, "currency": "ILS"},
            {"product_retailer_id": "SODA", "quantity": "2", "item_price": "10", "currency": "ILS"}]}},
         InboundKind.OTHER, None, None),
        ({"type": "unsupported", "unsupported": {"type": "poll"},
          "errors": [{"code": 131051, "title": "Message type unknown", "message": "Message type unknown",
                      "error_data": {"details": "Message type is currently not supported."}}]},
         InboundKind.OTHER, None, None),
        ({"type": "unknown", "errors": [{"code": 131051, "details": "not supported", "title": "Unsupported"}]},
         InboundKind.OTHER, None, None),
    ],
)  # fmt: skip
async def test_every_inbound_shape_is_queued_for_its_chat(
    meta: Meta, pool: asyncpg.Pool, business: tuple[Business, str],
    message: dict[str, Any], kind: InboundKind, text: str | None, reply_id: str | None,
) -> None:  # fmt: skip
    await meta.messages({**MSG, **message})
    [(key, record)] = await records(pool, Topic.WHATSAPP_INBOUND)
    body = record.body
    assert key == chat(business) and record.business_id == business[0].business_id
    assert (body.kind, body.text, body.reply_id) == (kind, text, reply_id)
    assert (body.customer_phone, body.profile_name, body.wamid) == (SHOPPER, "Test Name",
                                                                    "wamid.xyzxyz")  # fmt: skip
    assert body.meta_type == message["type"] and body.phone_number_id == meta.number
    assert body.sent_at.timestamp() == int(message.get("timestamp", MSG["timestamp"]))


async def test_a_tap_meta_could_not_read_is_kept_and_its_error_logged(
    meta: Meta, pool: asyncpg.Pool
) -> None:
    value = meta.value(
        contacts=[contact()],
        messages=[{**MSG, "type": "interactive", "context": {"from": "972123456789", "id": "wamid.g"}}],
        errors=[{"code": 131000, "title": "Something went wrong", "message": "Something went wrong",
                 "error_data": {"details": "Unsupported webhook payload"}}],
    )  # fmt: skip
    with capture_logs() as logs:
        await meta.delivers(meta.envelope(("messages", value)))
    [record] = await inbound(pool)
    assert record.body.kind is InboundKind.OTHER
    assert [(e["code"], e["details"]) for e in logs if e["event"] == "webhook_meta_error"] == [
        (131000, "Unsupported webhook payload")
    ]


async def test_several_changes_in_one_post_are_queued_in_order(
    meta: Meta, pool: asyncpg.Pool
) -> None:
    first = meta.value(
        contacts=[contact()],
        messages=[{**MSG, "id": "wamid.1", "type": "text", "text": {"body": "MESSAGE_BODY"}}],
    )
    second = meta.value(contacts=[contact()], messages=[
        {**MSG, "id": "wamid.2", "timestamp": "1669233779", "type": "text", "text": {"body": "MESSAGE_BODY2"}}])  # fmt: skip
    await meta.delivers(meta.envelope(("messages", first), ("messages", second)))
    assert [r.body.text for r in await inbound(pool)] == ["MESSAGE_BODY", "MESSAGE_BODY2"]


async def test_a_contact_without_a_profile_is_read(meta: Meta, pool: asyncpg.Pool) -> None:
    await meta.messages(
        {**MSG, "type": "text", "text": {"body": "hi"}}, contacts=[{"wa_id": SHOPPER}]
    )
    [record] = await inbound(pool)
    assert (record.body.customer_phone, record.body.profile_name) == (SHOPPER, None)


IGNORED = [
    ({"type": "edit", "from": "16505551234", "edit": {
        "original_message_id": "wamid.HBgLMTQx=", "message": {"context": {"id": "M0"}, "type": "image",
        "image": {**IMAGE, "caption": "Updated image caption", "url": "https://media.example/u.jpg"}}}},
     "message:edit"),
    ({"type": "revoke", "revoke": {"original_message_id": "wamid.original"}}, "message:revoke"),
    ({"type": "system", "system": {"body": "User A changed from 972987654321 to 972912345678",
                                   "wa_id": "972912345678", "type": "user_changed_number"}}, "message:system"),
    ({"type": "system", "identity": {"acknowledged": True, "created_timestamp": "1697044706", "hash": "x"},
      "system": {"body": "User identity changed", "type": "customer_identity_changed"}}, "message:system"),
    ({"type": "interactive", "context": {"from": "972123456789", "id": "wamid.gv=="},
      "interactive": {"type": "nfm_reply", "nfm_reply": {
          "response_json": "{\"comment_text\":\"Comment Text\",\"flow_token\":\"AQAAAAACS5Fpg.\"}",
          "body": "Sent", "name": "flow"}}}, "message:flow_completion"),
    ({"type": "interactive", "interactive": {"type": "nfm_reply", "nfm_reply": {
        "response_json": "{\"delivery_rating\":\"4\"}", "body": "Sent", "name": "flow"}}},
     "message:flow_completion"),
]  # fmt: skip


@pytest.mark.parametrize(("message", "ignored"), IGNORED)
async def test_edits_deletions_system_notes_and_flow_completions_queue_nothing_and_are_logged(
    meta: Meta, pool: asyncpg.Pool, message: dict[str, Any], ignored: str
) -> None:
    with capture_logs() as logs:
        await meta.messages(
            {**MSG, **message}, contacts=[] if message["type"] == "system" else None
        )
    assert await outbox_rows(pool) == []
    [logged] = [e for e in logs if e["event"] == "webhook_items_ignored"]
    assert logged["ignored"] == {ignored: 1}


# --- statuses ---------------------------------------------------------------------------------

OUT = {"id": "wamid.OUT1", "timestamp": "1698266945", "recipient_id": SHOPPER}
CBP = {"billable": True, "pricing_model": "CBP", "category": "service"}


@pytest.mark.parametrize(
    ("status", "reported"),
    [
        ({"status": "sent", "conversation": {"id": "7270432e", "expiration_timestamp": "1698339900",
                                             "origin": {"type": "service"}}, "pricing": CBP}, "sent"),
        ({"status": "delivered", "conversation": {"id": "c", "origin": {"type": "user_initiated"}}}, "delivered"),
        ({"status": "read", "conversation": {"id": "c", "expiration_timestamp": 1669233778,
                                             "origin": {"type": "user_initiated"}}}, "read"),
        ({"status": "read"}, "read"),  # no conversation, no pricing
        ({"status": "delivered", "conversation": {"id": "c", "origin": {"type": "marketing"}},
          "pricing": {"billable": True, "pricing_model": "PMP", "type": "regular", "category": "marketing"}},
         "delivered"),
        ({"status": "delivered", "conversation": {"id": "c", "origin": {"type": "authentication"}},
          "pricing": {"billable": True, "pricing_model": "CBP", "category": "authentication"}}, "delivered"),
        ({"status": "sent", "biz_opaque_callback_data": "some data", "pricing": CBP}, "sent"),
    ],
)  # fmt: skip
async def test_every_status_shape_is_queued(
    meta: Meta, pool: asyncpg.Pool, business: tuple[Business, str],
    status: dict[str, Any], reported: str,
) -> None:  # fmt: skip
    await meta.statuses({**OUT, **status}, contacts=[contact()])
    [(key, record)] = await records(pool, Topic.WHATSAPP_STATUS)
    assert isinstance(record, MessageStatusReported) and key == chat(business)
    body = record.body
    assert (body.wamid, body.status, body.customer_phone, body.errors) == ("wamid.OUT1", reported,
                                                                           SHOPPER, ())  # fmt: skip
    assert body.callback_data == status.get("biz_opaque_callback_data")


async def test_failed_statuses_carry_metas_codes(meta: Meta, pool: asyncpg.Pool) -> None:
    await meta.statuses(
        {**OUT, "id": "wamid.F1", "status": "failed", "errors": [
            {"code": 130472, "title": "User's number is part of an experiment",
             "message": "User's number is part of an experiment",
             "error_data": {"details": "Failed to send message because this user's phone number is part of an experiment"},
             "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]},
        {**OUT, "id": "amid.F2", "status": "failed", "errors": [{"code": "131053", "title": "ERROR_TITLE"}]},
    )  # fmt: skip
    failed = [r.body for _, r in await records(pool, Topic.WHATSAPP_STATUS)]
    assert [(b.wamid, b.status, [(e.code, e.title) for e in b.errors]) for b in failed] == [
        ("wamid.F1", "failed", [(130472, "User's number is part of an experiment")]),
        ("amid.F2", "failed", [(131053, "ERROR_TITLE")]),
    ]
    assert failed[0].errors[0].details is not None and "experiment" in failed[0].errors[0].details


async def test_played_and_group_statuses_queue_nothing(meta: Meta, pool: asyncpg.Pool) -> None:
    await meta.statuses(
        {**OUT, "status": "played", "conversation": {"id": "c", "origin": {"type": "service"}}},
        {"id": "<GROUP_MESSAGE_ID>", "status": "read", "timestamp": "1698266945",
         "recipient_id": "fowefinoewcnw", "recipient_type": "group",
         "recipient_participant_id": SHOPPER, "recipient_participant_user_id": "US.123456"},
        contacts=[{"profile": {"name": "User", "username": "@user"}, "wa_id": SHOPPER}],
    )  # fmt: skip
    assert await outbox_rows(pool) == []


async def test_a_redelivered_webhook_names_the_same_events(meta: Meta, pool: asyncpg.Pool) -> None:
    """Meta retries until it gets a 200: consumers drop the repeats by event id."""
    for _ in range(2):
        await meta.statuses({**OUT, "status": "delivered"})
        await meta.messages({**MSG, "type": "text", "text": {"body": "again"}})
    statuses = [r.event_id for _, r in await records(pool, Topic.WHATSAPP_STATUS)]
    messages = [r.event_id for r in await inbound(pool)]
    assert len(statuses) == len(messages) == 2
    assert statuses[0] == statuses[1] and messages[0] == messages[1]


# --- template reviews and other changes -----------------------------------------------------


async def test_template_reviews_are_queued_for_the_wabas_business(
    meta: Meta, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    approved = {"event": "APPROVED", "message_template_id": 1689556908129832,
                "message_template_name": "order_confirmation", "message_template_language": "en_US",
                "reason": "NONE", "message_template_category": "UTILITY"}  # fmt: skip
    rejected = {"event": "REJECTED", "message_template_id": 1689556908129835,
                "message_template_name": "abandoned_cart", "message_template_language": "en",
                "reason": "INVALID_FORMAT", "message_template_category": "MARKETING",
                "rejection_info": {"reason": "side by side", "recommendation": "separate"}}  # fmt: skip
    for value in (approved, rejected):
        await meta.delivers(
            meta.envelope(("message_template_status_update", value), time=1751247548)
        )
    queued = await records(pool, Topic.WHATSAPP_STATUS)
    assert {k for k, _ in queued} == {str(business[0].business_id).encode()}
    reviews = [r.body for _, r in queued]
    assert all(isinstance(r, TemplateStatusChanged) for _, r in queued)
    assert [(b.waba_id, b.name, b.language, b.status, b.reason) for b in reviews] == [  # type: ignore[union-attr]
        (meta.waba, "order_confirmation", "en_US", "APPROVED", "NONE"),
        (meta.waba, "abandoned_cart", "en", "REJECTED", "INVALID_FORMAT"),
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("template_category_update", {"message_template_id": 12345678, "message_template_name": "t",
                                      "message_template_language": "he", "new_category": "MARKETING"}),
        ("message_template_quality_update", {"previous_quality_score": "GREEN", "new_quality_score": "YELLOW",
                                             "message_template_id": 806312974732579,
                                             "message_template_name": "welcome_template",
                                             "message_template_language": "en_US"}),
    ],
)  # fmt: skip
async def test_template_category_and_quality_updates_queue_nothing(
    meta: Meta, pool: asyncpg.Pool, field: str, value: dict[str, Any]
) -> None:
    with capture_logs() as logs:
        await meta.delivers(meta.envelope((field, value), time=1750344882))
    assert await outbox_rows(pool) == []
    assert [e["ignored"] for e in logs if e["event"] == "webhook_items_ignored"] == [
        {f"field:{field}": 1}
    ]


# --- marketing preferences --------------------------------------------------------------------


def preferences(meta: Meta, value: str, detail: str, **extra: Any) -> dict[str, Any]:
    pref = {"wa_id": SHOPPER, "detail": detail, "category": "marketing_messages", "value": value,
            "timestamp": 1731705721, **extra}  # fmt: skip
    return meta.envelope(
        ("user_preferences", meta.value(contacts=[contact()], user_preferences=[pref]))
    )


async def test_a_marketing_stop_set_in_whatsapp_is_an_opt_out_and_resume_an_opt_in(
    meta: Meta, pool: asyncpg.Pool, business: tuple[Business, str]
) -> None:
    await meta.delivers(preferences(meta, "stop", "User requested to stop marketing messages"))
    await meta.delivers(preferences(meta, "resume", "User requested to resume marketing messages"))
    await meta.delivers(
        preferences(meta, "signup", "User signed up via signup link", signup_id="13176843987434774")
    )
    queued = await records(pool, Topic.WHATSAPP_OUTBOUND)
    assert {k for k, _ in queued} == {chat(business)}
    assert all(isinstance(r, ContactOptOutChanged) for _, r in queued)
    assert [(r.body.customer_phone, r.body.opted_out, r.body.wamid) for _, r in queued] == [
        (SHOPPER, True, None), (SHOPPER, False, None), (SHOPPER, False, None)]  # fmt: skip
    assert queued[0][1].body.at.timestamp() == 1731705721


# --- refusals and strangers -------------------------------------------------------------------


async def test_a_number_sauda_does_not_know_is_acknowledged_and_queues_nothing(
    meta: Meta, pool: asyncpg.Pool
) -> None:
    meta.number = "pn-nobody-connected"
    await meta.messages({**MSG, "type": "text", "text": {"body": "hi"}})
    assert await outbox_rows(pool) == []


async def test_unicode_is_verified_on_the_escaped_bytes_meta_signs(
    meta: Meta, pool: asyncpg.Pool
) -> None:
    await meta.messages({**MSG, "type": "text", "text": {"body": "みどりいろ and J'ai mangé"}})
    [record] = await inbound(pool)
    assert record.body.text == "みどりいろ and J'ai mangé"


async def test_a_bad_signature_or_a_body_that_is_no_json_is_refused_with_a_code(
    meta: Meta, pool: asyncpg.Pool
) -> None:
    forged = await meta.post(meta.envelope(), secret="not-the-app-secret")
    assert forged.status_code == 401
    assert (forged.json()["code"], forged.json()["field"]) == ("invalid_signature",
                                                               "X-Hub-Signature-256")  # fmt: skip
    raw = b"not json"
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    garbled = await meta.http.post("/webhooks/whatsapp", content=raw,
                                   headers={"X-Hub-Signature-256": signature})  # fmt: skip
    assert garbled.status_code == 400
    assert (garbled.json()["code"], garbled.json()["field"]) == ("invalid_payload", "body")
    raw = b"[1, 2, 3]"
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    listed = await meta.http.post("/webhooks/whatsapp", content=raw,
                                  headers={"X-Hub-Signature-256": signature})  # fmt: skip
    assert listed.status_code == 400 and listed.json()["code"] == "invalid_payload"
    assert await outbox_rows(pool) == []


@pytest.mark.parametrize(
    "payload",
    [
        {"object": "page", "entry": [{"id": "1", "time": 1, "messaging": []}]},
        {"object": "whatsapp_business_account", "entry": [{"id": 102290129340398, "changes": [
            {"field": "messages", "value": {"metadata": {"phone_number_id": 1}, "messages": [7]}}]}]},
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages"}]}]},
    ],
)  # fmt: skip
async def test_shapes_sauda_cannot_use_are_still_acknowledged(
    meta: Meta, pool: asyncpg.Pool, payload: dict[str, Any]
) -> None:
    answer = await meta.post(payload)
    assert answer.status_code == 200, answer.text
    assert await outbox_rows(pool) == []
