"""A merchant's sends, decided on their own: the Graph request of each kind, the template the
book names and whether it may go, what the message log shows, and the skipped record."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from sauda_contracts.language import Language
from sauda_contracts.sends import MediaKind, MediaToSend, TemplateToSend, outbound_message_id
from sauda_contracts.whatsapp import (
    DeliveryStatus,
    MessagePurpose,
    OutboundKind,
    ReplyButton,
    SendMessageBody,
)
from sauda_notifier.domain.facts import Account
from sauda_notifier.domain.graph_requests import chat_request, template_call_request
from sauda_notifier.domain.merchant import (
    MARKETING_OPTED_OUT,
    TEMPLATE_PAUSED,
    TEMPLATE_UNUSABLE,
    TemplateFacts,
    chat_text,
    refusal_notice,
    template_ref,
    template_refusal,
)
from sauda_notifier.domain.message_log import SendState, new_chat_message

NOW = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)
BUSINESS = UUID("7d0c8a52-3a8e-4c43-9a0c-2f1e6d5b4a31")
PHONE = "923001234567"


def account() -> Account:
    return Account(business_id=BUSINESS, business_name="Chai Wala", phone_number_id="1065",
                   waba_id="1022", graph_url="http://127.0.0.1:8090", api_version="v21.0",
                   access_token="token", admin_phone=None, language=Language.EN)  # fmt: skip


def body(kind: OutboundKind, **fields: object) -> SendMessageBody:
    return SendMessageBody(message_key="api:k1", customer_phone=PHONE, kind=kind, merchant=True,
                           **fields)  # type: ignore[arg-type]  # fmt: skip


def media(kind: str, **fields: str) -> MediaToSend:
    return MediaToSend(type=MediaKind(kind), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (media("image", link="https://cdn.shop.pk/a.png", caption="New lawn"),
         {"link": "https://cdn.shop.pk/a.png", "caption": "New lawn"}),
        (media("document", id="88", filename="invoice.pdf", caption="Your invoice"),
         {"id": "88", "filename": "invoice.pdf", "caption": "Your invoice"}),
        (media("audio", link="https://cdn.shop.pk/v.ogg"), {"link": "https://cdn.shop.pk/v.ogg"}),
        (media("video", id="9"), {"id": "9"}),
        (media("sticker", link="https://cdn.shop.pk/s.webp"), {"link": "https://cdn.shop.pk/s.webp"}),
    ],
)  # fmt: skip
def test_a_media_message_is_metas_object_of_its_type(
    file: MediaToSend, expected: dict[str, str]
) -> None:
    message_id = uuid4()
    request = chat_request(body(OutboundKind.MEDIA, media=file), message_id)
    kind = file.type.value
    assert request == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": PHONE,
        "biz_opaque_callback_data": str(message_id), "type": kind, kind: expected,
    }  # fmt: skip


def test_buttons_may_be_headed_by_a_file_and_text_says_whether_to_preview() -> None:
    headed = body(OutboundKind.BUTTONS, text="Pay on delivery?", footer="Chai Wala",
                  buttons=(ReplyButton(id="yes", title="Yes"),),
                  header_media=media("document", link="https://x.pk/menu.pdf",
                                     filename="menu.pdf"))  # fmt: skip
    interactive = chat_request(headed, uuid4())["interactive"]
    assert interactive["header"] == {
        "type": "document", "document": {"link": "https://x.pk/menu.pdf", "filename": "menu.pdf"}
    }  # fmt: skip
    assert interactive["footer"] == {"text": "Chai Wala"}
    text = chat_request(body(OutboundKind.TEXT, text="https://shop.pk", preview_url=True), uuid4())
    assert text["text"] == {"body": "https://shop.pk", "preview_url": True}


def test_a_merchant_template_carries_its_header_body_and_button_parameters() -> None:
    call = TemplateToSend(
        name="eid_sale", language="en_US", body=("Ayesha", "20%"),
        header={"media": {"type": "image", "link": "https://cdn.shop.pk/eid.png"}},
        buttons=[{"index": 0, "value": "SHOP_NOW"}, {"index": 1, "sub_type": "url", "value": "eid"}],
    )  # fmt: skip
    message_id = uuid4()
    request = template_call_request(body(OutboundKind.TEMPLATE, template=call), "eid_sale",
                                    "en_US", message_id)  # fmt: skip
    assert request["type"] == "template" and request["to"] == PHONE
    assert request["biz_opaque_callback_data"] == str(message_id)
    assert request["template"] == {
        "name": "eid_sale",
        "language": {"code": "en_US"},
        "components": [
            {"type": "header", "parameters": [
                {"type": "image", "image": {"link": "https://cdn.shop.pk/eid.png"}}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Ayesha"},
                                            {"type": "text", "text": "20%"}]},
            {"type": "button", "sub_type": "quick_reply", "index": "0",
             "parameters": [{"type": "payload", "payload": "SHOP_NOW"}]},
            {"type": "button", "sub_type": "url", "index": "1",
             "parameters": [{"type": "text", "text": "eid"}]},
        ],
    }  # fmt: skip


def test_a_template_without_parameters_has_no_components() -> None:
    plain = body(OutboundKind.TEMPLATE, template=TemplateToSend(template_id="4375"))
    assert template_call_request(plain, "hello_world", "en_US", uuid4())["template"] == {
        "name": "hello_world",
        "language": {"code": "en_US"},
    }


def facts(status: str = "APPROVED", category: str | None = "UTILITY") -> TemplateFacts:
    return TemplateFacts(name="eid_sale", language="en_US", status=status, category=category,
                         template_id="4375")  # fmt: skip


BY_NAME = TemplateToSend(name="eid_sale", language="en_US")
BY_ID = TemplateToSend(template_id="4375")


def test_the_book_names_the_template_an_id_stands_for() -> None:
    assert template_ref(BY_ID, facts()) == ("eid_sale", "en_US")
    assert template_ref(BY_NAME, None) == ("eid_sale", "en_US")
    assert template_ref(BY_ID, None) is None


@pytest.mark.parametrize(
    ("call", "found", "opted_out", "code"),
    [
        (BY_NAME, facts(), False, None),
        (BY_NAME, facts(category="MARKETING"), False, None),
        (BY_NAME, facts(category="UTILITY"), True, None),
        (BY_NAME, facts(category="MARKETING"), True, MARKETING_OPTED_OUT),
        (BY_NAME, facts(status="PENDING"), False, TEMPLATE_UNUSABLE),
        (BY_NAME, facts(status="REJECTED"), False, TEMPLATE_UNUSABLE),
        (BY_NAME, facts(status="PAUSED"), False, TEMPLATE_PAUSED),
        (BY_NAME, None, True, None),  # not in the book: Meta decides (132001 if it has none)
        (BY_ID, None, False, TEMPLATE_UNUSABLE),  # an id the book does not hold: nothing to send
    ],
)
def test_only_an_approved_template_goes_and_no_marketing_after_stop(
    call: TemplateToSend, found: TemplateFacts | None, opted_out: bool, code: int | None
) -> None:
    refusal = template_refusal(call, found, opted_out=opted_out)
    assert (refusal.code if refusal else None) == code


def test_the_log_shows_what_each_kind_says() -> None:
    assert chat_text(body(OutboundKind.TEXT, text="Hi"), None) == "Hi"
    call = TemplateToSend(name="eid_sale", language="en_US", body=("Ayesha", "20%"))
    templated = body(OutboundKind.TEMPLATE, template=call)
    assert chat_text(templated, ("eid_sale", "en_US")) == "[template eid_sale (en_US)] Ayesha | 20%"
    assert chat_text(body(OutboundKind.TEMPLATE, template=BY_ID), None) == "[template id 4375 (?)]"
    shown = body(OutboundKind.MEDIA, media=media("document", id="8", filename="bill.pdf"))
    assert chat_text(shown, None) == "[document] bill.pdf"


def test_a_refused_send_is_recorded_skipped_with_its_reason_and_never_queued() -> None:
    send = body(OutboundKind.TEMPLATE, template=BY_NAME)
    reason = template_refusal(BY_NAME, facts(status="REJECTED"), opted_out=False)
    assert reason is not None
    message = new_chat_message(send, account(), correlation_id="c", now=NOW,
                               template=("eid_sale", "en_US"), refused=reason)  # fmt: skip
    assert (message.status, message.state) == (DeliveryStatus.SKIPPED, SendState.DONE)
    assert message.error == reason and message.history[0].error == reason
    assert (message.purpose, message.kind, message.template) == (
        MessagePurpose.MERCHANT, "template", "eid_sale")  # fmt: skip
    assert message.message_id == outbound_message_id(BUSINESS, "api:k1")
    notice = refusal_notice(message.message_id, PHONE, reason, "eid_sale")
    assert notice.kind.value == "template_not_approved" and "REJECTED" in notice.message
    stop = template_refusal(BY_NAME, facts(category="MARKETING"), opted_out=True)
    assert stop is not None
    assert refusal_notice(message.message_id, PHONE, stop, None).kind.value == "opted_out"


def test_a_media_message_is_logged_under_its_media_type() -> None:
    send = body(OutboundKind.MEDIA, media=media("image", link="https://x.pk/a.png"))
    message = new_chat_message(send, account(), correlation_id="c", now=NOW)
    assert (message.kind, message.status, message.text) == (
        "image", DeliveryStatus.QUEUED, "[image] https://x.pk/a.png")  # fmt: skip
    assert message.request["image"] == {"link": "https://x.pk/a.png"}
