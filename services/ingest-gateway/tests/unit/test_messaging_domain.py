"""The merchant's sends, decided on their own: the 24-hour window, the idempotency key and the
request's fingerprint, the wire message a request becomes, and Wabotick's forms read into it."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from sauda_contracts.messaging import SendMessageRequest
from sauda_contracts.wabotick import (
    SendButtonsForm,
    SendFileForm,
    SendTemplateForm,
    SendTextForm,
)
from sauda_contracts.whatsapp import MessagePurpose, OutboundKind
from sauda_gateway.domain import DomainError
from sauda_gateway.messaging.domain import (
    accepted,
    fingerprint,
    idempotency_key,
    inside_window,
    needs_window,
    send_body,
    window_refusal,
)
from sauda_gateway.wabotick import translate

NOW = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)
PHONE = "923001234567"


def request(**fields: object) -> SendMessageRequest:
    return SendMessageRequest.model_validate({"to": "0300 1234567"} | fields)


def test_the_window_is_open_for_24_hours_after_the_customers_last_message() -> None:
    assert inside_window(NOW - timedelta(hours=23, minutes=59), NOW)
    assert not inside_window(NOW - timedelta(hours=24), NOW)
    assert not inside_window(None, NOW)


def test_every_free_form_type_needs_the_window_and_a_template_does_not() -> None:
    assert [t for t in ("text", "buttons", "list", "image", "sticker") if needs_window(t)] == [
        "text", "buttons", "list", "image", "sticker"]  # fmt: skip
    assert not needs_window("template")


def test_a_refusal_outside_the_window_names_the_phone_and_the_window() -> None:
    refusal = window_refusal(PHONE, NOW - timedelta(days=2), field="to")
    assert (refusal.code, refusal.field) == ("outside_customer_window", "to")
    assert PHONE in refusal.message and "24-hour customer service window" in refusal.message
    assert "never written" in window_refusal(PHONE, None, field="to").message


def test_a_request_without_a_key_gets_a_fresh_one_and_a_bad_key_is_refused() -> None:
    fresh = UUID("00000000-0000-0000-0000-00000000abcd")
    assert idempotency_key(None, fresh) == f"auto-{fresh.hex}"
    assert idempotency_key("order-42:thanks", fresh) == "order-42:thanks"
    for bad in ("", "has space", "x" * 191, "nul\x00"):
        with pytest.raises(DomainError) as refused:
            idempotency_key(bad, fresh)
        assert refused.value.field == "Idempotency-Key"


def test_a_retry_hashes_the_same_and_another_body_does_not() -> None:
    once = fingerprint(request(type="text", text="Hi"), PHONE)
    assert fingerprint(request(type="text", text="Hi", to="+92 300 1234567"), PHONE) == once
    assert fingerprint(request(type="text", text="Hi!"), PHONE) != once


def test_a_request_becomes_the_merchants_wire_message() -> None:
    text = send_body(request(type="text", text="Hi", preview_url=True), chat=PHONE, key="k1")
    assert (text.kind, text.message_key, text.customer_phone, text.merchant, text.preview_url) == (
        OutboundKind.TEXT, "api:k1", PHONE, True, True)  # fmt: skip
    image = send_body(request(type="image", media={"link": "https://x.pk/a.png", "caption": "c"}),
                      chat=PHONE, key="k2")  # fmt: skip
    assert image.kind is OutboundKind.MEDIA and image.media is not None
    assert (image.media.type.value, image.media.caption) == ("image", "c")
    assert MessagePurpose.MERCHANT.value == "merchant"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"type": "text"}, "text"),
        ({"type": "text", "text": "Hi", "media": {"id": "1"}}, "media"),
        ({"type": "buttons", "text": "Pick"}, "buttons"),
        ({"type": "buttons", "text": "Pick", "buttons": [{"id": "a", "title": "A"},
                                                         {"id": "a", "title": "B"}]}, "buttons"),
        ({"type": "list", "text": "Pick"}, "menu"),
        ({"type": "template"}, "template"),
        ({"type": "audio", "media": {"id": "1", "caption": "no"}}, "media.caption"),
        ({"type": "image", "media": {"link": "https://x.pk/a.gif"}}, "media.link"),
        ({"type": "document"}, "media"),
    ],
)  # fmt: skip
def test_a_shape_meta_would_refuse_is_refused_naming_the_field(
    fields: dict[str, object], field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        send_body(request(**fields), chat=PHONE, key="k")
    assert (refused.value.code, refused.value.field) == ("invalid_field", field)


def test_an_answer_is_the_record_as_far_as_it_got() -> None:
    mid = UUID("00000000-0000-0000-0000-000000000001")
    assert accepted(mid, None)["status"] == "accepted"
    sent = accepted(mid, {"status": "sent", "wamid": "wamid.A", "error": None})
    assert (sent["status"], sent["wamid"]) == ("sent", "wamid.A")


# --- Wabotick's forms ---


def test_wabotick_text_and_file_forms_are_sauda_sends() -> None:
    text = translate.text_request(SendTextForm.model_validate(
        {"phone_number_id": "1", "phone_number": PHONE, "message": "Hi", "apiToken": "k"}))  # fmt: skip
    assert (text.type, text.text, text.to) == ("text", "Hi", PHONE)
    file = translate.file_request(SendFileForm.model_validate(
        {"phone_number_id": "1", "phone_number": PHONE, "media_type": "Document",
         "media_url": "https://x.pk/bill.pdf", "media_caption_text": "Your bill",
         "media_name": "bill.pdf"}))  # fmt: skip
    assert file.type == "document" and file.media is not None
    assert (file.media.link, file.media.caption, file.media.filename) == (
        "https://x.pk/bill.pdf", "Your bill", "bill.pdf")  # fmt: skip


def test_wabotick_buttons_may_be_strings_or_objects_and_a_media_header_wins() -> None:
    form = SendButtonsForm.model_validate({
        "phone_number_id": "1", "phone_number": PHONE, "message": "How will you pay?",
        "buttons": '["COD", {"id": "pay_card", "title": "Card"}]',
        "button_header_text": "Ignored", "button_footer_text": "Chai Wala",
        "media_url": "https://x.pk/menu.jpg",
    })  # fmt: skip
    sent = translate.buttons_request(form)
    assert [(b.id, b.title) for b in sent.buttons] == [("COD", "COD"), ("pay_card", "Card")]
    assert sent.header is None and sent.header_media is not None
    assert sent.header_media.type.value == "image" and sent.footer == "Chai Wala"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"buttons": "not json"}, "buttons"),
        ({"buttons": "[]"}, "buttons"),
        ({"buttons": '["a", "b", "c", "d"]'}, "buttons"),
        ({"buttons": '["a"]', "media_id": "5"}, "media_type"),
        ({"buttons": '["a"]', "media_url": "https://x.pk/a.mp3"}, "media_type"),
        ({"buttons": '[{"id": "x"}]'}, "buttons"),
    ],
)
def test_wabotick_buttons_that_cannot_be_sent_are_refused_by_their_field(
    fields: dict[str, str], field: str
) -> None:
    form = SendButtonsForm.model_validate(
        {"phone_number_id": "1", "phone_number": PHONE, "message": "Pick"} | fields
    )
    with pytest.raises(DomainError) as refused:
        translate.buttons_request(form)
    assert refused.value.field == field


def test_wabotick_templates_go_by_id_or_by_name_with_parameters() -> None:
    by_id = translate.template_request(SendTemplateForm.model_validate(
        {"phone_number_id": "1", "phone_number": PHONE, "template_id": "437509121867805"}))  # fmt: skip
    assert by_id.template is not None and by_id.template.template_id == "437509121867805"
    by_name = translate.template_request(SendTemplateForm.model_validate(
        {"phone_number_id": "1", "phone_number": PHONE, "template_name": "eid_sale",
         "language": "en", "parameters": '["Ayesha", "20%"]', "button_payloads": '["SHOP"]'}))  # fmt: skip
    assert by_name.template is not None
    assert (by_name.template.name, by_name.template.body) == ("eid_sale", ("Ayesha", "20%"))
    assert by_name.template.buttons[0].value == "SHOP"
    with pytest.raises(DomainError) as refused:
        translate.template_request(SendTemplateForm.model_validate(
            {"phone_number_id": "1", "phone_number": PHONE}))  # fmt: skip
    assert (refused.value.code, refused.value.field) == ("missing_field", "template_id")
    with pytest.raises(DomainError) as bad:
        translate.template_request(SendTemplateForm.model_validate(
            {"phone_number_id": "1", "phone_number": PHONE, "template_name": "eid_sale",
             "language": "en", "parameters": '["two\\nlines"]'}))  # fmt: skip
    assert bad.value.field == "parameters"


def test_a_form_missing_a_field_is_refused_by_its_name_and_blank_is_absent() -> None:
    with pytest.raises(DomainError) as refused:
        translate.parse(SendTextForm, {"phone_number_id": "1", "phone_number": PHONE,
                                       "message": ""})  # fmt: skip
    assert (refused.value.code, refused.value.field) == ("missing_field", "message")


def test_wabotick_times_and_statuses_read_as_the_document_writes_them() -> None:
    history = [{"status": "queued", "at": "2026-06-18T12:00:00+00:00"},
               {"status": "sent", "at": "2026-06-18T12:00:01+00:00"},
               {"status": "read", "at": "2026-06-18T17:00:02+05:00"}]  # fmt: skip
    status = translate.delivery_status({"status": "read", "history": history, "error": None})
    assert status == {"message_status": "read", "delivery_status_updated_at": "2026-06-18 12:00:02",
                      "read_time": "2026-06-18 12:00:02", "failed_time": None,
                      "failed_reason": ""}  # fmt: skip
    failed = translate.delivery_status({"status": "failed", "history": [], "updated_at": NOW,
                                        "error": {"code": 131047, "title": "Re-engagement"}})  # fmt: skip
    assert failed["failed_reason"] == "(131047) Re-engagement"
